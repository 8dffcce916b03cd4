import { Object as FabricObject, Property } from 'fabric-contract-api';
import { K_DEFAULT, K_MAX, MAX_MODULUS_BITS, MIN_MODULUS_BITS } from '../lib/claim-crypto';
import { InvalidInputError } from '../lib/errors';
import { requireAmount } from '../lib/money';
import {
  LIMITS,
  requireEnum,
  requireId,
  requireInteger,
  requireMspId,
  requireNullable,
  requireObject,
  requireArray,
  requireString,
  requireText,
  requireTimestamp,
} from '../lib/validation';
import { ENCOUNTER_TYPES, requireDiagnosisTag, type EncounterType } from './record';

export const ALERT_SEVERITIES = ['info', 'warn', 'hold'] as const;
export type SupervisionSeverity = (typeof ALERT_SEVERITIES)[number];

/** Rules evaluated in FileClaim (README.md), plus FUND_SHORT raised at settlement. */
export const CLAIM_RULE_IDS = ['R1', 'R3', 'R5', 'R6', 'R7', 'R8', 'R9'] as const;
export type ClaimRuleId = (typeof CLAIM_RULE_IDS)[number];
/** Rule ids an alert may carry: the filing rules, the settlement alert and off-chain (indexer) rules. */
export const ALERT_RULE_IDS = [
  ...CLAIM_RULE_IDS,
  'FUND_SHORT',
  'R2',
  'R4',
  'R10',
  'R11',
  'R12',
  'R13',
] as const;
export type AlertRuleId = (typeof ALERT_RULE_IDS)[number];

