import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FakeClientIdentity } from './support/fake-fabric';
import {
  accessRequest,
  HOSPITAL_2,
  ids,
  OTHER_PATIENT,
  parseArray,
  parseObject,
  PATIENT,
  TestNetwork,
  type AccessRequest,
} from './support/network';

async function withRecord(): Promise<TestNetwork> {
  const network = new TestNetwork();
  await network.bootstrap();
  await network.recordEncounter(ids.doctor);
  await network.recordEncounter(ids.doctor, { recordId: 'rec-other', patientPseudonym: OTHER_PATIENT });
  return network;
}

async function expectRequestRejected(
  network: TestNetwork,
  caller: FakeClientIdentity,
  overrides: Partial<AccessRequest>,
  message: RegExp,
): Promise<void> {
  const args = accessRequest(overrides);
  await network.expectRejected(
    caller,
    (ctx) =>
      network.consent.RequestAccess(
        ctx,
        args.patientPseudonym,
        args.purpose,
        args.scope,
        args.periodStart,
        args.periodEnd,
      ),
    message,
  );
}

async function consentOf(network: TestNetwork, consentId: string): Promise<Record<string, unknown>> {
  return parseObject(
    JSON.stringify(
      await network.evaluate(ids.regulatorAuditor, (ctx) => network.consent.GetConsent(ctx, consentId)),
    ),
  );
}

describe('Consent: RequestAccess', () => {
  it('creates a proposed consent whose id is the transaction id', async () => {
    const network = await withRecord();
    const consentId = await network.requestAccess(ids.hospital2Doctor);
    assert.match(consentId, /^[0-9a-f]{64}$/);
    const consent = await consentOf(network, consentId);
    assert.equal(consent.status, 'proposed');
    assert.equal(consent.purpose, 'treatment');
    assert.deepEqual(consent.requester, {
      mspId: HOSPITAL_2,
      id: ids.hospital2Doctor.getID(),
      role: 'doctor',
      orgKind: 'hospital',
    });
    assert.deepEqual(consent.scope, { recordIds: ['rec-001'], recordTypes: [] });
    assert.equal(consent.approvedAt, null);
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.consent.requested');
    assert.equal(event.payload.consentId, consentId);
    assert.equal(event.payload.txId, consentId);
    assert.equal(event.payload.status, 'proposed');
  });

  it('lets adjusters, researchers and auditors ask for their own purpose', async () => {
    const network = await withRecord();
    const typeScope = JSON.stringify({ recordTypes: ['outpatient', 'inpatient'] });
    await network.requestAccess(ids.insurerAdjuster, { purpose: 'payment', scope: typeScope });
    await network.requestAccess(ids.regulatorResearcher, { purpose: 'research', scope: typeScope });
    await network.requestAccess(ids.hospitalAuditor, { purpose: 'audit', scope: typeScope });
    const pending = parseArray(
      await network.evaluate(ids.regulatorAuditor, (ctx) =>
        network.consent.ListConsentsByStatus(ctx, 'proposed'),
      ),
    );
    assert.deepEqual(pending.map((consent) => consent.purpose).sort(), ['audit', 'payment', 'research']);
  });

  it('refuses roles that may not ask, and purposes other than the role allows', async () => {
    const network = await withRecord();
    const refusedRoles = /Access denied: access is requested by doctors, adjusters, researchers and auditors/;
    await expectRequestRejected(network, ids.hospital2Nurse, {}, refusedRoles);
    await expectRequestRejected(network, ids.patient, {}, refusedRoles);
    await expectRequestRejected(network, ids.hospital2Admin, {}, refusedRoles);
    await expectRequestRejected(
      network,
      ids.insurerDoctor,
      {},
      /Access denied: doctors of insurer organisations cannot request access/,
    );
    await expectRequestRejected(
      network,
      ids.hospital2Doctor,
      { purpose: 'payment' },
      /Access denied: doctors may request access for treatment only, not payment/,
    );
    await expectRequestRejected(
      network,
      ids.insurerAdjuster,
      { purpose: 'research' },
      /Access denied: adjusters may request access for payment only, not research/,
    );
    await expectRequestRejected(
      network,
      ids.outsiderDoctor,
      {},
      /Access denied: MSP OutsiderMSP is not a registered consortium member/,
    );
  });

  it('refuses a consent for records the requester wrote itself or of another patient', async () => {
    const network = await withRecord();
    await expectRequestRejected(
      network,
      ids.doctor,
      {},
      /Invalid input: record rec-001 was written by HospitalMSP itself/,
    );
    await expectRequestRejected(
      network,
      ids.hospital2Doctor,
      { scope: JSON.stringify({ recordIds: ['rec-other'] }) },
      /Invalid input: record rec-other in the scope belongs to another patient/,
    );
    await expectRequestRejected(
      network,
      ids.hospital2Doctor,
      { scope: JSON.stringify({ recordIds: ['rec-missing'] }) },
      /Record rec-missing in the scope does not exist/,
    );
  });

  it('rejects malformed scopes, purposes and periods', async () => {
    const network = await withRecord();
    const cases: [Partial<AccessRequest>, RegExp][] = [
      [{ scope: 'rec-001' }, /Invalid input: scope is not valid JSON/],
      [{ scope: '{}' }, /Invalid input: scope must list at least one record id or record type/],
      [{ scope: '["rec-001"]' }, /Invalid input: scope must be a JSON object, got array/],
      [
        { scope: JSON.stringify({ recordIds: 'rec-001' }) },
        /Invalid input: scope.recordIds must be an array, got string/,
      ],
      [
        { scope: JSON.stringify({ recordTypes: ['surgery'] }) },
        /Invalid input: scope.recordTypes\[0\] must be one of/,
      ],
      [
        { scope: JSON.stringify({ recordIds: ['rec-001', 'rec-001'] }) },
        /Invalid input: scope.recordIds lists 'rec-001' more than once/,
      ],
      [
        { scope: JSON.stringify({ recordIds: Array.from({ length: 65 }, (_, index) => `r${index}`) }) },
        /Invalid input: scope.recordIds has 65 entries; the limit is 64/,
      ],
      [
        { scope: JSON.stringify({ recordIds: ['rec-001'], data: 'x' }) },
        /Invalid input: scope has unknown member\(s\): data/,
      ],
      [{ scope: 'x'.repeat(70000) }, /Invalid input: scope exceeds 65536 bytes/],
      [
        { purpose: 'marketing' },
        /Invalid input: purpose must be one of treatment \| payment \| research \| audit/,
      ],
      [{ purpose: undefined as unknown as string }, /Invalid input: purpose is required/],
      [{ patientPseudonym: 'p'.repeat(129) }, /Invalid input: patientPseudonym is 129 characters long/],
      [{ periodEnd: '2025-02-01T00:00:00Z' }, /Invalid input: periodEnd .* must be after periodStart/],
      [
        { periodStart: '2024-01-01T00:00:00Z', periodEnd: '2024-06-01T00:00:00Z' },
        /Invalid input: periodEnd .* has already passed/,
      ],
      [
        { periodStart: '2025-13-01T00:00:00Z' },
        /Invalid input: periodStart is not a valid calendar date-time/,
      ],
    ];
    for (const [overrides, message] of cases) {
      await expectRequestRejected(network, ids.hospital2Doctor, overrides, message);
    }
  });
});

