import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { stableStringify } from '../lib/canonical-json';
import { adjudicateItems, modulusOfTerms, policyYearsOf } from '../lib/adjudication';
import { AdjudicationSession } from '../lib/adjudication-session';
import {
  checkDecryption,
  checkDecryptionBatch,
  checkFiledClaimDecryption,
  computeClaimCiphertext,
  parseDecimalBigInt,
  validateBlind,
  type DecryptionProof,
} from '../lib/claim-crypto';
import {
  emitClaimBatchEvent,
  emitClaimEvent,
  CLAIM_EVENT_NAMES,
  type ClaimEventName,
} from '../lib/claim-events';
import {
  claimExists,
  claimsByIndex,
  insertAlert,
  insertClaim,
  openAlert,
  requireClaim,
  updateClaim,
} from '../lib/claim-store';
import { withCryptoInput } from '../lib/crypto-input';
import { AccessDeniedError, InvalidInputError, StateConflictError } from '../lib/errors';
import { listEntriesOfAccount, memberAccountId } from '../lib/fund-ledger';
import { INSURANCE_KEY_TYPES as K } from '../lib/insurance-keys';
import { isInsurerAdjuster, isInsurerCompliance, isInsurerStaff } from '../lib/insurance-policy';
import {
  modulusOf,
  readSupervisionParams,
  requireClaimKey,
  requirePolicy,
  requireProduct,
} from '../lib/insurance-store';
import { sha256Hex, txTimestamp, writeState } from '../lib/ledger';
import { authenticateMember, type MemberCaller } from '../lib/membership';
import { dateOf, fromMinor, toMinor } from '../lib/money';
import {
  canAuthorRecords,
  describeCaller,
  isHospitalStaff,
  isPatient,
  isRegulatorSupervisor,
} from '../lib/policy';
import { encryptedDiagnosisKey, readSupersededBy, requireRecord } from '../lib/record-store';
import { evaluateFilingRules, newStayEntry, stayKey, type RuleHit } from '../lib/supervision-rules';
import {
  LIMITS,
  parseJsonArgument,
  requireArray,
  requireEnum,
  requireId,
  requireMspId,
  requireObject,
  requireText,
} from '../lib/validation';
import {
  Claim,
  ClaimAdjudication,
  ClaimItem,
  ClaimTerms,
  CLAIM_STATUSES,
  DecryptionProofRecord,
  HoldDecision,
  MAX_CLAIM_ITEMS,
} from '../models/claim';
import type { BenefitUsage } from '../models/insurance';
import { EncryptedDiagnosis } from '../models/record';
import type { SupervisionAlert } from '../models/supervision';
import { readMemberFundAccount } from './insurance';

/** The transient map key that carries the hospital's secret blind r (DESIGN §7 step 4). */
export const CLAIM_BLIND_TRANSIENT_KEY = 'claimBlind';

/**
 * Claims (FHIR Claim / ClaimResponse): filing with the encrypted eligibility check and the
 * supervision rules, verifiable adjudication, settlement in the fund ledger, and decisions on held claims.
 */
@Info({ title: 'Claims', description: 'Claim filing, verifiable adjudication and settlement' })
export class ClaimsContract extends Contract {
  constructor() {
    super('Claims');
  }

