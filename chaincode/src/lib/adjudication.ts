import { ItemAdjudication, type ClaimItem, type ClaimOutcome, type ReasonCode } from '../models/claim';
import type { ClaimTerms } from '../models/claim';
import { BenefitUsage } from '../models/insurance';
import { parseDecimalBigInt } from './claim-crypto';
import type { PolicyRef } from './insurance-store';
import { fromMinor, maxBig, minBig, policyYearOf, toMinor } from './money';

/** The modulus n a claim's e is encrypted under, from its terms. */
export function modulusOfTerms(terms: ClaimTerms): bigint {
  return parseDecimalBigInt(terms.claimKeyModulus, 'claim.terms.claimKeyModulus');
}

/**
 * Per-item adjudication (ClaimResponse.item.adjudication) from the verified coverage bit, the policy
 * period and the patient's deductible and annual limit usage per policy year. Pure and integer-only.
 */
export interface AdjudicationResult {
  items: ItemAdjudication[];
  outcome: ClaimOutcome;
  reasonCode: ReasonCode | null;
  totals: {
    submitted: bigint;
    eligible: bigint;
    deductible: bigint;
    copay: bigint;
    overLimit: bigint;
    benefit: bigint;
  };
  /** Usage records changed by this claim, by policy year. */
  usage: BenefitUsage[];
}

/** When items fail for different reasons, the claim-level reason is the first of these. */
const REASON_PRECEDENCE: readonly ReasonCode[] = [
  'NOT_COVERED',
  'OUTSIDE_COVERAGE_PERIOD',
  'ANNUAL_LIMIT_REACHED',
];
const BASIS_POINTS = 10_000n;

export function policyYearsOf(terms: ClaimTerms, items: readonly ClaimItem[]): number[] {
  const years = items
    .filter(
      (item) => item.serviceDate >= terms.policyPeriodStart && item.serviceDate <= terms.policyPeriodEnd,
    )
    .map((item) => policyYearOf(terms.policyPeriodStart, item.serviceDate));
  return [...new Set(years)].sort((left, right) => left - right);
}

export function adjudicateItems(input: {
  covered: boolean;
  items: readonly ClaimItem[];
  policy: PolicyRef;
  terms: ClaimTerms;
  usage: ReadonlyMap<number, BenefitUsage>;
  now: string;
}): AdjudicationResult {
  const { policy, terms } = input;
  const deductible = toMinor(terms.deductible);
  const annualLimit = toMinor(terms.annualLimit);
  const patientShare = BigInt(terms.coinsuranceBps);
  const usage = new Map<number, { deductibleMet: bigint; benefitUsed: bigint; claims: number }>();
  const zero = { submitted: 0n, eligible: 0n, deductible: 0n, copay: 0n, overLimit: 0n, benefit: 0n };
  const totals = { ...zero };
  const items: ItemAdjudication[] = [];

  for (const item of [...input.items].sort((left, right) => left.sequence - right.sequence)) {
    const submitted = toMinor(item.net);
    const inPeriod = item.serviceDate >= terms.policyPeriodStart && item.serviceDate <= terms.policyPeriodEnd;
    const policyYear = inPeriod ? policyYearOf(terms.policyPeriodStart, item.serviceDate) : -1;
    const amounts = { ...zero, submitted };
    let reasonCode: ReasonCode | null = null;
    if (!input.covered) {
      reasonCode = 'NOT_COVERED';
    } else if (!inPeriod) {
      reasonCode = 'OUTSIDE_COVERAGE_PERIOD';
    } else {
      const stored = input.usage.get(policyYear);
      const year = usage.get(policyYear) ?? {
        deductibleMet: toMinor(stored?.deductibleMet ?? '0'),
        benefitUsed: toMinor(stored?.benefitUsed ?? '0'),
        claims: (stored?.claimCount ?? 0) + 1,
      };
      amounts.eligible = submitted;
      const remainingDeductible = maxBig(deductible - year.deductibleMet, 0n);
      amounts.deductible = minBig(amounts.eligible, remainingDeductible);
      year.deductibleMet += amounts.deductible;
      const afterDeductible = amounts.eligible - amounts.deductible;
      // The insurer's share is rounded down: the patient carries the rounding.
      const insurerShare = (afterDeductible * (BASIS_POINTS - patientShare)) / BASIS_POINTS;
      amounts.copay = afterDeductible - insurerShare;
      const remainingLimit = maxBig(annualLimit - year.benefitUsed, 0n);
      amounts.benefit = minBig(insurerShare, remainingLimit);
      amounts.overLimit = insurerShare - amounts.benefit;
      year.benefitUsed += amounts.benefit;
      usage.set(policyYear, year);
      if (amounts.overLimit > 0n) {
        reasonCode = 'ANNUAL_LIMIT_REACHED';
      }
    }
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) {
      totals[key] += amounts[key];
    }
    items.push(
      new ItemAdjudication({
        sequence: item.sequence,
        submitted: fromMinor(amounts.submitted),
        eligible: fromMinor(amounts.eligible),
        deductible: fromMinor(amounts.deductible),
        copay: fromMinor(amounts.copay),
        overLimit: fromMinor(amounts.overLimit),
        benefit: fromMinor(amounts.benefit),
        policyYear,
        reasonCode,
      }),
    );
  }

  const reasons = new Set(
    items.map((item) => item.reasonCode).filter((code): code is ReasonCode => code !== null),
  );
  const reasonCode = REASON_PRECEDENCE.find((code) => reasons.has(code)) ?? null;
  let outcome: ClaimOutcome = 'approved';
  if (reasonCode !== null) {
    outcome = totals.benefit > 0n ? 'partial' : 'denied';
  }
  return {
    items,
    outcome,
    reasonCode,
    totals,
    usage: [...usage.entries()]
      .sort(([left], [right]) => left - right)
      .map(
        ([policyYear, year]) =>
          new BenefitUsage({
            policyId: policy.policyId,
            patientPseudonym: policy.patientPseudonym,
            policyYear,
            deductibleMet: fromMinor(year.deductibleMet),
            benefitUsed: fromMinor(year.benefitUsed),
            claimCount: year.claims,
            updatedAt: input.now,
          }),
      ),
  };
}
