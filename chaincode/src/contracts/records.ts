import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalBytes, stableStringify } from '../lib/canonical-json';
import { AccessDeniedError, InvalidInputError, StateConflictError } from '../lib/errors';
import { emitEvent, EVENT_NAMES } from '../lib/events';
import {
  readAllByPartialKey,
  KEY_TYPES,
  sha256Hex,
  stateExists,
  txTimestamp,
  writeState,
} from '../lib/ledger';
import { authenticateMember, type MemberCaller } from '../lib/membership';
import {
  canAuthorRecords,
  describeCaller,
  isHospitalStaff,
  isPatient,
  isRegulatorSupervisor,
} from '../lib/policy';
import {
  encryptedDiagnosisKey,
  readSupersededBy,
  recordKey,
  recordVersionKey,
  requireRecord,
  supersessionKey,
} from '../lib/record-store';
import {
  parseJsonArgument,
  requireEnum,
  requireId,
  requireMspId,
  requireSha256Hex,
  requireTimestamp,
  requireUri,
} from '../lib/validation';
import {
  diagnosisCollectionOf,
  ENCOUNTER_TYPES,
  EncryptedDiagnosis,
  MedicalRecord,
  RecordSupersession,
  requireDiagnosisTag,
  type EncounterType,
} from '../models/record';

/** The transient map key that carries the encrypted diagnosis powers (DESIGN §7 step 2). */
export const ENCRYPTED_DIAGNOSIS_TRANSIENT_KEY = 'encryptedDiagnosis';

/** The validated content of one record version, as the two submit transactions receive it. */
interface EncounterContent {
  encounterType: EncounterType;
  admittedAt: string;
  dischargedAt: string;
  contentSha256: string;
  contentLocation: string;
  diagnosisTag: string;
  encryptedDiagnosisSha256: string;
  /** The canonical bytes that go into the private data collection. */
  encryptedDiagnosisBytes: Buffer;
}

/** Encounter record anchors: append-only versions, the encrypted diagnosis in private data. */
@Info({ title: 'Records', description: 'Medical record anchors with versioned corrections' })
export class RecordsContract extends Contract {
  constructor() {
    super('Records');
  }

  /**
   * Anchors a new encounter record. The transient map must carry `encryptedDiagnosis`; the public
   * record keeps only its SHA-256, which must equal encryptedDiagnosisSha256.
   */
  @Transaction()
  @Returns('string')
  public async RecordEncounter(
    ctx: Context,
    recordId: string,
    patientPseudonym: string,
    hospitalMspId: string,
    encounterType: string,
    admittedAt: string,
    dischargedAt: string,
    contentSha256: string,
    contentLocation: string,
    diagnosisTag: string,
    encryptedDiagnosisSha256: string,
  ): Promise<string> {
    const id = requireId(recordId, 'recordId');
    const patient = requireId(patientPseudonym, 'patientPseudonym');
    const hospital = requireMspId(hospitalMspId, 'hospitalMspId');
    const content = readEncounterContent(ctx, {
      encounterType,
      admittedAt,
      dischargedAt,
      contentSha256,
      contentLocation,
      diagnosisTag,
      encryptedDiagnosisSha256,
    });

    const caller = await authenticateMember(ctx);
    if (caller.mspId !== hospital) {
      throw new AccessDeniedError(
        `a record of ${hospital} can only be anchored by ${hospital}, not ${caller.mspId}`,
      );
    }
    requireRecordAuthor(caller, hospital);
    await requireUnusedRecordId(ctx, id);

    const record = newRecordVersion(ctx, caller, {
      recordId: id,
      version: 1,
      rootRecordId: id,
      previousVersion: null,
      patientPseudonym: patient,
      hospitalMspId: hospital,
      content,
    });
    await writeRecordVersion(ctx, record, content.encryptedDiagnosisBytes);
    emitEvent(ctx, EVENT_NAMES.recordEncountered, recordEventBody(record));
    return stableStringify(record);
  }

  /**
   * Corrects a record by appending a new version (same patient, same hospital). Only the latest
   * version can be amended; the corrected one gets a supersession entry and is otherwise untouched.
   */
  @Transaction()
  @Returns('string')
  public async AmendRecord(
    ctx: Context,
    previousRecordId: string,
    recordId: string,
    encounterType: string,
    admittedAt: string,
    dischargedAt: string,
    contentSha256: string,
    contentLocation: string,
    diagnosisTag: string,
    encryptedDiagnosisSha256: string,
  ): Promise<string> {
    const previousId = requireId(previousRecordId, 'previousRecordId');
    const id = requireId(recordId, 'recordId');
    const content = readEncounterContent(ctx, {
      encounterType,
      admittedAt,
      dischargedAt,
      contentSha256,
      contentLocation,
      diagnosisTag,
      encryptedDiagnosisSha256,
    });

    const caller = await authenticateMember(ctx);
    const previous = await requireRecord(ctx, previousId);
    if (caller.mspId !== previous.hospitalMspId) {
      throw new AccessDeniedError(
        `record ${previousId} belongs to ${previous.hospitalMspId}; ${caller.mspId} cannot amend it`,
      );
    }
    requireRecordAuthor(caller, previous.hospitalMspId);
    const supersededBy = await readSupersededBy(ctx, previousId);
    if (supersededBy !== null) {
      throw new StateConflictError(
        `Record ${previousId} was already corrected by ${supersededBy}; amend the latest version instead`,
      );
    }
    await requireUnusedRecordId(ctx, id);

    const record = newRecordVersion(ctx, caller, {
      recordId: id,
      version: previous.version + 1,
      rootRecordId: previous.rootRecordId,
      previousVersion: previous.recordId,
      patientPseudonym: previous.patientPseudonym,
      hospitalMspId: previous.hospitalMspId,
      content,
    });
    const supersession = new RecordSupersession({
      recordId: previous.recordId,
      supersededBy: id,
      supersededAt: record.recordedAt,
      txId: record.txId,
    });
    await writeRecordVersion(ctx, record, content.encryptedDiagnosisBytes);
    await writeState(ctx, supersessionKey(ctx, previous.recordId), supersession);
    emitEvent(ctx, EVENT_NAMES.recordAmended, recordEventBody(record));
    return stableStringify(record);
  }

