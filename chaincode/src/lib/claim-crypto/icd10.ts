/**
 * ICD-10 category encoding (DESIGN.md §7): x = letter index × 100 + the two digits + 1, so
 * A00 → 1, A01 → 2, B00 → 101, Z99 → 2600. Only the three-character category matters; any
 * subcategory after it ('.4', '.909', ICD-10-CM extensions such as 'S72.001A') is ignored.
 */
import { ClaimCryptoError } from './errors';
import { CATEGORY_MAX, CATEGORY_MIN } from './params';

// Letter, two digits, then optionally a subcategory of 1–4 alphanumerics with or without a dot.
const ICD10_PATTERN = /^([A-Za-z])([0-9]{2})(?:\.?[0-9A-Za-z]{1,4})?$/;
const CHAR_CODE_A = 65;

/** ICD-10 category number in [1, 2600] of a code such as 'A01', 'a01.4' or 'J45.909'. */
export function icd10Category(code: string): number {
  if (typeof code !== 'string') {
    throw new ClaimCryptoError('INVALID_ICD10', 'ICD-10 code must be a string');
  }
  const match = ICD10_PATTERN.exec(code);
  if (match === null) {
    // Categories with a letter in third position (ICD-10-CM 'C4A', 'M1A', …) have no code here.
    throw new ClaimCryptoError(
      'INVALID_ICD10',
      `malformed ICD-10 code ${JSON.stringify(code.slice(0, 16))}: expected a letter, two digits and an ` +
        'optional subcategory (e.g. "J45" or "J45.909")',
    );
  }
  const letter = (match[1] as string).toUpperCase().charCodeAt(0) - CHAR_CODE_A;
  const digits = Number(match[2]);
  return letter * 100 + digits + 1;
}

/** True for an integer category in [1, 2600]. */
export function isValidCategory(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= CATEGORY_MIN && x <= CATEGORY_MAX;
}

/** Three-character ICD-10 category ('A00' … 'Z99') of a category number; inverse of icd10Category. */
export function categoryCode(x: number): string {
  if (!isValidCategory(x)) {
    throw new ClaimCryptoError(
      'INVALID_CATEGORY',
      `ICD-10 category number must be an integer in [${CATEGORY_MIN}, ${CATEGORY_MAX}], got ${String(x)}`,
    );
  }
  const v = x - 1;
  const letter = String.fromCharCode(CHAR_CODE_A + Math.floor(v / 100));
  return letter + String(v % 100).padStart(2, '0');
}
