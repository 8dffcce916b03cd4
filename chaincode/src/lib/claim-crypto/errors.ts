/**
 * Every validation failure in the claim-crypto library throws a ClaimCryptoError, so callers
 * (chaincode transactions, console services) can map it to a clear, non-retryable user error.
 */
export type ClaimCryptoErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_ICD10'
  | 'INVALID_CATEGORY'
  | 'INVALID_MODULUS'
  | 'INVALID_PRIVATE_KEY'
  | 'INVALID_CIPHERTEXT'
  | 'INVALID_PLAINTEXT'
  | 'INVALID_RANDOMNESS'
  | 'INVALID_BLIND'
  | 'INVALID_POLYNOMIAL'
  | 'INVALID_PROOF'
  | 'INVALID_ENCODING';

export class ClaimCryptoError extends Error {
  readonly code: ClaimCryptoErrorCode;

  constructor(code: ClaimCryptoErrorCode, message: string) {
    super(message);
    this.name = 'ClaimCryptoError';
    this.code = code;
  }
}
