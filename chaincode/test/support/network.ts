import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { AccessContract } from '../../src/contracts/access';
import { ConsentContract } from '../../src/contracts/consent';
import { ConsortiumContract } from '../../src/contracts/consortium';
import { DiagnosticsContract } from '../../src/contracts/diagnostics';
import { RecordsContract } from '../../src/contracts/records';
import { stableStringify } from '../../src/lib/canonical-json';
import {
  contextFor,
  FakeClientIdentity,
  FakeLedger,
  type FakeTransaction,
  type IdentitySpec,
} from './fake-fabric';

export const REGULATOR = 'RegulatorMSP';
export const HOSPITAL = 'HospitalMSP';
export const HOSPITAL_2 = 'Hospital2MSP';
export const INSURER = 'InsurerMSP';
export const OUTSIDER = 'OutsiderMSP';
export const PATIENT = 'patient-0001';
export const OTHER_PATIENT = 'patient-0002';

function identity(spec: IdentitySpec): FakeClientIdentity {
  return new FakeClientIdentity(spec);
}

/** Every identity the tests use, by the part it plays. */
export const ids = {
  regulatorAdmin: identity({ mspId: REGULATOR, nodeOu: 'admin', commonName: 'Admin@regulator' }),
  regulatorAuditor: identity({
    mspId: REGULATOR,
    nodeOu: 'client',
    commonName: 'auditor1',
    attributes: { role: 'auditor' },
  }),
  regulatorResearcher: identity({
    mspId: REGULATOR,
    nodeOu: 'client',
    commonName: 'researcher1',
    attributes: { role: 'researcher' },
  }),
  hospitalAdmin: identity({ mspId: HOSPITAL, nodeOu: 'admin', commonName: 'Admin@hospital' }),
  hospitalClerk: identity({
    mspId: HOSPITAL,
    nodeOu: 'client',
    commonName: 'clerk1',
    attributes: { role: 'admin' },
  }),
  doctor: identity({
    mspId: HOSPITAL,
    nodeOu: 'client',
    commonName: 'doctor1',
    attributes: { role: 'doctor' },
  }),
  nurse: identity({ mspId: HOSPITAL, nodeOu: 'client', commonName: 'nurse1', attributes: { role: 'nurse' } }),
  hospitalAuditor: identity({
    mspId: HOSPITAL,
    nodeOu: 'client',
    commonName: 'auditor2',
    attributes: { role: 'auditor' },
  }),
  hospitalPeer: identity({ mspId: HOSPITAL, nodeOu: 'peer', commonName: 'peer0.hospital' }),
  hospital2Doctor: identity({
    mspId: HOSPITAL_2,
    nodeOu: 'client',
    commonName: 'doctor2',
    attributes: { role: 'doctor' },
  }),
  hospital2OtherDoctor: identity({
    mspId: HOSPITAL_2,
    nodeOu: 'client',
    commonName: 'doctor3',
    attributes: { role: 'doctor' },
  }),
  hospital2Admin: identity({ mspId: HOSPITAL_2, nodeOu: 'admin', commonName: 'Admin@hospital2' }),
  hospital2Nurse: identity({
    mspId: HOSPITAL_2,
    nodeOu: 'client',
    commonName: 'nurse2',
    attributes: { role: 'nurse' },
  }),
  insurerAdjuster: identity({
    mspId: INSURER,
    nodeOu: 'client',
    commonName: 'adjuster1',
    attributes: { role: 'adjuster' },
  }),
  insurerAdmin: identity({ mspId: INSURER, nodeOu: 'admin', commonName: 'Admin@insurer' }),
  insurerDoctor: identity({
    mspId: INSURER,
    nodeOu: 'client',
    commonName: 'medical-officer',
    attributes: { role: 'doctor' },
  }),
  patient: identity({
    mspId: HOSPITAL,
    nodeOu: 'client',
    commonName: 'patient1',
    attributes: { role: 'patient', patientId: PATIENT },
  }),
  otherPatient: identity({
    mspId: HOSPITAL,
    nodeOu: 'client',
    commonName: 'patient2',
    attributes: { role: 'patient', patientId: OTHER_PATIENT },
  }),
  outsiderDoctor: identity({
    mspId: OUTSIDER,
    nodeOu: 'client',
    commonName: 'doctor9',
    attributes: { role: 'doctor' },
  }),
  outsiderAdmin: identity({ mspId: OUTSIDER, nodeOu: 'admin', commonName: 'Admin@outsider' }),
};