  /**
   * Files a claim for a record of the caller's hospital under a policy of the record's patient.
   * `items` is a JSON array of {serviceCode, quantity (integer), unitPrice (minor units string),
   * serviceDate (YYYY-MM-DD)}; the transient map carries `claimBlind` (r, decimal, in Z_n*). Computes
   * e = E(r·P(x)) from the record's encrypted powers, runs the supervision rules and leaves the claim
   * `filed`, or `held` when a hold-severity rule fires. Endorsed by the hospital's and regulator's peers.
   */
  @Transaction()
  @Returns('string')
  public async FileClaim(
    ctx: Context,
    claimId: string,
    recordId: string,
    policyId: string,
    items: string,
  ): Promise<string> {
    const id = requireId(claimId, 'claimId');
    const recordRef = requireId(recordId, 'recordId');
    const policyRef = requireId(policyId, 'policyId');
    const claimItems = decodeItems(items);
    const blindInput = readBlind(ctx);
    const now = txTimestamp(ctx);
    const today = dateOf(now);
    const future = claimItems.find((item) => item.serviceDate > today);
    if (future !== undefined) {
      throw new InvalidInputError(
        `items[${future.sequence - 1}].serviceDate ${future.serviceDate} is after the filing date ${today}`,
      );
    }

    const caller = await authenticateMember(ctx);
    if (caller.orgKind !== 'hospital' || !canAuthorRecords(caller, caller.mspId)) {
      throw new AccessDeniedError(
        `claims are filed by a hospital's doctors, admin-role clients or admin OU; caller: ${describeCaller(caller)}`,
      );
    }
    if (await claimExists(ctx, id)) {
      throw new StateConflictError(`Claim ${id} already exists`);
    }
    const record = await requireRecord(ctx, recordRef);
    if (record.hospitalMspId !== caller.mspId) {
      throw new AccessDeniedError(
        `record ${recordRef} belongs to ${record.hospitalMspId}; ${caller.mspId} cannot claim for it`,
      );
    }
    const supersededBy = await readSupersededBy(ctx, recordRef);
    if (supersededBy !== null) {
      throw new StateConflictError(
        `Record ${recordRef} was corrected by ${supersededBy}; file the claim against the latest version`,
      );
    }
    const policy = await requirePolicy(ctx, policyRef);
    if (policy.patientPseudonym !== record.patientPseudonym) {
      throw new StateConflictError(
        `Policy ${policyRef} covers ${policy.patientPseudonym}, but record ${recordRef} is of ${record.patientPseudonym}`,
      );
    }
    const product = await requireProduct(ctx, policy.productId);
    const key = await requireClaimKey(ctx, product.insurerMspId, product.claimKeyId);
    const powers = await readEncryptedPowers(
      ctx,
      record.encryptedDiagnosisCollection,
      recordRef,
      record.encryptedDiagnosisSha256,
    );
    if (powers.claimKeyId !== product.claimKeyId) {
      throw new StateConflictError(
        `Record ${recordRef}'s diagnosis is encrypted under claim key ${powers.claimKeyId}, but product ${product.productId} uses ${product.claimKeyId}`,
      );
    }
    const n = modulusOf(key);
    const r = withCryptoInput(`transient ${CLAIM_BLIND_TRANSIENT_KEY}`, () => validateBlind(n, blindInput));
    const e = withCryptoInput(`encrypted diagnosis of record ${recordRef}`, () =>
      computeClaimCiphertext(
        n,
        product.coverageCoefficients.map((coefficient) => BigInt(coefficient)),
        powers.ciphertexts.map((ciphertext) => BigInt(ciphertext)),
        r,
      ),
    );

    const params = await readSupervisionParams(ctx);
    const facts = { claimId: id, record, policy, items: claimItems, params, now };
    const hits = await evaluateFilingRules(ctx, facts);
    const stay = await newStayEntry(ctx, facts);
    const alerts = hits.map((ruleHit, index) =>
      newAlert(ctx, caller, ruleHit, index, {
        claimId: id,
        record,
        insurerMspId: policy.insurerMspId,
        paramsVersion: params.version,
        now,
      }),
    );
    const held = alerts.some((alert) => alert.severity === 'hold');
    const claim = new Claim({
      claimId: id,
      recordId: recordRef,
      patientPseudonym: record.patientPseudonym,
      hospitalMspId: record.hospitalMspId,
      insurerMspId: policy.insurerMspId,
      policyId: policyRef,
      productId: product.productId,
      claimKeyId: product.claimKeyId,
      items: claimItems,
      totalSubmitted: fromMinor(claimItems.reduce((sum, item) => sum + toMinor(item.net), 0n)),
      encryptedEligibility: e.toString(10),
      terms: ClaimTerms.of(key, policy, product),
      status: held ? 'held' : 'filed',
      alertIds: alerts.map((alert) => alert.alertId),
      filedAt: now,
      filedBy: caller.id,
      txId: ctx.stub.getTxID(),
      holdDecisions: [],
      adjudication: null,
      settlement: null,
      updatedAt: now,
    });

    await insertClaim(ctx, claim);
    for (const alert of alerts) {
      await insertAlert(ctx, alert);
    }
    if (stay !== null) {
      await writeState(ctx, stayKey(ctx, stay.patientPseudonym, stay.admittedAt, stay.recordId), stay);
    }
    emitClaimEvent(ctx, held ? CLAIM_EVENT_NAMES.claimHeld : CLAIM_EVENT_NAMES.claimFiled, {
      ...claimEventBody(claim),
      alerts: alerts.map(alertEventBody),
    });
    return stableStringify(claim);
  }