describe('Consent: patient decisions', () => {
  it('approve → active, then revoke → inactive, each with its event and status index', async () => {
    const network = await withRecord();
    const consentId = await network.requestAccess(ids.hospital2Doctor);

    const approved = await network.submitJson(ids.patient, (ctx) =>
      network.consent.ApproveAccess(ctx, consentId),
    );
    assert.equal(approved.status, 'active');
    assert.equal(approved.approvedAt, network.ledger.now);
    assert.equal(network.lastEvent().name, 'medfabric.consent.approved');

    const revoked = await network.submitJson(ids.patient, (ctx) =>
      network.consent.RevokeAccess(ctx, consentId),
    );
    assert.equal(revoked.status, 'inactive');
    assert.equal(typeof revoked.revokedAt, 'string');
    assert.equal(network.lastEvent().name, 'medfabric.consent.revoked');

    const byStatus = async (status: string) =>
      parseArray(
        await network.evaluate(ids.regulatorAdmin, (ctx) =>
          network.consent.ListConsentsByStatus(ctx, status),
        ),
      ).map((consent) => consent.consentId);
    assert.deepEqual(await byStatus('proposed'), []);
    assert.deepEqual(await byStatus('active'), []);
    assert.deepEqual(await byStatus('inactive'), [consentId]);
  });

  it('reject → rejected, which is terminal', async () => {
    const network = await withRecord();
    const consentId = await network.requestAccess(ids.hospital2Doctor);
    const rejected = await network.submitJson(ids.patient, (ctx) =>
      network.consent.RejectAccess(ctx, consentId),
    );
    assert.equal(rejected.status, 'rejected');
    assert.equal(network.lastEvent().name, 'medfabric.consent.rejected');
    await network.expectRejected(
      ids.patient,
      (ctx) => network.consent.ApproveAccess(ctx, consentId),
      /Consent .* is rejected; only proposed consents can become active/,
    );
    await network.expectRejected(
      ids.patient,
      (ctx) => network.consent.RevokeAccess(ctx, consentId),
      /Consent .* is rejected; only active consents can become inactive/,
    );
  });

  it('inactive is terminal and only active consents can be revoked', async () => {
    const network = await withRecord();
    const consentId = await network.requestAccess(ids.hospital2Doctor);
    await network.expectRejected(
      ids.patient,
      (ctx) => network.consent.RevokeAccess(ctx, consentId),
      /is proposed; only active consents can become inactive/,
    );
    await network.submit(ids.patient, (ctx) => network.consent.ApproveAccess(ctx, consentId));
    await network.expectRejected(
      ids.patient,
      (ctx) => network.consent.RejectAccess(ctx, consentId),
      /is active; only proposed consents/,
    );
    await network.submit(ids.patient, (ctx) => network.consent.RevokeAccess(ctx, consentId));
    await network.expectRejected(
      ids.patient,
      (ctx) => network.consent.ApproveAccess(ctx, consentId),
      /is inactive; only proposed consents/,
    );
  });

  it('only the named patient decides', async () => {
    const network = await withRecord();
    const consentId = await network.requestAccess(ids.hospital2Doctor);
    for (const caller of [
      ids.otherPatient,
      ids.hospital2Doctor,
      ids.doctor,
      ids.regulatorAdmin,
      ids.hospitalAdmin,
    ]) {
      for (const decide of [
        network.consent.ApproveAccess,
        network.consent.RejectAccess,
        network.consent.RevokeAccess,
      ]) {
        await network.expectRejected(
          caller,
          (ctx) => decide.call(network.consent, ctx, consentId),
          /Access denied: only patient patient-0001 \(client identity, role patient, matching patientId\) decides/,
        );
      }
    }
    await network.expectRejected(
      ids.patient,
      (ctx) => network.consent.ApproveAccess(ctx, 'f'.repeat(64)),
      /Consent f+ does not exist/,
    );
    await network.expectRejected(
      ids.patient,
      (ctx) => network.consent.ApproveAccess(ctx, ''),
      /Invalid input: consentId must not be empty/,
    );
  });

  it('cannot approve a request whose period has ended', async () => {
    const network = await withRecord();
    const consentId = await network.requestAccess(ids.hospital2Doctor);
    network.ledger.setTime('2025-07-01T00:00:00Z');
    await network.expectRejected(
      ids.patient,
      (ctx) => network.consent.ApproveAccess(ctx, consentId),
      /cannot be approved: its period ended at 2025-06-01T00:00:00.000Z/,
    );
  });
});