export interface InvokeOptions {
  transient?: Record<string, string | Uint8Array>;
}

/** A channel with the five contracts, and helpers that run one transaction each like a peer would. */
export class TestNetwork {
  readonly ledger = new FakeLedger();
  readonly consortium = new ConsortiumContract();
  readonly records = new RecordsContract();
  readonly consent = new ConsentContract();
  readonly access = new AccessContract();
  readonly diagnostics = new DiagnosticsContract();

  /** A submit transaction: committed when it succeeds, discarded when it throws. */
  async submit<T>(
    caller: FakeClientIdentity,
    invoke: (ctx: Context) => Promise<T>,
    options: InvokeOptions = {},
  ): Promise<T> {
    const transaction = this.ledger.beginTransaction(transientMap(options));
    const result = await invoke(contextFor(transaction, caller));
    assert.ok(transaction.writes.events.length <= 1, 'a transaction must set at most one event');
    this.ledger.commit(transaction);
    return result;
  }

  /** Like submit, but parses the canonical JSON result. */
  async submitJson(
    caller: FakeClientIdentity,
    invoke: (ctx: Context) => Promise<string>,
    options: InvokeOptions = {},
  ): Promise<Record<string, unknown>> {
    return parseObject(await this.submit(caller, invoke, options));
  }

  /** A query: must not attempt any write or event. */
  async evaluate(caller: FakeClientIdentity, invoke: (ctx: Context) => Promise<string>): Promise<unknown> {
    const transaction = this.ledger.beginTransaction(new Map());
    const result = await invoke(contextFor(transaction, caller));
    assertNothingWritten(transaction);
    return JSON.parse(result) as unknown;
  }

  /**
   * Runs a transaction that must fail with an error matching `message`, and checks that it attempted
   * no write, private write or event and that the committed ledger is unchanged.
   */
  async expectRejected(
    caller: FakeClientIdentity,
    invoke: (ctx: Context) => Promise<unknown>,
    message: RegExp,
    options: InvokeOptions = {},
  ): Promise<void> {
    const before = this.ledger.snapshot();
    const transaction = this.ledger.beginTransaction(transientMap(options));
    await assert.rejects(invoke(contextFor(transaction, caller)), (error: unknown) => {
      assert.ok(error instanceof Error, 'expected an Error');
      assert.match(error.message, message);
      return true;
    });
    assertNothingWritten(transaction);
    assert.deepEqual(this.ledger.snapshot(), before, 'the committed ledger must be unchanged');
  }

  /** The last committed event, decoded. */
  lastEvent(): { name: string; payload: Record<string, unknown>; raw: string } {
    const event = this.ledger.events[this.ledger.events.length - 1];
    assert.ok(event !== undefined, 'no event was committed');
    const raw = event.payload.toString('utf8');
    return { name: event.name, payload: parseObject(raw), raw };
  }

  /** InitConsortium plus two hospitals and one insurer. */
  async bootstrap(): Promise<void> {
    await this.submit(ids.regulatorAdmin, (ctx) => this.consortium.InitConsortium(ctx, REGULATOR));
    await this.submit(ids.regulatorAdmin, (ctx) =>
      this.consortium.RegisterMember(ctx, HOSPITAL, 'hospital', 'City Hospital'),
    );
    await this.submit(ids.regulatorAdmin, (ctx) =>
      this.consortium.RegisterMember(ctx, HOSPITAL_2, 'hospital', 'County Hospital'),
    );
    await this.submit(ids.regulatorAdmin, (ctx) =>
      this.consortium.RegisterMember(ctx, INSURER, 'insurer', 'Mutual Insurer'),
    );
  }

  /** Anchors a record with sensible defaults; returns the arguments used. */
  async recordEncounter(
    caller: FakeClientIdentity,
    overrides: Partial<EncounterArguments> = {},
  ): Promise<EncounterArguments> {
    const args = encounterArguments(overrides);
    await this.submit(caller, (ctx) => this.records.RecordEncounter(ctx, ...encounterArgumentList(args)), {
      transient: { encryptedDiagnosis: args.transientPayload },
    });
    return args;
  }