  /**
   * The insurer's verifiable decryption of the claim's e: m and ρ as decimal strings (DESIGN §7
   * step 5). Covered ⇔ m = 0; then the policy period, deductible, coinsurance and annual limit give
   * the per-item adjudication, and the benefit is settled from the insurer's fund to the hospital
   * (`paid`), or left `payable` with a FUND_SHORT alert when the fund is short. Insurer adjusters and
   * admins; endorsed by the insurer's and regulator's peers. A held claim must be released first.
   */
  @Transaction()
  @Returns('string')
  public async AdjudicateClaim(ctx: Context, claimId: string, m: string, rho: string): Promise<string> {
    const id = requireId(claimId, 'claimId');
    const proof = parseProofArguments(m, rho, 'decryption proof');
    const caller = await authenticateMember(ctx);
    const session = new AdjudicationSession(ctx, caller, txTimestamp(ctx));
    const claim = await requireAdjudicableClaim(ctx, caller, id);
    const terms = await session.termsOf(claim);
    const verdict = checkFiledClaimDecryption(
      modulusOfTerms(terms),
      BigInt(claim.encryptedEligibility),
      proof,
    );
    if (!verdict.valid) {
      throw new InvalidInputError(`decryption proof rejected for claim ${id}: ${verdict.reason}`);
    }
    const decision = await decideVerifiedClaim(ctx, session, claim, terms, proof, 0);
    await session.flush();
    await recordDecision(ctx, decision);
    emitClaimEvent(ctx, decision.event, decision.eventBody);
    return stableStringify(decision.updated);
  }

  /**
   * AdjudicateClaim for 2 to 16 filed claims of the caller's insurer at once. `batch` is a JSON
   * array of {claimId, m, rho}. All proofs under one claim key are verified together with one
   * exponentiation (small-exponent batch test with hashed 128-bit coefficients; see
   * checkDecryptionBatch); then each claim is adjudicated and settled in order, exactly as
   * AdjudicateClaim would, every record written once. Any invalid entry fails the whole transaction,
   * naming the claim. One `medfabric.claims.adjudicated` event carries each claim's own event.
   */
  @Transaction()
  @Returns('string')
  public async AdjudicateClaims(ctx: Context, batch: string): Promise<string> {
    const entries = parseAdjudicationBatch(batch);
    const caller = await authenticateMember(ctx);
    const session = new AdjudicationSession(ctx, caller, txTimestamp(ctx));
    const claims: Claim[] = [];
    const terms: ClaimTerms[] = [];
    for (const entry of entries) {
      const claim = await requireAdjudicableClaim(ctx, caller, entry.claimId);
      claims.push(claim);
      terms.push(await session.termsOf(claim));
    }

    // One batch verification per claim key (an insurer may have rotated keys between claims).
    const byKey = new Map<string, number[]>();
    claims.forEach((claim, index) => {
      const group = `${claim.insurerMspId}\u0000${claim.claimKeyId}`;
      byKey.set(group, [...(byKey.get(group) ?? []), index]);
    });
    for (const indexes of byKey.values()) {
      const n = modulusOfTerms(terms[indexes[0] as number] as ClaimTerms);
      const group = indexes.map((index) => ({
        e: BigInt((claims[index] as Claim).encryptedEligibility),
        proof: (entries[index] as AdjudicationBatchEntry).proof,
      }));
      const verdict = checkDecryptionBatch(n, group);
      if (!verdict.valid) {
        throw new InvalidInputError(
          `decryption proof rejected for ${rejectedClaims(n, group, indexes, claims, verdict.index)}: ${verdict.reason}`,
        );
      }
    }

    const decisions: ClaimDecision[] = [];
    for (const [index, claim] of claims.entries()) {
      decisions.push(
        await decideVerifiedClaim(
          ctx,
          session,
          claim,
          terms[index] as ClaimTerms,
          (entries[index] as AdjudicationBatchEntry).proof,
          index,
        ),
      );
    }
    await session.flush();
    for (const decision of decisions) await recordDecision(ctx, decision);
    emitClaimBatchEvent(
      ctx,
      CLAIM_EVENT_NAMES.claimsAdjudicated,
      decisions.map((decision) => ({ name: decision.event, body: decision.eventBody })),
    );
    return stableStringify(decisions.map((decision) => decision.updated));
  }

