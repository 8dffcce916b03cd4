// Follows the blocks of the console's OWN peer and writes them into the ledger index. The stream
// starts at the index's checkpoint (the next block it lacks), so a stop or a crash resumes exactly
// where the last committed block left off; a block delivered twice is skipped by the index. Lost
// connections are retried with backoff; a chain break stops the indexer (it needs an audit, not a
// retry).
import { EventEmitter } from 'node:events';
import type { common } from '@hyperledger/fabric-protos';
import type { SigningIdentity } from '../fabric/proposal';
import type { GatewayConnection } from '../gateway/gateway-client';
import type { NodeTopology } from '../runtime/profile';
import type { Disposable } from '../runtime/types';
import { decodeBlock } from './block-decoder';
import { LedgerIndexError, type LedgerIndex } from './ledger-index';

export interface BlockStream extends AsyncIterable<common.Block> {
  close(): void;
}

/** Where blocks come from: a Deliver stream from the peer in production, anything iterable in tests. */
export interface BlockSource {
  readonly description: string;
  open(startBlock: bigint): Promise<BlockStream>;
}

/** Full blocks (common.Block) from a peer's Deliver service through a Gateway connection. */
export function gatewayBlockSource(
  connect: () => GatewayConnection,
  channel: string,
  description = 'peer',
): BlockSource {
  return {
    description,
    async open(startBlock) {
      const connection = connect();
      try {
        const events = await connection.gateway.getNetwork(channel).getBlockEvents({ startBlock });
        return {
          [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
          close: () => {
            events.close();
            connection.close();
          },
        };
      } catch (error) {
        connection.close();
        throw error;
      }
    },
  };
}

/** What the indexer needs from the runtime (NetworkRuntime satisfies it). */
export interface PeerGatewayProvider {
  readonly channel: string;
  gateway(node: NodeTopology, identity?: SigningIdentity): GatewayConnection;
}

/** Blocks of `peer` on the runtime's channel, as `identity` (default: the peer org's admin). */
export function peerBlockSource(
  runtime: PeerGatewayProvider,
  peer: NodeTopology,
  identity?: SigningIdentity,
): BlockSource {
  return gatewayBlockSource(
    () => runtime.gateway(peer, identity),
    runtime.channel,
    `${peer.id} (${peer.org.mspId})`,
  );
}

export type IndexerState = 'idle' | 'connecting' | 'following' | 'retrying' | 'stopped' | 'failed';

export interface IndexerStatus {
  state: IndexerState;
  source: string;
  /** The next block the index lacks. */
  nextBlock: number;
  blocksIndexed: number;
  lastError: string | null;
}

export interface IndexedBlockEvent {
  number: number;
  txCount: number;
  validTxCount: number;
  headerHash: string;
}

export interface IndexerErrorEvent {
  message: string;
  fatal: boolean;
  retryInMs: number | null;
}

export interface LedgerIndexerEvents {
  block: IndexedBlockEvent;
  state: IndexerStatus;
  error: IndexerErrorEvent;
}

export interface LedgerIndexerOptions {
  index: LedgerIndex;
  source: BlockSource;
  retryMinMs?: number;
  retryMaxMs?: number;
}

export class LedgerIndexer {
  private readonly events = new EventEmitter();
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private state: IndexerState = 'idle';
  private stopping = false;
  private loop: Promise<void> | undefined;
  private stream: BlockStream | undefined;
  private wake: (() => void) | undefined;
  private blocksIndexed = 0;
  private lastError: string | null = null;

  constructor(private readonly options: LedgerIndexerOptions) {
    this.retryMinMs = options.retryMinMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
  }

  on<E extends keyof LedgerIndexerEvents>(
    event: E,
    listener: (payload: LedgerIndexerEvents[E]) => void,
  ): Disposable {
    this.events.on(event, listener);
    return { dispose: () => this.events.off(event, listener) };
  }

  status(): IndexerStatus {
    return {
      state: this.state,
      source: this.options.source.description,
      nextBlock: this.options.index.db.open ? this.options.index.nextBlock : -1,
      blocksIndexed: this.blocksIndexed,
      lastError: this.lastError,
    };
  }

  /** Starts following (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
    });
  }

  /** Stops after the block being written (if any) commits; resolves when the stream is closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stream?.close();
    this.wake?.();
    await this.loop;
  }

  /** Disposable-style alias of stop(). */
  dispose(): Promise<void> {
    return this.stop();
  }

  /** Resolves once the index holds `height` blocks (0 … height-1); rejects on timeout or failure. */
  waitForHeight(height: number, timeoutMs = 60_000): Promise<void> {
    if (this.options.index.nextBlock >= height) return Promise.resolve();
    if (this.state === 'failed') return Promise.reject(new Error(this.lastError ?? 'the indexer has failed'));
    return new Promise((resolve, reject) => {
      const subscriptions: Disposable[] = [];
      const done = (error?: Error): void => {
        clearTimeout(timer);
        for (const subscription of subscriptions) subscription.dispose();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () =>
          done(
            new Error(
              `index reached ${this.options.index.nextBlock} of ${height} blocks within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      subscriptions.push(
        this.on('block', (event) => {
          if (event.number + 1 >= height) done();
        }),
        this.on('error', (event) => {
          if (event.fatal) done(new Error(event.message));
        }),
      );
    });
  }

  /** 'error' goes only to listeners: an EventEmitter without one would throw it. */
  private emitError(event: IndexerErrorEvent): void {
    if (this.events.listenerCount('error') > 0) this.events.emit('error', event);
  }

  private setState(state: IndexerState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.emit('state', this.status());
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async run(): Promise<void> {
    const { index, source } = this.options;
    let delay = this.retryMinMs;
    while (!this.stopping) {
      try {
        this.setState('connecting');
        const stream = await source.open(BigInt(index.nextBlock));
        this.stream = stream;
        if (this.stopping) break;
        this.setState('following');
        for await (const block of stream) {
          if (this.stopping) break;
          const decoded = decodeBlock(block);
          if (index.applyBlock(decoded)) {
            this.blocksIndexed++;
            delay = this.retryMinMs;
            this.events.emit('block', {
              number: decoded.number,
              txCount: decoded.txCount,
              validTxCount: decoded.validTxCount,
              headerHash: decoded.headerHash,
            } satisfies IndexedBlockEvent);
          }
        }
        if (!this.stopping) throw new Error(`the block stream from ${source.description} ended`);
      } catch (error) {
        if (this.stopping) break;
        const message = error instanceof Error ? error.message : String(error);
        this.lastError = message;
        if (error instanceof LedgerIndexError || !index.db.open) {
          this.emitError({ message, fatal: true, retryInMs: null });
          this.setState('failed');
          return;
        }
        this.emitError({ message, fatal: false, retryInMs: delay });
        this.setState('retrying');
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.retryMaxMs);
      } finally {
        this.stream?.close();
        this.stream = undefined;
      }
    }
    this.setState('stopped');
  }
}
