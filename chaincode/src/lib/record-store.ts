import type { Context } from 'fabric-contract-api';
import { MedicalRecord, RecordSupersession } from '../models/record';
import { StateConflictError } from './errors';
import { compositeKey, KEY_TYPES, readState } from './ledger';

/** Version numbers are zero-padded in the version index so key order is version order. */
const VERSION_DIGITS = 8;

export function recordKey(ctx: Context, recordId: string): string {
  return compositeKey(ctx, KEY_TYPES.record, [recordId]);
}

export function recordVersionKey(ctx: Context, rootRecordId: string, version: number): string {
  return compositeKey(ctx, KEY_TYPES.recordVersion, [
    rootRecordId,
    String(version).padStart(VERSION_DIGITS, '0'),
  ]);
}

export function supersessionKey(ctx: Context, recordId: string): string {
  return compositeKey(ctx, KEY_TYPES.recordSupersession, [recordId]);
}

/** The key of a record's encrypted diagnosis inside its hospital's private data collection. */
export function encryptedDiagnosisKey(ctx: Context, recordId: string): string {
  return compositeKey(ctx, KEY_TYPES.encryptedDiagnosis, [recordId]);
}

export async function readRecord(ctx: Context, recordId: string): Promise<MedicalRecord | undefined> {
  const stored = await readState(ctx, recordKey(ctx, recordId));
  return stored === undefined ? undefined : MedicalRecord.decode(stored);
}

export async function requireRecord(ctx: Context, recordId: string): Promise<MedicalRecord> {
  const record = await readRecord(ctx, recordId);
  if (record === undefined) {
    throw new StateConflictError(`Record ${recordId} does not exist`);
  }
  return record;
}

/** The id of the version that corrected this record, or null if it is the latest version. */
export async function readSupersededBy(ctx: Context, recordId: string): Promise<string | null> {
  const stored = await readState(ctx, supersessionKey(ctx, recordId));
  return stored === undefined ? null : RecordSupersession.decode(stored).supersededBy;
}

/** The record and all its earlier versions, newest first (follows previousVersion links). */
export async function readVersionLineage(ctx: Context, record: MedicalRecord): Promise<MedicalRecord[]> {
  const lineage = [record];
  for (let current = record; current.previousVersion !== null;) {
    current = await requireRecord(ctx, current.previousVersion);
    lineage.push(current);
  }
  return lineage;
}