  /** Requests access and returns the new consent's id. */
  async requestAccess(caller: FakeClientIdentity, request: Partial<AccessRequest> = {}): Promise<string> {
    const args = accessRequest(request);
    const consent = await this.submitJson(caller, (ctx) =>
      this.consent.RequestAccess(
        ctx,
        args.patientPseudonym,
        args.purpose,
        args.scope,
        args.periodStart,
        args.periodEnd,
      ),
    );
    assert.equal(typeof consent.consentId, 'string');
    return consent.consentId as string;
  }
}

export interface EncounterArguments {
  recordId: string;
  patientPseudonym: string;
  hospitalMspId: string;
  encounterType: string;
  admittedAt: string;
  dischargedAt: string;
  contentSha256: string;
  contentLocation: string;
  diagnosisTag: string;
  encryptedDiagnosisSha256: string;
  /** The JSON string put in the transient map under `encryptedDiagnosis`. */
  transientPayload: string;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A realistic encrypted diagnosis: three "ciphertexts" and a claim key id. */
export function encryptedDiagnosisPayload(seed = 'default'): { claimKeyId: string; ciphertexts: string[] } {
  const digits = (n: number): string => BigInt(`0x${sha256(`${seed}-${n}`)}`).toString(10);
  return { claimKeyId: 'insurer-key-2025', ciphertexts: [digits(1), digits(2), digits(3)] };
}

export function encounterArguments(overrides: Partial<EncounterArguments> = {}): EncounterArguments {
  const payload = stableStringify(encryptedDiagnosisPayload(overrides.recordId ?? 'rec-001'));
  return {
    recordId: 'rec-001',
    patientPseudonym: PATIENT,
    hospitalMspId: HOSPITAL,
    encounterType: 'inpatient',
    admittedAt: '2025-02-10T08:00:00Z',
    dischargedAt: '2025-02-14T16:30:00+01:00',
    contentSha256: sha256('fhir-bundle-rec-001'),
    contentLocation: 'https://records.hospital.example/fhir/Bundle/rec-001',
    diagnosisTag: sha256('hmac:J18'),
    encryptedDiagnosisSha256: sha256(payload),
    transientPayload: payload,
    ...overrides,
  };
}

export function encounterArgumentList(
  args: EncounterArguments,
): [string, string, string, string, string, string, string, string, string, string] {
  return [
    args.recordId,
    args.patientPseudonym,
    args.hospitalMspId,
    args.encounterType,
    args.admittedAt,
    args.dischargedAt,
    args.contentSha256,
    args.contentLocation,
    args.diagnosisTag,
    args.encryptedDiagnosisSha256,
  ];
}

export interface AccessRequest {
  patientPseudonym: string;
  purpose: string;
  scope: string;
  periodStart: string;
  periodEnd: string;
}

export function accessRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    patientPseudonym: PATIENT,
    purpose: 'treatment',
    scope: JSON.stringify({ recordIds: ['rec-001'] }),
    periodStart: '2025-03-01T00:00:00Z',
    periodEnd: '2025-06-01T00:00:00Z',
    ...overrides,
  };
}

export function parseObject(json: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(json);
  assert.ok(
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed),
    `not a JSON object: ${json}`,
  );
  return parsed as Record<string, unknown>;
}

export function parseArray(value: unknown): Record<string, unknown>[] {
  assert.ok(Array.isArray(value), 'expected an array');
  return value as Record<string, unknown>[];
}

function assertNothingWritten(transaction: FakeTransaction): void {
  assert.deepEqual([...transaction.writes.state.keys()], [], 'no state write expected');
  assert.deepEqual([...transaction.writes.privateData.keys()], [], 'no private data write expected');
  assert.deepEqual(
    transaction.writes.events.map((event) => event.name),
    [],
    'no event expected',
  );
  assert.ok(transaction.isReadOnly);
}

function transientMap(options: InvokeOptions): Map<string, Uint8Array> {
  return new Map(
    Object.entries(options.transient ?? {}).map(([key, value]) => [
      key,
      typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
    ]),
  );
}