  /** Pays a `payable` claim once the insurer's fund covers its benefit. Insurer adjusters and admins. */
  @Transaction()
  @Returns('string')
  public async SettleClaim(ctx: Context, claimId: string): Promise<string> {
    const id = requireId(claimId, 'claimId');
    const caller = await authenticateMember(ctx);
    const claim = await requireClaim(ctx, id);
    if (!isInsurerAdjuster(caller, claim.insurerMspId)) {
      throw new AccessDeniedError(
        `claim ${id} is settled by ${claim.insurerMspId}'s adjusters or admins; caller: ${describeCaller(caller)}`,
      );
    }
    if (claim.status !== 'payable' || claim.adjudication === null) {
      throw new StateConflictError(`Claim ${id} is ${claim.status}; only a payable claim can be settled`);
    }
    const session = new AdjudicationSession(ctx, caller, txTimestamp(ctx));
    const now = session.now;
    const benefit = toMinor(claim.adjudication.totalBenefit);
    const settled = await session.settle(claim, benefit);
    if (settled === null) {
      const fund = await session.insurerFund(claim.insurerMspId);
      throw new StateConflictError(
        `The fund of ${claim.insurerMspId} holds ${fund.balance}, less than the ${fromMinor(benefit)} claim ${id} needs; deposit funds first`,
      );
    }
    await session.flush();
    const updated = new Claim({ ...claim, status: 'paid', settlement: settled, updatedAt: now });
    await updateClaim(ctx, claim.status, updated);
    emitClaimEvent(ctx, CLAIM_EVENT_NAMES.claimPaid, {
      ...claimEventBody(updated),
      adjudication: adjudicationEventBody(claim.adjudication),
      settlement: settled,
      alert: null,
    });
    return stableStringify(updated);
  }

  /** A compliance officer releases a held claim for adjudication: held → filed. Alerts stay open for the regulator. */
  @Transaction()
  @Returns('string')
  public async ReleaseClaim(ctx: Context, claimId: string, reason: string): Promise<string> {
    return this.decideHeld(ctx, claimId, reason, 'released');
  }

  /** A compliance officer denies a held claim: held → denied (reason code SUPERVISION_DENIED). */
  @Transaction()
  @Returns('string')
  public async DenyHeldClaim(ctx: Context, claimId: string, reason: string): Promise<string> {
    return this.decideHeld(ctx, claimId, reason, 'denied');
  }

  /** A claim: for its hospital's staff, its insurer's staff, the regulator and the patient. */
  @Transaction(false)
  @Returns('string')
  public async GetClaim(ctx: Context, claimId: string): Promise<string> {
    const id = requireId(claimId, 'claimId');
    const caller = await authenticateMember(ctx);
    const claim = await requireClaim(ctx, id);
    if (!canReadClaim(caller, claim)) {
      throw new AccessDeniedError(
        `claim ${id} is for ${claim.hospitalMspId} staff, ${claim.insurerMspId} staff, the regulator and the patient; caller: ${describeCaller(caller)}`,
      );
    }
    return stableStringify(claim);
  }

