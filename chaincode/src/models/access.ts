import { Object as FabricObject, Property } from 'fabric-contract-api';
import { ROLES, type Role } from '../lib/caller';
import {
  LIMITS,
  requireEnum,
  requireId,
  requireInteger,
  requireMspId,
  requireNullable,
  requireObject,
  requireString,
  requireText,
  requireTimestamp,
} from '../lib/validation';
import { PURPOSES, type Purpose } from './consent';

/** Why an access was allowed: the authoring hospital, a patient consent, or break-glass. */
export const ACCESS_BASES = ['custodian', 'consent', 'emergency'] as const;
export type AccessBasis = (typeof ACCESS_BASES)[number];

/** One entry of the accounting of disclosures: every access to a record pointer. */
@FabricObject()
export class Disclosure {
  /** The tx id of the access. */
  @Property('disclosureId', 'string') public disclosureId: string;
  @Property('recordId', 'string') public recordId: string;
  @Property('recordVersion', 'number') public recordVersion: number;
  @Property('patientPseudonym', 'string') public patientPseudonym: string;
  @Property('hospitalMspId', 'string') public hospitalMspId: string;
  @Property('accessorMspId', 'string') public accessorMspId: string;
  @Property('accessorId', 'string') public accessorId: string;
  /** Null for an admin OU identity without a role attribute. */
  @Property('accessorRole', 'string') public accessorRole: Role | null;
  @Property('purpose', 'string') public purpose: Purpose;
  @Property('basis', 'string') public basis: AccessBasis;
  /** The consent that allowed the access; null for custodian and emergency access. */
  @Property('consentId', 'string') public consentId: string | null;
  /** The break-glass reason; null otherwise. */
  @Property('reason', 'string') public reason: string | null;
  /** The alert an emergency access raised; null otherwise. */
  @Property('alertId', 'string') public alertId: string | null;
  @Property('accessedAt', 'string') public accessedAt: string;

  constructor(fields: Disclosure) {
    this.disclosureId = fields.disclosureId;
    this.recordId = fields.recordId;
    this.recordVersion = fields.recordVersion;
    this.patientPseudonym = fields.patientPseudonym;
    this.hospitalMspId = fields.hospitalMspId;
    this.accessorMspId = fields.accessorMspId;
    this.accessorId = fields.accessorId;
    this.accessorRole = fields.accessorRole;
    this.purpose = fields.purpose;
    this.basis = fields.basis;
    this.consentId = fields.consentId;
    this.reason = fields.reason;
    this.alertId = fields.alertId;
    this.accessedAt = fields.accessedAt;
  }

  static decode(value: unknown): Disclosure {
    const object = requireObject(value, 'disclosure', [
      'disclosureId',
      'recordId',
      'recordVersion',
      'patientPseudonym',
      'hospitalMspId',
      'accessorMspId',
      'accessorId',
      'accessorRole',
      'purpose',
      'basis',
      'consentId',
      'reason',
      'alertId',
      'accessedAt',
    ]);
    return new Disclosure({
      disclosureId: requireId(object.disclosureId, 'disclosure.disclosureId'),
      recordId: requireId(object.recordId, 'disclosure.recordId'),
      recordVersion: requireInteger(object.recordVersion, 'disclosure.recordVersion', 1),
      patientPseudonym: requireId(object.patientPseudonym, 'disclosure.patientPseudonym'),
      hospitalMspId: requireMspId(object.hospitalMspId, 'disclosure.hospitalMspId'),
      accessorMspId: requireMspId(object.accessorMspId, 'disclosure.accessorMspId'),
      accessorId: requireString(object.accessorId, 'disclosure.accessorId'),
      accessorRole: requireNullable(object.accessorRole, (role) =>
        requireEnum(role, 'disclosure.accessorRole', ROLES),
      ),
      purpose: requireEnum(object.purpose, 'disclosure.purpose', PURPOSES),
      basis: requireEnum(object.basis, 'disclosure.basis', ACCESS_BASES),
      consentId: requireNullable(object.consentId, (id) => requireId(id, 'disclosure.consentId')),
      reason: requireNullable(object.reason, (reason) =>
        requireText(reason, 'disclosure.reason', LIMITS.reasonLength),
      ),
      alertId: requireNullable(object.alertId, (id) => requireId(id, 'disclosure.alertId')),
      accessedAt: requireTimestamp(object.accessedAt, 'disclosure.accessedAt'),
    });
  }
}

export const ALERT_KINDS = ['emergency-access'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_SEVERITIES = ['info', 'warning', 'high'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** An alert for the patient and the regulator (break-glass access). */
@FabricObject()
export class Alert {
  /** The tx id that raised it. */
  @Property('alertId', 'string') public alertId: string;
  @Property('kind', 'string') public kind: AlertKind;
  @Property('severity', 'string') public severity: AlertSeverity;
  @Property('patientPseudonym', 'string') public patientPseudonym: string;
  @Property('recordId', 'string') public recordId: string;
  @Property('hospitalMspId', 'string') public hospitalMspId: string;
  @Property('actorMspId', 'string') public actorMspId: string;
  @Property('actorId', 'string') public actorId: string;
  @Property('regulatorMspId', 'string') public regulatorMspId: string;
  @Property('reason', 'string') public reason: string;
  @Property('raisedAt', 'string') public raisedAt: string;

  constructor(fields: Alert) {
    this.alertId = fields.alertId;
    this.kind = fields.kind;
    this.severity = fields.severity;
    this.patientPseudonym = fields.patientPseudonym;
    this.recordId = fields.recordId;
    this.hospitalMspId = fields.hospitalMspId;
    this.actorMspId = fields.actorMspId;
    this.actorId = fields.actorId;
    this.regulatorMspId = fields.regulatorMspId;
    this.reason = fields.reason;
    this.raisedAt = fields.raisedAt;
  }

  static decode(value: unknown): Alert {
    const object = requireObject(value, 'alert', [
      'alertId',
      'kind',
      'severity',
      'patientPseudonym',
      'recordId',
      'hospitalMspId',
      'actorMspId',
      'actorId',
      'regulatorMspId',
      'reason',
      'raisedAt',
    ]);
    return new Alert({
      alertId: requireId(object.alertId, 'alert.alertId'),
      kind: requireEnum(object.kind, 'alert.kind', ALERT_KINDS),
      severity: requireEnum(object.severity, 'alert.severity', ALERT_SEVERITIES),
      patientPseudonym: requireId(object.patientPseudonym, 'alert.patientPseudonym'),
      recordId: requireId(object.recordId, 'alert.recordId'),
      hospitalMspId: requireMspId(object.hospitalMspId, 'alert.hospitalMspId'),
      actorMspId: requireMspId(object.actorMspId, 'alert.actorMspId'),
      actorId: requireString(object.actorId, 'alert.actorId'),
      regulatorMspId: requireMspId(object.regulatorMspId, 'alert.regulatorMspId'),
      reason: requireText(object.reason, 'alert.reason', LIMITS.reasonLength),
      raisedAt: requireTimestamp(object.raisedAt, 'alert.raisedAt'),
    });
  }
}
