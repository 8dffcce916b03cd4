/**
 * Canonical (sorted-key) JSON: every endorsing peer must produce byte-identical state values,
 * event payloads and responses, otherwise endorsements do not match. JSON.stringify keeps
 * insertion order, so every value the chaincode writes or returns goes through this one helper.
 */
export function stableStringify(value: unknown): string {
  return serialise(value, '$');
}

/** The UTF-8 bytes of the canonical serialisation: what putState, putPrivateData and setEvent receive. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(stableStringify(value), 'utf8');
}

function serialise(value: unknown, path: string): string {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new Error(`Cannot serialise ${path}: ${value} is not a finite number`);
      }
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? serialiseArray(value, path) : serialiseObject(value, path);
    default:
      throw new Error(`Cannot serialise ${path}: values of type ${typeof value} have no JSON form`);
  }
}

function serialiseArray(items: readonly unknown[], path: string): string {
  return `[${items.map((item, index) => serialise(item, `${path}[${index}]`)).join(',')}]`;
}

function serialiseObject(record: object, path: string): string {
  const members = Object.entries(record)
    // Like JSON.stringify, absent optional members are left out rather than written as null.
    .filter(([, member]) => member !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([key, member]) => `${JSON.stringify(key)}:${serialise(member, `${path}.${key}`)}`);
  return `{${members.join(',')}}`;
}