describe('Consent: listings', () => {
  it('lists by patient for the patient and the regulator', async () => {
    const network = await withRecord();
    const first = await network.requestAccess(ids.hospital2Doctor);
    const second = await network.requestAccess(ids.insurerAdjuster, {
      purpose: 'payment',
      scope: JSON.stringify({ recordTypes: ['inpatient'] }),
    });
    for (const viewer of [ids.patient, ids.regulatorAuditor]) {
      const listed = parseArray(
        await network.evaluate(viewer, (ctx) => network.consent.ListConsentsByPatient(ctx, PATIENT)),
      );
      assert.deepEqual(listed.map((consent) => consent.consentId).sort(), [first, second].sort());
    }
    for (const viewer of [ids.otherPatient, ids.doctor, ids.insurerAdmin]) {
      await network.expectRejected(
        viewer,
        (ctx) => network.consent.ListConsentsByPatient(ctx, PATIENT),
        /Access denied: consents of patient-0001 are listed for that patient and the regulator/,
      );
    }
  });

  it('lists by requester for the requester, its org admins and the regulator', async () => {
    const network = await withRecord();
    const consentId = await network.requestAccess(ids.hospital2Doctor);
    const requesterId = ids.hospital2Doctor.getID();
    for (const viewer of [ids.hospital2Doctor, ids.hospital2Admin, ids.regulatorAuditor]) {
      const listed = parseArray(
        await network.evaluate(viewer, (ctx) =>
          network.consent.ListConsentsByRequester(ctx, HOSPITAL_2, requesterId),
        ),
      );
      assert.deepEqual(
        listed.map((consent) => consent.consentId),
        [consentId],
      );
    }
    for (const viewer of [ids.hospital2OtherDoctor, ids.hospitalAdmin, ids.patient]) {
      await network.expectRejected(
        viewer,
        (ctx) => network.consent.ListConsentsByRequester(ctx, HOSPITAL_2, requesterId),
        /Access denied: requests of an identity are listed for it/,
      );
    }
  });

  it('lists by status for the regulator only, and GetConsent for the parties', async () => {
    const network = await withRecord();
    const consentId = await network.requestAccess(ids.hospital2Doctor);
    await network.expectRejected(
      ids.hospitalAdmin,
      (ctx) => network.consent.ListConsentsByStatus(ctx, 'proposed'),
      /Access denied: consents by status are listed for the regulator/,
    );
    await network.expectRejected(
      ids.regulatorAuditor,
      (ctx) => network.consent.ListConsentsByStatus(ctx, 'draft'),
      /Invalid input: status must be one of proposed \| active \| rejected \| inactive/,
    );
    for (const viewer of [ids.patient, ids.hospital2Doctor, ids.regulatorAdmin]) {
      const consent = parseObject(
        JSON.stringify(await network.evaluate(viewer, (ctx) => network.consent.GetConsent(ctx, consentId))),
      );
      assert.equal(consent.consentId, consentId);
    }
    await network.expectRejected(
      ids.hospital2OtherDoctor,
      (ctx) => network.consent.GetConsent(ctx, consentId),
      /Access denied: consent .* is visible to its patient, its requester and the regulator/,
    );
  });
});
