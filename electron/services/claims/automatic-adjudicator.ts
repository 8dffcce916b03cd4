// The insurer console's automatic adjudicator (DESIGN §7 step 5): follows the chaincode's claim
// events from a persisted checkpoint, decrypts each filed claim's blinded eligibility ciphertext
// with the insurer's private key (which never leaves the keystore), and submits the decryption
// proof. Held claims wait in a review queue for the compliance officer. Reprocessing an event is
// harmless: a claim that is no longer `filed` is skipped.
//
// Under load it batches: every adjudication writes the insurer's fund balance, so they commit one
// per block; the claims whose events arrived meanwhile go together in one AdjudicateClaims. It
// never waits for more claims: a lone claim goes through AdjudicateClaim at once.
import { EventEmitter } from 'node:events';
import {
  checkpointers,
  type ChaincodeEvent,
  type CloseableAsyncIterable,
  type Contract,
} from '@hyperledger/fabric-gateway';
import {
  decryptWithProof,
  parseDecimalBigInt,
  serializeProof,
  type ClaimPrivateKey,
  type SerializedDecryptionProof,
} from '../../../chaincode/src/lib/claim-crypto';
import {
  describeFabricError,
  retryOnReadConflict,
  retryWhileDiscovering,
  type GatewayConnection,
  type PeerEndpoint,
} from '../gateway/gateway-client';
import type { InsurerClaimKeys } from './claim-secrets';

export interface ClaimSummary {
  claimId: string;
  status: string;
  insurerMspId: string;
  hospitalMspId: string;
  claimKeyId: string;
  encryptedEligibility: string;
  totalSubmitted: string;
  alertIds: string[];
}

export interface AdjudicationOutcome {
  claimId: string;
  status: string;
  outcome: string | null;
  reasonCode: string | null;
  totalBenefit: string | null;
  /** Milliseconds from seeing the event to the committed adjudication. */
  elapsedMs: number;
}

interface AdjudicatorEvents {
  adjudicated: [AdjudicationOutcome];
  queued: [ClaimSummary];
  error: [Error];
  /** A batch was refused as a whole; its claims are then adjudicated one by one (errors per claim). */
  'batch-refused': [{ claimIds: string[]; error: Error }];
}

export interface AdjudicatorOptions {
  /** A Gateway session of an insurer identity allowed to adjudicate (adjuster or admin). */
  connection: GatewayConnection;
  channel: string;
  chaincode: string;
  insurerMspId: string;
  regulatorMspId: string;
  keys: InsurerClaimKeys;
  checkpointFile: string;
}

/** The most claims one Claims:AdjudicateClaims takes (the chaincode's MAX_ADJUDICATION_BATCH). */
export const MAX_ADJUDICATION_BATCH = 16;

/** What the adjudicator uses of the Claims contract. */
export type ClaimsContract = Pick<Contract, 'evaluateTransaction' | 'submit'>;

/** The chaincode events from the persisted checkpoint, and the way to move that checkpoint. */
export interface CheckpointedEvents {
  events: CloseableAsyncIterable<ChaincodeEvent>;
  checkpoint(event: ChaincodeEvent): Promise<void>;
}

/** The adjudicator's collaborators, so that its logic runs without Fabric in the unit tests. */
export interface ClaimAdjudicatorOptions {
  insurerMspId: string;
  regulatorMspId: string;
  keys: Pick<InsurerClaimKeys, 'get'>;
  claims: ClaimsContract;
  /** The peer the contract calls go through, named in error messages. */
  endpoint: PeerEndpoint;
  openEvents(): Promise<CheckpointedEvents>;
}

type Adjudication = Omit<AdjudicationOutcome, 'elapsedMs'>;

interface UpdatedClaim {
  status: string;
  adjudication: { outcome: string; reasonCode: string | null; totalBenefit: string } | null;
}

/** A filed claim waiting for its adjudication, with the time its event was seen. */
interface PendingClaim {
  claim: ClaimSummary;
  seenAt: number;
}

const CLAIM_EVENTS = new Set(['medfabric.claim.filed', 'medfabric.claim.held', 'medfabric.claim.released']);

