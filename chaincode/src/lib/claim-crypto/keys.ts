/**
 * Insurer Paillier keys with g = n + 1. Public side: only n is stored on chain. Private side:
 * {n, p, q}, kept by the insurer (a key rebuilt from λ/μ alone loses CRT and ρ recovery).
 */
import { generateRandomKeys, PrivateKey, PublicKey } from 'paillier-bigint';
import { ClaimCryptoError } from './errors';
import { bitLength, gcd, modInverse } from './modular';
import { DEFAULT_KEY_BITS, MAX_MODULUS_BITS, MIN_MODULUS_BITS } from './params';
import { bigintToDecimal, ownField, parseDecimalBigInt } from './serialization';

export interface ClaimPublicKey {
  readonly n: bigint;
  /** n², the ciphertext modulus. */
  readonly n2: bigint;
  /** The generator, always n + 1. */
  readonly g: bigint;
}

export interface ClaimPrivateKey {
  readonly n: bigint;
  readonly p: bigint;
  readonly q: bigint;
}

/** JSON form of the private key: decimal strings (see serialization.ts). */
export interface SerializedClaimPrivateKey {
  readonly n: string;
  readonly p: string;
  readonly q: string;
}

export interface ClaimKeyPair {
  readonly publicKey: ClaimPublicKey;
  readonly privateKey: ClaimPrivateKey;
}

/**
 * Sanity checks on an insurer modulus: a bigint, odd, MIN..MAX_MODULUS_BITS bits. This cannot
 * prove n is a product of two primes (see the reference's soundness caveat).
 */
export function validateModulus(n: bigint): bigint {
  if (typeof n !== 'bigint') throw new ClaimCryptoError('INVALID_MODULUS', 'modulus n must be a bigint');
  const bits = bitLength(n);
  if (n <= 0n || bits < MIN_MODULUS_BITS || bits > MAX_MODULUS_BITS) {
    throw new ClaimCryptoError(
      'INVALID_MODULUS',
      `modulus n must be a positive ${MIN_MODULUS_BITS}..${MAX_MODULUS_BITS}-bit integer, got ${bits} bits`,
    );
  }
  if ((n & 1n) === 0n) throw new ClaimCryptoError('INVALID_MODULUS', 'modulus n must be odd');
  return n;
}

/** Public key {n, n², g = n+1} from a validated modulus. */
export function publicKeyFromN(n: bigint): ClaimPublicKey {
  validateModulus(n);
  return { n, n2: n * n, g: n + 1n };
}

/**
 * Structural checks of a private key: n = p·q, p ≠ q, both > 1 and odd, and
 * gcd(n, (p−1)(q−1)) = 1 (needed for g = n+1 and for ρ recovery with n⁻¹ mod p−1, q−1).
 * Primality is not re-tested: a bad key only hurts its owner, whose proofs fail on chain.
 */
export function validatePrivateKey(sk: ClaimPrivateKey): ClaimPrivateKey {
  const { n, p, q } = sk;
  if (typeof p !== 'bigint' || typeof q !== 'bigint') {
    throw new ClaimCryptoError('INVALID_PRIVATE_KEY', 'private key p and q must be bigints');
  }
  try {
    validateModulus(n);
  } catch (err) {
    throw new ClaimCryptoError('INVALID_PRIVATE_KEY', `private key modulus: ${(err as Error).message}`);
  }
  if (p <= 1n || q <= 1n || p === q || (p & 1n) === 0n || (q & 1n) === 0n) {
    throw new ClaimCryptoError(
      'INVALID_PRIVATE_KEY',
      'private key p and q must be distinct odd integers > 1',
    );
  }
  if (p * q !== n) throw new ClaimCryptoError('INVALID_PRIVATE_KEY', 'private key p·q does not equal n');
  if (gcd(n, (p - 1n) * (q - 1n)) !== 1n) {
    throw new ClaimCryptoError('INVALID_PRIVATE_KEY', 'private key: gcd(n, (p−1)(q−1)) must be 1');
  }
  return sk;
}

/** paillier-bigint keeps p and q TS-private (`_p`, `_q`) but readable at runtime. */
interface PaillierPrivateKeyInternals {
  readonly _p?: bigint;
  readonly _q?: bigint;
}

