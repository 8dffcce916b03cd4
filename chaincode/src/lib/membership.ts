import type { Context } from 'fabric-contract-api';
import { ConsortiumConfig, ConsortiumMember, type MemberKind } from '../models/consortium';
import { readCaller, type Caller } from './caller';
import { AccessDeniedError } from './errors';
import { compositeKey, KEY_TYPES, readState } from './ledger';

/** A caller whose organisation is a registered consortium member. */
export interface MemberCaller extends Caller {
  orgKind: MemberKind;
}

export function consortiumKey(ctx: Context): string {
  return compositeKey(ctx, KEY_TYPES.consortium, []);
}

export function memberKey(ctx: Context, mspId: string): string {
  return compositeKey(ctx, KEY_TYPES.member, [mspId]);
}

export async function readConsortium(ctx: Context): Promise<ConsortiumConfig | undefined> {
  const stored = await readState(ctx, consortiumKey(ctx));
  return stored === undefined ? undefined : ConsortiumConfig.decode(stored);
}

export async function readMember(ctx: Context, mspId: string): Promise<ConsortiumMember | undefined> {
  const stored = await readState(ctx, memberKey(ctx, mspId));
  return stored === undefined ? undefined : ConsortiumMember.decode(stored);
}

/** The consortium configuration; refused before Consortium:InitConsortium. */
export async function requireConsortium(ctx: Context): Promise<ConsortiumConfig> {
  const consortium = await readConsortium(ctx);
  if (consortium === undefined) {
    throw new AccessDeniedError('the consortium is not initialised yet (Consortium:InitConsortium)');
  }
  return consortium;
}

/**
 * Every transaction except InitConsortium and GetMembers starts here: the caller's MSP must be a
 * registered member; the result carries the org kind for the policy checks. Members are written
 * only by InitConsortium and by RegisterMember (which needs an initialised consortium), so a member
 * record proves the consortium is initialised: the configuration is read only to explain a refusal.
 */
export async function authenticateMember(ctx: Context): Promise<MemberCaller> {
  const caller = readCaller(ctx);
  const member = await readMember(ctx, caller.mspId);
  if (member === undefined) {
    await requireConsortium(ctx);
    throw new AccessDeniedError(`MSP ${caller.mspId} is not a registered consortium member`);
  }
  return { ...caller, orgKind: member.kind };
}