export class ClaimAdjudicator extends EventEmitter<AdjudicatorEvents> {
  private feed: CheckpointedEvents | undefined;
  private readonly privateKeys = new Map<string, Promise<ClaimPrivateKey>>();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: ClaimAdjudicatorOptions) {
    super();
  }

  /** Starts following claim events (from the checkpoint, or from now on the first run). */
  async start(): Promise<void> {
    if (this.loop) return;
    const feed = await this.options.openEvents();
    this.feed = feed;
    this.loop = this.follow(feed);
  }

  async stop(): Promise<void> {
    const feed = this.feed;
    this.feed = undefined;
    feed?.events.close();
    await this.loop;
    this.loop = undefined;
    this.privateKeys.clear();
  }

  /**
   * Rounds of: the events delivered so far, their filed claims adjudicated, then the checkpoint
   * moved to the round's last event. At least once: a stop or crash within a round leaves the
   * checkpoint before it, and the claims it adjudicated are skipped after the restart.
   */
  private async follow(feed: CheckpointedEvents): Promise<void> {
    const bursts = new EventBursts(feed.events[Symbol.asyncIterator]());
    try {
      for (;;) {
        const round = await this.collectRound(bursts);
        const last = round.events.at(-1);
        if (last === undefined) return; // the stream ended
        await this.adjudicatePending([...round.filed.values()]);
        await feed.checkpoint(last);
      }
    } catch (error) {
      // The stream ends with an error when stopped; anything else is reported, not swallowed.
      if (this.feed)
        this.emit('error', describeFabricError(error, this.options.endpoint, 'follow claim events'));
    }
  }

  /** Waits for one event, then takes those already delivered, until a batch of filed claims is full. */
  private async collectRound(
    bursts: EventBursts<ChaincodeEvent>,
  ): Promise<{ events: ChaincodeEvent[]; filed: Map<string, PendingClaim> }> {
    const round = { events: [] as ChaincodeEvent[], filed: new Map<string, PendingClaim>() };
    const queued = new Set<string>();
    let burst = await bursts.waitForNext(MAX_ADJUDICATION_BATCH);
    while (burst.length > 0) {
      round.events.push(...burst);
      // Read in parallel, sorted in event order; a claim named by several events is taken once.
      const read = await Promise.all(burst.map((event) => this.readEventClaim(event)));
      for (const pending of read) {
        if (pending === undefined) continue;
        const { claim } = pending;
        if (claim.status === 'held') {
          if (!queued.has(claim.claimId)) this.emit('queued', claim);
          queued.add(claim.claimId);
        } else if (claim.status === 'filed' && !round.filed.has(claim.claimId)) {
          round.filed.set(claim.claimId, pending);
        }
        // Any other status: already adjudicated by an earlier run.
      }
      const room = MAX_ADJUDICATION_BATCH - round.filed.size;
      burst = room > 0 ? await bursts.delivered(room) : [];
    }
    return round;
  }

  /** The claim of one of this insurer's claim events, or undefined (other events, reported failures). */
  private async readEventClaim(event: ChaincodeEvent): Promise<PendingClaim | undefined> {
    if (!CLAIM_EVENTS.has(event.eventName)) return undefined;
    const seenAt = performance.now();
    try {
      const payload = JSON.parse(Buffer.from(event.payload).toString()) as {
        claimId: string;
        insurerMspId: string;
      };
      if (payload.insurerMspId !== this.options.insurerMspId) return undefined;
      return { claim: await this.getClaim(payload.claimId), seenAt };
    } catch (error) {
      this.emit('error', asError(error));
      return undefined;
    }
  }

  /** One claim alone; several in one batch, or one by one if the batch fails. */
  private async adjudicatePending(pending: PendingClaim[]): Promise<void> {
    if (pending.length > 1) {
      try {
        const adjudications = await this.adjudicateBatch(pending.map(({ claim }) => claim));
        for (const [index, adjudication] of adjudications.entries()) {
          this.emitAdjudicated(adjudication, (pending[index] as PendingClaim).seenAt);
        }
        return;
      } catch (error) {
        // One invalid entry fails the whole batch: going one by one adjudicates the others and
        // reports the failing claim's own error below.
        this.emit('batch-refused', {
          claimIds: pending.map(({ claim }) => claim.claimId),
          error: asError(error),
        });
      }
    }
    for (const { claim, seenAt } of pending) {
      try {
        this.emitAdjudicated(await this.adjudicate(claim), seenAt);
      } catch (error) {
        this.emit('error', asError(error));
      }
    }
  }

  private emitAdjudicated(adjudication: Adjudication, seenAt: number): void {
    this.emit('adjudicated', { ...adjudication, elapsedMs: Math.round(performance.now() - seenAt) });
  }

  async getClaim(claimId: string): Promise<ClaimSummary> {
    try {
      const bytes = await this.options.claims.evaluateTransaction('GetClaim', claimId);
      return JSON.parse(Buffer.from(bytes).toString()) as ClaimSummary;
    } catch (error) {
      throw describeFabricError(error, this.options.endpoint, `read claim ${claimId}`);
    }
  }

  /** Decrypts the claim's e and submits (m, ρ); the chaincode verifies g^m·ρ^n ≡ e (mod n²). */
  async adjudicate(claim: ClaimSummary): Promise<Adjudication> {
    const proof = await this.proveDecryption(claim);
    try {
      const result = await this.submitAdjudication('AdjudicateClaim', [claim.claimId, proof.m, proof.rho]);
      return toAdjudication(claim.claimId, JSON.parse(Buffer.from(result).toString()) as UpdatedClaim);
    } catch (error) {
      throw describeFabricError(error, this.options.endpoint, `adjudicate claim ${claim.claimId}`);
    }
  }

  /**
   * AdjudicateClaims for 2 to MAX_ADJUDICATION_BATCH distinct filed claims: one transaction, all or
   * nothing; the chaincode's error names the claims it refused.
   */
  async adjudicateBatch(claims: readonly ClaimSummary[]): Promise<Adjudication[]> {
    const batch = await Promise.all(
      claims.map(async (claim) => ({ claimId: claim.claimId, ...(await this.proveDecryption(claim)) })),
    );
    const ids = claims.map((claim) => claim.claimId).join(', ');
    try {
      const result = await this.submitAdjudication('AdjudicateClaims', [JSON.stringify(batch)]);
      const updated = JSON.parse(Buffer.from(result).toString()) as UpdatedClaim[];
      if (!Array.isArray(updated) || updated.length !== claims.length) {
        throw new Error(`the chaincode's answer is not the ${claims.length} updated claims of the batch`);
      }
      return claims.map((claim, index) => toAdjudication(claim.claimId, updated[index] as UpdatedClaim));
    } catch (error) {
      throw describeFabricError(error, this.options.endpoint, `adjudicate claims ${ids}`);
    }
  }

  /**
   * The decryption proof of the claim's e. Each private key is read from the keystore (a scrypt
   * derivation, tens of milliseconds) once while the adjudicator runs, not once per claim; stop()
   * forgets them, and a failed read is not kept.
   */
  private async proveDecryption(claim: ClaimSummary): Promise<SerializedDecryptionProof> {
    let privateKey = this.privateKeys.get(claim.claimKeyId);
    if (privateKey === undefined) {
      privateKey = this.options.keys.get(claim.claimKeyId);
      this.privateKeys.set(claim.claimKeyId, privateKey);
      privateKey.catch(() => this.privateKeys.delete(claim.claimKeyId));
    }
    const e = parseDecimalBigInt(claim.encryptedEligibility, 'encryptedEligibility');
    return serializeProof(decryptWithProof(await privateKey, e));
  }

  /** Repeatable: a claim is adjudicated only while filed, and a refused attempt wrote nothing. */
  private submitAdjudication(transaction: string, args: string[]): Promise<Uint8Array> {
    return retryOnReadConflict(() =>
      retryWhileDiscovering(() =>
        this.options.claims.submit(transaction, {
          arguments: args,
          endorsingOrganizations: [this.options.insurerMspId, this.options.regulatorMspId],
        }),
      ),
    );
  }

  /** Held claims of this insurer, for the compliance officer's review. */
  async reviewQueue(): Promise<ClaimSummary[]> {
    const bytes = await this.options.claims.evaluateTransaction('ListClaimsByStatus', 'held');
    const claims = JSON.parse(Buffer.from(bytes).toString()) as ClaimSummary[];
    return claims.filter((claim) => claim.insurerMspId === this.options.insurerMspId);
  }
}