  /** Claims in one status, in claim id order, restricted to those the caller may read. */
  @Transaction(false)
  @Returns('string')
  public async ListClaimsByStatus(ctx: Context, status: string): Promise<string> {
    const claimStatus = requireEnum(status, 'status', CLAIM_STATUSES);
    const caller = await authenticateMember(ctx);
    requireClaimReader(caller, 'claims by status');
    return stableStringify(
      (await claimsByIndex(ctx, K.claimByStatus, [claimStatus])).filter((claim) =>
        canReadClaim(caller, claim),
      ),
    );
  }

  /** A hospital's claims, oldest first, restricted to those the caller may read. */
  @Transaction(false)
  @Returns('string')
  public async ListClaimsByHospital(ctx: Context, hospitalMspId: string): Promise<string> {
    const hospital = requireMspId(hospitalMspId, 'hospitalMspId');
    const caller = await authenticateMember(ctx);
    requireClaimReader(caller, `claims of ${hospital}`);
    return stableStringify(
      (await claimsByIndex(ctx, K.claimByHospital, [hospital])).filter((claim) =>
        canReadClaim(caller, claim),
      ),
    );
  }

  /** A patient's claims, oldest first, restricted to those the caller may read (the patient sees all). */
  @Transaction(false)
  @Returns('string')
  public async ListClaimsByPatient(ctx: Context, patientPseudonym: string): Promise<string> {
    const patient = requireId(patientPseudonym, 'patientPseudonym');
    const caller = await authenticateMember(ctx);
    if (!isPatient(caller, patient)) {
      requireClaimReader(caller, `claims of ${patient}`);
    }
    return stableStringify(
      (await claimsByIndex(ctx, K.claimByPatient, [patient])).filter((claim) => canReadClaim(caller, claim)),
    );
  }

  /** A member's fund account and its journal entries, oldest first (same access as Insurance:GetFundAccount). */
  @Transaction(false)
  @Returns('string')
  public async GetFundLedger(ctx: Context, mspId: string): Promise<string> {
    const owner = requireMspId(mspId, 'mspId');
    const caller = await authenticateMember(ctx);
    const account = await readMemberFundAccount(ctx, caller, owner);
    return stableStringify({ account, entries: await listEntriesOfAccount(ctx, account.accountId) });
  }

  private async decideHeld(
    ctx: Context,
    claimId: string,
    reason: string,
    decision: 'released' | 'denied',
  ): Promise<string> {
    const id = requireId(claimId, 'claimId');
    const why = requireText(reason, 'reason', LIMITS.reasonLength);
    const caller = await authenticateMember(ctx);
    const claim = await requireClaim(ctx, id);
    if (!isInsurerCompliance(caller, claim.insurerMspId)) {
      throw new AccessDeniedError(
        `held claims of ${claim.insurerMspId} are decided by its compliance officers (role compliance) or admins; caller: ${describeCaller(caller)}`,
      );
    }
    if (claim.status !== 'held') {
      throw new StateConflictError(`Claim ${id} is ${claim.status}, not held`);
    }
    const now = txTimestamp(ctx);
    const updated = new Claim({
      ...claim,
      status: decision === 'released' ? 'filed' : 'denied',
      holdDecisions: [
        ...claim.holdDecisions,
        new HoldDecision({
          decision,
          reason: why,
          decidedAt: now,
          decidedBy: caller.id,
          decidedByMspId: caller.mspId,
          txId: ctx.stub.getTxID(),
        }),
      ],
      updatedAt: now,
    });
    await updateClaim(ctx, claim.status, updated);
    emitClaimEvent(
      ctx,
      decision === 'released' ? CLAIM_EVENT_NAMES.claimReleased : CLAIM_EVENT_NAMES.claimDenied,
      {
        ...claimEventBody(updated),
        decision,
        decidedByMspId: caller.mspId,
        reasonCode: decision === 'denied' ? 'SUPERVISION_DENIED' : null,
        adjudication: null,
        settlement: null,
        alert: null,
      },
    );
    return stableStringify(updated);
  }
}

