/**
 * Wire format: every bigint travels in JSON as a canonical DECIMAL string ("0", "123", "-45";
 * no sign on non-negatives, no leading zeros, no "-0", no whitespace, no hex). Canonical so
 * that the same value always hashes the same on every endorser.
 */
import { ClaimCryptoError } from './errors';
import { MAX_DECIMAL_DIGITS } from './params';

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const SIGNED_DECIMAL = /^(?:0|-?[1-9][0-9]*)$/;

export interface ParseBigIntOptions {
  /** Accept a leading '-' (polynomial coefficients); default false. */
  readonly allowNegative?: boolean;
  /** Longest accepted digit string; default MAX_DECIMAL_DIGITS. */
  readonly maxDigits?: number;
}

/** Canonical decimal form of a bigint. */
export function bigintToDecimal(value: bigint): string {
  if (typeof value !== 'bigint') throw new ClaimCryptoError('INVALID_ENCODING', 'value is not a bigint');
  return value.toString(10);
}

/** Parses a canonical decimal string; `label` names the field in the error message. */
export function parseDecimalBigInt(value: unknown, label: string, options: ParseBigIntOptions = {}): bigint {
  const maxDigits = options.maxDigits ?? MAX_DECIMAL_DIGITS;
  if (typeof value !== 'string') {
    throw new ClaimCryptoError('INVALID_ENCODING', `${label} must be a decimal string`);
  }
  // Length check first: BigInt() of a huge string is quadratic, so bound it before parsing.
  const digits = value.startsWith('-') ? value.length - 1 : value.length;
  if (digits > maxDigits) {
    throw new ClaimCryptoError('INVALID_ENCODING', `${label} is too long (more than ${maxDigits} digits)`);
  }
  const pattern = options.allowNegative === true ? SIGNED_DECIMAL : DECIMAL;
  if (!pattern.test(value)) {
    throw new ClaimCryptoError(
      'INVALID_ENCODING',
      `${label} must be a canonical ${options.allowNegative === true ? '' : 'non-negative '}decimal integer string`,
    );
  }
  return BigInt(value);
}

/** Array of bigints → array of decimal strings. */
export function bigintsToDecimal(values: readonly bigint[]): string[] {
  return values.map(bigintToDecimal);
}

/** Array of decimal strings → bigints, with a length bound. */
export function parseDecimalBigInts(
  value: unknown,
  label: string,
  maxLength: number,
  options: ParseBigIntOptions = {},
): bigint[] {
  if (!Array.isArray(value)) throw new ClaimCryptoError('INVALID_ENCODING', `${label} must be an array`);
  if (value.length > maxLength) {
    throw new ClaimCryptoError('INVALID_ENCODING', `${label} has more than ${maxLength} entries`);
  }
  return value.map((v: unknown, i) => parseDecimalBigInt(v, `${label}[${i}]`, options));
}

/** Reads a property of an untrusted JSON object without prototype lookups. */
export function ownField(obj: unknown, key: string, label: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new ClaimCryptoError('INVALID_ENCODING', `${label} must be a JSON object`);
  }
  if (!Object.prototype.hasOwnProperty.call(obj, key)) {
    throw new ClaimCryptoError('INVALID_ENCODING', `${label}.${key} is missing`);
  }
  return (obj as Record<string, unknown>)[key];
}
