import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { stableStringify } from '../src/lib/canonical-json';
import type { FakeClientIdentity } from './support/fake-fabric';
import {
  encounterArgumentList,
  encounterArguments,
  encryptedDiagnosisPayload,
  HOSPITAL,
  HOSPITAL_2,
  ids,
  INSURER,
  PATIENT,
  parseObject,
  sha256,
  TestNetwork,
  type EncounterArguments,
} from './support/network';

const COLLECTION = `diagnosis_${HOSPITAL}`;

async function bootstrapped(): Promise<TestNetwork> {
  const network = new TestNetwork();
  await network.bootstrap();
  return network;
}

/** RecordEncounter that must be refused without writing anything. */
async function expectEncounterRejected(
  network: TestNetwork,
  caller: FakeClientIdentity,
  overrides: Partial<EncounterArguments>,
  message: RegExp,
  transient: Record<string, string> | undefined = undefined,
): Promise<void> {
  const args = encounterArguments(overrides);
  await network.expectRejected(
    caller,
    (ctx) => network.records.RecordEncounter(ctx, ...encounterArgumentList(args)),
    message,
    { transient: transient ?? { encryptedDiagnosis: args.transientPayload } },
  );
}

function amendArguments(
  previousRecordId: string,
  args: EncounterArguments,
): [string, string, string, string, string, string, string, string, string] {
  return [
    previousRecordId,
    args.recordId,
    args.encounterType,
    args.admittedAt,
    args.dischargedAt,
    args.contentSha256,
    args.contentLocation,
    args.diagnosisTag,
    args.encryptedDiagnosisSha256,
  ];
}