function decodeItems(items: unknown): ClaimItem[] {
  const list = requireArray(parseJsonArgument(items, 'items'), 'items', MAX_CLAIM_ITEMS);
  if (list.length === 0) {
    throw new InvalidInputError('items must hold at least one item');
  }
  return list.map((item, index) => ClaimItem.decodeInput(item, index + 1, `items[${index}]`));
}

/** The blind r from the transient map, parsed (range and coprimality are checked against n later). */
function readBlind(ctx: Context): bigint {
  const transient = ctx.stub.getTransient().get(CLAIM_BLIND_TRANSIENT_KEY);
  if (transient === undefined || transient.length === 0) {
    throw new InvalidInputError(
      `the transient map must carry '${CLAIM_BLIND_TRANSIENT_KEY}': the secret blind r as a decimal string`,
    );
  }
  return withCryptoInput(`transient ${CLAIM_BLIND_TRANSIENT_KEY}`, () =>
    parseDecimalBigInt(Buffer.from(transient).toString('utf8'), CLAIM_BLIND_TRANSIENT_KEY),
  );
}

/** The most claims one AdjudicateClaims may carry: one proposal stays well under the argument limit. */
export const MAX_ADJUDICATION_BATCH = 16;

interface AdjudicationBatchEntry {
  claimId: string;
  proof: DecryptionProof;
}

function parseProofArguments(m: unknown, rho: unknown, field: string): DecryptionProof {
  return withCryptoInput(field, () => ({
    m: parseDecimalBigInt(m, 'm'),
    rho: parseDecimalBigInt(rho, 'rho'),
  }));
}

function parseAdjudicationBatch(batch: string): AdjudicationBatchEntry[] {
  const items = requireArray(parseJsonArgument(batch, 'batch'), 'batch', MAX_ADJUDICATION_BATCH);
  if (items.length < 2) {
    throw new InvalidInputError(`batch has ${items.length} entries; use AdjudicateClaim for a single claim`);
  }
  const seen = new Set<string>();
  return items.map((item, index) => {
    const entry = requireObject(item, `batch[${index}]`, ['claimId', 'm', 'rho']);
    const claimId = requireId(entry.claimId, `batch[${index}].claimId`);
    if (seen.has(claimId)) throw new InvalidInputError(`batch names claim ${claimId} twice`);
    seen.add(claimId);
    return { claimId, proof: parseProofArguments(entry.m, entry.rho, `batch[${index}] decryption proof`) };
  });
}

/** The claim, once the caller may adjudicate it and it is waiting for adjudication. */
async function requireAdjudicableClaim(ctx: Context, caller: MemberCaller, claimId: string): Promise<Claim> {
  const claim = await requireClaim(ctx, claimId);
  if (!isInsurerAdjuster(caller, claim.insurerMspId)) {
    throw new AccessDeniedError(
      `claim ${claimId} is adjudicated by ${claim.insurerMspId}'s adjusters or admins; caller: ${describeCaller(caller)}`,
    );
  }
  if (claim.status === 'held') {
    throw new StateConflictError(
      `Claim ${claimId} is held by supervision alerts (${claim.alertIds.join(', ')}); a compliance officer must release it first`,
    );
  }
  if (claim.status !== 'filed') {
    throw new StateConflictError(
      `Claim ${claimId} is ${claim.status}; only a filed claim can be adjudicated`,
    );
  }
  return claim;
}

/** The claims a failed batch verification is about: the one a range check named, or each failing proof. */
function rejectedClaims(
  n: bigint,
  group: readonly { e: bigint; proof: DecryptionProof }[],
  indexes: readonly number[],
  claims: readonly Claim[],
  failedIndex: number | undefined,
): string {
  const failing =
    failedIndex !== undefined
      ? [failedIndex]
      : group.flatMap(({ e, proof }, position) => (checkDecryption(n, e, proof).valid ? [] : [position]));
  const ids = failing.map((position) => (claims[indexes[position] as number] as Claim).claimId);
  return `claim${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`;
}

