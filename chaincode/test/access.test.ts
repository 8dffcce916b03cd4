import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encounterArguments,
  HOSPITAL,
  HOSPITAL_2,
  ids,
  OTHER_PATIENT,
  parseArray,
  PATIENT,
  REGULATOR,
  TestNetwork,
} from './support/network';

/** A network with rec-001 (inpatient) and rec-002 (outpatient) of PATIENT at HOSPITAL. */
async function withRecords(): Promise<TestNetwork> {
  const network = new TestNetwork();
  await network.bootstrap();
  await network.recordEncounter(ids.doctor);
  await network.recordEncounter(ids.doctor, { recordId: 'rec-002', encounterType: 'outpatient' });
  await network.recordEncounter(ids.doctor, { recordId: 'rec-x', patientPseudonym: OTHER_PATIENT });
  return network;
}

async function approvedConsent(
  network: TestNetwork,
  scope: object = { recordIds: ['rec-001'] },
): Promise<string> {
  const consentId = await network.requestAccess(ids.hospital2Doctor, { scope: JSON.stringify(scope) });
  await network.submit(ids.patient, (ctx) => network.consent.ApproveAccess(ctx, consentId));
  return consentId;
}

async function disclosures(network: TestNetwork): Promise<Record<string, unknown>[]> {
  return parseArray(
    await network.evaluate(ids.patient, (ctx) => network.access.ListDisclosures(ctx, PATIENT)),
  );
}