  /**
   * Every version of the record's chain, oldest first, each with supersededBy (null for the latest).
   * For the authoring hospital's staff, the regulator's supervisors and the patient.
   */
  @Transaction(false)
  @Returns('string')
  public async GetRecordHistory(ctx: Context, recordId: string): Promise<string> {
    const id = requireId(recordId, 'recordId');
    const caller = await authenticateMember(ctx);
    const record = await requireRecord(ctx, id);
    if (
      !isHospitalStaff(caller, record.hospitalMspId) &&
      !isRegulatorSupervisor(caller) &&
      !isPatient(caller, record.patientPseudonym)
    ) {
      throw new AccessDeniedError(
        `the history of record ${id} is for ${record.hospitalMspId} staff, the regulator and the patient; caller: ${describeCaller(caller)}`,
      );
    }
    const versionIds = (await readAllByPartialKey(ctx, KEY_TYPES.recordVersion, [record.rootRecordId])).map(
      (stored) => requireId(stored, 'version index entry'),
    );
    const versions = [];
    for (const versionId of versionIds) {
      versions.push({
        ...(await requireRecord(ctx, versionId)),
        supersededBy: await readSupersededBy(ctx, versionId),
      });
    }
    return stableStringify({ recordId: id, rootRecordId: record.rootRecordId, versions });
  }

