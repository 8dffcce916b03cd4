import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { stableStringify } from '../lib/canonical-json';
import { listConsentsByIndex, whyConsentDoesNotApply } from '../lib/consent-store';
import { AccessDeniedError } from '../lib/errors';
import { emitEvent, EVENT_NAMES } from '../lib/events';
import { compositeKey, KEY_TYPES, readAllByPartialKey, txTimestamp, writeState } from '../lib/ledger';
import { authenticateMember, requireConsortium, type MemberCaller } from '../lib/membership';
import { describeCaller, isHospitalStaff, isPatient, isRegulatorSupervisor } from '../lib/policy';
import { readSupersededBy, readVersionLineage, requireRecord } from '../lib/record-store';
import { LIMITS, requireEnum, requireId, requireText } from '../lib/validation';
import { Alert, Disclosure, type AccessBasis } from '../models/access';
import { PURPOSES, type Purpose } from '../models/consent';
import type { MedicalRecord } from '../models/record';

/**
 * Access to record pointers: consent-checked, break-glass, and the accounting of disclosures. Every
 * granted access writes a disclosure entry; a refused one writes nothing and fails.
 */
@Info({ title: 'Access', description: 'Record pointer access, break-glass access and disclosures' })
export class AccessContract extends Contract {
  constructor() {
    super('Access');
  }

  /**
   * Returns the record's location and hash when the caller is staff of the authoring hospital or holds
   * a consent that is valid now for this record and purpose; records the disclosure either way.
   */
  @Transaction()
  @Returns('string')
  public async AccessRecord(ctx: Context, recordId: string, purpose: string): Promise<string> {
    const id = requireId(recordId, 'recordId');
    const accessPurpose = requireEnum(purpose, 'purpose', PURPOSES);
    const caller = await authenticateMember(ctx);
    const record = await requireRecord(ctx, id);
    const now = txTimestamp(ctx);

    let basis: AccessBasis = 'custodian';
    let consentId: string | null = null;
    if (!isHospitalStaff(caller, record.hospitalMspId)) {
      basis = 'consent';
      consentId = await findApplicableConsent(ctx, caller, record, accessPurpose, now);
    }

    const disclosure = newDisclosure(ctx, caller, record, {
      purpose: accessPurpose,
      basis,
      consentId,
      reason: null,
      alertId: null,
      now,
    });
    await writeState(ctx, disclosureKey(ctx, disclosure), disclosure);
    emitEvent(ctx, EVENT_NAMES.accessGranted, disclosureEventBody(disclosure));
    return stableStringify(await pointerResponse(ctx, record, disclosure));
  }

  /**
   * Break-glass access for a doctor of any member hospital, without consent. Recorded as a disclosure
   * and raises a high-severity alert for the patient and the regulator.
   */
  @Transaction()
  @Returns('string')
  public async EmergencyAccess(ctx: Context, recordId: string, reason: string): Promise<string> {
    const id = requireId(recordId, 'recordId');
    const justification = requireText(reason, 'reason', LIMITS.reasonLength);
    const caller = await authenticateMember(ctx);
    if (caller.orgKind !== 'hospital' || caller.nodeOu !== 'client' || caller.role !== 'doctor') {
      throw new AccessDeniedError(
        `emergency access is for doctors of member hospitals; caller: ${describeCaller(caller)}`,
      );
    }
    const record = await requireRecord(ctx, id);
    const { regulatorMspId } = await requireConsortium(ctx);
    const now = txTimestamp(ctx);
    const txId = ctx.stub.getTxID();

    const alert = new Alert({
      alertId: txId,
      kind: 'emergency-access',
      severity: 'high',
      patientPseudonym: record.patientPseudonym,
      recordId: record.recordId,
      hospitalMspId: record.hospitalMspId,
      actorMspId: caller.mspId,
      actorId: caller.id,
      regulatorMspId,
      reason: justification,
      raisedAt: now,
    });
    const disclosure = newDisclosure(ctx, caller, record, {
      purpose: 'treatment',
      basis: 'emergency',
      consentId: null,
      reason: justification,
      alertId: alert.alertId,
      now,
    });
    await writeState(ctx, disclosureKey(ctx, disclosure), disclosure);
    await writeState(
      ctx,
      compositeKey(ctx, KEY_TYPES.alert, [alert.patientPseudonym, alert.raisedAt, alert.alertId]),
      alert,
    );
    // One event per transaction: the emergency access event carries the alert it raised.
    emitEvent(ctx, EVENT_NAMES.accessEmergency, {
      ...disclosureEventBody(disclosure),
      alert: {
        alertId: alert.alertId,
        kind: alert.kind,
        severity: alert.severity,
        regulatorMspId: alert.regulatorMspId,
      },
    });
    return stableStringify({ ...(await pointerResponse(ctx, record, disclosure)), alertId: alert.alertId });
  }