/** The adjudicator on a Gateway session, its checkpoint in a file. */
export class AutomaticAdjudicator extends ClaimAdjudicator {
  constructor(options: AdjudicatorOptions) {
    const network = options.connection.gateway.getNetwork(options.channel);
    super({
      insurerMspId: options.insurerMspId,
      regulatorMspId: options.regulatorMspId,
      keys: options.keys,
      claims: network.getContract(options.chaincode, 'Claims'),
      endpoint: options.connection.endpoint,
      openEvents: async () => {
        const checkpointer = await checkpointers.file(options.checkpointFile);
        const events = await network.getChaincodeEvents(options.chaincode, { checkpoint: checkpointer });
        return { events, checkpoint: (event) => checkpointer.checkpointChaincodeEvent(event) };
      },
    });
  }
}

function toAdjudication(claimId: string, updated: UpdatedClaim): Adjudication {
  return {
    claimId,
    status: updated.status,
    outcome: updated.adjudication?.outcome ?? null,
    reasonCode: updated.adjudication?.reasonCode ?? null,
    totalBenefit: updated.adjudication?.totalBenefit ?? null,
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Reads a stream in bursts without waiting for what has not arrived: the events already delivered
 * are those whose next() settles before the event loop's next turn.
 */
class EventBursts<T> {
  private pending: Promise<IteratorResult<T>> | undefined;
  private ended = false;

  constructor(private readonly iterator: AsyncIterator<T>) {}

  /** Waits for the next event, then adds those already delivered, up to max; [] once the stream ended. */
  async waitForNext(max: number): Promise<T[]> {
    const first = await this.read(true);
    return first === undefined ? [] : [first, ...(await this.delivered(max - 1))];
  }

  /** The events already delivered, up to max, without waiting. */
  async delivered(max: number): Promise<T[]> {
    const events: T[] = [];
    while (events.length < max) {
      const event = await this.read(false);
      if (event === undefined) break;
      events.push(event);
    }
    return events;
  }

  private async read(wait: boolean): Promise<T | undefined> {
    if (this.ended) return undefined;
    // A next() that lost the race below stays pending: it is the one the following read awaits.
    this.pending ??= this.iterator.next();
    const result = wait ? await this.pending : await Promise.race([this.pending, nextTurn()]);
    if (result === undefined) return undefined;
    this.pending = undefined;
    if (result.done) {
      this.ended = true;
      return undefined;
    }
    return result.value;
  }
}

function nextTurn(): Promise<undefined> {
  return new Promise((resolve) => setImmediate(() => resolve(undefined)));
}