describe('Records: RecordEncounter', () => {
  it('anchors the record, stores the encrypted diagnosis privately and emits one event', async () => {
    const network = await bootstrapped();
    const args = await network.recordEncounter(ids.doctor);

    const history = parseObject(
      JSON.stringify(
        await network.evaluate(ids.doctor, (ctx) => network.records.GetRecordHistory(ctx, 'rec-001')),
      ),
    );
    const [record] = history.versions as Record<string, unknown>[];
    assert.ok(record !== undefined);
    assert.equal(record.recordId, 'rec-001');
    assert.equal(record.version, 1);
    assert.equal(record.previousVersion, null);
    assert.equal(record.supersededBy, null);
    assert.equal(record.hospitalMspId, HOSPITAL);
    assert.equal(record.dischargedAt, '2025-02-14T15:30:00.000Z', 'timestamps are normalised to UTC');
    assert.equal(record.encryptedDiagnosisCollection, COLLECTION);
    assert.equal(record.recordedBy, ids.doctor.getID());

    // The private payload is the canonical JSON; its SHA-256 is what the public record anchors.
    const privateStore = network.ledger.privateData.get(COLLECTION);
    assert.ok(privateStore !== undefined && privateStore.size === 1);
    const [privateBytes] = [...privateStore.values()];
    assert.ok(privateBytes !== undefined);
    assert.equal(privateBytes.toString('utf8'), stableStringify(encryptedDiagnosisPayload('rec-001')));
    assert.equal(createHash('sha256').update(privateBytes).digest('hex'), record.encryptedDiagnosisSha256);
    assert.equal(record.encryptedDiagnosisSha256, args.encryptedDiagnosisSha256);

    // Nothing private reaches the public state.
    for (const value of network.ledger.state.values()) {
      assert.ok(!value.toString('utf8').includes(encryptedDiagnosisPayload('rec-001').ciphertexts[0] ?? '-'));
    }

    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.record.encountered');
    assert.equal(event.raw, stableStringify(JSON.parse(event.raw)), 'event payload is sorted-key JSON');
    assert.equal(event.payload.schemaVersion, 1);
    assert.equal(event.payload.recordId, 'rec-001');
    assert.equal(event.payload.contentLocation, undefined, 'events carry no location');
  });

  it('accepts the hospital admin OU and admin-role clients, and any ciphertext order the client sends', async () => {
    const network = await bootstrapped();
    await network.recordEncounter(ids.hospitalAdmin, { recordId: 'rec-admin' });
    // Keys in non-canonical order: the chaincode canonicalises before hashing.
    const payload = encryptedDiagnosisPayload('clerk');
    const unsorted = JSON.stringify({ ciphertexts: payload.ciphertexts, claimKeyId: payload.claimKeyId });
    await network.recordEncounter(ids.hospitalClerk, {
      recordId: 'rec-clerk',
      encounterType: 'emergency',
      transientPayload: unsorted,
      encryptedDiagnosisSha256: sha256(stableStringify(payload)),
    });
    assert.equal(network.ledger.privateData.get(COLLECTION)?.size, 2);
  });

  it('is deterministic: the same proposal gives byte-identical writes on two endorsers', async () => {
    const first = await bootstrapped();
    const second = await bootstrapped();
    await first.recordEncounter(ids.doctor);
    await second.recordEncounter(ids.doctor);
    assert.deepEqual(first.ledger.snapshot(), second.ledger.snapshot());
    assert.equal(first.lastEvent().raw, second.lastEvent().raw);
  });

  it('refuses callers that are not authors of that hospital', async () => {
    const network = await bootstrapped();
    await expectEncounterRejected(
      network,
      ids.nurse,
      {},
      /Access denied: records of HospitalMSP are written by/,
    );
    await expectEncounterRejected(
      network,
      ids.patient,
      {},
      /Access denied: records of HospitalMSP are written by/,
    );
    await expectEncounterRejected(network, ids.hospitalPeer, {}, /Access denied: records of HospitalMSP/);
    await expectEncounterRejected(
      network,
      ids.hospital2Doctor,
      {},
      /Access denied: a record of HospitalMSP can only be anchored by HospitalMSP, not Hospital2MSP/,
    );
    await expectEncounterRejected(
      network,
      ids.insurerAdmin,
      { hospitalMspId: INSURER },
      /Access denied: records of InsurerMSP are written by/,
    );
    await expectEncounterRejected(
      network,
      ids.outsiderDoctor,
      { hospitalMspId: 'OutsiderMSP' },
      /Access denied: MSP OutsiderMSP is not a registered consortium member/,
    );
  });

  it('refuses everything before the consortium is initialised', async () => {
    const network = new TestNetwork();
    await expectEncounterRejected(
      network,
      ids.doctor,
      {},
      /Access denied: the consortium is not initialised yet/,
    );
  });

  it('rejects malformed arguments with a clear message', async () => {
    const network = await bootstrapped();
    const cases: [Partial<EncounterArguments>, RegExp][] = [
      [{ recordId: undefined as unknown as string }, /Invalid input: recordId is required/],
      [{ recordId: 17 as unknown as string }, /Invalid input: recordId must be a string, got number/],
      [{ recordId: 'r'.repeat(129) }, /Invalid input: recordId is 129 characters long; the limit is 128/],
      [{ recordId: 'rec 001' }, /Invalid input: recordId must start with a letter or digit/],
      [{ patientPseudonym: '' }, /Invalid input: patientPseudonym must not be empty/],
      [{ hospitalMspId: 'Hospital.MSP' }, /Invalid input: hospitalMspId must start with a letter or digit/],
      [
        { encounterType: 'day-care' },
        /Invalid input: encounterType must be one of outpatient \| inpatient \| emergency/,
      ],
      [{ admittedAt: '10/02/2025' }, /Invalid input: admittedAt must be an ISO 8601 date-time/],
      [{ dischargedAt: '2025-02-09T00:00:00Z' }, /Invalid input: dischargedAt .* is before admittedAt/],
      [{ contentSha256: 'abc' }, /Invalid input: contentSha256 must be a SHA-256 digest/],
      [{ contentSha256: 'g'.repeat(64) }, /Invalid input: contentSha256 must be a SHA-256 digest/],
      [
        { contentLocation: `https://x/${'a'.repeat(2040)}` },
        /Invalid input: contentLocation is 2050 characters long; the limit is 2048/,
      ],
      [{ contentLocation: 'not a uri' }, /Invalid input: contentLocation must be a URI/],
      [{ diagnosisTag: 'J18' }, /Invalid input: diagnosisTag must be an HMAC-SHA-256 in hex/],
      [
        { encryptedDiagnosisSha256: sha256('something else') },
        /Invalid input: encryptedDiagnosisSha256 .* does not match/,
      ],
    ];
    for (const [overrides, message] of cases) {
      await expectEncounterRejected(network, ids.doctor, overrides, message);
    }
  });

  it('rejects a missing or malformed transient encryptedDiagnosis', async () => {
    const network = await bootstrapped();
    const transientCases: [Record<string, string>, RegExp][] = [
      [{}, /Invalid input: the transient map must carry 'encryptedDiagnosis'/],
      [{ encryptedDiagnosis: '{not json' }, /Invalid input: transient encryptedDiagnosis is not valid JSON/],
      [{ encryptedDiagnosis: '[]' }, /Invalid input: encryptedDiagnosis must be a JSON object, got array/],
      [
        { encryptedDiagnosis: JSON.stringify({ claimKeyId: 'k', ciphertexts: [] }) },
        /Invalid input: encryptedDiagnosis.ciphertexts must hold at least one ciphertext/,
      ],
      [
        { encryptedDiagnosis: JSON.stringify({ claimKeyId: 'k', ciphertexts: ['012'] }) },
        /Invalid input: encryptedDiagnosis.ciphertexts\[0\] must be a positive decimal integer/,
      ],
      [
        { encryptedDiagnosis: JSON.stringify({ claimKeyId: 'k', ciphertexts: [12345] }) },
        /Invalid input: encryptedDiagnosis.ciphertexts\[0\] must be a string, got number/,
      ],
      [
        {
          encryptedDiagnosis: JSON.stringify({
            claimKeyId: 'k',
            ciphertexts: Array.from({ length: 65 }, () => '7'),
          }),
        },
        /Invalid input: encryptedDiagnosis.ciphertexts has 65 entries; the limit is 64/,
      ],
      [
        { encryptedDiagnosis: JSON.stringify({ claimKeyId: 'k', ciphertexts: ['9'.repeat(2468)] }) },
        /Invalid input: encryptedDiagnosis.ciphertexts\[0\] is 2468 characters long; the limit is 2467/,
      ],
      [
        { encryptedDiagnosis: JSON.stringify({ claimKeyId: 'k', ciphertexts: ['7'], x: 'plaintext' }) },
        /Invalid input: encryptedDiagnosis has unknown member\(s\): x/,
      ],
      [
        { encryptedDiagnosis: JSON.stringify({ ciphertexts: ['7'] }) },
        /Invalid input: encryptedDiagnosis.claimKeyId is required/,
      ],
    ];
    for (const [transient, message] of transientCases) {
      await expectEncounterRejected(network, ids.doctor, {}, message, transient);
    }
  });

  it('never overwrites a record id', async () => {
    const network = await bootstrapped();
    await network.recordEncounter(ids.doctor);
    await expectEncounterRejected(
      network,
      ids.doctor,
      {},
      /Record rec-001 already exists; records are append-only/,
    );
  });
});

