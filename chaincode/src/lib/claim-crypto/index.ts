/**
 * Claim-crypto: the privacy-preserving claim eligibility protocol of DESIGN.md §7, shared by the
 * chaincode (deterministic: polynomial.ts, verify.ts, modular.ts, icd10.ts, serialization.ts)
 * and the console (randomised or secret-key: encryption.ts, decryption.ts, key generation).
 * Bigints cross JSON as canonical decimal strings.
 */
export * from './errors';
export * from './params';
export * from './modular';
export * from './icd10';
export * from './serialization';
export * from './keys';
export * from './encryption';
export * from './polynomial';
export * from './decryption';
export * from './verify';