/**
 * New insurer key pair (client side: uses paillier-bigint's prime search with worker threads).
 * `simpleVariant = true` gives g = n + 1; p and q are kept.
 */
export async function generateClaimKeyPair(bits: number = DEFAULT_KEY_BITS): Promise<ClaimKeyPair> {
  if (!Number.isInteger(bits) || bits < MIN_MODULUS_BITS || bits > MAX_MODULUS_BITS || bits % 2 !== 0) {
    throw new ClaimCryptoError(
      'INVALID_ARGUMENT',
      `key size must be an even number of bits in [${MIN_MODULUS_BITS}, ${MAX_MODULUS_BITS}]`,
    );
  }
  const { publicKey, privateKey } = await generateRandomKeys(bits, true);
  const { _p: p, _q: q } = privateKey as unknown as PaillierPrivateKeyInternals;
  if (p === undefined || q === undefined || publicKey.g !== publicKey.n + 1n) {
    throw new ClaimCryptoError('INVALID_PRIVATE_KEY', 'paillier-bigint did not return p, q and g = n+1');
  }
  const sk = validatePrivateKey({ n: publicKey.n, p, q });
  return { publicKey: publicKeyFromN(sk.n), privateKey: sk };
}

/** paillier-bigint key objects for a private key (interop, and the tests' cross-checks). */
export function toPaillierKeys(sk: ClaimPrivateKey): { publicKey: PublicKey; privateKey: PrivateKey } {
  validatePrivateKey(sk);
  const publicKey = new PublicKey(sk.n, sk.n + 1n);
  const lambda = (sk.p - 1n) * (sk.q - 1n);
  const privateKey = new PrivateKey(lambda, modInverse(lambda, sk.n), publicKey, sk.p, sk.q);
  return { publicKey, privateKey };
}

export function serializePrivateKey(sk: ClaimPrivateKey): SerializedClaimPrivateKey {
  validatePrivateKey(sk);
  return { n: bigintToDecimal(sk.n), p: bigintToDecimal(sk.p), q: bigintToDecimal(sk.q) };
}

export function parsePrivateKey(json: unknown): ClaimPrivateKey {
  const n = parseDecimalBigInt(ownField(json, 'n', 'privateKey'), 'privateKey.n');
  const p = parseDecimalBigInt(ownField(json, 'p', 'privateKey'), 'privateKey.p');
  const q = parseDecimalBigInt(ownField(json, 'q', 'privateKey'), 'privateKey.q');
  return validatePrivateKey({ n, p, q });
}

/**
 * A valid ciphertext: 0 < c < n² and gcd(c, n) = 1. Throws ClaimCryptoError naming `label`.
 */
export function validateCiphertext(n: bigint, c: bigint, label = 'ciphertext'): bigint {
  if (typeof c !== 'bigint') throw new ClaimCryptoError('INVALID_CIPHERTEXT', `${label} must be a bigint`);
  if (c <= 0n || c >= n * n) {
    throw new ClaimCryptoError('INVALID_CIPHERTEXT', `${label} must satisfy 0 < c < n²`);
  }
  if (gcd(c % n, n) !== 1n) throw new ClaimCryptoError('INVALID_CIPHERTEXT', `${label} is not coprime to n`);
  return c;
}

/**
 * Validates many ciphertexts with ONE gcd: a product of units mod n is a unit, and if some
 * c_i shares a prime with n so does the product. Only on failure is the culprit searched for.
 */
export function validateCiphertexts(n: bigint, cs: readonly bigint[], label = 'ciphertexts'): void {
  const n2 = n * n;
  let product = 1n;
  cs.forEach((c, i) => {
    if (typeof c !== 'bigint')
      throw new ClaimCryptoError('INVALID_CIPHERTEXT', `${label}[${i}] must be a bigint`);
    if (c <= 0n || c >= n2) {
      throw new ClaimCryptoError('INVALID_CIPHERTEXT', `${label}[${i}] must satisfy 0 < c < n²`);
    }
    product = (product * c) % n;
  });
  if (gcd(product, n) !== 1n) {
    cs.forEach((c, i) => validateCiphertext(n, c, `${label}[${i}]`));
    // Unreachable for an odd n (some factor must be shared), kept as a safety net.
    throw new ClaimCryptoError('INVALID_CIPHERTEXT', `${label} are not all coprime to n`);
  }
}
