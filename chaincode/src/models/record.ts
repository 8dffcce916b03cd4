import { Object as FabricObject, Property } from 'fabric-contract-api';
import { InvalidInputError } from '../lib/errors';
import {
  LIMITS,
  requireArray,
  requireDecimal,
  requireEnum,
  requireId,
  requireInteger,
  requireMspId,
  requireNullable,
  requireObject,
  requireSha256Hex,
  requireString,
  requireTimestamp,
  requireUri,
} from '../lib/validation';

export const ENCOUNTER_TYPES = ['outpatient', 'inpatient', 'emergency'] as const;
export type EncounterType = (typeof ENCOUNTER_TYPES)[number];

/** The diagnosis tag is an HMAC-SHA-256 (hex) of the ICD-10 category: opaque, compared only for equality. */
const DIAGNOSIS_TAG_PATTERN = /^[0-9a-fA-F]{64}$/;

export function requireDiagnosisTag(value: unknown, field: string): string {
  const tag = requireString(value, field);
  if (!DIAGNOSIS_TAG_PATTERN.test(tag)) {
    throw new InvalidInputError(`${field} must be an HMAC-SHA-256 in hex: 64 hexadecimal characters`);
  }
  return tag.toLowerCase();
}

/** The name of the private data collection shared by one hospital and the regulator. */
export function diagnosisCollectionOf(hospitalMspId: string): string {
  return `diagnosis_${hospitalMspId}`;
}

/**
 * The anchor of one version of an encounter record. Written once and never modified: a correction is
 * a new version (previousVersion → the corrected one) and the supersession is a separate entry.
 */
@FabricObject()
export class MedicalRecord {
  @Property('recordId', 'string') public recordId: string;
  @Property('version', 'number') public version: number;
  @Property('rootRecordId', 'string') public rootRecordId: string;
  /** Null for the first version. */
  @Property('previousVersion', 'string') public previousVersion: string | null;
  @Property('patientPseudonym', 'string') public patientPseudonym: string;
  @Property('hospitalMspId', 'string') public hospitalMspId: string;
  @Property('encounterType', 'string') public encounterType: EncounterType;
  @Property('admittedAt', 'string') public admittedAt: string;
  @Property('dischargedAt', 'string') public dischargedAt: string;
  @Property('contentSha256', 'string') public contentSha256: string;
  @Property('contentLocation', 'string') public contentLocation: string;
  @Property('diagnosisTag', 'string') public diagnosisTag: string;
  @Property('encryptedDiagnosisSha256', 'string') public encryptedDiagnosisSha256: string;
  @Property('encryptedDiagnosisCollection', 'string') public encryptedDiagnosisCollection: string;
  @Property('recordedAt', 'string') public recordedAt: string;
  @Property('recordedBy', 'string') public recordedBy: string;
  @Property('txId', 'string') public txId: string;

  constructor(fields: MedicalRecord) {
    this.recordId = fields.recordId;
    this.version = fields.version;
    this.rootRecordId = fields.rootRecordId;
    this.previousVersion = fields.previousVersion;
    this.patientPseudonym = fields.patientPseudonym;
    this.hospitalMspId = fields.hospitalMspId;
    this.encounterType = fields.encounterType;
    this.admittedAt = fields.admittedAt;
    this.dischargedAt = fields.dischargedAt;
    this.contentSha256 = fields.contentSha256;
    this.contentLocation = fields.contentLocation;
    this.diagnosisTag = fields.diagnosisTag;
    this.encryptedDiagnosisSha256 = fields.encryptedDiagnosisSha256;
    this.encryptedDiagnosisCollection = fields.encryptedDiagnosisCollection;
    this.recordedAt = fields.recordedAt;
    this.recordedBy = fields.recordedBy;
    this.txId = fields.txId;
  }

