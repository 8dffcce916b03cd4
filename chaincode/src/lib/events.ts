import type { Context } from 'fabric-contract-api';
import { canonicalBytes } from './canonical-json';
import { txTimestamp } from './ledger';

/** Event names; EVENTS.md documents each payload. */
export const EVENT_NAMES = {
  consortiumInitialised: 'medfabric.consortium.initialised',
  memberRegistered: 'medfabric.consortium.memberRegistered',
  recordEncountered: 'medfabric.record.encountered',
  recordAmended: 'medfabric.record.amended',
  consentRequested: 'medfabric.consent.requested',
  consentApproved: 'medfabric.consent.approved',
  consentRejected: 'medfabric.consent.rejected',
  consentRevoked: 'medfabric.consent.revoked',
  accessGranted: 'medfabric.access.granted',
  accessEmergency: 'medfabric.access.emergency',
} as const;
export type EventName = (typeof EVENT_NAMES)[keyof typeof EVENT_NAMES];

/** Bumped whenever a payload changes incompatibly. */
export const EVENT_SCHEMA_VERSION = 1;

/** The envelope every payload carries: event, schemaVersion, txId and timestamp. */
export function eventPayload(
  ctx: Context,
  name: string,
  body: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ...body,
    event: name,
    schemaVersion: EVENT_SCHEMA_VERSION,
    txId: ctx.stub.getTxID(),
    timestamp: txTimestamp(ctx),
  };
}

/**
 * Fabric keeps only the last setEvent of a transaction, so every state-changing transaction calls
 * this exactly once, after all of its writes.
 */
export function emitEvent(ctx: Context, name: EventName, body: Record<string, unknown>): void {
  ctx.stub.setEvent(name, canonicalBytes(eventPayload(ctx, name, body)));
}
