// A block reduced to the exact bytes that its hashes and signatures cover. The indexer gets blocks
// as protobuf messages (Deliver, qscc) and the auditor also reads them from Fabric's block files, so
// both paths meet here: every check works on these bytes, never on re-serialised messages.
import { common } from '@hyperledger/fabric-protos';

/** Where a block was read from a block file (for reports and for tests that tamper with a copy). */
export interface BlockLocation {
  file: string;
  /** Offset of the block's serialised bytes (after its length prefix). */
  offset: number;
  length: number;
  /** Offset and length of each envelope's bytes in the file, in block order. */
  dataOffsets: Array<{ offset: number; length: number }>;
}

export interface RawBlock {
  number: number;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
  /** The envelopes, byte for byte, in block order. */
  data: Uint8Array[];
  /** Metadata entries by common.BlockMetadataIndex (SIGNATURES, LAST_CONFIG, TRANSACTIONS_FILTER, …). */
  metadata: Uint8Array[];
  location?: BlockLocation;
}

export function rawBlockFromProto(block: common.Block): RawBlock {
  const header = block.getHeader();
  if (!header) throw new Error('block has no header');
  return {
    number: header.getNumber(),
    previousHash: header.getPreviousHash_asU8(),
    dataHash: header.getDataHash_asU8(),
    data: block.getData()?.getDataList_asU8() ?? [],
    metadata: block.getMetadata()?.getMetadataList_asU8() ?? [],
  };
}

export function rawBlockFromBytes(bytes: Uint8Array): RawBlock {
  return rawBlockFromProto(common.Block.deserializeBinary(bytes));
}

export function protoFromRawBlock(raw: RawBlock): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(raw.number);
  header.setPreviousHash(raw.previousHash);
  header.setDataHash(raw.dataHash);
  const data = new common.BlockData();
  data.setDataList(raw.data);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList(raw.metadata);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
