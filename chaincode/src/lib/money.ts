import { InvalidInputError } from './errors';
import { requireString } from './validation';

/**
 * Money and calendar dates of the insurance and claims contracts. Amounts are integers in minor
 * units (cents), carried as decimal strings and computed with bigint: no floats anywhere.
 */

/** At most 18 digits (< 10^18 minor units): far above any real amount, bounded for parsing. */
export const AMOUNT_DIGITS = 18;
const AMOUNT_PATTERN = /^(0|[1-9][0-9]*)$/;
/** Balances of contra accounts are negative; sums of many amounts may need a few more digits. */
const SIGNED_AMOUNT_PATTERN = /^(0|-?[1-9][0-9]{0,21})$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MILLIS_PER_DAY = 86_400_000;

/** A non-negative amount in minor units: decimal digits only, no sign, no decimal point, no exponent. */
export function requireAmount(value: unknown, field: string, options: { positive?: boolean } = {}): string {
  if (typeof value === 'number') {
    throw new InvalidInputError(
      `${field} must be a string of decimal digits in minor units (e.g. "12500"), not a JSON number`,
    );
  }
  const text = requireString(value, field);
  if (text.length === 0 || text.length > AMOUNT_DIGITS || !AMOUNT_PATTERN.test(text)) {
    throw new InvalidInputError(
      `${field} must be a non-negative integer amount in minor units: 1 to ${AMOUNT_DIGITS} decimal digits, no sign, no decimal point, no leading zeros`,
    );
  }
  if (options.positive === true && text === '0') {
    throw new InvalidInputError(`${field} must be greater than 0`);
  }
  return text;
}

/** A stored balance (possibly negative for a contra account). */
export function requireSignedAmount(value: unknown, field: string): string {
  const text = requireString(value, field);
  if (!SIGNED_AMOUNT_PATTERN.test(text)) {
    throw new InvalidInputError(`${field} must be a signed integer amount in minor units`);
  }
  return text;
}

export function toMinor(amount: string): bigint {
  return BigInt(amount);
}

export function fromMinor(amount: bigint): string {
  return amount.toString(10);
}

export function minBig(left: bigint, right: bigint): bigint {
  return left < right ? left : right;
}

export function maxBig(left: bigint, right: bigint): bigint {
  return left > right ? left : right;
}

/** A calendar date `YYYY-MM-DD` (FHIR `date`), validated against the calendar. */
export function requireDate(value: unknown, field: string): string {
  const text = requireString(value, field);
  const match = DATE_PATTERN.exec(text);
  if (match === null) {
    throw new InvalidInputError(`${field} must be a calendar date YYYY-MM-DD, e.g. 2025-03-01`);
  }
  const [year, month, day] = match.slice(1, 4).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 1900 ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    throw new InvalidInputError(`${field} is not a valid calendar date: '${text}'`);
  }
  return text;
}

/** Days since 1970-01-01 of a validated date. */
export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00.000Z`) / MILLIS_PER_DAY);
}

/** The UTC calendar date of an ISO timestamp (the transaction timestamp, a record's admission...). */
export function dateOf(timestamp: string): string {
  return timestamp.slice(0, 10);
}

/** Whole days from one ISO timestamp to another (negative when `to` is earlier). */
export function daysBetween(fromTimestamp: string, toTimestamp: string): number {
  return (Date.parse(toTimestamp) - Date.parse(fromTimestamp)) / MILLIS_PER_DAY;
}

/** The timestamp `days` days before an ISO timestamp. */
export function timestampDaysBefore(timestamp: string, days: number): string {
  return new Date(Date.parse(timestamp) - days * MILLIS_PER_DAY).toISOString();
}

/**
 * The policy year (0, 1, ...) of a service date: year k runs from the anniversary start + k years
 * (inclusive) to start + k + 1 years (exclusive). A date before the start has no policy year (-1).
 */
export function policyYearOf(periodStart: string, serviceDate: string): number {
  if (serviceDate < periodStart) {
    return -1;
  }
  const [startYear, startMonth, startDay] = periodStart.split('-').map(Number) as [number, number, number];
  const anniversary = (k: number): string =>
    new Date(Date.UTC(startYear + k, startMonth - 1, startDay)).toISOString().slice(0, 10);
  let year = Number(serviceDate.slice(0, 4)) - startYear;
  while (year > 0 && anniversary(year) > serviceDate) {
    year -= 1;
  }
  return year;
}