  static decode(value: unknown): MedicalRecord {
    const object = requireObject(value, 'record', [
      'recordId',
      'version',
      'rootRecordId',
      'previousVersion',
      'patientPseudonym',
      'hospitalMspId',
      'encounterType',
      'admittedAt',
      'dischargedAt',
      'contentSha256',
      'contentLocation',
      'diagnosisTag',
      'encryptedDiagnosisSha256',
      'encryptedDiagnosisCollection',
      'recordedAt',
      'recordedBy',
      'txId',
    ]);
    return new MedicalRecord({
      recordId: requireId(object.recordId, 'record.recordId'),
      version: requireInteger(object.version, 'record.version', 1),
      rootRecordId: requireId(object.rootRecordId, 'record.rootRecordId'),
      previousVersion: requireNullable(object.previousVersion, (id) =>
        requireId(id, 'record.previousVersion'),
      ),
      patientPseudonym: requireId(object.patientPseudonym, 'record.patientPseudonym'),
      hospitalMspId: requireMspId(object.hospitalMspId, 'record.hospitalMspId'),
      encounterType: requireEnum(object.encounterType, 'record.encounterType', ENCOUNTER_TYPES),
      admittedAt: requireTimestamp(object.admittedAt, 'record.admittedAt'),
      dischargedAt: requireTimestamp(object.dischargedAt, 'record.dischargedAt'),
      contentSha256: requireSha256Hex(object.contentSha256, 'record.contentSha256'),
      contentLocation: requireUri(object.contentLocation, 'record.contentLocation'),
      diagnosisTag: requireDiagnosisTag(object.diagnosisTag, 'record.diagnosisTag'),
      encryptedDiagnosisSha256: requireSha256Hex(
        object.encryptedDiagnosisSha256,
        'record.encryptedDiagnosisSha256',
      ),
      encryptedDiagnosisCollection: requireString(
        object.encryptedDiagnosisCollection,
        'record.encryptedDiagnosisCollection',
      ),
      recordedAt: requireTimestamp(object.recordedAt, 'record.recordedAt'),
      recordedBy: requireString(object.recordedBy, 'record.recordedBy'),
      txId: requireId(object.txId, 'record.txId'),
    });
  }
}

/** Marks a record version as corrected by a later one; the record itself stays untouched. */
@FabricObject()
export class RecordSupersession {
  @Property('recordId', 'string') public recordId: string;
  @Property('supersededBy', 'string') public supersededBy: string;
  @Property('supersededAt', 'string') public supersededAt: string;
  @Property('txId', 'string') public txId: string;

  constructor(fields: RecordSupersession) {
    this.recordId = fields.recordId;
    this.supersededBy = fields.supersededBy;
    this.supersededAt = fields.supersededAt;
    this.txId = fields.txId;
  }

  static decode(value: unknown): RecordSupersession {
    const object = requireObject(value, 'supersession', ['recordId', 'supersededBy', 'supersededAt', 'txId']);
    return new RecordSupersession({
      recordId: requireId(object.recordId, 'supersession.recordId'),
      supersededBy: requireId(object.supersededBy, 'supersession.supersededBy'),
      supersededAt: requireTimestamp(object.supersededAt, 'supersession.supersededAt'),
      txId: requireId(object.txId, 'supersession.txId'),
    });
  }
}

/**
 * The private payload (DESIGN §7 step 2): E(x), E(x²), …, E(x^K) as decimal strings under the
 * insurer's claim key. Stored as its canonical JSON in `diagnosis_<hospitalMspId>`; the record keeps
 * its SHA-256, which equals Fabric's private data hash of that key.
 */
@FabricObject()
export class EncryptedDiagnosis {
  @Property('claimKeyId', 'string') public claimKeyId: string;
  @Property('ciphertexts', 'string[]') public ciphertexts: string[];

  constructor(fields: EncryptedDiagnosis) {
    this.claimKeyId = fields.claimKeyId;
    this.ciphertexts = fields.ciphertexts;
  }

  static decode(value: unknown, field = 'encryptedDiagnosis'): EncryptedDiagnosis {
    const object = requireObject(value, field, ['claimKeyId', 'ciphertexts']);
    const ciphertexts = requireArray(object.ciphertexts, `${field}.ciphertexts`, LIMITS.encryptedPowers).map(
      (ciphertext, index) =>
        requireDecimal(ciphertext, `${field}.ciphertexts[${index}]`, LIMITS.ciphertextDigits),
    );
    if (ciphertexts.length === 0) {
      throw new InvalidInputError(`${field}.ciphertexts must hold at least one ciphertext`);
    }
    return new EncryptedDiagnosis({
      claimKeyId: requireId(object.claimKeyId, `${field}.claimKeyId`),
      ciphertexts,
    });
  }
}
