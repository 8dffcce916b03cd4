import { createHash } from 'node:crypto';
import { Context } from 'fabric-contract-api';
import type { ChaincodeStub, ClientIdentity, Iterators, Timestamp } from 'fabric-shim-api';
import Long from 'long';

/**
 * In-memory stand-ins for fabric-shim's ChaincodeStub and ClientIdentity, faithful where the
 * chaincode depends on Fabric semantics: reads see committed state only (no read-your-writes),
 * range results come in UTF-8 byte order, empty values are refused, composite keys use the shim's
 * encoding, and a transaction's writes reach the ledger only when it succeeds.
 */

const COMPOSITE_KEY_NAMESPACE = '\u0000';
const MAX_UNICODE_RUNE = '\u{10ffff}';

/** The stub methods the chaincode uses; the fake implements exactly these. */
type StubMethods = Pick<
  ChaincodeStub,
  | 'getState'
  | 'putState'
  | 'deleteState'
  | 'createCompositeKey'
  | 'splitCompositeKey'
  | 'getStateByPartialCompositeKey'
  | 'getPrivateData'
  | 'putPrivateData'
  | 'getTransient'
  | 'getTxID'
  | 'getTxTimestamp'
  | 'setEvent'
>;

export interface CapturedEvent {
  name: string;
  payload: Buffer;
}

/** What a transaction tried to write, whether or not it was committed. */
export interface WriteSet {
  state: Map<string, Buffer | null>;
  privateData: Map<string, Map<string, Buffer | null>>;
  events: CapturedEvent[];
}

/** The committed world state, private data stores and the clock of a fake channel. */
export class FakeLedger {
  readonly state = new Map<string, Buffer>();
  readonly privateData = new Map<string, Map<string, Buffer>>();
  /** Committed events, one list entry per successful transaction that set one. */
  readonly events: CapturedEvent[] = [];
  private clockMillis: number;
  private transactionCount = 0;

  constructor(startTime = '2025-03-01T09:00:00.000Z') {
    this.clockMillis = Date.parse(startTime);
  }

  get now(): string {
    return new Date(this.clockMillis).toISOString();
  }

  setTime(iso: string): void {
    this.clockMillis = Date.parse(iso);
  }

  advance(milliseconds: number): void {
    this.clockMillis += milliseconds;
  }

  /** Starts a transaction: a fresh tx id (64 hex, like Fabric's) and the current clock. */
  beginTransaction(transient: Map<string, Uint8Array>): FakeTransaction {
    this.transactionCount += 1;
    const txId = createHash('sha256').update(`tx-${this.transactionCount}`).digest('hex');
    // Each transaction is one millisecond after the previous, so ordering by time is unambiguous.
    this.clockMillis += 1;
    return new FakeTransaction(this, txId, this.clockMillis, transient);
  }

  commit(transaction: FakeTransaction): void {
    const { writes } = transaction;
    for (const [key, value] of writes.state) {
      if (value === null) {
        this.state.delete(key);
      } else {
        this.state.set(key, value);
      }
    }
    for (const [collection, entries] of writes.privateData) {
      const store = this.privateData.get(collection) ?? new Map<string, Buffer>();
      for (const [key, value] of entries) {
        if (value === null) {
          store.delete(key);
        } else {
          store.set(key, value);
        }
      }
      this.privateData.set(collection, store);
    }
    // Fabric keeps the last event a transaction set.
    const lastEvent = writes.events[writes.events.length - 1];
    if (lastEvent !== undefined) {
      this.events.push(lastEvent);
    }
  }

  /** A deep copy of everything committed, for "nothing changed" assertions. */
  snapshot(): { state: [string, string][]; privateData: [string, [string, string][]][]; events: number } {
    return {
      state: [...this.state].map(([key, value]) => [key, value.toString('hex')]),
      privateData: [...this.privateData].map(([collection, store]) => [
        collection,
        [...store].map(([key, value]) => [key, value.toString('hex')]),
      ]),
      events: this.events.length,
    };
  }
}

export class FakeTransaction implements StubMethods {
  readonly writes: WriteSet = { state: new Map(), privateData: new Map(), events: [] };

  constructor(
    private readonly ledger: FakeLedger,
    private readonly txId: string,
    private readonly timestampMillis: number,
    private readonly transient: Map<string, Uint8Array>,
  ) {}

  /** True when the transaction attempted no write of any kind and set no event. */
  get isReadOnly(): boolean {
    return (
      this.writes.state.size === 0 && this.writes.privateData.size === 0 && this.writes.events.length === 0
    );
  }

  async getState(key: string): Promise<Uint8Array> {
    return this.ledger.state.get(key) ?? new Uint8Array(0);
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    requireWritableValue(key, value);
    this.writes.state.set(key, Buffer.from(value));
  }

