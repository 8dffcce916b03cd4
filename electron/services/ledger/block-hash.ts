// Fabric's block hashes, as protoutil computes them:
//   header hash = SHA-256(ASN.1 DER SEQUENCE { INTEGER number, OCTET STRING previous_hash,
//                                              OCTET STRING data_hash })       (BlockHeaderBytes)
//   data hash   = SHA-256(envelope_0 ‖ envelope_1 ‖ …)                         (BlockDataHash)
import { createHash } from 'node:crypto';

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derElement(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/** DER INTEGER content of a non-negative integer: minimal big-endian, a 0x00 first if the top bit is set. */
function derUnsignedInteger(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('block numbers are unsigned');
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return Buffer.from(bytes);
}

/** protoutil.BlockHeaderBytes: what the header hash and the orderer signatures cover. */
export function blockHeaderBytes(
  blockNumber: number | bigint,
  previousHash: Uint8Array,
  dataHash: Uint8Array,
): Buffer {
  const body = Buffer.concat([
    derElement(0x02, derUnsignedInteger(BigInt(blockNumber))),
    derElement(0x04, previousHash),
    derElement(0x04, dataHash),
  ]);
  return derElement(0x30, body);
}

export function blockHeaderHash(
  blockNumber: number | bigint,
  previousHash: Uint8Array,
  dataHash: Uint8Array,
): Buffer {
  return createHash('sha256')
    .update(blockHeaderBytes(blockNumber, previousHash, dataHash))
    .digest();
}

/** protoutil.BlockDataHash in Fabric v2/v3: SHA-256 over the concatenated envelope bytes. */
export function blockDataHash(envelopes: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const envelope of envelopes) hash.update(envelope);
  return hash.digest();
}