  /**
   * The encrypted diagnosis powers of a record, checked against the hash on the record. For the
   * record's hospital staff and the regulator's supervisors; only their peers hold the collection.
   */
  @Transaction(false)
  @Returns('string')
  public async GetEncryptedDiagnosis(ctx: Context, recordId: string): Promise<string> {
    const id = requireId(recordId, 'recordId');
    const caller = await authenticateMember(ctx);
    const record = await requireRecord(ctx, id);
    if (!isHospitalStaff(caller, record.hospitalMspId) && !isRegulatorSupervisor(caller)) {
      throw new AccessDeniedError(
        `the encrypted diagnosis of record ${id} is for ${record.hospitalMspId} staff and the regulator; caller: ${describeCaller(caller)}`,
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = await ctx.stub.getPrivateData(
        record.encryptedDiagnosisCollection,
        encryptedDiagnosisKey(ctx, id),
      );
    } catch (error) {
      // A peer outside the collection has only the hash: Fabric refuses the read itself.
      throw new StateConflictError(
        `The encrypted diagnosis of record ${id} is not available on this peer: its organisation is not a member of ${record.encryptedDiagnosisCollection}, or the private data has not reached it (${(error as Error).message})`,
      );
    }
    if (bytes.length === 0) {
      throw new StateConflictError(
        `The encrypted diagnosis of record ${id} is not in collection ${record.encryptedDiagnosisCollection} on this peer`,
      );
    }
    const actualSha256 = sha256Hex(bytes);
    if (actualSha256 !== record.encryptedDiagnosisSha256) {
      throw new StateConflictError(
        `The private encrypted diagnosis of record ${id} does not match the anchored hash (${actualSha256} ≠ ${record.encryptedDiagnosisSha256})`,
      );
    }
    const encryptedDiagnosis = EncryptedDiagnosis.decode(
      parseJsonArgument(Buffer.from(bytes).toString('utf8'), 'stored encryptedDiagnosis'),
    );
    return stableStringify({
      recordId: id,
      collection: record.encryptedDiagnosisCollection,
      sha256: actualSha256,
      encryptedDiagnosis,
    });
  }
}

function readEncounterContent(
  ctx: Context,
  input: {
    encounterType: string;
    admittedAt: string;
    dischargedAt: string;
    contentSha256: string;
    contentLocation: string;
    diagnosisTag: string;
    encryptedDiagnosisSha256: string;
  },
): EncounterContent {
  const encounterType = requireEnum(input.encounterType, 'encounterType', ENCOUNTER_TYPES);
  const admittedAt = requireTimestamp(input.admittedAt, 'admittedAt');
  const dischargedAt = requireTimestamp(input.dischargedAt, 'dischargedAt');
  if (dischargedAt < admittedAt) {
    throw new InvalidInputError(`dischargedAt (${dischargedAt}) is before admittedAt (${admittedAt})`);
  }
  const encryptedDiagnosisSha256 = requireSha256Hex(
    input.encryptedDiagnosisSha256,
    'encryptedDiagnosisSha256',
  );
  const encryptedDiagnosisBytes = readEncryptedDiagnosis(ctx);
  const actualSha256 = sha256Hex(encryptedDiagnosisBytes);
  if (actualSha256 !== encryptedDiagnosisSha256) {
    throw new InvalidInputError(
      `encryptedDiagnosisSha256 ${encryptedDiagnosisSha256} does not match the SHA-256 of the canonical transient encryptedDiagnosis (${actualSha256})`,
    );
  }
  return {
    encounterType,
    admittedAt,
    dischargedAt,
    contentSha256: requireSha256Hex(input.contentSha256, 'contentSha256'),
    contentLocation: requireUri(input.contentLocation, 'contentLocation'),
    diagnosisTag: requireDiagnosisTag(input.diagnosisTag, 'diagnosisTag'),
    encryptedDiagnosisSha256,
    encryptedDiagnosisBytes,
  };
}

/** Decodes the transient payload and returns its canonical bytes (what the collection stores). */
function readEncryptedDiagnosis(ctx: Context): Buffer {
  const transient = ctx.stub.getTransient().get(ENCRYPTED_DIAGNOSIS_TRANSIENT_KEY);
  if (transient === undefined || transient.length === 0) {
    throw new InvalidInputError(
      `the transient map must carry '${ENCRYPTED_DIAGNOSIS_TRANSIENT_KEY}': JSON {claimKeyId, ciphertexts}`,
    );
  }
  const decoded = parseJsonArgument(
    Buffer.from(transient).toString('utf8'),
    `transient ${ENCRYPTED_DIAGNOSIS_TRANSIENT_KEY}`,
  );
  return canonicalBytes(EncryptedDiagnosis.decode(decoded, ENCRYPTED_DIAGNOSIS_TRANSIENT_KEY));
}

function requireRecordAuthor(caller: MemberCaller, hospitalMspId: string): void {
  if (!canAuthorRecords(caller, hospitalMspId)) {
    throw new AccessDeniedError(
      `records of ${hospitalMspId} are written by its doctors, admin-role clients or admin OU; caller: ${describeCaller(caller)}`,
    );
  }
}

async function requireUnusedRecordId(ctx: Context, recordId: string): Promise<void> {
  if (await stateExists(ctx, recordKey(ctx, recordId))) {
    throw new StateConflictError(`Record ${recordId} already exists; records are append-only`);
  }
}

function newRecordVersion(
  ctx: Context,
  caller: MemberCaller,
  version: {
    recordId: string;
    version: number;
    rootRecordId: string;
    previousVersion: string | null;
    patientPseudonym: string;
    hospitalMspId: string;
    content: EncounterContent;
  },
): MedicalRecord {
  const { content } = version;
  return new MedicalRecord({
    recordId: version.recordId,
    version: version.version,
    rootRecordId: version.rootRecordId,
    previousVersion: version.previousVersion,
    patientPseudonym: version.patientPseudonym,
    hospitalMspId: version.hospitalMspId,
    encounterType: content.encounterType,
    admittedAt: content.admittedAt,
    dischargedAt: content.dischargedAt,
    contentSha256: content.contentSha256,
    contentLocation: content.contentLocation,
    diagnosisTag: content.diagnosisTag,
    encryptedDiagnosisSha256: content.encryptedDiagnosisSha256,
    encryptedDiagnosisCollection: diagnosisCollectionOf(version.hospitalMspId),
    recordedAt: txTimestamp(ctx),
    recordedBy: caller.id,
    txId: ctx.stub.getTxID(),
  });
}

async function writeRecordVersion(
  ctx: Context,
  record: MedicalRecord,
  encryptedDiagnosis: Buffer,
): Promise<void> {
  await writeState(ctx, recordKey(ctx, record.recordId), record);
  await writeState(ctx, recordVersionKey(ctx, record.rootRecordId, record.version), record.recordId);
  await ctx.stub.putPrivateData(
    record.encryptedDiagnosisCollection,
    encryptedDiagnosisKey(ctx, record.recordId),
    encryptedDiagnosis,
  );
}

/** The event carries identifiers and hashes only: no location, no encrypted payload. */
function recordEventBody(record: MedicalRecord): Record<string, unknown> {
  return {
    recordId: record.recordId,
    version: record.version,
    rootRecordId: record.rootRecordId,
    previousVersion: record.previousVersion,
    patientPseudonym: record.patientPseudonym,
    hospitalMspId: record.hospitalMspId,
    encounterType: record.encounterType,
    admittedAt: record.admittedAt,
    dischargedAt: record.dischargedAt,
    contentSha256: record.contentSha256,
    diagnosisTag: record.diagnosisTag,
    encryptedDiagnosisSha256: record.encryptedDiagnosisSha256,
  };
}
