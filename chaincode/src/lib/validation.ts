import { InvalidInputError } from './errors';

/** Limits shared by every contract; README.md documents them. */
export const LIMITS = {
  idLength: 128,
  locationLength: 2048,
  reasonLength: 1024,
  displayNameLength: 256,
  jsonArgumentBytes: 64 * 1024,
  scopeEntries: 64,
  /** DESIGN §7: K, the number of encrypted powers, is at most 64. */
  encryptedPowers: 64,
  /** n² of a 4096-bit Paillier key has at most 2467 decimal digits; 2048-bit keys (the default) 1234. */
  ciphertextDigits: 2467,
} as const;

/** Ids become composite-key attributes: printable ASCII only, never U+0000 or U+10FFFF. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
/** Collection names are derived from MSP ids (`diagnosis_<mspId>`); Fabric allows [A-Za-z0-9_-] there. */
const MSP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const SHA256_HEX_PATTERN = /^[0-9a-fA-F]{64}$/;
const URI_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
const DECIMAL_PATTERN = /^[1-9][0-9]*$/;
const ISO_8601_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

export function requireString(value: unknown, field: string): string {
  if (value === undefined || value === null) {
    throw new InvalidInputError(`${field} is required`);
  }
  if (typeof value !== 'string') {
    throw new InvalidInputError(`${field} must be a string, got ${describeType(value)}`);
  }
  return value;
}

/** A non-blank string of at most maxLength characters. */
export function requireText(value: unknown, field: string, maxLength: number): string {
  const text = requireString(value, field);
  if (text.trim().length === 0) {
    throw new InvalidInputError(`${field} must not be empty`);
  }
  if (text.length > maxLength) {
    throw new InvalidInputError(`${field} is ${text.length} characters long; the limit is ${maxLength}`);
  }
  if (hasControlCharacter(text, true)) {
    throw new InvalidInputError(`${field} must not contain control characters`);
  }
  return text;
}

export function requireId(value: unknown, field: string): string {
  const id = requireBounded(value, field, LIMITS.idLength);
  if (!ID_PATTERN.test(id)) {
    throw new InvalidInputError(
      `${field} must start with a letter or digit and contain only letters, digits and . _ : @ -`,
    );
  }
  return id;
}

export function requireMspId(value: unknown, field: string): string {
  const mspId = requireBounded(value, field, 64);
  if (!MSP_ID_PATTERN.test(mspId)) {
    throw new InvalidInputError(
      `${field} must start with a letter or digit and contain only letters, digits, _ and - (it names a private data collection)`,
    );
  }
  return mspId;
}

/** A SHA-256 digest in hex; normalised to lower case so comparisons are exact. */
export function requireSha256Hex(value: unknown, field: string): string {
  const digest = requireBounded(value, field, 64);
  if (!SHA256_HEX_PATTERN.test(digest)) {
    throw new InvalidInputError(`${field} must be a SHA-256 digest: 64 hexadecimal characters`);
  }
  return digest.toLowerCase();
}

export function requireUri(value: unknown, field: string): string {
  const uri = requireBounded(value, field, LIMITS.locationLength);
  if (!URI_PATTERN.test(uri) || hasControlCharacter(uri, false)) {
    throw new InvalidInputError(`${field} must be a URI (scheme:rest) without spaces or control characters`);
  }
  return uri;
}

/** A positive decimal integer without leading zeros (a Paillier ciphertext is never 0). */
export function requireDecimal(value: unknown, field: string, maxDigits: number): string {
  const decimal = requireBounded(value, field, maxDigits);
  if (!DECIMAL_PATTERN.test(decimal)) {
    throw new InvalidInputError(`${field} must be a positive decimal integer without leading zeros`);
  }
  return decimal;
}

export function requireEnum<const T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  const text = requireString(value, field);
  const match = allowed.find((candidate) => candidate === text);
  if (match === undefined) {
    throw new InvalidInputError(`${field} must be one of ${allowed.join(' | ')}, got '${truncate(text)}'`);
  }
  return match;
}

