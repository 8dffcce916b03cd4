/**
 * Verifier side (DETERMINISTIC: runs in the chaincode at adjudication). Checks the insurer's
 * decryption proof with every range check of DESIGN.md §7 step 5 and one exponentiation.
 */
import { DecryptionProof } from './decryption';
import { ClaimCryptoError } from './errors';
import { validateModulus } from './keys';
import { gcd, modPow } from './modular';
import { bigintToDecimal, ownField, parseDecimalBigInt } from './serialization';

export type VerificationResult =
  { readonly valid: true } | { readonly valid: false; readonly reason: string };

const VALID: VerificationResult = { valid: true };
const invalid = (reason: string): VerificationResult => ({ valid: false, reason });

/**
 * Full check of (m, ρ) for ciphertext e under modulus n, with the reason of any failure.
 * Cheap range and gcd checks run first; the one full exponentiation ρ^n mod n² runs last.
 * Throws only for an invalid modulus (a configuration error, not a bad proof).
 */
export function checkDecryption(n: bigint, e: bigint, proof: DecryptionProof): VerificationResult {
  validateModulus(n);
  const n2 = n * n;
  if (typeof e !== 'bigint' || e <= 0n || e >= n2) return invalid('ciphertext e is outside 0 < e < n²');
  if (typeof proof !== 'object' || proof === null) return invalid('proof is missing');
  const { m, rho } = proof;
  if (typeof m !== 'bigint' || m < 0n || m >= n) return invalid('plaintext m is outside 0 ≤ m < n');
  if (typeof rho !== 'bigint' || rho <= 0n || rho >= n) return invalid('randomness ρ is outside 0 < ρ < n');
  if (gcd(rho, n) !== 1n) return invalid('randomness ρ is not coprime to n');
  if (gcd(e % n, n) !== 1n) return invalid('ciphertext e is not coprime to n');
  // g^m = 1 + m·n mod n² (g = n+1), so only ρ^n costs an exponentiation.
  const expected = ((1n + m * n) * modPow(rho, n, n2)) % n2;
  return expected === e ? VALID : invalid('g^m·ρ^n ≢ e (mod n²): the decryption proof does not match e');
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
