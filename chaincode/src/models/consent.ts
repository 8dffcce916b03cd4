import { Object as FabricObject, Property } from 'fabric-contract-api';
import { ROLES, type Role } from '../lib/caller';
import { InvalidInputError } from '../lib/errors';
import {
  LIMITS,
  requireArray,
  requireEnum,
  requireId,
  requireMspId,
  requireNullable,
  requireObject,
  requireString,
  requireTimestamp,
  requireUnique,
} from '../lib/validation';
import { MEMBER_KINDS, type MemberKind } from './consortium';
import { ENCOUNTER_TYPES, type EncounterType } from './record';

/** FHIR Consent.status values this chaincode uses (draft and entered-in-error are never written). */
export const CONSENT_STATUSES = ['proposed', 'active', 'rejected', 'inactive'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** Consent.provision.purpose, reduced to the four purposes of the consortium. */
export const PURPOSES = ['treatment', 'payment', 'research', 'audit'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Which records a consent covers (Consent.provision.data / class): ids, encounter types, or both. */
@FabricObject()
export class ConsentScope {
  /** A listed version also covers its later corrections (AmendRecord), never its earlier versions. */
  @Property('recordIds', 'string[]') public recordIds: string[];
  /** Every record of the patient with one of these encounter types, at any hospital. */
  @Property('recordTypes', 'string[]') public recordTypes: EncounterType[];

  constructor(fields: ConsentScope) {
    this.recordIds = fields.recordIds;
    this.recordTypes = fields.recordTypes;
  }

  static decode(value: unknown, field = 'scope'): ConsentScope {
    const object = requireObject(value, field, ['recordIds', 'recordTypes']);
    const recordIds =
      object.recordIds === undefined
        ? []
        : requireArray(object.recordIds, `${field}.recordIds`, LIMITS.scopeEntries).map((id, index) =>
            requireId(id, `${field}.recordIds[${index}]`),
          );
    const recordTypes =
      object.recordTypes === undefined
        ? []
        : requireArray(object.recordTypes, `${field}.recordTypes`, ENCOUNTER_TYPES.length).map(
            (type, index) => requireEnum(type, `${field}.recordTypes[${index}]`, ENCOUNTER_TYPES),
          );
    requireUnique(recordIds, `${field}.recordIds`);
    requireUnique(recordTypes, `${field}.recordTypes`);
    if (recordIds.length === 0 && recordTypes.length === 0) {
      throw new InvalidInputError(`${field} must list at least one record id or record type`);
    }
    // Sorted so that equal scopes serialise identically whatever order the client used.
    return new ConsentScope({ recordIds: [...recordIds].sort(), recordTypes: [...recordTypes].sort() });
  }
}

/** Consent.provision.actor: the one certificate identity the consent is granted to. */
@FabricObject()
export class ConsentRequester {
  @Property('mspId', 'string') public mspId: string;
  @Property('id', 'string') public id: string;
  @Property('role', 'string') public role: Role;
  @Property('orgKind', 'string') public orgKind: MemberKind;

  constructor(fields: ConsentRequester) {
    this.mspId = fields.mspId;
    this.id = fields.id;
    this.role = fields.role;
    this.orgKind = fields.orgKind;
  }

  static decode(value: unknown): ConsentRequester {
    const object = requireObject(value, 'consent.requester', ['mspId', 'id', 'role', 'orgKind']);
    return new ConsentRequester({
      mspId: requireMspId(object.mspId, 'consent.requester.mspId'),
      id: requireString(object.id, 'consent.requester.id'),
      role: requireEnum(object.role, 'consent.requester.role', ROLES),
      orgKind: requireEnum(object.orgKind, 'consent.requester.orgKind', MEMBER_KINDS),
    });
  }
}

/** A FHIR-style Consent: the patient's decision on one access request. Its id is the request's tx id. */
@FabricObject()
export class Consent {
  @Property('consentId', 'string') public consentId: string;
  @Property('status', 'string') public status: ConsentStatus;
  @Property('patientPseudonym', 'string') public patientPseudonym: string;
  @Property('requester', 'ConsentRequester') public requester: ConsentRequester;
  @Property('purpose', 'string') public purpose: Purpose;
  @Property('scope', 'ConsentScope') public scope: ConsentScope;
  @Property('periodStart', 'string') public periodStart: string;
  @Property('periodEnd', 'string') public periodEnd: string;
  @Property('requestedAt', 'string') public requestedAt: string;
  /** Null until the patient approves. */
  @Property('approvedAt', 'string') public approvedAt: string | null;
  @Property('rejectedAt', 'string') public rejectedAt: string | null;
  @Property('revokedAt', 'string') public revokedAt: string | null;

  constructor(fields: Consent) {
    this.consentId = fields.consentId;
    this.status = fields.status;
    this.patientPseudonym = fields.patientPseudonym;
    this.requester = fields.requester;
    this.purpose = fields.purpose;
    this.scope = fields.scope;
    this.periodStart = fields.periodStart;
    this.periodEnd = fields.periodEnd;
    this.requestedAt = fields.requestedAt;
    this.approvedAt = fields.approvedAt;
    this.rejectedAt = fields.rejectedAt;
    this.revokedAt = fields.revokedAt;
  }

  static decode(value: unknown): Consent {
    const object = requireObject(value, 'consent', [
      'consentId',
      'status',
      'patientPseudonym',
      'requester',
      'purpose',
      'scope',
      'periodStart',
      'periodEnd',
      'requestedAt',
      'approvedAt',
      'rejectedAt',
      'revokedAt',
    ]);
    const optionalTimestamp = (member: unknown, field: string): string | null =>
      requireNullable(member, (present) => requireTimestamp(present, field));
    return new Consent({
      consentId: requireId(object.consentId, 'consent.consentId'),
      status: requireEnum(object.status, 'consent.status', CONSENT_STATUSES),
      patientPseudonym: requireId(object.patientPseudonym, 'consent.patientPseudonym'),
      requester: ConsentRequester.decode(object.requester),
      purpose: requireEnum(object.purpose, 'consent.purpose', PURPOSES),
      scope: ConsentScope.decode(object.scope, 'consent.scope'),
      periodStart: requireTimestamp(object.periodStart, 'consent.periodStart'),
      periodEnd: requireTimestamp(object.periodEnd, 'consent.periodEnd'),
      requestedAt: requireTimestamp(object.requestedAt, 'consent.requestedAt'),
      approvedAt: optionalTimestamp(object.approvedAt, 'consent.approvedAt'),
      rejectedAt: optionalTimestamp(object.rejectedAt, 'consent.rejectedAt'),
      revokedAt: optionalTimestamp(object.revokedAt, 'consent.revokedAt'),
    });
  }
}
