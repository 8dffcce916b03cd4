import { webcrypto } from 'node:crypto';

/**
 * Fabric's BCCSP rejects ECDSA signatures whose S is above half the curve order
 * ("Invalid S. Must be smaller than half the order"), and its MSP rewrites high-S
 * certificates, which changes their bytes. WebCrypto signs with a random S, so about half
 * of its signatures are high-S. Everything signed here goes through `lowSCrypto`.
 */

/** Order n of the NIST P-256 group. */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
export const P256_HALF_ORDER = P256_ORDER >> 1n;
const P256_SCALAR_BYTES = 32;

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function bigIntToFixedBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  if (rest !== 0n) throw new Error(`integer does not fit in ${length} bytes`);
  return out;
}

/** Minimal DER INTEGER content for a non-negative value (leading 0x00 when the top bit is set). */
function bigIntToDerIntegerContent(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export interface DerElement {
  tag: number;
  /** Content octets. */
  content: Uint8Array;
  /** Offset just past this element in the parent buffer. */
  end: number;
}

/** Reads one DER TLV at `offset`. Only definite lengths (DER never uses indefinite ones). */
export function readDerElement(buffer: Uint8Array, offset = 0): DerElement {
  const tag = buffer[offset];
  let lengthByte = buffer[offset + 1];
  if (tag === undefined || lengthByte === undefined) throw new Error('truncated DER element');
  let cursor = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const lengthOctets = lengthByte & 0x7f;
    if (lengthOctets === 0 || lengthOctets > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < lengthOctets; i++) {
      lengthByte = buffer[cursor++];
      if (lengthByte === undefined) throw new Error('truncated DER length');
      length = length * 256 + lengthByte;
    }
  }
  const end = cursor + length;
  if (end > buffer.length) throw new Error('truncated DER content');
  return { tag, content: buffer.subarray(cursor, end), end };
}

function encodeDerLength(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest & 0xff);
  return [0x80 | octets.length, ...octets];
}

function encodeDer(tag: number, content: Uint8Array): Uint8Array {
  return Uint8Array.from([tag, ...encodeDerLength(content.length), ...content]);
}

/** Parses an ASN.1 ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }). */
export function parseDerEcdsaSignature(der: Uint8Array): { r: bigint; s: bigint } {
  const sequence = readDerElement(der);
  if (sequence.tag !== 0x30) throw new Error('ECDSA signature is not a DER SEQUENCE');
  const r = readDerElement(sequence.content, 0);
  const s = readDerElement(sequence.content, r.end);
  if (r.tag !== 0x02 || s.tag !== 0x02) throw new Error('ECDSA signature does not hold two INTEGERs');
  return { r: bytesToBigInt(r.content), s: bytesToBigInt(s.content) };
}

export function encodeDerEcdsaSignature(r: bigint, s: bigint): Uint8Array {
  const body = Uint8Array.from([
    ...encodeDer(0x02, bigIntToDerIntegerContent(r)),
    ...encodeDer(0x02, bigIntToDerIntegerContent(s)),
  ]);
  return encodeDer(0x30, body);
}

export function toLowS(s: bigint): bigint {
  return s > P256_HALF_ORDER ? P256_ORDER - s : s;
}

/**
 * Normalises a P-256 ECDSA signature to low-S. Accepts WebCrypto's raw r||s (64 bytes) or DER,
 * and returns the same encoding it was given. (r, n−s) verifies exactly like (r, s).
 */
export function normaliseP256SignatureToLowS(signature: Uint8Array): Uint8Array {
  if (signature.length === 2 * P256_SCALAR_BYTES) {
    const s = bytesToBigInt(signature.subarray(P256_SCALAR_BYTES));
    const out = Uint8Array.from(signature);
    out.set(bigIntToFixedBytes(toLowS(s), P256_SCALAR_BYTES), P256_SCALAR_BYTES);
    return out;
  }
  if (signature[0] === 0x30) {
    const { r, s } = parseDerEcdsaSignature(signature);
    return encodeDerEcdsaSignature(r, toLowS(s));
  }
  throw new Error(`unrecognised ECDSA signature encoding (${signature.length} bytes)`);
}

function toUint8Array(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

type SignArguments = Parameters<webcrypto.SubtleCrypto['sign']>;

async function signLowS(...[algorithm, key, data]: SignArguments): Promise<ArrayBuffer> {
  const signature = await webcrypto.subtle.sign(algorithm, key, data);
  if (key.algorithm.name !== 'ECDSA') return signature;
  const namedCurve = (key.algorithm as webcrypto.EcKeyAlgorithm).namedCurve;
  if (namedCurve !== 'P-256') {
    throw new Error(`only ECDSA P-256 keys are supported for Fabric identities (got ${namedCurve})`);
  }
  const normalised = normaliseP256SignatureToLowS(toUint8Array(signature));
  return normalised.buffer.slice(
    normalised.byteOffset,
    normalised.byteOffset + normalised.byteLength,
  ) as ArrayBuffer;
}

// Node's SubtleCrypto methods check their receiver, so every method is bound to the real instance.
const lowSSubtle = new Proxy(webcrypto.subtle, {
  get(target, property) {
    if (property === 'sign') return signLowS;
    const value: unknown = Reflect.get(target, property);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});

/** Node WebCrypto whose `subtle.sign` always yields low-S ECDSA signatures. */
export const lowSCrypto: webcrypto.Crypto = {
  CryptoKey: webcrypto.CryptoKey,
  subtle: lowSSubtle,
  getRandomValues: <T extends Exclude<NodeJS.TypedArray, Float32Array | Float64Array>>(array: T): T =>
    webcrypto.getRandomValues(array),
  randomUUID: () => webcrypto.randomUUID(),
};