describe('Records: AmendRecord and GetRecordHistory', () => {
  it('appends a linked version and leaves the corrected one untouched', async () => {
    const network = await bootstrapped();
    await network.recordEncounter(ids.doctor);
    const recordKey = [...network.ledger.state.keys()].find((key) =>
      key.startsWith('\u0000medfabric.record\u0000'),
    );
    assert.ok(recordKey !== undefined);
    const originalBytes = network.ledger.state.get(recordKey);

    const correction = encounterArguments({
      recordId: 'rec-001-v2',
      encounterType: 'outpatient',
      diagnosisTag: sha256('hmac:J20'),
    });
    const amended = await network.submitJson(
      ids.hospitalClerk,
      (ctx) => network.records.AmendRecord(ctx, ...amendArguments('rec-001', correction)),
      { transient: { encryptedDiagnosis: correction.transientPayload } },
    );
    assert.equal(amended.version, 2);
    assert.equal(amended.previousVersion, 'rec-001');
    assert.equal(amended.rootRecordId, 'rec-001');
    assert.equal(amended.patientPseudonym, PATIENT);
    assert.deepEqual(
      network.ledger.state.get(recordKey),
      originalBytes,
      'the old version is never rewritten',
    );
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.record.amended');
    assert.equal(event.payload.previousVersion, 'rec-001');

    const third = encounterArguments({ recordId: 'rec-001-v3' });
    await network.submit(
      ids.doctor,
      (ctx) => network.records.AmendRecord(ctx, ...amendArguments('rec-001-v2', third)),
      {
        transient: { encryptedDiagnosis: third.transientPayload },
      },
    );

    for (const viewer of [ids.nurse, ids.regulatorAuditor, ids.patient, ids.hospitalAdmin]) {
      const history = parseObject(
        JSON.stringify(
          await network.evaluate(viewer, (ctx) => network.records.GetRecordHistory(ctx, 'rec-001-v2')),
        ),
      );
      const versions = history.versions as Record<string, unknown>[];
      assert.deepEqual(
        versions.map((version) => [
          version.recordId,
          version.version,
          version.previousVersion,
          version.supersededBy,
        ]),
        [
          ['rec-001', 1, null, 'rec-001-v2'],
          ['rec-001-v2', 2, 'rec-001', 'rec-001-v3'],
          ['rec-001-v3', 3, 'rec-001-v2', null],
        ],
      );
    }
  });

  it('allows amending the latest version only, by the same hospital', async () => {
    const network = await bootstrapped();
    await network.recordEncounter(ids.doctor);
    const correction = encounterArguments({ recordId: 'rec-001-v2' });
    const transient = { encryptedDiagnosis: correction.transientPayload };
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.records.AmendRecord(ctx, ...amendArguments('rec-001', correction)),
      /Access denied: record rec-001 belongs to HospitalMSP; Hospital2MSP cannot amend it/,
      { transient },
    );
    await network.expectRejected(
      ids.nurse,
      (ctx) => network.records.AmendRecord(ctx, ...amendArguments('rec-001', correction)),
      /Access denied: records of HospitalMSP are written by/,
      { transient },
    );
    await network.expectRejected(
      ids.doctor,
      (ctx) => network.records.AmendRecord(ctx, ...amendArguments('rec-404', correction)),
      /Record rec-404 does not exist/,
      { transient },
    );
    await network.expectRejected(
      ids.doctor,
      (ctx) =>
        network.records.AmendRecord(
          ctx,
          ...amendArguments('rec-001', { ...correction, recordId: 'rec-001' }),
        ),
      /Record rec-001 already exists/,
      { transient },
    );
    await network.submit(
      ids.doctor,
      (ctx) => network.records.AmendRecord(ctx, ...amendArguments('rec-001', correction)),
      {
        transient,
      },
    );
    const again = encounterArguments({ recordId: 'rec-001-v2b' });
    await network.expectRejected(
      ids.doctor,
      (ctx) => network.records.AmendRecord(ctx, ...amendArguments('rec-001', again)),
      /Record rec-001 was already corrected by rec-001-v2; amend the latest version instead/,
      { transient: { encryptedDiagnosis: again.transientPayload } },
    );
    await network.expectRejected(
      ids.doctor,
      (ctx) =>
        network.records.AmendRecord(ctx, ...amendArguments('rec-001-v2', { ...again, admittedAt: 'now' })),
      /Invalid input: admittedAt must be an ISO 8601 date-time/,
      { transient: { encryptedDiagnosis: again.transientPayload } },
    );
  });

  it('shows the history to the hospital, the regulator and the patient only', async () => {
    const network = await bootstrapped();
    await network.recordEncounter(ids.doctor);
    for (const caller of [
      ids.hospital2Doctor,
      ids.insurerAdjuster,
      ids.otherPatient,
      ids.regulatorResearcher,
    ]) {
      await network.expectRejected(
        caller,
        (ctx) => network.records.GetRecordHistory(ctx, 'rec-001'),
        /Access denied: the history of record rec-001 is for HospitalMSP staff, the regulator and the patient/,
      );
    }
    await network.expectRejected(
      ids.doctor,
      (ctx) => network.records.GetRecordHistory(ctx, 'nope'),
      /Record nope does not exist/,
    );
    await network.expectRejected(
      ids.outsiderDoctor,
      (ctx) => network.records.GetRecordHistory(ctx, 'rec-001'),
      /Access denied: MSP OutsiderMSP is not a registered consortium member/,
    );
  });
});

