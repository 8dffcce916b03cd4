import type { Context } from 'fabric-contract-api';
import { canonicalBytes } from './canonical-json';
import { eventPayload } from './events';

/**
 * Event names of the Insurance, Claims and Supervision contracts (EVENTS.md documents each
 * payload). Same envelope and rules as events.ts: one event per transaction, after its writes.
 */
export const CLAIM_EVENT_NAMES = {
  claimKeyRegistered: 'medfabric.claimkey.registered',
  productCreated: 'medfabric.product.created',
  policyIssued: 'medfabric.policy.issued',
  fundDeposited: 'medfabric.fund.deposited',
  claimFiled: 'medfabric.claim.filed',
  claimHeld: 'medfabric.claim.held',
  claimReleased: 'medfabric.claim.released',
  claimDenied: 'medfabric.claim.denied',
  claimAdjudicated: 'medfabric.claim.adjudicated',
  claimPaid: 'medfabric.claim.paid',
  claimPayable: 'medfabric.claim.payable',
  /** AdjudicateClaims: one event whose `claims` carries each claim's own event (name and payload). */
  claimsAdjudicated: 'medfabric.claims.adjudicated',
  supervisionParamsSet: 'medfabric.supervision.paramsSet',
  alertRaised: 'medfabric.alert.raised',
  alertCleared: 'medfabric.alert.cleared',
  alertConfirmed: 'medfabric.alert.confirmed',
} as const;
export type ClaimEventName = (typeof CLAIM_EVENT_NAMES)[keyof typeof CLAIM_EVENT_NAMES];

export function emitClaimEvent(ctx: Context, name: ClaimEventName, body: Record<string, unknown>): void {
  ctx.stub.setEvent(name, canonicalBytes(eventPayload(ctx, name, body)));
}

/**
 * Fabric keeps one event per transaction, so a transaction that decides several claims emits one
 * event whose `claims` array holds, in order, the payload each claim's own event would have had.
 */
export function emitClaimBatchEvent(
  ctx: Context,
  name: ClaimEventName,
  entries: readonly { name: ClaimEventName; body: Record<string, unknown> }[],
): void {
  const claims = entries.map((entry) => eventPayload(ctx, entry.name, entry.body));
  ctx.stub.setEvent(name, canonicalBytes(eventPayload(ctx, name, { claims })));
}
