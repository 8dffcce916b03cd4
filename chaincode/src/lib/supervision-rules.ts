import type { Context } from 'fabric-contract-api';
import type { ClaimItem } from '../models/claim';
import type { Policy } from '../models/insurance';
import type { MedicalRecord } from '../models/record';
import {
  StayEntry,
  type ClaimRuleId,
  type SupervisionParams,
  type SupervisionSeverity,
} from '../models/supervision';
import { claimIdsByIndex, distinctLines, readClaim, serviceLineKeyPrefix } from './claim-store';
import { INSURANCE_KEY_TYPES as K } from './insurance-keys';
import { compositeKey, readAllByPartialKey, scanByPartialKey, stateExists } from './ledger';
import { dateOf, dayNumber, daysBetween, timestampDaysBefore, toMinor } from './money';

/**
 * The supervision rules evaluated inside FileClaim (reference §2), with composite-key lookups only.
 * Each rule that fires gives one hit; its evidence lists every violation found.
 */
export interface RuleHit {
  ruleId: ClaimRuleId;
  severity: SupervisionSeverity;
  evidence: Record<string, unknown>;
}

export interface FilingFacts {
  claimId: string;
  record: MedicalRecord;
  policy: Policy;
  items: readonly ClaimItem[];
  params: SupervisionParams;
  /** The transaction timestamp. */
  now: string;
}

export function stayKey(ctx: Context, patient: string, admittedAt: string, recordId: string): string {
  return compositeKey(ctx, K.stay, [patient, admittedAt, recordId]);
}

/** The supervision index entry of the claimed record, or null when it is already indexed. */
export async function newStayEntry(ctx: Context, facts: FilingFacts): Promise<StayEntry | null> {
  const { record } = facts;
  if (await stateExists(ctx, stayKey(ctx, record.patientPseudonym, record.admittedAt, record.recordId))) {
    return null;
  }
  return stayOf(record, facts.claimId);
}

export async function evaluateFilingRules(ctx: Context, facts: FilingFacts): Promise<RuleHit[]> {
  const stays = (await readAllByPartialKey(ctx, K.stay, [facts.record.patientPseudonym]))
    .map((stored) => StayEntry.decode(stored))
    .filter((stay) => stay.rootRecordId !== facts.record.rootRecordId);
  const current = stayOf(facts.record, facts.claimId);
  const hits: (RuleHit | null)[] = [
    await duplicateBilling(ctx, facts),
    unitsOrPriceOverLimit(facts),
    serviceDuringStayElsewhere(facts, current, stays),
    splitHospitalisation(facts, current, stays),
    overlappingInpatientStays(facts, current, stays),
    outsideCoverageOrLate(facts),
    await excessiveFrequency(ctx, facts),
  ];
  return hits.filter((hit): hit is RuleHit => hit !== null);
}

function hit(facts: FilingFacts, ruleId: ClaimRuleId, evidence: Record<string, unknown>): RuleHit {
  return { ruleId, severity: facts.params.severities[ruleId], evidence };
}

/** R1: the same patient, hospital, service code and service date on an earlier claim that was not denied. */
async function duplicateBilling(ctx: Context, facts: FilingFacts): Promise<RuleHit | null> {
  const { record } = facts;
  const violations: Record<string, unknown>[] = [];
  for (const { serviceCode, serviceDate } of distinctLines(facts.items)) {
    const priorClaimIds: string[] = [];
    const prefix = serviceLineKeyPrefix(
      record.patientPseudonym,
      record.hospitalMspId,
      serviceCode,
      serviceDate,
    );
    for (const claimId of await claimIdsByIndex(ctx, K.claimServiceLine, prefix)) {
      const prior = await readClaim(ctx, claimId);
      if (prior !== undefined && prior.status !== 'denied') {
        priorClaimIds.push(claimId);
      }
    }
    if (priorClaimIds.length > 0) {
      violations.push({ serviceCode, serviceDate, priorClaimIds });
    }
  }
  return violations.length === 0 ? null : hit(facts, 'R1', { violations });
}

/** R3: units of one service code on one day, or a unit price, above the regulator's table. */
function unitsOrPriceOverLimit(facts: FilingFacts): RuleHit | null {
  const limits = new Map(facts.params.serviceLimits.map((row) => [row.serviceCode, row]));
  const violations: Record<string, unknown>[] = [];
  for (const { serviceCode, serviceDate } of distinctLines(facts.items)) {
    const limit = limits.get(serviceCode);
    const units = facts.items
      .filter((item) => item.serviceCode === serviceCode && item.serviceDate === serviceDate)
      .reduce((sum, item) => sum + item.quantity, 0);
    if (limit !== undefined && units > limit.maxUnitsPerDay) {
      violations.push({
        kind: 'units',
        serviceCode,
        serviceDate,
        units,
        maxUnitsPerDay: limit.maxUnitsPerDay,
      });
    }
  }
  for (const item of facts.items) {
    const limit = limits.get(item.serviceCode);
    if (limit !== undefined && toMinor(item.unitPrice) > toMinor(limit.maxUnitPrice)) {
      violations.push({
        kind: 'unitPrice',
        sequence: item.sequence,
        serviceCode: item.serviceCode,
        unitPrice: item.unitPrice,
        maxUnitPrice: limit.maxUnitPrice,
      });
    }
  }
  return violations.length === 0 ? null : hit(facts, 'R3', { violations });
}