export const ALERT_STATUSES = ['open', 'cleared', 'confirmed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Service codes are short identifiers (CPT/HCPCS-like, or a national catalogue code). */
export const SERVICE_CODE_LENGTH = 32;
/** Most rows of the regulator's service limit table. */
export const SERVICE_LIMIT_ROWS = 256;

export function requireServiceCode(value: unknown, field: string): string {
  const code = requireId(value, field);
  if (code.length > SERVICE_CODE_LENGTH) {
    throw new InvalidInputError(
      `${field} is ${code.length} characters long; the limit is ${SERVICE_CODE_LENGTH}`,
    );
  }
  return code;
}

function requireDays(value: unknown, field: string, max: number): number {
  const days = requireInteger(value, field, 1);
  if (days > max) {
    throw new InvalidInputError(`${field} must be at most ${max}`);
  }
  return days;
}

/** One row of the regulator's per-service table (R3: MUE-like units per day, over-standard price). */
@FabricObject()
export class ServiceLimit {
  @Property('serviceCode', 'string') public serviceCode: string;
  @Property('maxUnitsPerDay', 'number') public maxUnitsPerDay: number;
  /** Minor units. */
  @Property('maxUnitPrice', 'string') public maxUnitPrice: string;

  constructor(fields: ServiceLimit) {
    this.serviceCode = fields.serviceCode;
    this.maxUnitsPerDay = fields.maxUnitsPerDay;
    this.maxUnitPrice = fields.maxUnitPrice;
  }

  static decode(value: unknown, field: string): ServiceLimit {
    const object = requireObject(value, field, ['serviceCode', 'maxUnitsPerDay', 'maxUnitPrice']);
    return new ServiceLimit({
      serviceCode: requireServiceCode(object.serviceCode, `${field}.serviceCode`),
      maxUnitsPerDay: requireDays(object.maxUnitsPerDay, `${field}.maxUnitsPerDay`, 1_000_000),
      maxUnitPrice: requireAmount(object.maxUnitPrice, `${field}.maxUnitPrice`, { positive: true }),
    });
  }
}

/** R9: more than maxClaims claims of one patient within windowDays. */
@FabricObject()
export class ClaimFrequencyLimit {
  @Property('maxClaims', 'number') public maxClaims: number;
  @Property('windowDays', 'number') public windowDays: number;

  constructor(fields: ClaimFrequencyLimit) {
    this.maxClaims = fields.maxClaims;
    this.windowDays = fields.windowDays;
  }

  static decode(value: unknown, field: string): ClaimFrequencyLimit {
    const object = requireObject(value, field, ['maxClaims', 'windowDays']);
    return new ClaimFrequencyLimit({
      maxClaims: requireDays(object.maxClaims, `${field}.maxClaims`, 100_000),
      windowDays: requireDays(object.windowDays, `${field}.windowDays`, 3660),
    });
  }
}

/** The severity each filing rule raises its alerts with. */
@FabricObject()
export class RuleSeverities {
  @Property('R1', 'string') public R1: SupervisionSeverity;
  @Property('R3', 'string') public R3: SupervisionSeverity;
  @Property('R5', 'string') public R5: SupervisionSeverity;
  @Property('R6', 'string') public R6: SupervisionSeverity;
  @Property('R7', 'string') public R7: SupervisionSeverity;
  @Property('R8', 'string') public R8: SupervisionSeverity;
  @Property('R9', 'string') public R9: SupervisionSeverity;

  constructor(fields: RuleSeverities) {
    this.R1 = fields.R1;
    this.R3 = fields.R3;
    this.R5 = fields.R5;
    this.R6 = fields.R6;
    this.R7 = fields.R7;
    this.R8 = fields.R8;
    this.R9 = fields.R9;
  }

  static decode(value: unknown, field: string): RuleSeverities {
    const object = requireObject(value, field, [...CLAIM_RULE_IDS]);
    const severity = (ruleId: ClaimRuleId): SupervisionSeverity =>
      requireEnum(object[ruleId], `${field}.${ruleId}`, ALERT_SEVERITIES);
    return new RuleSeverities({
      R1: severity('R1'),
      R3: severity('R3'),
      R5: severity('R5'),
      R6: severity('R6'),
      R7: severity('R7'),
      R8: severity('R8'),
      R9: severity('R9'),
    });
  }
}

/** Network parameters of the claim protocol (DESIGN §7): K and the smallest accepted insurer key. */
@FabricObject()
export class ClaimProtocolParams {
  /** K: the most ICD-10 categories a product may cover (default 32, at most 64). */
  @Property('maxCoveredCategories', 'number') public maxCoveredCategories: number;
  /** Smallest modulus RegisterClaimKey accepts (default 2048 bits). */
  @Property('minClaimKeyBits', 'number') public minClaimKeyBits: number;

  constructor(fields: ClaimProtocolParams) {
    this.maxCoveredCategories = fields.maxCoveredCategories;
    this.minClaimKeyBits = fields.minClaimKeyBits;
  }

  static decode(value: unknown, field: string): ClaimProtocolParams {
    const object = requireObject(value, field, ['maxCoveredCategories', 'minClaimKeyBits']);
    const maxCoveredCategories = requireDays(
      object.maxCoveredCategories,
      `${field}.maxCoveredCategories`,
      K_MAX,
    );
    const minClaimKeyBits = requireInteger(
      object.minClaimKeyBits,
      `${field}.minClaimKeyBits`,
      MIN_MODULUS_BITS,
    );
    if (minClaimKeyBits > MAX_MODULUS_BITS) {
      throw new InvalidInputError(`${field}.minClaimKeyBits must be at most ${MAX_MODULUS_BITS}`);
    }
    return new ClaimProtocolParams({ maxCoveredCategories, minClaimKeyBits });
  }
}

export const PARAM_MEMBERS = [
  'readmissionWindowDays',
  'claimFrequency',
  'serviceLimits',
  'filingDeadlineDays',
  'severities',
  'claimProtocol',
] as const;

/** The regulator's versioned thresholds (SetSupervisionParams). Version 0 = the built-in defaults. */
@FabricObject()
export class SupervisionParams {
  @Property('version', 'number') public version: number;
  /** R6: a non-emergency readmission within this many days of a discharge with the same diagnosis tag. */
  @Property('readmissionWindowDays', 'number') public readmissionWindowDays: number;
  @Property('claimFrequency', 'ClaimFrequencyLimit') public claimFrequency: ClaimFrequencyLimit;
  /** Sorted by service code. */
  @Property('serviceLimits', 'ServiceLimit[]') public serviceLimits: ServiceLimit[];
  /** R8: a claim filed more than this many days after a service date. */
  @Property('filingDeadlineDays', 'number') public filingDeadlineDays: number;
  @Property('severities', 'RuleSeverities') public severities: RuleSeverities;
  @Property('claimProtocol', 'ClaimProtocolParams') public claimProtocol: ClaimProtocolParams;
  /** Null for the defaults (version 0). */
  @Property('setAt', 'string') public setAt: string | null;
  @Property('setBy', 'string') public setBy: string | null;
  @Property('txId', 'string') public txId: string | null;

  constructor(fields: SupervisionParams) {
    this.version = fields.version;
    this.readmissionWindowDays = fields.readmissionWindowDays;
    this.claimFrequency = fields.claimFrequency;
    this.serviceLimits = fields.serviceLimits;
    this.filingDeadlineDays = fields.filingDeadlineDays;
    this.severities = fields.severities;
    this.claimProtocol = fields.claimProtocol;
    this.setAt = fields.setAt;
    this.setBy = fields.setBy;
    this.txId = fields.txId;
  }

  /** The thresholds part (what SetSupervisionParams accepts), validated. */
  static decodeThresholds(
    value: unknown,
    field: string,
  ): Omit<SupervisionParams, 'version' | 'setAt' | 'setBy' | 'txId'> {
    const object = requireObject(value, field, [...PARAM_MEMBERS]);
    const serviceLimits = requireArray(
      object.serviceLimits,
      `${field}.serviceLimits`,
      SERVICE_LIMIT_ROWS,
    ).map((row, index) => ServiceLimit.decode(row, `${field}.serviceLimits[${index}]`));
    const codes = serviceLimits.map((row) => row.serviceCode);
    const duplicate = codes.find((code, index) => codes.indexOf(code) !== index);
    if (duplicate !== undefined) {
      throw new InvalidInputError(`${field}.serviceLimits lists service code '${duplicate}' more than once`);
    }
    return {
      readmissionWindowDays: requireDays(object.readmissionWindowDays, `${field}.readmissionWindowDays`, 366),
      claimFrequency: ClaimFrequencyLimit.decode(object.claimFrequency, `${field}.claimFrequency`),
      serviceLimits: serviceLimits.sort((left, right) =>
        left.serviceCode < right.serviceCode ? -1 : left.serviceCode > right.serviceCode ? 1 : 0,
      ),
      filingDeadlineDays: requireDays(object.filingDeadlineDays, `${field}.filingDeadlineDays`, 3660),
      severities: RuleSeverities.decode(object.severities, `${field}.severities`),
      claimProtocol: ClaimProtocolParams.decode(object.claimProtocol, `${field}.claimProtocol`),
    };
  }

  static decode(value: unknown): SupervisionParams {
    const object = requireObject(value, 'supervisionParams', [
      ...PARAM_MEMBERS,
      'version',
      'setAt',
      'setBy',
      'txId',
    ]);
    const { version, setAt, setBy, txId, ...thresholds } = object;
    return new SupervisionParams({
      ...SupervisionParams.decodeThresholds(thresholds, 'supervisionParams'),
      version: requireInteger(version, 'supervisionParams.version', 0),
      setAt: requireNullable(setAt, (at) => requireTimestamp(at, 'supervisionParams.setAt')),
      setBy: requireNullable(setBy, (by) => requireString(by, 'supervisionParams.setBy')),
      txId: requireNullable(txId, (id) => requireId(id, 'supervisionParams.txId')),
    });
  }
}

/** The thresholds in force before the regulator sets any (version 0). */
export function defaultSupervisionParams(): SupervisionParams {
  return new SupervisionParams({
    version: 0,
    readmissionWindowDays: 15,
    claimFrequency: new ClaimFrequencyLimit({ maxClaims: 8, windowDays: 30 }),
    serviceLimits: [],
    filingDeadlineDays: 365,
    severities: new RuleSeverities({
      R1: 'hold',
      R3: 'warn',
      R5: 'warn',
      R6: 'warn',
      R7: 'hold',
      R8: 'hold',
      R9: 'warn',
    }),
    claimProtocol: new ClaimProtocolParams({ maxCoveredCategories: K_DEFAULT, minClaimKeyBits: 2048 }),
    setAt: null,
    setBy: null,
    txId: null,
  });
}

/** A supervision alert (distinct from Access's break-glass Alert). */
@FabricObject()
export class SupervisionAlert {
  /** `<txId>:<ruleId>:<n>`. */
  @Property('alertId', 'string') public alertId: string;
  @Property('ruleId', 'string') public ruleId: AlertRuleId;
  @Property('severity', 'string') public severity: SupervisionSeverity;
  @Property('status', 'string') public status: AlertStatus;
  /** Sorted-key JSON of the facts that fired the rule. */
  @Property('evidence', 'string') public evidence: string;
  @Property('claimId', 'string') public claimId: string;
  @Property('patientPseudonym', 'string') public patientPseudonym: string;
  @Property('hospitalMspId', 'string') public hospitalMspId: string;
  @Property('insurerMspId', 'string') public insurerMspId: string;
  /** The thresholds version the rule used (0 = defaults). */
  @Property('paramsVersion', 'number') public paramsVersion: number;
  @Property('raisedAt', 'string') public raisedAt: string;
  @Property('raisedBy', 'string') public raisedBy: string;
  @Property('resolvedAt', 'string') public resolvedAt: string | null;
  @Property('resolvedBy', 'string') public resolvedBy: string | null;
  @Property('resolution', 'string') public resolution: string | null;

  constructor(fields: SupervisionAlert) {
    this.alertId = fields.alertId;
    this.ruleId = fields.ruleId;
    this.severity = fields.severity;
    this.status = fields.status;
    this.evidence = fields.evidence;
    this.claimId = fields.claimId;
    this.patientPseudonym = fields.patientPseudonym;
    this.hospitalMspId = fields.hospitalMspId;
    this.insurerMspId = fields.insurerMspId;
    this.paramsVersion = fields.paramsVersion;
    this.raisedAt = fields.raisedAt;
    this.raisedBy = fields.raisedBy;
    this.resolvedAt = fields.resolvedAt;
    this.resolvedBy = fields.resolvedBy;
    this.resolution = fields.resolution;
  }

  static decode(value: unknown): SupervisionAlert {
    const object = requireObject(value, 'supervisionAlert', [
      'alertId',
      'ruleId',
      'severity',
      'status',
      'evidence',
      'claimId',
      'patientPseudonym',
      'hospitalMspId',
      'insurerMspId',
      'paramsVersion',
      'raisedAt',
      'raisedBy',
      'resolvedAt',
      'resolvedBy',
      'resolution',
    ]);
    return new SupervisionAlert({
      alertId: requireId(object.alertId, 'supervisionAlert.alertId'),
      ruleId: requireEnum(object.ruleId, 'supervisionAlert.ruleId', ALERT_RULE_IDS),
      severity: requireEnum(object.severity, 'supervisionAlert.severity', ALERT_SEVERITIES),
      status: requireEnum(object.status, 'supervisionAlert.status', ALERT_STATUSES),
      evidence: requireString(object.evidence, 'supervisionAlert.evidence'),
      claimId: requireId(object.claimId, 'supervisionAlert.claimId'),
      patientPseudonym: requireId(object.patientPseudonym, 'supervisionAlert.patientPseudonym'),
      hospitalMspId: requireMspId(object.hospitalMspId, 'supervisionAlert.hospitalMspId'),
      insurerMspId: requireMspId(object.insurerMspId, 'supervisionAlert.insurerMspId'),
      paramsVersion: requireInteger(object.paramsVersion, 'supervisionAlert.paramsVersion', 0),
      raisedAt: requireTimestamp(object.raisedAt, 'supervisionAlert.raisedAt'),
      raisedBy: requireString(object.raisedBy, 'supervisionAlert.raisedBy'),
      resolvedAt: requireNullable(object.resolvedAt, (at) =>
        requireTimestamp(at, 'supervisionAlert.resolvedAt'),
      ),
      resolvedBy: requireNullable(object.resolvedBy, (by) =>
        requireString(by, 'supervisionAlert.resolvedBy'),
      ),
      resolution: requireNullable(object.resolution, (text) =>
        requireText(text, 'supervisionAlert.resolution', LIMITS.reasonLength),
      ),
    });
  }
}

/**
 * The supervision index of encounters that claims were filed for (patient, admission, record): the
 * Records contract has no patient index, so FileClaim maintains this one for R5, R6 and R7.
 */
@FabricObject()
export class StayEntry {
  @Property('recordId', 'string') public recordId: string;
  @Property('rootRecordId', 'string') public rootRecordId: string;
  @Property('patientPseudonym', 'string') public patientPseudonym: string;
  @Property('hospitalMspId', 'string') public hospitalMspId: string;
  @Property('encounterType', 'string') public encounterType: EncounterType;
  @Property('admittedAt', 'string') public admittedAt: string;
  @Property('dischargedAt', 'string') public dischargedAt: string;
  @Property('diagnosisTag', 'string') public diagnosisTag: string;
  /** The first claim filed for this record. */
  @Property('firstClaimId', 'string') public firstClaimId: string;

  constructor(fields: StayEntry) {
    this.recordId = fields.recordId;
    this.rootRecordId = fields.rootRecordId;
    this.patientPseudonym = fields.patientPseudonym;
    this.hospitalMspId = fields.hospitalMspId;
    this.encounterType = fields.encounterType;
    this.admittedAt = fields.admittedAt;
    this.dischargedAt = fields.dischargedAt;
    this.diagnosisTag = fields.diagnosisTag;
    this.firstClaimId = fields.firstClaimId;
  }

  static decode(value: unknown): StayEntry {
    const object = requireObject(value, 'stay', [
      'recordId',
      'rootRecordId',
      'patientPseudonym',
      'hospitalMspId',
      'encounterType',
      'admittedAt',
      'dischargedAt',
      'diagnosisTag',
      'firstClaimId',
    ]);
    return new StayEntry({
      recordId: requireId(object.recordId, 'stay.recordId'),
      rootRecordId: requireId(object.rootRecordId, 'stay.rootRecordId'),
      patientPseudonym: requireId(object.patientPseudonym, 'stay.patientPseudonym'),
      hospitalMspId: requireMspId(object.hospitalMspId, 'stay.hospitalMspId'),
      encounterType: requireEnum(object.encounterType, 'stay.encounterType', ENCOUNTER_TYPES),
      admittedAt: requireTimestamp(object.admittedAt, 'stay.admittedAt'),
      dischargedAt: requireTimestamp(object.dischargedAt, 'stay.dischargedAt'),
      diagnosisTag: requireDiagnosisTag(object.diagnosisTag, 'stay.diagnosisTag'),
      firstClaimId: requireId(object.firstClaimId, 'stay.firstClaimId'),
    });
  }
}
