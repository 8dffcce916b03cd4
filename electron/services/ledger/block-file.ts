// Reads Fabric's file ledger (common/ledger/blkstorage), as peers and orderers write it:
// `chains/<channel>/blockfile_NNNNNN` is a sequence of  varint(length) ‖ serialised block, and a
// serialised block is NOT a protobuf common.Block but blkstorage's own layout:
//   varint number ‖ varint len ‖ data_hash ‖ varint len ‖ previous_hash
//   ‖ varint count ‖ (varint len ‖ envelope)*  ‖ varint count ‖ (varint len ‖ metadata)*
// A copied block file may end in a partially written block (a crash while appending); that tail is
// reported, not treated as tampering. Single blocks fetched with `peer channel fetch` (a protobuf
// common.Block per file, *.block / *.pb) are read too.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { rawBlockFromBytes, type RawBlock } from './raw-block';

export class BlockFileFormatError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    message: string,
  ) {
    super(`${file} at byte ${offset}: ${message}`);
    this.name = 'BlockFileFormatError';
  }
}

export interface BlockFileContents {
  file: string;
  blocks: RawBlock[];
  /** Bytes after the last complete block that do not form a whole block. */
  truncatedTail?: { offset: number; bytes: number };
  /** A structural error: blocks before it were read, nothing after it can be. */
  error?: BlockFileFormatError;
}

class Cursor {
  offset: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly file: string,
  ) {
    this.offset = start;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  varint(what: string): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end)
        throw new BlockFileFormatError(this.file, this.offset, `truncated ${what}`);
      const byte = this.bytes[this.offset++] ?? 0;
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) {
          throw new BlockFileFormatError(this.file, this.offset, `${what} is too large`);
        }
        return result;
      }
      multiplier *= 128;
    }
    throw new BlockFileFormatError(this.file, this.offset, `malformed varint (${what})`);
  }

  rawBytes(what: string): { bytes: Uint8Array; offset: number } {
    const length = this.varint(`${what} length`);
    if (length > this.remaining) {
      throw new BlockFileFormatError(
        this.file,
        this.offset,
        `${what} claims ${length} bytes, only ${this.remaining} left in the block`,
      );
    }
    const offset = this.offset;
    this.offset += length;
    return { bytes: this.bytes.subarray(offset, offset + length), offset };
  }
}

/** Decodes blkstorage's serialised block occupying bytes[start, end). */
export function parseSerializedBlock(bytes: Uint8Array, start: number, end: number, file: string): RawBlock {
  const cursor = new Cursor(bytes, start, end, file);
  const blockNumber = cursor.varint('block number');
  const dataHash = cursor.rawBytes('data hash').bytes;
  const previousHash = cursor.rawBytes('previous hash').bytes;
  const dataCount = cursor.varint('envelope count');
  const data: Uint8Array[] = [];
  const dataOffsets: Array<{ offset: number; length: number }> = [];
  for (let i = 0; i < dataCount; i++) {
    const envelope = cursor.rawBytes(`envelope ${i}`);
    data.push(envelope.bytes);
    dataOffsets.push({ offset: envelope.offset, length: envelope.bytes.length });
  }
  const metadataCount = cursor.varint('metadata count');
  const metadata: Uint8Array[] = [];
  for (let i = 0; i < metadataCount; i++) metadata.push(cursor.rawBytes(`metadata ${i}`).bytes);
  if (cursor.remaining !== 0) {
    throw new BlockFileFormatError(
      file,
      cursor.offset,
      `${cursor.remaining} unexpected bytes after block ${blockNumber}`,
    );
  }
  return {
    number: blockNumber,
    previousHash,
    dataHash,
    data,
    metadata,
    location: { file, offset: start, length: end - start, dataOffsets },
  };
}