/**
 * An ISO 8601 date-time with an explicit offset (Z or ±hh:mm), normalised to UTC with millisecond
 * precision so stored timestamps compare and sort as strings.
 */
export function requireTimestamp(value: unknown, field: string): string {
  const text = requireBounded(value, field, 40);
  const match = ISO_8601_PATTERN.exec(text);
  if (match === null) {
    throw new InvalidInputError(
      `${field} must be an ISO 8601 date-time with a time zone, e.g. 2025-03-01T08:30:00Z`,
    );
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const calendarDate = new Date(Date.UTC(year, month - 1, day));
  const validDate =
    calendarDate.getUTCFullYear() === year &&
    calendarDate.getUTCMonth() === month - 1 &&
    calendarDate.getUTCDate() === day;
  if (!validDate || hour > 23 || minute > 59 || second > 59) {
    throw new InvalidInputError(`${field} is not a valid calendar date-time: '${text}'`);
  }
  const offsetHours = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinutes = match[10] === undefined ? 0 : Number(match[10]);
  if (offsetHours > 23 || offsetMinutes > 59) {
    throw new InvalidInputError(`${field} has an invalid time zone offset: '${text}'`);
  }
  return new Date(Date.parse(text)).toISOString();
}

/** Parses a JSON transaction argument (or transient value) of bounded size. */
export function parseJsonArgument(value: unknown, field: string): unknown {
  const text = requireString(value, field);
  if (Buffer.byteLength(text, 'utf8') > LIMITS.jsonArgumentBytes) {
    throw new InvalidInputError(`${field} exceeds ${LIMITS.jsonArgumentBytes} bytes`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`${field} is not valid JSON (${reason})`, { cause: error });
  }
}

/** Narrows a decoded JSON value to an object and rejects members the schema does not know. */
export function requireObject(
  value: unknown,
  field: string,
  allowedKeys: readonly string[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(`${field} must be a JSON object, got ${describeType(value)}`);
  }
  const record = value as Record<string, unknown>;
  const unknownKeys = Object.keys(record).filter((key) => !allowedKeys.includes(key));
  if (unknownKeys.length > 0) {
    throw new InvalidInputError(`${field} has unknown member(s): ${unknownKeys.sort().join(', ')}`);
  }
  return record;
}

export function requireArray(value: unknown, field: string, maxItems: number): unknown[] {
  if (!Array.isArray(value)) {
    throw new InvalidInputError(`${field} must be an array, got ${describeType(value)}`);
  }
  if (value.length > maxItems) {
    throw new InvalidInputError(`${field} has ${value.length} entries; the limit is ${maxItems}`);
  }
  return value;
}

export function requireUnique(values: readonly string[], field: string): void {
  const duplicate = values.find((value, index) => values.indexOf(value) !== index);
  if (duplicate !== undefined) {
    throw new InvalidInputError(`${field} lists '${duplicate}' more than once`);
  }
}

export function requireInteger(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidInputError(`${field} must be an integer ≥ ${min}`);
  }
  return value;
}

export function requireNullable<T>(value: unknown, decode: (present: unknown) => T): T | null {
  return value === null ? null : decode(value);
}

function requireBounded(value: unknown, field: string, maxLength: number): string {
  const text = requireString(value, field);
  if (text.length === 0) {
    throw new InvalidInputError(`${field} must not be empty`);
  }
  if (text.length > maxLength) {
    throw new InvalidInputError(`${field} is ${text.length} characters long; the limit is ${maxLength}`);
  }
  return text;
}

/** C0 controls and DEL; tab, line feed and carriage return are allowed in free text only. */
function hasControlCharacter(text: string, allowLineBreaks: boolean): boolean {
  return [...text].some((character) => {
    const code = character.charCodeAt(0);
    const isLineBreak = code === 0x09 || code === 0x0a || code === 0x0d;
    return (code < 0x20 || code === 0x7f) && !(allowLineBreaks && isLineBreak);
  });
}

function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'array' : typeof value;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