describe('Access: AccessRecord', () => {
  it('gives the authoring hospital the pointer and records the access', async () => {
    const network = await withRecords();
    const pointer = await network.submitJson(ids.nurse, (ctx) =>
      network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
    );
    assert.equal(pointer.contentLocation, encounterArguments().contentLocation);
    assert.equal(pointer.contentSha256, encounterArguments().contentSha256);
    assert.equal(pointer.basis, 'custodian');
    assert.equal(pointer.consentId, null);
    const [entry] = await disclosures(network);
    assert.ok(entry !== undefined);
    assert.equal(entry.accessorMspId, HOSPITAL);
    assert.equal(entry.accessorId, ids.nurse.getID());
    assert.equal(entry.basis, 'custodian');
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.access.granted');
    assert.equal(event.payload.disclosureId, pointer.disclosureId);
  });

  it('gives another hospital the pointer under an active consent, and records who, when, why and which consent', async () => {
    const network = await withRecords();
    const consentId = await approvedConsent(network);
    const pointer = await network.submitJson(ids.hospital2Doctor, (ctx) =>
      network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
    );
    const grantedAt = network.ledger.now;
    assert.equal(pointer.basis, 'consent');
    assert.equal(pointer.consentId, consentId);
    assert.equal(pointer.contentLocation, encounterArguments().contentLocation);
    const entries = parseArray(
      await network.evaluate(ids.regulatorAuditor, (ctx) => network.access.ListDisclosures(ctx, PATIENT)),
    );
    assert.equal(entries.length, 1);
    const [entry] = entries;
    assert.ok(entry !== undefined);
    assert.deepEqual(
      [entry.accessorMspId, entry.accessorRole, entry.purpose, entry.consentId, entry.accessedAt],
      [HOSPITAL_2, 'doctor', 'treatment', consentId, grantedAt],
    );
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.access.granted');
    assert.equal(event.payload.consentId, consentId);
    assert.equal(event.payload.basis, 'consent');
  });

  it('lets a consent on a version cover its later corrections, not the reverse', async () => {
    const network = await withRecords();
    await approvedConsent(network);
    const correction = encounterArguments({ recordId: 'rec-001-v2' });
    await network.submit(
      ids.doctor,
      (ctx) =>
        network.records.AmendRecord(
          ctx,
          'rec-001',
          correction.recordId,
          correction.encounterType,
          correction.admittedAt,
          correction.dischargedAt,
          correction.contentSha256,
          correction.contentLocation,
          correction.diagnosisTag,
          correction.encryptedDiagnosisSha256,
        ),
      { transient: { encryptedDiagnosis: correction.transientPayload } },
    );
    const pointer = await network.submitJson(ids.hospital2Doctor, (ctx) =>
      network.access.AccessRecord(ctx, 'rec-001-v2', 'treatment'),
    );
    assert.equal(pointer.version, 2);
    const old = await network.submitJson(ids.hospital2Doctor, (ctx) =>
      network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
    );
    assert.equal(old.supersededBy, 'rec-001-v2');
  });

  it('covers every record of a consented type', async () => {
    const network = await withRecords();
    await approvedConsent(network, { recordTypes: ['outpatient'] });
    await network.submit(ids.hospital2Doctor, (ctx) =>
      network.access.AccessRecord(ctx, 'rec-002', 'treatment'),
    );
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
      /record rec-001 \(inpatient\) is outside its scope/,
    );
  });

  it('is refused without a consent', async () => {
    const network = await withRecords();
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
      /Access denied: no valid consent of patient patient-0001 covers record rec-001 for treatment \(the caller holds no consent of this patient\)/,
    );
  });

  it('is refused while the consent is only proposed', async () => {
    const network = await withRecords();
    await network.requestAccess(ids.hospital2Doctor);
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
      /Access denied: no valid consent .*status is proposed/,
    );
  });

  it('is refused after the patient revoked the consent', async () => {
    const network = await withRecords();
    const consentId = await approvedConsent(network);
    await network.submit(ids.hospital2Doctor, (ctx) =>
      network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
    );
    await network.submit(ids.patient, (ctx) => network.consent.RevokeAccess(ctx, consentId));
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
      /Access denied: no valid consent .*status is inactive/,
    );
  });

  it('is refused once the consent period has ended, and before it starts', async () => {
    const network = await withRecords();
    await network.requestAccess(ids.hospital2Doctor, { periodStart: '2025-04-01T00:00:00Z' });
    const [consent] = parseArray(
      await network.evaluate(ids.patient, (ctx) => network.consent.ListConsentsByPatient(ctx, PATIENT)),
    );
    assert.ok(consent !== undefined);
    await network.submit(ids.patient, (ctx) =>
      network.consent.ApproveAccess(ctx, consent.consentId as string),
    );
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
      /not valid before 2025-04-01T00:00:00.000Z/,
    );
    network.ledger.setTime('2025-05-01T00:00:00Z');
    await network.submit(ids.hospital2Doctor, (ctx) =>
      network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
    );
    network.ledger.setTime('2025-06-01T00:00:01Z');
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
      /Access denied: no valid consent .*expired at 2025-06-01T00:00:00.000Z/,
    );
  });

  it('is refused for another purpose than the consent grants', async () => {
    const network = await withRecords();
    await approvedConsent(network);
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'research'),
      /Access denied: no valid consent .*granted for treatment, not research/,
    );
  });

  it('is refused for a record outside the scope', async () => {
    const network = await withRecords();
    await approvedConsent(network);
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.AccessRecord(ctx, 'rec-002', 'treatment'),
      /Access denied: no valid consent .*record rec-002 \(outpatient\) is outside its scope/,
    );
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.AccessRecord(ctx, 'rec-x', 'treatment'),
      /Access denied: no valid consent of patient patient-0002 .*holds no consent of this patient/,
    );
  });

  it('is refused to other identities of the same organisation and to other organisations', async () => {
    const network = await withRecords();
    await approvedConsent(network);
    for (const caller of [
      ids.hospital2OtherDoctor,
      ids.hospital2Admin,
      ids.insurerAdjuster,
      ids.regulatorAuditor,
    ]) {
      await network.expectRejected(
        caller,
        (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
        /Access denied: no valid consent of patient patient-0001 covers record rec-001/,
      );
    }
    await network.expectRejected(
      ids.outsiderDoctor,
      (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
      /Access denied: MSP OutsiderMSP is not a registered consortium member/,
    );
  });

  it('rejects unknown records and malformed input', async () => {
    const network = await withRecords();
    await network.expectRejected(
      ids.nurse,
      (ctx) => network.access.AccessRecord(ctx, 'rec-404', 'treatment'),
      /Record rec-404 does not exist/,
    );
    await network.expectRejected(
      ids.nurse,
      (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'curiosity'),
      /Invalid input: purpose must be one of treatment \| payment \| research \| audit/,
    );
    await network.expectRejected(
      ids.nurse,
      (ctx) => network.access.AccessRecord(ctx, ['rec-001'] as unknown as string, 'treatment'),
      /Invalid input: recordId must be a string, got array/,
    );
  });

  it('is refused before the consortium is initialised', async () => {
    const network = new TestNetwork();
    await network.expectRejected(
      ids.nurse,
      (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'treatment'),
      /Access denied: the consortium is not initialised yet/,
    );
  });
});