/** Parses a whole blockfile_NNNNNN image. Never throws for content problems: see `error`. */
export function parseBlockFile(bytes: Uint8Array, file = '<memory>'): BlockFileContents {
  const result: BlockFileContents = { file, blocks: [] };
  let offset = 0;
  while (offset < bytes.length) {
    const prefix = new Cursor(bytes, offset, bytes.length, file);
    let length: number;
    try {
      length = prefix.varint('block length');
    } catch (error) {
      result.truncatedTail = { offset, bytes: bytes.length - offset };
      if (!(error instanceof BlockFileFormatError)) throw error;
      break;
    }
    if (length > prefix.remaining) {
      result.truncatedTail = { offset, bytes: bytes.length - offset };
      break;
    }
    try {
      result.blocks.push(parseSerializedBlock(bytes, prefix.offset, prefix.offset + length, file));
    } catch (error) {
      if (!(error instanceof BlockFileFormatError)) throw error;
      result.error = error;
      break;
    }
    offset = prefix.offset + length;
  }
  return result;
}

export async function readBlockFile(file: string): Promise<BlockFileContents> {
  return parseBlockFile(new Uint8Array(await readFile(file)), file);
}

/** Appends blocks in blkstorage's format (tests and tools that build a block file). */
export function serializeBlockFile(blocks: readonly RawBlock[]): Buffer {
  const parts: Buffer[] = [];
  for (const block of blocks) {
    const body = Buffer.concat([
      encodeVarint(block.number),
      encodeRaw(block.dataHash),
      encodeRaw(block.previousHash),
      encodeVarint(block.data.length),
      ...block.data.map(encodeRaw),
      encodeVarint(block.metadata.length),
      ...block.metadata.map(encodeRaw),
    ]);
    parts.push(encodeVarint(body.length), body);
  }
  return Buffer.concat(parts);
}

function encodeRaw(bytes: Uint8Array): Buffer {
  return Buffer.concat([encodeVarint(bytes.length), bytes]);
}

export function encodeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

export const BLOCKFILE_PATTERN = /^blockfile_(\d{6,})$/;
const SINGLE_BLOCK_PATTERN = /\.(block|pb)$/i;

export interface LedgerFile {
  file: string;
  kind: 'blockfile' | 'single-block';
}

/**
 * The block files under `target`: itself if it is a file; else every blockfile_NNNNNN (in suffix
 * order) and every *.block / *.pb in the directory, searching chains/<channel>/ layouts below it.
 */
export async function findLedgerFiles(target: string): Promise<LedgerFile[]> {
  const info = await stat(target);
  if (info.isFile()) {
    return [{ file: target, kind: SINGLE_BLOCK_PATTERN.test(target) ? 'single-block' : 'blockfile' }];
  }
  const found: LedgerFile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < 4) await walk(full, depth + 1);
      else if (entry.isFile() && BLOCKFILE_PATTERN.test(entry.name))
        found.push({ file: full, kind: 'blockfile' });
      else if (entry.isFile() && SINGLE_BLOCK_PATTERN.test(entry.name))
        found.push({ file: full, kind: 'single-block' });
    }
  };
  await walk(target, 0);
  const suffix = (file: string): number => Number(BLOCKFILE_PATTERN.exec(path.basename(file))?.[1] ?? 0);
  return found.sort((a, b) =>
    a.kind !== b.kind
      ? a.kind === 'blockfile'
        ? -1
        : 1
      : path.dirname(a.file).localeCompare(path.dirname(b.file)) || suffix(a.file) - suffix(b.file),
  );
}

/** A file holding one protobuf common.Block (`peer channel fetch`). */
export async function readSingleBlockFile(file: string): Promise<BlockFileContents> {
  const bytes = new Uint8Array(await readFile(file));
  try {
    const block = rawBlockFromBytes(bytes);
    return {
      file,
      blocks: [{ ...block, location: { file, offset: 0, length: bytes.length, dataOffsets: [] } }],
    };
  } catch (error) {
    return {
      file,
      blocks: [],
      error: new BlockFileFormatError(file, 0, `not a protobuf common.Block: ${(error as Error).message}`),
    };
  }
}