/** A verified claim's adjudication, settlement and event, before anything about the claim is written. */
interface ClaimDecision {
  previousStatus: Claim['status'];
  updated: Claim;
  fundAlert: SupervisionAlert | null;
  event: ClaimEventName;
  eventBody: Record<string, unknown>;
}

/**
 * Covered ⇔ m = 0; then the policy period, deductible, coinsurance and annual limit give the
 * per-item adjudication, and the benefit is settled from the insurer's fund (`paid`), or left
 * `payable` with a FUND_SHORT alert when the fund is short. `index` numbers the claims of a batch.
 */
async function decideVerifiedClaim(
  ctx: Context,
  session: AdjudicationSession,
  claim: Claim,
  terms: ClaimTerms,
  proof: DecryptionProof,
  index: number,
): Promise<ClaimDecision> {
  const covered = proof.m === 0n;
  const now = session.now;
  // The claim names its policy and patient; the terms carry the rest.
  const usage = covered
    ? await session.usageFor(claim, policyYearsOf(terms, claim.items))
    : new Map<number, BenefitUsage>();
  const result = adjudicateItems({ covered, items: claim.items, policy: claim, terms, usage, now });
  session.recordUsage(claim, result.usage);
  const adjudication = new ClaimAdjudication({
    covered,
    outcome: result.outcome,
    reasonCode: result.reasonCode,
    items: result.items,
    totalSubmitted: fromMinor(result.totals.submitted),
    totalEligible: fromMinor(result.totals.eligible),
    totalDeductible: fromMinor(result.totals.deductible),
    totalCopay: fromMinor(result.totals.copay),
    totalOverLimit: fromMinor(result.totals.overLimit),
    totalBenefit: fromMinor(result.totals.benefit),
    proof: new DecryptionProofRecord({ m: proof.m.toString(10), rho: proof.rho.toString(10) }),
    adjudicatedAt: now,
    adjudicatedBy: session.caller.id,
    txId: ctx.stub.getTxID(),
  });
  const benefit = result.totals.benefit;
  const updated = new Claim({ ...claim, adjudication, updatedAt: now });
  let fundAlert: SupervisionAlert | null = null;
  let event: ClaimEventName = CLAIM_EVENT_NAMES.claimAdjudicated;
  if (result.outcome === 'denied') {
    updated.status = 'denied';
    event = CLAIM_EVENT_NAMES.claimDenied;
  } else if (benefit === 0n) {
    updated.status = 'adjudicated';
  } else {
    const settled = await session.settle(updated, benefit);
    if (settled === null) {
      updated.status = 'payable';
      event = CLAIM_EVENT_NAMES.claimPayable;
      const fund = await session.insurerFund(claim.insurerMspId);
      fundAlert = newFundShortAlert(ctx, session.caller, updated, fund.balance, benefit, now, index + 1);
      updated.alertIds = [...claim.alertIds, fundAlert.alertId];
    } else {
      updated.status = 'paid';
      updated.settlement = settled;
      event = CLAIM_EVENT_NAMES.claimPaid;
    }
  }
  return {
    previousStatus: claim.status,
    updated,
    fundAlert,
    event,
    eventBody: {
      ...claimEventBody(updated),
      adjudication: adjudicationEventBody(adjudication),
      settlement: updated.settlement,
      alert: fundAlert === null ? null : alertEventBody(fundAlert),
    },
  };
}

async function recordDecision(ctx: Context, decision: ClaimDecision): Promise<void> {
  await updateClaim(ctx, decision.previousStatus, decision.updated);
  if (decision.fundAlert !== null) await insertAlert(ctx, decision.fundAlert);
}

/** The record's encrypted powers from the hospital–regulator collection, checked against the anchored hash. */
async function readEncryptedPowers(
  ctx: Context,
  collection: string,
  recordId: string,
  anchoredSha256: string,
): Promise<EncryptedDiagnosis> {
  const bytes = await ctx.stub.getPrivateData(collection, encryptedDiagnosisKey(ctx, recordId));
  if (bytes.length === 0) {
    throw new StateConflictError(
      `The encrypted diagnosis of record ${recordId} is not in collection ${collection} on this peer`,
    );
  }
  const actual = sha256Hex(bytes);
  if (actual !== anchoredSha256) {
    throw new StateConflictError(
      `The encrypted diagnosis of record ${recordId} does not match its anchored hash (${actual} ≠ ${anchoredSha256})`,
    );
  }
  return EncryptedDiagnosis.decode(
    parseJsonArgument(Buffer.from(bytes).toString('utf8'), 'stored encryptedDiagnosis'),
  );
}

