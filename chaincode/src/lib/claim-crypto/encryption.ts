/**
 * Hospital side (CLIENT ONLY: randomised). At the encounter the hospital encrypts the powers
 * x, x², …, x^K of the diagnosis category with fresh randomness each, keeps x and the ρs, and
 * can later open the ciphertexts to an auditor. The chaincode never calls randomUnit.
 */
import { getRandomValues } from 'node:crypto';
import { ClaimCryptoError } from './errors';
import { validateModulus } from './keys';
import { bitLength, gcd, mod, modPow } from './modular';
import { CATEGORY_MAX, CATEGORY_MIN, K_DEFAULT, K_MAX } from './params';

/** Source of encryption randomness: must return ρ with 0 < ρ < n and gcd(ρ, n) = 1. */
export type RandomUnitSource = (n: bigint) => bigint;

export interface EncryptedPowers {
  /** ciphertexts[j−1] = E(x^j), j = 1..K. */
  readonly ciphertexts: bigint[];
  /** randomness[j−1] = the ρ of ciphertexts[j−1]: the hospital's opening, kept private. */
  readonly randomness: bigint[];
}

/** Uniform ρ in Z_n* by rejection sampling over the bit length of n (CSPRNG). Client side. */
export function randomUnit(n: bigint): bigint {
  validateModulus(n);
  const bits = bitLength(n);
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  const excess = bytes.length * 8 - bits;
  for (;;) {
    getRandomValues(bytes);
    let v = 0n;
    for (const b of bytes) v = (v << 8n) | BigInt(b);
    v >>= BigInt(excess);
    if (v > 0n && v < n && gcd(v, n) === 1n) return v;
  }
}

/** Throws unless 0 < ρ < n and gcd(ρ, n) = 1. */
export function validateRandomness(n: bigint, rho: bigint, label = 'randomness ρ'): bigint {
  if (typeof rho !== 'bigint' || rho <= 0n || rho >= n) {
    throw new ClaimCryptoError('INVALID_RANDOMNESS', `${label} must be an integer with 0 < ρ < n`);
  }
  if (gcd(rho, n) !== 1n) throw new ClaimCryptoError('INVALID_RANDOMNESS', `${label} must be coprime to n`);
  return rho;
}

/**
 * E(m) = (1 + m·n)·ρ^n mod n² with given ρ (deterministic once ρ is fixed). m is taken mod n,
 * so negative plaintexts encrypt their residue.
 */
export function encryptWithRandomness(n: bigint, m: bigint, rho: bigint): bigint {
  validateModulus(n);
  if (typeof m !== 'bigint') throw new ClaimCryptoError('INVALID_PLAINTEXT', 'plaintext must be a bigint');
  validateRandomness(n, rho);
  const n2 = n * n;
  return ((1n + mod(m, n) * n) * modPow(rho, n, n2)) % n2;
}

function validateDiagnosis(x: number): void {
  if (!Number.isInteger(x) || x < CATEGORY_MIN || x > CATEGORY_MAX) {
    throw new ClaimCryptoError(
      'INVALID_CATEGORY',
      `diagnosis category must be an integer in [${CATEGORY_MIN}, ${CATEGORY_MAX}], got ${String(x)}`,
    );
  }
}

function validateK(K: number): void {
  if (!Number.isInteger(K) || K < 1 || K > K_MAX) {
    throw new ClaimCryptoError('INVALID_ARGUMENT', `K must be an integer in [1, ${K_MAX}], got ${String(K)}`);
  }
}

/**
 * E(x), E(x²), …, E(x^K) mod n², each with a fresh ρ from `random` (default: CSPRNG), and the
 * ρs so the hospital can open them later. Costs K full exponentiations (≈ 25–35 ms each at
 * 2048 bits): done once per encounter, off the endorsement path.
 */
export function encryptPowers(
  n: bigint,
  x: number,
  K: number = K_DEFAULT,
  random: RandomUnitSource = randomUnit,
): EncryptedPowers {
  validateModulus(n);
  validateDiagnosis(x);
  validateK(K);
  const ciphertexts: bigint[] = [];
  const randomness: bigint[] = [];
  const base = BigInt(x);
  let power = 1n;
  for (let j = 1; j <= K; j++) {
    power = (power * base) % n;
    const rho = validateRandomness(n, random(n), `randomness for E(x^${j})`);
    ciphertexts.push(encryptWithRandomness(n, power, rho));
    randomness.push(rho);
  }
  return { ciphertexts, randomness };
}

/**
 * Auditor's check of an opening: true iff ciphertexts[j−1] = E(x^j; randomness[j−1]) for every
 * j = 1..K, i.e. the committed powers are consistent with the claimed diagnosis x. Malformed
 * openings (wrong lengths, bad ρ or x) give false rather than throwing: an audit verdict.
 */
export function openPowers(
  n: bigint,
  x: number,
  ciphertexts: readonly bigint[],
  randomness: readonly bigint[],
): boolean {
  validateModulus(n);
  if (!Number.isInteger(x) || x < CATEGORY_MIN || x > CATEGORY_MAX) return false;
  if (ciphertexts.length === 0 || ciphertexts.length !== randomness.length || ciphertexts.length > K_MAX) {
    return false;
  }
  const base = BigInt(x);
  let power = 1n;
  for (let j = 0; j < ciphertexts.length; j++) {
    power = (power * base) % n;
    const rho = randomness[j];
    if (typeof rho !== 'bigint' || rho <= 0n || rho >= n || gcd(rho, n) !== 1n) return false;
    if (encryptWithRandomness(n, power, rho) !== ciphertexts[j]) return false;
  }
  return true;
}
