/**
 * Verifier side (DETERMINISTIC: runs in the chaincode at adjudication). Checks the insurer's
 * decryption proof with every range check of DESIGN.md §7 step 5 and one exponentiation.
 */
import { createHash } from 'node:crypto';
import { DecryptionProof } from './decryption';
import { ClaimCryptoError } from './errors';
import { validateModulus } from './keys';
import { gcd, modPow, multiExp } from './modular';
import { bigintToDecimal, ownField, parseDecimalBigInt } from './serialization';

export type VerificationResult =
  { readonly valid: true } | { readonly valid: false; readonly reason: string };

const VALID: VerificationResult = { valid: true };
const invalid = (reason: string): VerificationResult => ({ valid: false, reason });
const RHO_NOT_COPRIME = invalid('randomness ρ is not coprime to n');

/**
 * Full check of (m, ρ) for ciphertext e under modulus n, with the reason of any failure.
 * Cheap range checks and gcd(e, n) = 1 run first; the one full exponentiation ρ^n mod n² runs
 * last. Throws only for an invalid modulus (a configuration error, not a bad proof).
 *
 * gcd(ρ, n) = 1 is implied rather than computed on the accepting path: if a prime p | n divided ρ,
 * it would divide g^m·ρ^n mod n² = e, and e is a unit. It is computed only to name the reason
 * of a failed check.
 */
export function checkDecryption(n: bigint, e: bigint, proof: DecryptionProof): VerificationResult {
  return verifyDecryptionProof(n, e, proof, checkRanges);
}

/**
 * checkDecryption for an e that the chaincode itself computed when the claim was filed: every
 * check except gcd(e, n) = 1, which holds by construction. FileClaim accepts only encrypted powers
 * in Z*_{n²} and a blind r coprime to n, and products and powers of units are units. Skipping that
 * 2048-bit Euclid saves about 0.16 ms of each adjudication. Never use it for an e from outside.
 */
export function checkFiledClaimDecryption(n: bigint, e: bigint, proof: DecryptionProof): VerificationResult {
  return verifyDecryptionProof(n, e, proof, checkValueRanges);
}

/** The given range checks, then g^m·ρ^n ≡ e (mod n²) with one exponentiation. */
function verifyDecryptionProof(
  n: bigint,
  e: bigint,
  proof: DecryptionProof,
  rangeChecks: (n: bigint, n2: bigint, e: bigint, proof: DecryptionProof) => VerificationResult,
): VerificationResult {
  validateModulus(n);
  const n2 = n * n;
  const ranges = rangeChecks(n, n2, e, proof);
  if (!ranges.valid) return ranges;
  // g^m = 1 + m·n mod n² (g = n+1), so only ρ^n costs an exponentiation.
  const expected = ((1n + proof.m * n) * modPow(proof.rho, n, n2)) % n2;
  if (expected === e) return VALID;
  return gcd(proof.rho, n) === 1n
    ? invalid('g^m·ρ^n ≢ e (mod n²): the decryption proof does not match e')
    : RHO_NOT_COPRIME;
}

/** The range checks of checkDecryption and gcd(e, n) = 1, without the exponentiation. */
function checkRanges(n: bigint, n2: bigint, e: bigint, proof: DecryptionProof): VerificationResult {
  const ranges = checkValueRanges(n, n2, e, proof);
  if (!ranges.valid) return ranges;
  if (gcd(e % n, n) !== 1n) return invalid('ciphertext e is not coprime to n');
  return VALID;
}

/** 0 < e < n², 0 ≤ m < n and 0 < ρ < n. */
function checkValueRanges(n: bigint, n2: bigint, e: bigint, proof: DecryptionProof): VerificationResult {
  if (typeof e !== 'bigint' || e <= 0n || e >= n2) return invalid('ciphertext e is outside 0 < e < n²');
  if (typeof proof !== 'object' || proof === null) return invalid('proof is missing');
  const { m, rho } = proof;
  if (typeof m !== 'bigint' || m < 0n || m >= n) return invalid('plaintext m is outside 0 ≤ m < n');
  if (typeof rho !== 'bigint' || rho <= 0n || rho >= n) return invalid('randomness ρ is outside 0 < ρ < n');
  return VALID;
}

/** Bits of each batch coefficient: a forged batch passes with probability about 2^-128. */
export const BATCH_COEFFICIENT_BITS = 128;

/** One (e, m, ρ) of a batch. */
export interface BatchEntry {
  readonly e: bigint;
  readonly proof: DecryptionProof;
}

/**
 * Batch coefficients c_1..c_B (128-bit, non-zero), derived by hashing n and every (e, m, ρ) of the
 * batch (Fiat–Shamir): the prover fixes all its proofs before it can know a single coefficient.
 * Deterministic, as the chaincode needs.
 */
