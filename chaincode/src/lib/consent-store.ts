import type { Context } from 'fabric-contract-api';
import { Consent, type ConsentStatus, type Purpose } from '../models/consent';
import type { MemberKind } from '../models/consortium';
import type { MedicalRecord } from '../models/record';
import type { Role } from './caller';
import { StateConflictError } from './errors';
import { compositeKey, KEY_TYPES, readState, scanByPartialKey, writeIndexEntry, writeState } from './ledger';
import type { MemberCaller } from './membership';

/**
 * Who may ask for which purpose (FHIR PurposeOfUse reduced to four): each requesting role has one
 * purpose and the organisation kinds it may belong to. Checked at request time and again at access.
 */
export const REQUESTER_RULES: Readonly<
  Partial<Record<Role, { purpose: Purpose; orgKinds: readonly MemberKind[] }>>
> = {
  doctor: { purpose: 'treatment', orgKinds: ['hospital'] },
  adjuster: { purpose: 'payment', orgKinds: ['insurer'] },
  researcher: { purpose: 'research', orgKinds: ['hospital', 'insurer', 'regulator'] },
  auditor: { purpose: 'audit', orgKinds: ['hospital', 'insurer', 'regulator'] },
};

export function consentKey(ctx: Context, consentId: string): string {
  return compositeKey(ctx, KEY_TYPES.consent, [consentId]);
}

export async function requireConsent(ctx: Context, consentId: string): Promise<Consent> {
  const stored = await readState(ctx, consentKey(ctx, consentId));
  if (stored === undefined) {
    throw new StateConflictError(`Consent ${consentId} does not exist`);
  }
  return Consent.decode(stored);
}

/** Writes a new consent with its three index entries (patient, requester, status). */
export async function insertConsent(ctx: Context, consent: Consent): Promise<void> {
  await writeState(ctx, consentKey(ctx, consent.consentId), consent);
  await writeIndexEntry(
    ctx,
    compositeKey(ctx, KEY_TYPES.consentByPatient, [consent.patientPseudonym, consent.consentId]),
  );
  await writeIndexEntry(
    ctx,
    compositeKey(ctx, KEY_TYPES.consentByRequester, [
      consent.requester.mspId,
      consent.requester.id,
      consent.consentId,
    ]),
  );
  await writeIndexEntry(ctx, statusIndexKey(ctx, consent.status, consent.consentId));
}

/** Writes a status transition and moves the consent between status index entries. */
export async function updateConsentStatus(
  ctx: Context,
  previousStatus: ConsentStatus,
  consent: Consent,
): Promise<void> {
  await writeState(ctx, consentKey(ctx, consent.consentId), consent);
  await ctx.stub.deleteState(statusIndexKey(ctx, previousStatus, consent.consentId));
  await writeIndexEntry(ctx, statusIndexKey(ctx, consent.status, consent.consentId));
}

/** Consents found through one of the index key types, in index key order. */
export async function listConsentsByIndex(
  ctx: Context,
  indexType: string,
  attributes: readonly string[],
): Promise<Consent[]> {
  const entries = await scanByPartialKey(ctx, indexType, attributes);
  const consents: Consent[] = [];
  for (const entry of entries) {
    const consentId = entry.attributes[entry.attributes.length - 1];
    if (consentId === undefined) {
      throw new StateConflictError(`Malformed ${indexType} index entry`);
    }
    consents.push(await requireConsent(ctx, consentId));
  }
  return consents;
}

/**
 * FHIR Consent evaluation at access time: null when the consent allows the caller to read the record
 * for the purpose now, otherwise why not. `lineage` is the record and its earlier versions.
 */
export function whyConsentDoesNotApply(
  consent: Consent,
  access: {
    caller: MemberCaller;
    record: MedicalRecord;
    lineage: readonly MedicalRecord[];
    purpose: Purpose;
    now: string;
  },
): string | null {
  const { caller, record, lineage, purpose, now } = access;
  if (consent.requester.mspId !== caller.mspId || consent.requester.id !== caller.id) {
    return 'granted to another identity';
  }
  if (consent.patientPseudonym !== record.patientPseudonym) {
    return 'for another patient';
  }
  if (consent.status !== 'active') {
    return `status is ${consent.status}`;
  }
  if (now < consent.periodStart) {
    return `not valid before ${consent.periodStart}`;
  }
  if (now > consent.periodEnd) {
    return `expired at ${consent.periodEnd}`;
  }
  if (consent.purpose !== purpose) {
    return `granted for ${consent.purpose}, not ${purpose}`;
  }
  const rule = caller.role === null ? undefined : REQUESTER_RULES[caller.role];
  if (rule === undefined || rule.purpose !== purpose || caller.nodeOu !== 'client') {
    return `the caller's role no longer allows ${purpose}`;
  }
  const coversId = lineage.some((version) => consent.scope.recordIds.includes(version.recordId));
  const coversType = consent.scope.recordTypes.includes(record.encounterType);
  if (!coversId && !coversType) {
    return `record ${record.recordId} (${record.encounterType}) is outside its scope`;
  }
  return null;
}

function statusIndexKey(ctx: Context, status: ConsentStatus, consentId: string): string {
  return compositeKey(ctx, KEY_TYPES.consentByStatus, [status, consentId]);
}
