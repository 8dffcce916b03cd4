import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeVarint,
  findLedgerFiles,
  parseBlockFile,
  readBlockFile,
  readSingleBlockFile,
  serializeBlockFile,
} from './block-file';
import { protoFromRawBlock, toHex } from './raw-block';
import { blockAt, medfabricChain, type MedfabricChain } from './spec-fixtures';

let fixture: MedfabricChain;
let dir: string;
beforeAll(async () => {
  fixture = await medfabricChain();
  dir = await mkdtemp(path.join(tmpdir(), 'medfabric-blockfile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("Fabric's file ledger format", () => {
  it('encodes varints like protobuf', () => {
    expect(encodeVarint(0).toString('hex')).toBe('00');
    expect(encodeVarint(127).toString('hex')).toBe('7f');
    expect(encodeVarint(128).toString('hex')).toBe('8001');
    expect(encodeVarint(300).toString('hex')).toBe('ac02');
  });

  it('reads back what blkstorage writes, with the file location of every envelope', () => {
    const bytes = serializeBlockFile(fixture.chain.blocks);
    const contents = parseBlockFile(bytes, 'blockfile_000000');
    expect(contents.error).toBeUndefined();
    expect(contents.truncatedTail).toBeUndefined();
    expect(contents.blocks.map((b) => b.number)).toEqual(fixture.chain.blocks.map((b) => b.number));
    contents.blocks.forEach((block, i) => {
      const original = fixture.chain.blocks[i];
      expect(toHex(block.dataHash)).toBe(toHex(original?.dataHash ?? new Uint8Array()));
      expect(block.metadata.map(toHex)).toEqual(original?.metadata.map(toHex));
      block.location?.dataOffsets.forEach((where, j) => {
        expect(toHex(bytes.subarray(where.offset, where.offset + where.length))).toBe(
          toHex(block.data[j] ?? new Uint8Array()),
        );
      });
    });
  });

  it('reports a partially written last block as a truncated tail, keeping the blocks before it', () => {
    const bytes = serializeBlockFile(fixture.chain.blocks);
    const cut = bytes.subarray(0, bytes.length - 10);
    const contents = parseBlockFile(cut, 'f');
    expect(contents.blocks).toHaveLength(fixture.chain.blocks.length - 1);
    expect(contents.truncatedTail?.bytes).toBeGreaterThan(0);
    expect(contents.error).toBeUndefined();
  });

  it('reports a structural break with its offset', () => {
    const first = serializeBlockFile(fixture.chain.blocks.slice(0, 1));
    // A block whose envelope length runs past the block's end.
    const body = Buffer.concat([
      encodeVarint(1),
      encodeVarint(0),
      encodeVarint(0),
      encodeVarint(1),
      encodeVarint(50),
      Buffer.alloc(3),
    ]);
    const bytes = Buffer.concat([first, encodeVarint(body.length), body]);
    const contents = parseBlockFile(bytes, 'f');
    expect(contents.blocks).toHaveLength(1);
    expect(contents.error?.message).toMatch(/envelope 0 claims 50 bytes/);
  });

  it('finds blockfiles in suffix order below a directory, and single protobuf blocks', async () => {
    const chains = path.join(dir, 'chains', 'medchannel');
    await mkdir(chains, { recursive: true });
    await writeFile(path.join(chains, 'blockfile_000001'), serializeBlockFile(fixture.chain.blocks.slice(3)));
    await writeFile(
      path.join(chains, 'blockfile_000000'),
      serializeBlockFile(fixture.chain.blocks.slice(0, 3)),
    );
    await writeFile(
      path.join(dir, 'medchannel_5.block'),
      protoFromRawBlock(blockAt(fixture.chain.blocks, 5)).serializeBinary(),
    );
    await writeFile(path.join(dir, 'notes.txt'), 'ignored');
    const files = await findLedgerFiles(dir);
    expect(files.map((f) => [path.relative(dir, f.file), f.kind])).toEqual([
      [path.join('chains', 'medchannel', 'blockfile_000000'), 'blockfile'],
      [path.join('chains', 'medchannel', 'blockfile_000001'), 'blockfile'],
      ['medchannel_5.block', 'single-block'],
    ]);
    const second = await readBlockFile(path.join(chains, 'blockfile_000001'));
    expect(second.blocks.map((b) => b.number)).toEqual([3, 4, 5]);
    const single = await readSingleBlockFile(path.join(dir, 'medchannel_5.block'));
    expect(single.blocks[0]?.number).toBe(5);
    const bad = await readSingleBlockFile(path.join(dir, 'notes.txt'));
    expect(bad.error).toBeDefined();
  });
});
