import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { stableStringify } from '../lib/canonical-json';
import {
  insertConsent,
  listConsentsByIndex,
  requireConsent,
  REQUESTER_RULES,
  updateConsentStatus,
} from '../lib/consent-store';
import { AccessDeniedError, InvalidInputError, StateConflictError } from '../lib/errors';
import { emitEvent, EVENT_NAMES, type EventName } from '../lib/events';
import { KEY_TYPES, txTimestamp } from '../lib/ledger';
import { authenticateMember, type MemberCaller } from '../lib/membership';
import { describeCaller, isPatient, isRegulatorSupervisor } from '../lib/policy';
import { readRecord } from '../lib/record-store';
import {
  parseJsonArgument,
  requireEnum,
  requireId,
  requireMspId,
  requireText,
  requireTimestamp,
} from '../lib/validation';
import {
  Consent,
  CONSENT_STATUSES,
  ConsentRequester,
  ConsentScope,
  PURPOSES,
  type ConsentStatus,
} from '../models/consent';

/** X.509 identity ids are long DNs; this bounds the requester id argument of ListConsentsByRequester. */
const IDENTITY_ID_LENGTH = 2048;

/** Patient consent to record access, with FHIR Consent states: proposed → active | rejected; active → inactive. */
@Info({ title: 'Consent', description: 'Patient consent (FHIR Consent semantics) to access records' })
export class ConsentContract extends Contract {
  constructor() {
    super('Consent');
  }

  /**
   * Asks a patient for access. The requester is the calling certificate identity; its role fixes the
   * purpose it may ask for (README.md). `scope` is JSON {recordIds?: string[], recordTypes?: string[]}.
   * The consent id is this transaction's id.
   */
  @Transaction()
  @Returns('string')
  public async RequestAccess(
    ctx: Context,
    patientPseudonym: string,
    purpose: string,
    scope: string,
    periodStart: string,
    periodEnd: string,
  ): Promise<string> {
    const patient = requireId(patientPseudonym, 'patientPseudonym');
    const requestedPurpose = requireEnum(purpose, 'purpose', PURPOSES);
    const requestedScope = ConsentScope.decode(parseJsonArgument(scope, 'scope'));
    const start = requireTimestamp(periodStart, 'periodStart');
    const end = requireTimestamp(periodEnd, 'periodEnd');
    if (end <= start) {
      throw new InvalidInputError(`periodEnd (${end}) must be after periodStart (${start})`);
    }
    const now = txTimestamp(ctx);
    if (end <= now) {
      throw new InvalidInputError(`periodEnd (${end}) has already passed`);
    }

    const caller = await authenticateMember(ctx);
    const rule = caller.role === null ? undefined : REQUESTER_RULES[caller.role];
    if (caller.nodeOu !== 'client' || caller.role === null || rule === undefined) {
      throw new AccessDeniedError(
        `access is requested by doctors, adjusters, researchers and auditors (client identities); caller: ${describeCaller(caller)}`,
      );
    }
    if (!rule.orgKinds.includes(caller.orgKind)) {
      throw new AccessDeniedError(`${caller.role}s of ${caller.orgKind} organisations cannot request access`);
    }
    if (rule.purpose !== requestedPurpose) {
      throw new AccessDeniedError(
        `${caller.role}s may request access for ${rule.purpose} only, not ${requestedPurpose}`,
      );
    }
    await requireScopedRecords(ctx, caller, patient, requestedScope);

    const consent = new Consent({
      consentId: ctx.stub.getTxID(),
      status: 'proposed',
      patientPseudonym: patient,
      requester: new ConsentRequester({
        mspId: caller.mspId,
        id: caller.id,
        role: caller.role,
        orgKind: caller.orgKind,
      }),
      purpose: requestedPurpose,
      scope: requestedScope,
      periodStart: start,
      periodEnd: end,
      requestedAt: now,
      approvedAt: null,
      rejectedAt: null,
      revokedAt: null,
    });
    await insertConsent(ctx, consent);
    emitEvent(ctx, EVENT_NAMES.consentRequested, consentEventBody(consent));
    return stableStringify(consent);
  }

  /** The patient approves a proposed request: proposed → active. */
  @Transaction()
  @Returns('string')
  public async ApproveAccess(ctx: Context, consentId: string): Promise<string> {
    return this.decide(ctx, consentId, {
      from: 'proposed',
      to: 'active',
      event: EVENT_NAMES.consentApproved,
      stamp: (consent, now) => {
        if (now > consent.periodEnd) {
          throw new StateConflictError(
            `Consent ${consent.consentId} cannot be approved: its period ended at ${consent.periodEnd}`,
          );
        }
        consent.approvedAt = now;
      },
    });
  }

  /** The patient declines a proposed request: proposed → rejected (terminal). */
  @Transaction()
  @Returns('string')
  public async RejectAccess(ctx: Context, consentId: string): Promise<string> {
    return this.decide(ctx, consentId, {
      from: 'proposed',
      to: 'rejected',
      event: EVENT_NAMES.consentRejected,
      stamp: (consent, now) => {
        consent.rejectedAt = now;
      },
    });
  }

  /** The patient withdraws an approved consent: active → inactive (terminal). */
  @Transaction()
  @Returns('string')
  public async RevokeAccess(ctx: Context, consentId: string): Promise<string> {
    return this.decide(ctx, consentId, {
      from: 'active',
      to: 'inactive',
      event: EVENT_NAMES.consentRevoked,
      stamp: (consent, now) => {
        consent.revokedAt = now;
      },
    });
  }

