import { ClaimCryptoError } from './claim-crypto';
import { InvalidInputError } from './errors';

/**
 * Runs a claim-crypto call on caller-supplied values and turns its ClaimCryptoError into the
 * chaincode's `Invalid input:` error (with the library's code and message); other errors pass through.
 */
export function withCryptoInput<T>(field: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ClaimCryptoError) {
      throw new InvalidInputError(`${field}: ${error.message} (${error.code})`, { cause: error });
    }
    throw error;
  }
}