export function batchCoefficients(n: bigint, entries: readonly BatchEntry[]): bigint[] {
  const transcript = createHash('sha256').update(`medfabric.claim-batch.v1\n${n.toString(16)}\n`);
  for (const { e, proof } of entries) {
    transcript.update(`${e.toString(16)}:${proof.m.toString(16)}:${proof.rho.toString(16)}\n`);
  }
  const seed = transcript.digest();
  return entries.map((_, index) => {
    const digest = createHash('sha256').update(seed).update(`${index}`).digest('hex');
    return BigInt(`0x${digest.slice(0, BATCH_COEFFICIENT_BITS / 4)}`) | 1n;
  });
}

/**
 * Verifies B decryption proofs under one modulus with one full exponentiation (the small-exponent
 * batch test): with c_i from batchCoefficients,
 *   ∏ (e_i · g^(−m_i))^(c_i)  ≡  (∏ ρ_i^(c_i))^n   (mod n²),   g^(−m) = 1 − m·n (mod n²).
 * Writing e_i = g^(m_i*)·r_i^n, the left side is g^(Σ c_i·(m_i* − m_i)) times an n-th residue, and
 * g^a is an n-th residue only for a ≡ 0 (mod n) (gcd(n, φ(n)) = 1), so a batch with any wrong m_i
 * passes only if Σ c_i·(m_i* − m_i) ≡ 0 (mod n): probability about 2^-128 over the hash. Every
 * entry also passes checkDecryption's range checks and gcd(ρ_i, n) = 1 (which the product test
 * implies too, but checked here so that the verdict can name the entry). The verdict names the
 * first entry whose checks fail; when only the product fails, it cannot tell which entry is wrong
 * (the caller checks them one by one to say so).
 */
export function checkDecryptionBatch(
  n: bigint,
  entries: readonly BatchEntry[],
): VerificationResult & { readonly index?: number } {
  validateModulus(n);
  if (entries.length === 0)
    throw new ClaimCryptoError('INVALID_ARGUMENT', 'a batch needs at least one proof');
  const n2 = n * n;
  for (const [index, { e, proof }] of entries.entries()) {
    const ranges = checkRanges(n, n2, e, proof);
    if (!ranges.valid) return { ...ranges, index };
    if (gcd(proof.rho, n) !== 1n) return { ...RHO_NOT_COPRIME, index };
  }
  const coefficients = batchCoefficients(n, entries);
  const unblinded = entries.map(({ e, proof }) => (e * (1n + n2 - ((proof.m * n) % n2))) % n2);
  const left = multiExp(unblinded, coefficients, n2);
  const rhoProduct = multiExp(
    entries.map(({ proof }) => proof.rho),
    coefficients,
    n2,
  );
  return left === modPow(rhoProduct, n, n2)
    ? VALID
    : invalid('∏(e·g^(−m))^c ≢ (∏ρ^c)^n (mod n²): a decryption proof in the batch does not match its e');
}

/** True iff (m, ρ) is a valid decryption of e under n (see checkDecryption). */
export function verifyDecryption(n: bigint, e: bigint, proof: DecryptionProof): boolean {
  return checkDecryption(n, e, proof).valid;
}

/**
 * Covered ⇔ m = 0 (m = r·P(x) mod n and P(x) = 0 exactly when x is a covered category).
 * Meaningful only for a proof that verifyDecryption accepted: use adjudicateClaim on chain.
 */
export function isCovered(proof: DecryptionProof): boolean {
  return proof.m === 0n;
}

/** Verify then decide: returns covered or not; throws ClaimCryptoError for an invalid proof. */
export function adjudicateClaim(n: bigint, e: bigint, proof: DecryptionProof): boolean {
  const result = checkDecryption(n, e, proof);
  if (!result.valid)
    throw new ClaimCryptoError('INVALID_PROOF', `decryption proof rejected: ${result.reason}`);
  return isCovered(proof);
}

/** JSON form of a proof: decimal strings (see serialization.ts). */
export interface SerializedDecryptionProof {
  readonly m: string;
  readonly rho: string;
}

export function serializeProof(proof: DecryptionProof): SerializedDecryptionProof {
  return { m: bigintToDecimal(proof.m), rho: bigintToDecimal(proof.rho) };
}

/** Parses the wire form; range checks are verifyDecryption's job, this only checks encoding. */
export function parseProof(json: unknown): DecryptionProof {
  return {
    m: parseDecimalBigInt(ownField(json, 'm', 'proof'), 'proof.m'),
    rho: parseDecimalBigInt(ownField(json, 'rho', 'proof'), 'proof.rho'),
  };
}