  /** The accounting of disclosures of one patient, oldest first: for the patient and the regulator. */
  @Transaction(false)
  @Returns('string')
  public async ListDisclosures(ctx: Context, patientPseudonym: string): Promise<string> {
    const patient = requireId(patientPseudonym, 'patientPseudonym');
    const caller = await authenticateMember(ctx);
    requirePatientOrRegulator(caller, patient, 'disclosures');
    const disclosures = (await readAllByPartialKey(ctx, KEY_TYPES.disclosure, [patient])).map((stored) =>
      Disclosure.decode(stored),
    );
    return stableStringify(disclosures);
  }

  /** Alerts raised about one patient's records, oldest first: for the patient and the regulator. */
  @Transaction(false)
  @Returns('string')
  public async ListAlerts(ctx: Context, patientPseudonym: string): Promise<string> {
    const patient = requireId(patientPseudonym, 'patientPseudonym');
    const caller = await authenticateMember(ctx);
    requirePatientOrRegulator(caller, patient, 'alerts');
    const alerts = (await readAllByPartialKey(ctx, KEY_TYPES.alert, [patient])).map((stored) =>
      Alert.decode(stored),
    );
    return stableStringify(alerts);
  }
}

/**
 * The first of the caller's consents (in consent id order) that covers the record now. When none
 * does, the error lists why each of the caller's consents for this patient does not apply.
 */
async function findApplicableConsent(
  ctx: Context,
  caller: MemberCaller,
  record: MedicalRecord,
  purpose: Purpose,
  now: string,
): Promise<string> {
  const consents = await listConsentsByIndex(ctx, KEY_TYPES.consentByRequester, [caller.mspId, caller.id]);
  const lineage = await readVersionLineage(ctx, record);
  const reasons: string[] = [];
  for (const consent of consents) {
    const reason = whyConsentDoesNotApply(consent, { caller, record, lineage, purpose, now });
    if (reason === null) {
      return consent.consentId;
    }
    if (consent.patientPseudonym === record.patientPseudonym) {
      reasons.push(`consent ${consent.consentId}: ${reason}`);
    }
  }
  const detail = reasons.length === 0 ? 'the caller holds no consent of this patient' : reasons.join('; ');
  throw new AccessDeniedError(
    `no valid consent of patient ${record.patientPseudonym} covers record ${record.recordId} for ${purpose} (${detail})`,
  );
}

function requirePatientOrRegulator(caller: MemberCaller, patient: string, what: string): void {
  if (!isPatient(caller, patient) && !isRegulatorSupervisor(caller)) {
    throw new AccessDeniedError(
      `${what} of ${patient} are for that patient and the regulator; caller: ${describeCaller(caller)}`,
    );
  }
}

function newDisclosure(
  ctx: Context,
  caller: MemberCaller,
  record: MedicalRecord,
  access: {
    purpose: Purpose;
    basis: AccessBasis;
    consentId: string | null;
    reason: string | null;
    alertId: string | null;
    now: string;
  },
): Disclosure {
  return new Disclosure({
    disclosureId: ctx.stub.getTxID(),
    recordId: record.recordId,
    recordVersion: record.version,
    patientPseudonym: record.patientPseudonym,
    hospitalMspId: record.hospitalMspId,
    accessorMspId: caller.mspId,
    accessorId: caller.id,
    accessorRole: caller.role,
    purpose: access.purpose,
    basis: access.basis,
    consentId: access.consentId,
    reason: access.reason,
    alertId: access.alertId,
    accessedAt: access.now,
  });
}

/** Disclosures are keyed by patient, then time, then tx id, so a patient's list comes out in time order. */
function disclosureKey(ctx: Context, disclosure: Disclosure): string {
  return compositeKey(ctx, KEY_TYPES.disclosure, [
    disclosure.patientPseudonym,
    disclosure.accessedAt,
    disclosure.disclosureId,
  ]);
}

async function pointerResponse(
  ctx: Context,
  record: MedicalRecord,
  disclosure: Disclosure,
): Promise<Record<string, unknown>> {
  return {
    recordId: record.recordId,
    version: record.version,
    patientPseudonym: record.patientPseudonym,
    hospitalMspId: record.hospitalMspId,
    encounterType: record.encounterType,
    contentLocation: record.contentLocation,
    contentSha256: record.contentSha256,
    supersededBy: await readSupersededBy(ctx, record.recordId),
    disclosureId: disclosure.disclosureId,
    basis: disclosure.basis,
    consentId: disclosure.consentId,
  };
}

/** The reason text stays in the ledger entry; events carry identifiers only. */
function disclosureEventBody(disclosure: Disclosure): Record<string, unknown> {
  return {
    disclosureId: disclosure.disclosureId,
    recordId: disclosure.recordId,
    recordVersion: disclosure.recordVersion,
    patientPseudonym: disclosure.patientPseudonym,
    hospitalMspId: disclosure.hospitalMspId,
    accessorMspId: disclosure.accessorMspId,
    accessorRole: disclosure.accessorRole,
    purpose: disclosure.purpose,
    basis: disclosure.basis,
    consentId: disclosure.consentId,
  };
}