/** R5 (hanging bed): an outpatient or emergency encounter at another hospital during an inpatient stay. */
function serviceDuringStayElsewhere(
  facts: FilingFacts,
  current: StayEntry,
  stays: StayEntry[],
): RuleHit | null {
  const conflicts = stays
    .filter((other) => other.hospitalMspId !== current.hospitalMspId)
    .filter((other) => {
      const [stay, visit] = current.encounterType === 'inpatient' ? [current, other] : [other, current];
      return (
        stay.encounterType === 'inpatient' &&
        visit.encounterType !== 'inpatient' &&
        stay.admittedAt <= visit.admittedAt &&
        visit.admittedAt < stay.dischargedAt
      );
    });
  return conflicts.length === 0
    ? null
    : hit(facts, 'R5', {
        recordId: current.recordId,
        encounterType: current.encounterType,
        conflicts: conflicts.map(stayEvidence),
      });
}

/** R6 (split hospitalisation): a non-emergency inpatient readmission within N days with the same diagnosis tag. */
function splitHospitalisation(facts: FilingFacts, current: StayEntry, stays: StayEntry[]): RuleHit | null {
  const window = facts.params.readmissionWindowDays;
  const readmissions = stays
    .filter((other) => other.encounterType === 'inpatient' && current.encounterType === 'inpatient')
    .filter((other) => other.diagnosisTag === current.diagnosisTag)
    .map((other) => {
      const [earlier, later] = other.admittedAt <= current.admittedAt ? [other, current] : [current, other];
      return { earlier, later, gapDays: daysBetween(earlier.dischargedAt, later.admittedAt) };
    })
    .filter(({ gapDays }) => gapDays >= 0 && gapDays <= window);
  return readmissions.length === 0
    ? null
    : hit(facts, 'R6', {
        readmissionWindowDays: window,
        readmissions: readmissions.map(({ earlier, later, gapDays }) => ({
          dischargedRecordId: earlier.recordId,
          dischargedAt: earlier.dischargedAt,
          readmittedRecordId: later.recordId,
          readmittedAt: later.admittedAt,
          gapDays: Math.floor(gapDays),
          hospitals: [earlier.hospitalMspId, later.hospitalMspId],
        })),
      });
}

/** R7: overlapping inpatient stays of one patient at two hospitals. */
function overlappingInpatientStays(
  facts: FilingFacts,
  current: StayEntry,
  stays: StayEntry[],
): RuleHit | null {
  if (current.encounterType !== 'inpatient') {
    return null;
  }
  const overlaps = stays.filter(
    (other) =>
      other.encounterType === 'inpatient' &&
      other.hospitalMspId !== current.hospitalMspId &&
      other.admittedAt < current.dischargedAt &&
      current.admittedAt < other.dischargedAt,
  );
  return overlaps.length === 0
    ? null
    : hit(facts, 'R7', {
        recordId: current.recordId,
        admittedAt: current.admittedAt,
        dischargedAt: current.dischargedAt,
        overlaps: overlaps.map(stayEvidence),
      });
}

/** R8: a service date outside the policy period, or a claim filed after the filing deadline. */
function outsideCoverageOrLate(facts: FilingFacts): RuleHit | null {
  const { policy, params } = facts;
  const today = dayNumber(dateOf(facts.now));
  const violations: Record<string, unknown>[] = [];
  for (const item of facts.items) {
    if (item.serviceDate < policy.periodStart || item.serviceDate > policy.periodEnd) {
      violations.push({
        kind: 'outsideCoveragePeriod',
        sequence: item.sequence,
        serviceDate: item.serviceDate,
        periodStart: policy.periodStart,
        periodEnd: policy.periodEnd,
      });
    }
    const age = today - dayNumber(item.serviceDate);
    if (age > params.filingDeadlineDays) {
      violations.push({
        kind: 'filedLate',
        sequence: item.sequence,
        serviceDate: item.serviceDate,
        daysSinceService: age,
        filingDeadlineDays: params.filingDeadlineDays,
      });
    }
  }
  return violations.length === 0 ? null : hit(facts, 'R8', { violations });
}

/** R9: more than N claims of one patient (this one included) filed within the window. */
async function excessiveFrequency(ctx: Context, facts: FilingFacts): Promise<RuleHit | null> {
  const { maxClaims, windowDays } = facts.params.claimFrequency;
  const since = timestampDaysBefore(facts.now, windowDays);
  const prior = (await scanByPartialKey(ctx, K.claimByPatient, [facts.record.patientPseudonym]))
    .map(({ attributes }) => ({ filedAt: attributes[1] ?? '', claimId: attributes[2] ?? '' }))
    .filter(({ filedAt }) => filedAt >= since);
  const count = prior.length + 1;
  return count <= maxClaims
    ? null
    : hit(facts, 'R9', {
        claimsInWindow: count,
        maxClaims,
        windowDays,
        windowStart: since,
        priorClaimIds: prior.map(({ claimId }) => claimId),
      });
}

function stayOf(record: MedicalRecord, claimId: string): StayEntry {
  return new StayEntry({
    recordId: record.recordId,
    rootRecordId: record.rootRecordId,
    patientPseudonym: record.patientPseudonym,
    hospitalMspId: record.hospitalMspId,
    encounterType: record.encounterType,
    admittedAt: record.admittedAt,
    dischargedAt: record.dischargedAt,
    diagnosisTag: record.diagnosisTag,
    firstClaimId: claimId,
  });
}

function stayEvidence(stay: StayEntry): Record<string, unknown> {
  return {
    recordId: stay.recordId,
    hospitalMspId: stay.hospitalMspId,
    encounterType: stay.encounterType,
    admittedAt: stay.admittedAt,
    dischargedAt: stay.dischargedAt,
    firstClaimId: stay.firstClaimId,
  };
}
