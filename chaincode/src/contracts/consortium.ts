import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { readCaller } from '../lib/caller';
import { stableStringify } from '../lib/canonical-json';
import { AccessDeniedError, StateConflictError } from '../lib/errors';
import { emitEvent, EVENT_NAMES } from '../lib/events';
import { KEY_TYPES, readAllByPartialKey, txTimestamp, writeState } from '../lib/ledger';
import { authenticateMember, consortiumKey, memberKey, readConsortium, readMember } from '../lib/membership';
import { LIMITS, requireEnum, requireMspId, requireText } from '../lib/validation';
import { ConsortiumConfig, ConsortiumMember, REGISTRABLE_KINDS } from '../models/consortium';

/** The membership registry every other contract consults for the caller's organisation kind. */
@Info({ title: 'Consortium', description: 'Consortium membership: regulator, hospitals and insurers' })
export class ConsortiumContract extends Contract {
  constructor() {
    super('Consortium');
  }

  /** Fixes the regulator. Once only, by an admin OU identity of the regulator's own MSP. */
  @Transaction()
  @Returns('string')
  public async InitConsortium(ctx: Context, regulatorMspId: string): Promise<string> {
    const mspId = requireMspId(regulatorMspId, 'regulatorMspId');
    const caller = readCaller(ctx);
    if (caller.mspId !== mspId || caller.nodeOu !== 'admin') {
      throw new AccessDeniedError(`only an admin OU identity of ${mspId} may initialise the consortium`);
    }
    const existing = await readConsortium(ctx);
    if (existing !== undefined) {
      throw new StateConflictError(
        `The consortium is already initialised (regulator ${existing.regulatorMspId}, tx ${existing.txId})`,
      );
    }

    const now = txTimestamp(ctx);
    const txId = ctx.stub.getTxID();
    const config = new ConsortiumConfig({
      regulatorMspId: mspId,
      initialisedAt: now,
      initialisedBy: caller.id,
      txId,
    });
    const regulator = new ConsortiumMember({
      mspId,
      kind: 'regulator',
      displayName: mspId,
      registeredAt: now,
      registeredBy: caller.id,
      txId,
    });
    await writeState(ctx, consortiumKey(ctx), config);
    await writeState(ctx, memberKey(ctx, mspId), regulator);
    emitEvent(ctx, EVENT_NAMES.consortiumInitialised, { regulatorMspId: mspId });
    return stableStringify(config);
  }

  /** Adds a hospital or an insurer. Regulator admin OU only; a member is registered once. */
  @Transaction()
  @Returns('string')
  public async RegisterMember(
    ctx: Context,
    mspId: string,
    kind: string,
    displayName: string,
  ): Promise<string> {
    const memberMspId = requireMspId(mspId, 'mspId');
    const memberKind = requireEnum(kind, 'kind', REGISTRABLE_KINDS);
    const name = requireText(displayName, 'displayName', LIMITS.displayNameLength);
    const caller = await authenticateMember(ctx);
    if (caller.orgKind !== 'regulator' || caller.nodeOu !== 'admin') {
      throw new AccessDeniedError('only an admin OU identity of the regulator may register members');
    }
    const existing = await readMember(ctx, memberMspId);
    if (existing !== undefined) {
      throw new StateConflictError(`MSP ${memberMspId} is already registered as ${existing.kind}`);
    }

    const member = new ConsortiumMember({
      mspId: memberMspId,
      kind: memberKind,
      displayName: name,
      registeredAt: txTimestamp(ctx),
      registeredBy: caller.id,
      txId: ctx.stub.getTxID(),
    });
    await writeState(ctx, memberKey(ctx, memberMspId), member);
    emitEvent(ctx, EVENT_NAMES.memberRegistered, { mspId: memberMspId, kind: memberKind, displayName: name });
    return stableStringify(member);
  }

  /**
   * All members in MSP id order, the regulator included; an empty list before InitConsortium.
   * Membership is not confidential, so any identity may ask (the console shows it before joining).
   */
  @Transaction(false)
  @Returns('string')
  public async GetMembers(ctx: Context): Promise<string> {
    const members = (await readAllByPartialKey(ctx, KEY_TYPES.member, [])).map((stored) =>
      ConsortiumMember.decode(stored),
    );
    return stableStringify(members);
  }
}
