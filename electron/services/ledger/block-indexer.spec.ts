import type { common } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBlock } from './block-decoder';
import { LedgerIndexer, type BlockSource, type BlockStream, type IndexerErrorEvent } from './block-indexer';
import { LedgerIndex } from './ledger-index';
import { protoFromRawBlock, type RawBlock } from './raw-block';
import { LEDGER_TABLES } from './schema';
import { medfabricChain, medfabricTx, type MedfabricChain } from './spec-fixtures';

let fixture: MedfabricChain;
beforeAll(async () => {
  fixture = await medfabricChain();
});

/** A Deliver-like source: replays from the start block, then waits for pushed blocks until closed. */
class FakeDeliver implements BlockSource {
  readonly description = 'fake peer';
  readonly opens: bigint[] = [];
  private readonly blocks: common.Block[];
  private readonly waiters = new Set<() => void>();
  /** Errors to throw from the next opens (transient failures). */
  failNextOpens = 0;
  /** Ignore startBlock and always deliver from 0 (a misbehaving source). */
  replayFromZero = false;

  constructor(blocks: RawBlock[]) {
    this.blocks = blocks.map(protoFromRawBlock);
  }

  push(block: RawBlock): void {
    this.blocks.push(protoFromRawBlock(block));
    for (const wake of this.waiters) wake();
  }

  async open(startBlock: bigint): Promise<BlockStream> {
    this.opens.push(startBlock);
    if (this.failNextOpens > 0) {
      this.failNextOpens--;
      throw new Error('UNAVAILABLE: connection refused');
    }
    let closed = false;
    let next = this.replayFromZero ? 0 : Number(startBlock);
    let wake: (() => void) | undefined;
    const blocks = this.blocks;
    const waiters = this.waiters;
    return {
      close: () => {
        closed = true;
        wake?.();
      },
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<common.Block>> => {
          for (;;) {
            if (closed) throw new Error('CANCELLED: stream closed');
            const block = blocks[next];
            if (block) {
              next++;
              await new Promise((resolve) => setTimeout(resolve, 1));
              return { value: block, done: false };
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
              waiters.add(resolve);
            });
            if (wake) waiters.delete(wake);
          }
        },
      }),
    };
  }
}

function dump(index: LedgerIndex): Record<string, unknown[]> {
  return Object.fromEntries(LEDGER_TABLES.map((table) => [table, index.dumpTable(table)]));
}

function replay(blocks: RawBlock[]): LedgerIndex {
  const index = LedgerIndex.open(':memory:', { channel: 'medchannel' });
  for (const block of blocks) index.applyBlock(decodeBlock(block));
  return index;
}

describe('LedgerIndexer', () => {
  it('follows the source to its height and keeps following new blocks', async () => {
    const source = new FakeDeliver(fixture.chain.blocks);
    const index = LedgerIndex.open(':memory:', { channel: 'medchannel' });
    const indexer = new LedgerIndexer({ index, source });
    const states: string[] = [];
    indexer.on('state', (status) => states.push(status.state));
    indexer.start();
    indexer.start(); // idempotent
    await indexer.waitForHeight(fixture.chain.height, 5_000);
    expect(indexer.status()).toMatchObject({
      state: 'following',
      nextBlock: 6,
      blocksIndexed: 6,
      source: 'fake peer',
    });

    const extra = fixture.chain.append([medfabricTx('Diagnostics:Ping', null, { live: true }).bytes]);
    source.push(extra);
    await indexer.waitForHeight(7, 5_000);
    await indexer.stop();
    expect(indexer.status().state).toBe('stopped');
    expect(states).toEqual(['connecting', 'following', 'stopped']);
    expect(index.counts().blocks).toBe(7);
    index.close();
  });

  it('stopped while consuming, then restarted, loses and duplicates nothing', async () => {
    const blocks = fixture.chain.blocks.slice(0, 6);
    const source = new FakeDeliver(blocks);
    const index = LedgerIndex.open(':memory:', { channel: 'medchannel' });
    const first = new LedgerIndexer({ index, source });
    const stopped = new Promise<void>((resolve) => {
      first.on('block', (event) => {
        if (event.number === 2) void first.dispose().then(resolve);
      });
    });
    first.start();
    await stopped;
    expect(index.nextBlock).toBe(3);

    const second = new LedgerIndexer({ index, source });
    second.start();
    await second.waitForHeight(6, 5_000);
    await second.stop();
    expect(source.opens).toEqual([0n, 3n]);
    const fresh = replay(blocks);
    expect(dump(index)).toEqual(dump(fresh));
    index.close();
    fresh.close();
  });

  it('skips blocks a source delivers again', async () => {
    const blocks = fixture.chain.blocks.slice(0, 6);
    const source = new FakeDeliver(blocks);
    source.replayFromZero = true;
    const index = replay(blocks.slice(0, 4));
    const indexer = new LedgerIndexer({ index, source });
    indexer.start();
    await indexer.waitForHeight(6, 5_000);
    await indexer.stop();
    expect(indexer.status().blocksIndexed).toBe(2);
    const fresh = replay(blocks);
    expect(dump(index)).toEqual(dump(fresh));
    index.close();
    fresh.close();
  });

  it('retries a lost connection with backoff and resumes at the checkpoint', async () => {
    const source = new FakeDeliver(fixture.chain.blocks.slice(0, 6));
    source.failNextOpens = 2;
    const index = LedgerIndex.open(':memory:', { channel: 'medchannel' });
    const indexer = new LedgerIndexer({ index, source, retryMinMs: 5, retryMaxMs: 20 });
    const errors: IndexerErrorEvent[] = [];
    indexer.on('error', (event) => errors.push(event));
    indexer.start();
    await indexer.waitForHeight(6, 5_000);
    await indexer.stop();
    expect(errors).toEqual([
      { message: 'UNAVAILABLE: connection refused', fatal: false, retryInMs: 5 },
      { message: 'UNAVAILABLE: connection refused', fatal: false, retryInMs: 10 },
    ]);
    expect(source.opens).toEqual([0n, 0n, 0n]);
    index.close();
  });

  it('stops with a fatal error when a block does not chain to the indexed ones', async () => {
    const good = fixture.chain.blocks.slice(0, 2);
    const other = await medfabricChain();
    const source = new FakeDeliver([...good, ...other.chain.blocks.slice(2, 4)]);
    const index = LedgerIndex.open(':memory:', { channel: 'medchannel' });
    const indexer = new LedgerIndexer({ index, source, retryMinMs: 5 });
    const failure = indexer.waitForHeight(4, 5_000);
    indexer.start();
    await expect(failure).rejects.toThrow(/previous_hash/);
    await indexer.stop();
    expect(indexer.status()).toMatchObject({ state: 'failed', nextBlock: 2 });
    expect(indexer.status().lastError).toMatch(/block 2 has previous_hash/);
    index.close();
  });
});