  /** One consent, for its patient, its requester and the regulator's supervisors. */
  @Transaction(false)
  @Returns('string')
  public async GetConsent(ctx: Context, consentId: string): Promise<string> {
    const id = requireId(consentId, 'consentId');
    const caller = await authenticateMember(ctx);
    const consent = await requireConsent(ctx, id);
    const isRequester = consent.requester.mspId === caller.mspId && consent.requester.id === caller.id;
    if (!isRequester && !isPatient(caller, consent.patientPseudonym) && !isRegulatorSupervisor(caller)) {
      throw new AccessDeniedError(
        `consent ${id} is visible to its patient, its requester and the regulator; caller: ${describeCaller(caller)}`,
      );
    }
    return stableStringify(consent);
  }

  /** A patient's consents (oldest request id first), for that patient and the regulator's supervisors. */
  @Transaction(false)
  @Returns('string')
  public async ListConsentsByPatient(ctx: Context, patientPseudonym: string): Promise<string> {
    const patient = requireId(patientPseudonym, 'patientPseudonym');
    const caller = await authenticateMember(ctx);
    if (!isPatient(caller, patient) && !isRegulatorSupervisor(caller)) {
      throw new AccessDeniedError(
        `consents of ${patient} are listed for that patient and the regulator; caller: ${describeCaller(caller)}`,
      );
    }
    return stableStringify(await listConsentsByIndex(ctx, KEY_TYPES.consentByPatient, [patient]));
  }

  /**
   * The consents one identity requested: for that identity, an admin of its organisation (admin OU
   * or role admin) and the regulator's supervisors.
   */
  @Transaction(false)
  @Returns('string')
  public async ListConsentsByRequester(
    ctx: Context,
    requesterMspId: string,
    requesterId: string,
  ): Promise<string> {
    const mspId = requireMspId(requesterMspId, 'requesterMspId');
    const id = requireText(requesterId, 'requesterId', IDENTITY_ID_LENGTH);
    const caller = await authenticateMember(ctx);
    const isRequester = caller.mspId === mspId && caller.id === id;
    const isOrgAdmin = caller.mspId === mspId && (caller.nodeOu === 'admin' || caller.role === 'admin');
    if (!isRequester && !isOrgAdmin && !isRegulatorSupervisor(caller)) {
      throw new AccessDeniedError(
        `requests of an identity are listed for it, its organisation's admins and the regulator; caller: ${describeCaller(caller)}`,
      );
    }
    return stableStringify(await listConsentsByIndex(ctx, KEY_TYPES.consentByRequester, [mspId, id]));
  }

  /** All consents in one status: for the regulator's supervisors. */
  @Transaction(false)
  @Returns('string')
  public async ListConsentsByStatus(ctx: Context, status: string): Promise<string> {
    const consentStatus = requireEnum(status, 'status', CONSENT_STATUSES);
    const caller = await authenticateMember(ctx);
    if (!isRegulatorSupervisor(caller)) {
      throw new AccessDeniedError(
        `consents by status are listed for the regulator; caller: ${describeCaller(caller)}`,
      );
    }
    return stableStringify(await listConsentsByIndex(ctx, KEY_TYPES.consentByStatus, [consentStatus]));
  }

  /** The patient's decision on a consent: checks the patient and the current status, then one transition. */
  private async decide(
    ctx: Context,
    consentId: string,
    transition: {
      from: ConsentStatus;
      to: ConsentStatus;
      event: EventName;
      stamp: (consent: Consent, now: string) => void;
    },
  ): Promise<string> {
    const id = requireId(consentId, 'consentId');
    const caller = await authenticateMember(ctx);
    const consent = await requireConsent(ctx, id);
    if (!isPatient(caller, consent.patientPseudonym)) {
      throw new AccessDeniedError(
        `only patient ${consent.patientPseudonym} (client identity, role patient, matching patientId) decides on consent ${id}; caller: ${describeCaller(caller)}`,
      );
    }
    if (consent.status !== transition.from) {
      throw new StateConflictError(
        `Consent ${id} is ${consent.status}; only ${transition.from} consents can become ${transition.to}`,
      );
    }
    transition.stamp(consent, txTimestamp(ctx));
    consent.status = transition.to;
    await updateConsentStatus(ctx, transition.from, consent);
    emitEvent(ctx, transition.event, consentEventBody(consent));
    return stableStringify(consent);
  }
}

/**
 * Listed record ids must exist, belong to the patient and come from another organisation than the
 * requester's (the authoring hospital reads its own records without consent).
 */
async function requireScopedRecords(
  ctx: Context,
  caller: MemberCaller,
  patient: string,
  scope: ConsentScope,
): Promise<void> {
  for (const recordId of scope.recordIds) {
    const record = await readRecord(ctx, recordId);
    if (record === undefined) {
      throw new StateConflictError(`Record ${recordId} in the scope does not exist`);
    }
    if (record.patientPseudonym !== patient) {
      throw new InvalidInputError(`record ${recordId} in the scope belongs to another patient`);
    }
    if (record.hospitalMspId === caller.mspId) {
      throw new InvalidInputError(
        `record ${recordId} was written by ${caller.mspId} itself; no consent is needed`,
      );
    }
  }
}

function consentEventBody(consent: Consent): Record<string, unknown> {
  return {
    consentId: consent.consentId,
    status: consent.status,
    patientPseudonym: consent.patientPseudonym,
    requesterMspId: consent.requester.mspId,
    requesterRole: consent.requester.role,
    purpose: consent.purpose,
    scope: consent.scope,
    periodStart: consent.periodStart,
    periodEnd: consent.periodEnd,
  };
}