describe('Records: GetEncryptedDiagnosis', () => {
  it('returns the verified private payload to the hospital and the regulator', async () => {
    const network = await bootstrapped();
    await network.recordEncounter(ids.doctor);
    for (const caller of [ids.doctor, ids.nurse, ids.regulatorAuditor, ids.regulatorAdmin]) {
      const result = parseObject(
        JSON.stringify(
          await network.evaluate(caller, (ctx) => network.records.GetEncryptedDiagnosis(ctx, 'rec-001')),
        ),
      );
      assert.equal(result.collection, COLLECTION);
      assert.deepEqual(result.encryptedDiagnosis, encryptedDiagnosisPayload('rec-001'));
    }
  });

  it('is refused to other organisations and to patients', async () => {
    const network = await bootstrapped();
    await network.recordEncounter(ids.doctor);
    for (const caller of [ids.hospital2Doctor, ids.insurerAdjuster, ids.patient, ids.regulatorResearcher]) {
      await network.expectRejected(
        caller,
        (ctx) => network.records.GetEncryptedDiagnosis(ctx, 'rec-001'),
        /Access denied: the encrypted diagnosis of record rec-001 is for HospitalMSP staff and the regulator/,
      );
    }
  });

  it('detects private data that does not match the anchored hash, or that is missing', async () => {
    const network = await bootstrapped();
    await network.recordEncounter(ids.doctor);
    const store = network.ledger.privateData.get(COLLECTION);
    assert.ok(store !== undefined);
    const [key] = [...store.keys()];
    assert.ok(key !== undefined);
    store.set(key, Buffer.from(stableStringify(encryptedDiagnosisPayload('forged')), 'utf8'));
    await network.expectRejected(
      ids.regulatorAuditor,
      (ctx) => network.records.GetEncryptedDiagnosis(ctx, 'rec-001'),
      /does not match the anchored hash/,
    );
    store.delete(key);
    await network.expectRejected(
      ids.doctor,
      (ctx) => network.records.GetEncryptedDiagnosis(ctx, 'rec-001'),
      /is not in collection diagnosis_HospitalMSP on this peer/,
    );
  });

  it('uses one collection per hospital', async () => {
    const network = await bootstrapped();
    await network.recordEncounter(ids.hospital2Doctor, { recordId: 'h2-rec', hospitalMspId: HOSPITAL_2 });
    assert.equal(network.ledger.privateData.get(`diagnosis_${HOSPITAL_2}`)?.size, 1);
    assert.equal(network.ledger.privateData.get(COLLECTION), undefined);
  });
});