describe('Access: EmergencyAccess', () => {
  it('gives a doctor the pointer, records it and raises an alert for the patient and the regulator', async () => {
    const network = await withRecords();
    const result = await network.submitJson(ids.hospital2Doctor, (ctx) =>
      network.access.EmergencyAccess(ctx, 'rec-001', 'Unconscious patient admitted to ER'),
    );
    assert.equal(result.basis, 'emergency');
    assert.equal(result.contentLocation, encounterArguments().contentLocation);
    assert.equal(typeof result.alertId, 'string');

    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.access.emergency');
    assert.deepEqual(event.payload.alert, {
      alertId: result.alertId,
      kind: 'emergency-access',
      severity: 'high',
      regulatorMspId: REGULATOR,
    });
    assert.equal(event.payload.reason, undefined, 'the free-text reason stays out of events');

    for (const viewer of [ids.patient, ids.regulatorAdmin]) {
      const alerts = parseArray(
        await network.evaluate(viewer, (ctx) => network.access.ListAlerts(ctx, PATIENT)),
      );
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]?.reason, 'Unconscious patient admitted to ER');
      assert.equal(alerts[0]?.actorMspId, HOSPITAL_2);
    }
    const [entry] = await disclosures(network);
    assert.equal(entry?.basis, 'emergency');
    assert.equal(entry?.alertId, result.alertId);
    assert.equal(entry?.reason, 'Unconscious patient admitted to ER');
  });

  it('is for doctors of member hospitals only', async () => {
    const network = await withRecords();
    for (const caller of [
      ids.nurse,
      ids.hospitalAdmin,
      ids.insurerAdjuster,
      ids.insurerDoctor,
      ids.patient,
      ids.regulatorAuditor,
    ]) {
      await network.expectRejected(
        caller,
        (ctx) => network.access.EmergencyAccess(ctx, 'rec-001', 'reason'),
        /Access denied: emergency access is for doctors of member hospitals/,
      );
    }
    await network.expectRejected(
      ids.outsiderDoctor,
      (ctx) => network.access.EmergencyAccess(ctx, 'rec-001', 'reason'),
      /Access denied: MSP OutsiderMSP is not a registered consortium member/,
    );
  });

  it('needs a reason of bounded length', async () => {
    const network = await withRecords();
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.EmergencyAccess(ctx, 'rec-001', '  '),
      /Invalid input: reason must not be empty/,
    );
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.EmergencyAccess(ctx, 'rec-001', 'r'.repeat(1025)),
      /Invalid input: reason is 1025 characters long; the limit is 1024/,
    );
    await network.expectRejected(
      ids.hospital2Doctor,
      (ctx) => network.access.EmergencyAccess(ctx, 'rec-001', 'line\u0007bell'),
      /Invalid input: reason must not contain control characters/,
    );
  });
});

describe('Access: disclosures and alerts listings', () => {
  it('are for the patient and the regulator only, oldest first', async () => {
    const network = await withRecords();
    await network.submit(ids.nurse, (ctx) => network.access.AccessRecord(ctx, 'rec-001', 'treatment'));
    await network.submit(ids.doctor, (ctx) => network.access.AccessRecord(ctx, 'rec-002', 'audit'));
    const entries = await disclosures(network);
    assert.deepEqual(
      entries.map((entry) => entry.recordId),
      ['rec-001', 'rec-002'],
    );
    for (const viewer of [ids.doctor, ids.otherPatient, ids.hospital2Doctor, ids.regulatorResearcher]) {
      await network.expectRejected(
        viewer,
        (ctx) => network.access.ListDisclosures(ctx, PATIENT),
        /Access denied: disclosures of patient-0001 are for that patient and the regulator/,
      );
      await network.expectRejected(
        viewer,
        (ctx) => network.access.ListAlerts(ctx, PATIENT),
        /Access denied: alerts of patient-0001 are for that patient and the regulator/,
      );
    }
  });
});