function newAlert(
  ctx: Context,
  caller: MemberCaller,
  ruleHit: RuleHit,
  index: number,
  about: {
    claimId: string;
    record: { patientPseudonym: string; hospitalMspId: string };
    insurerMspId: string;
    paramsVersion: number;
    now: string;
  },
): SupervisionAlert {
  return openAlert(ctx, {
    ruleId: ruleHit.ruleId,
    severity: ruleHit.severity,
    evidence: ruleHit.evidence,
    ordinal: index + 1,
    claim: {
      claimId: about.claimId,
      patientPseudonym: about.record.patientPseudonym,
      hospitalMspId: about.record.hospitalMspId,
      insurerMspId: about.insurerMspId,
    },
    paramsVersion: about.paramsVersion,
    raisedAt: about.now,
    raisedBy: caller.id,
  });
}

function newFundShortAlert(
  ctx: Context,
  caller: MemberCaller,
  claim: Claim,
  balance: string,
  benefit: bigint,
  now: string,
  ordinal: number,
): SupervisionAlert {
  return openAlert(ctx, {
    ruleId: 'FUND_SHORT',
    severity: 'warn',
    evidence: { fundAccount: memberAccountId(claim.insurerMspId), balance, required: fromMinor(benefit) },
    ordinal,
    claim,
    paramsVersion: 0,
    raisedAt: now,
    raisedBy: caller.id,
  });
}

export function canReadClaim(caller: MemberCaller, claim: Claim): boolean {
  return (
    isHospitalStaff(caller, claim.hospitalMspId) ||
    isInsurerStaff(caller, claim.insurerMspId) ||
    isRegulatorSupervisor(caller) ||
    isPatient(caller, claim.patientPseudonym)
  );
}

function requireClaimReader(caller: MemberCaller, what: string): void {
  if (
    !isHospitalStaff(caller, caller.mspId) &&
    !isInsurerStaff(caller, caller.mspId) &&
    !isRegulatorSupervisor(caller)
  ) {
    throw new AccessDeniedError(
      `${what} are listed for hospital staff, insurer staff and the regulator; caller: ${describeCaller(caller)}`,
    );
  }
}

/** The claim members every claim event carries: identifiers and amounts, never e, m or ρ. */
export function claimEventBody(claim: Claim): Record<string, unknown> {
  return {
    claimId: claim.claimId,
    status: claim.status,
    recordId: claim.recordId,
    patientPseudonym: claim.patientPseudonym,
    hospitalMspId: claim.hospitalMspId,
    insurerMspId: claim.insurerMspId,
    policyId: claim.policyId,
    productId: claim.productId,
    itemCount: claim.items.length,
    totalSubmitted: claim.totalSubmitted,
  };
}

export function alertEventBody(alert: SupervisionAlert): Record<string, unknown> {
  return {
    alertId: alert.alertId,
    ruleId: alert.ruleId,
    severity: alert.severity,
    claimId: alert.claimId,
    evidence: JSON.parse(alert.evidence) as unknown,
    raisedAt: alert.raisedAt,
  };
}

function adjudicationEventBody(adjudication: ClaimAdjudication): Record<string, unknown> {
  return {
    covered: adjudication.covered,
    outcome: adjudication.outcome,
    reasonCode: adjudication.reasonCode,
    totalSubmitted: adjudication.totalSubmitted,
    totalEligible: adjudication.totalEligible,
    totalDeductible: adjudication.totalDeductible,
    totalCopay: adjudication.totalCopay,
    totalOverLimit: adjudication.totalOverLimit,
    totalBenefit: adjudication.totalBenefit,
    items: adjudication.items,
  };
}