  async deleteState(key: string): Promise<void> {
    this.writes.state.set(key, null);
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return [objectType, ...attributes].reduce((key, part) => {
      requireKeyPart(part);
      return `${key}${part}\u0000`;
    }, COMPOSITE_KEY_NAMESPACE);
  }

  splitCompositeKey(compositeKey: string): { objectType: string; attributes: string[] } {
    const parts = compositeKey.slice(1).split('\u0000');
    parts.pop();
    const [objectType = '', ...attributes] = parts;
    return { objectType, attributes };
  }

  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    const startKey = this.createCompositeKey(objectType, attributes);
    const endKey = startKey + MAX_UNICODE_RUNE;
    const matches = [...this.ledger.state]
      .filter(([key]) => compareUtf8(key, startKey) >= 0 && compareUtf8(key, endKey) < 0)
      .sort(([left], [right]) => compareUtf8(left, right))
      .map(([key, value]): Iterators.KV => ({ namespace: 'medfabric', key, value }));
    return iteratorOver(matches);
  }

  async getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    return this.ledger.privateData.get(collection)?.get(key) ?? new Uint8Array(0);
  }

  async putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    requireWritableValue(key, value);
    const entries = this.writes.privateData.get(collection) ?? new Map<string, Buffer | null>();
    entries.set(key, Buffer.from(value));
    this.writes.privateData.set(collection, entries);
  }

  getTransient(): Map<string, Uint8Array> {
    return this.transient;
  }

  getTxID(): string {
    return this.txId;
  }

  getTxTimestamp(): Timestamp {
    const seconds = Math.floor(this.timestampMillis / 1000);
    return {
      seconds: Long.fromNumber(seconds, true),
      nanos: (this.timestampMillis - seconds * 1000) * 1_000_000,
    };
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (name.length === 0) {
      throw new Error('Event name must not be empty');
    }
    this.writes.events.push({ name, payload: Buffer.from(payload) });
  }
}

/** A certificate identity described by its parts; the id has fabric-shim's `x509::subject::issuer` form. */
export interface IdentitySpec {
  mspId: string;
  nodeOu: 'client' | 'admin' | 'peer' | 'orderer';
  commonName: string;
  attributes?: Record<string, string>;
}

export class FakeClientIdentity implements ClientIdentity {
  constructor(private readonly spec: IdentitySpec) {}

  getID(): string {
    const { mspId, nodeOu, commonName } = this.spec;
    return `x509::/C=US/O=${mspId}/OU=${nodeOu}/CN=${commonName}::/C=US/O=${mspId}/CN=ca.${mspId}`;
  }

  getMSPID(): string {
    return this.spec.mspId;
  }

  getAttributeValue(name: string): string | null {
    return this.spec.attributes?.[name] ?? null;
  }

  assertAttributeValue(name: string, value: string): boolean {
    return this.getAttributeValue(name) === value;
  }

  getIDBytes(): Uint8Array {
    return Buffer.from(this.getID(), 'utf8');
  }
}

/** A contract Context wired to a fake transaction and identity, as fabric-shim would build it. */
export function contextFor(transaction: FakeTransaction, identity: ClientIdentity): Context {
  const ctx = new Context();
  // The fake implements every stub method the chaincode calls (StubMethods); the rest stay absent.
  ctx.stub = transaction as unknown as ChaincodeStub;
  ctx.clientIdentity = identity;
  return ctx;
}

function requireKeyPart(part: string): void {
  if (typeof part !== 'string' || part.length === 0) {
    throw new Error('object type or attribute not a non-zero length string');
  }
  if (part.includes('\u0000') || part.includes(MAX_UNICODE_RUNE)) {
    throw new Error(`composite key part contains U+0000 or U+10FFFF: ${JSON.stringify(part)}`);
  }
}

function requireWritableValue(key: string, value: Uint8Array): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new Error('key must be a non-empty string');
  }
  // Fabric treats an empty value as a delete; the chaincode must never rely on that.
  if (value.length === 0) {
    throw new Error(`refusing to write an empty value under ${JSON.stringify(key)}`);
  }
}

/** LevelDB orders keys by their UTF-8 bytes, which differs from JS string order above U+FFFF. */
function compareUtf8(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

function iteratorOver(
  entries: Iterators.KV[],
): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
  let position = 0;
  const iterator: Iterators.StateQueryIterator = {
    async next() {
      const value = entries[position];
      position += 1;
      return value === undefined
        ? { value: undefined as unknown as Iterators.KV, done: true }
        : { value, done: false };
    },
    async close() {
      position = entries.length;
    },
  };
  return Object.assign(Promise.resolve(iterator), {
    async *[Symbol.asyncIterator]() {
      yield* entries;
    },
  });
}
