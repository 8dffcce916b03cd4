import type { Context } from 'fabric-contract-api';
import { createHash } from 'node:crypto';
import { canonicalBytes } from './canonical-json';

/** Object types of every composite key the chaincode writes (README.md lists their layouts). */
export const KEY_TYPES = {
  consortium: 'medfabric.consortium',
  member: 'medfabric.member',
  record: 'medfabric.record',
  recordVersion: 'medfabric.record.version',
  recordSupersession: 'medfabric.record.supersession',
  encryptedDiagnosis: 'medfabric.record.diagnosis',
  consent: 'medfabric.consent',
  consentByPatient: 'medfabric.consent.byPatient',
  consentByRequester: 'medfabric.consent.byRequester',
  consentByStatus: 'medfabric.consent.byStatus',
  disclosure: 'medfabric.disclosure',
  alert: 'medfabric.alert',
} as const;

/** Index entries carry no data; Fabric treats an empty value as a delete, so they hold one 0x00 byte. */
const INDEX_MARKER = Buffer.from([0]);

export function compositeKey(ctx: Context, objectType: string, attributes: readonly string[]): string {
  return ctx.stub.createCompositeKey(objectType, [...attributes]);
}

/** The transaction timestamp (identical on every endorser) as ISO 8601 UTC with milliseconds. */
export function txTimestamp(ctx: Context): string {
  const { seconds, nanos } = ctx.stub.getTxTimestamp();
  return new Date(seconds.toNumber() * 1000 + Math.floor(nanos / 1_000_000)).toISOString();
}

export async function readState(ctx: Context, key: string): Promise<unknown> {
  const bytes = await ctx.stub.getState(key);
  return bytes.length === 0 ? undefined : parseStored(bytes, key);
}

export async function writeState(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, canonicalBytes(value));
}

export async function writeIndexEntry(ctx: Context, key: string): Promise<void> {
  await ctx.stub.putState(key, INDEX_MARKER);
}

/** True for the value writeIndexEntry stores. */
export function isIndexEntry(value: Uint8Array): boolean {
  return value.length === INDEX_MARKER.length && value[0] === INDEX_MARKER[0];
}

export async function stateExists(ctx: Context, key: string): Promise<boolean> {
  return (await ctx.stub.getState(key)).length > 0;
}

/** Every entry under a partial composite key, in key order, with the key's attributes split out. */
export async function scanByPartialKey(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
): Promise<{ attributes: string[]; value: Uint8Array }[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, [...attributes]);
  const entries: { attributes: string[]; value: Uint8Array }[] = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      entries.push({
        attributes: ctx.stub.splitCompositeKey(next.value.key).attributes,
        value: next.value.value,
      });
    }
  } finally {
    await iterator.close();
  }
  return entries;
}

/** Values (decoded JSON) stored under a partial composite key, in key order. */
export async function readAllByPartialKey(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
): Promise<unknown[]> {
  const entries = await scanByPartialKey(ctx, objectType, attributes);
  return entries.map((entry) => parseStored(entry.value, objectType));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A stored value (from getState or a range scan) decoded as JSON; `key` names it in errors. */
export function parseStored(bytes: Uint8Array, key: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Stored value under ${JSON.stringify(key)} is not JSON (${reason})`, { cause: error });
  }
}
