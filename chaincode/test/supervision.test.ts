import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimIds, ClaimsNetwork, item, type RecordOptions } from './support/claims-network';
import type { FakeClientIdentity } from './support/fake-fabric';
import { HOSPITAL_2, ids, INSURER, parseArray } from './support/network';

/** rec-001 (the default record): inpatient at HospitalMSP, 2025-02-10 08:00 → 2025-02-14 15:30, J18. */
async function withClaimedStay(): Promise<ClaimsNetwork> {
  const network = await ClaimsNetwork.withInsurance();
  await network.record(ids.doctor);
  await network.fileClaim('claim-stay', { items: [item({ serviceCode: 'SVC-STAY' })] });
  return network;
}

async function recordAndFile(
  network: ClaimsNetwork,
  claimId: string,
  record: RecordOptions & { recordId: string; admittedAt: string; dischargedAt: string },
  serviceDate: string,
): Promise<Record<string, unknown>> {
  const hospital2 = record.hospitalMspId === HOSPITAL_2;
  const caller: FakeClientIdentity = hospital2 ? ids.hospital2Doctor : ids.doctor;
  await network.record(caller, record);
  return network.fileClaim(claimId, {
    caller,
    recordId: record.recordId,
    items: [item({ serviceCode: `SVC-${claimId}`, serviceDate })],
  });
}

async function rulesOf(network: ClaimsNetwork, claimId: string): Promise<string[]> {
  return (await network.alertsOf(claimId)).map(
    (alert) => `${alert.ruleId as string}:${alert.severity as string}`,
  );
}

function evidenceOf(alert: Record<string, unknown> | undefined): Record<string, unknown> {
  assert.ok(alert !== undefined);
  return JSON.parse(alert.evidence as string) as Record<string, unknown>;
}

describe('Supervision: parameters', () => {
  it('starts from the defaults and versions every change, merging partial updates', async () => {
    const network = await ClaimsNetwork.create();
    const current = (await network.evaluate(ids.doctor, (ctx) =>
      network.supervision.GetSupervisionParams(ctx),
    )) as Record<string, unknown>;
    assert.equal(current.version, 1);
    assert.deepEqual(current.claimProtocol, { maxCoveredCategories: 32, minClaimKeyBits: 512 });
    assert.equal(current.readmissionWindowDays, 15);
    assert.equal(current.filingDeadlineDays, 365);
    assert.deepEqual(current.claimFrequency, { maxClaims: 8, windowDays: 30 });
    assert.deepEqual(current.severities, {
      R1: 'hold',
      R3: 'warn',
      R5: 'warn',
      R6: 'warn',
      R7: 'hold',
      R8: 'hold',
      R9: 'warn',
    });

    const next = await network.submitJson(claimIds.regulatorRoleAdmin, (ctx) =>
      network.supervision.SetSupervisionParams(
        ctx,
        JSON.stringify({
          readmissionWindowDays: 30,
          severities: { R6: 'hold' },
          serviceLimits: [
            { serviceCode: 'SVC-XRAY', maxUnitsPerDay: 2, maxUnitPrice: '5000' },
            { serviceCode: 'SVC-BED', maxUnitsPerDay: 1, maxUnitPrice: '20000' },
          ],
        }),
      ),
    );
    assert.equal(next.version, 2);
    assert.equal(next.readmissionWindowDays, 30);
    assert.equal((next.severities as Record<string, unknown>).R6, 'hold');
    assert.equal((next.severities as Record<string, unknown>).R1, 'hold', 'other severities are kept');
    assert.deepEqual(
      next.claimProtocol,
      { maxCoveredCategories: 32, minClaimKeyBits: 512 },
      'other groups are kept',
    );
    assert.deepEqual(
      parseArray(next.serviceLimits).map((row) => row.serviceCode),
      ['SVC-BED', 'SVC-XRAY'],
    );
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.supervision.paramsSet');
    assert.equal(event.payload.version, 2);
    assert.equal(event.payload.serviceLimitCount, 2);
    const v1 = (await network.evaluate(ids.insurerAdjuster, (ctx) =>
      network.supervision.GetSupervisionParamsVersion(ctx, '1'),
    )) as Record<string, unknown>;
    assert.equal(v1.readmissionWindowDays, 15);
    await network.expectRejected(
      ids.doctor,
      (ctx) => network.supervision.GetSupervisionParamsVersion(ctx, '9'),
      /version 9 does not exist/,
    );
    await network.expectRejected(
      ids.doctor,
      (ctx) => network.supervision.GetSupervisionParamsVersion(ctx, '0'),
      /version must be a positive integer/,
    );
  });

  it('refuses bad thresholds and callers other than the regulator’s admins', async () => {
    const network = await ClaimsNetwork.create();
    const set = (params: unknown) => (ctx: Parameters<typeof network.supervision.SetSupervisionParams>[0]) =>
      network.supervision.SetSupervisionParams(
        ctx,
        typeof params === 'string' ? params : JSON.stringify(params),
      );
    for (const [params, message] of [
      ['nope', /params is not valid JSON/],
      [[], /params must be a JSON object/],
      [{}, /params must set at least one threshold/],
      [{ unknownRule: 1 }, /params has unknown member\(s\): unknownRule/],
      [{ readmissionWindowDays: 0 }, /readmissionWindowDays must be an integer ≥ 1/],
      [{ readmissionWindowDays: 2.5 }, /readmissionWindowDays must be an integer ≥ 1/],
      [{ readmissionWindowDays: '15' }, /readmissionWindowDays must be an integer ≥ 1/],
      [{ filingDeadlineDays: 5000 }, /filingDeadlineDays must be at most 3660/],
      [{ severities: { R1: 'block' } }, /severities.R1 must be one of info \| warn \| hold/],
      [{ severities: { R2: 'hold' } }, /severities has unknown member\(s\): R2/],
      [{ claimFrequency: { maxClaims: -1 } }, /claimFrequency.maxClaims must be an integer ≥ 1/],
      [{ claimProtocol: { minClaimKeyBits: 256 } }, /minClaimKeyBits must be an integer ≥ 512/],
      [
        { serviceLimits: [{ serviceCode: 'A', maxUnitsPerDay: 1, maxUnitPrice: '1.5' }] },
        /maxUnitPrice must be a non-negative integer amount/,
      ],
      [
        { serviceLimits: [{ serviceCode: 'A', maxUnitsPerDay: 1, maxUnitPrice: 100 }] },
        /maxUnitPrice must be a string of decimal digits/,
      ],
      [
        {
          serviceLimits: [
            { serviceCode: 'A', maxUnitsPerDay: 1, maxUnitPrice: '1' },
            { serviceCode: 'A', maxUnitsPerDay: 2, maxUnitPrice: '1' },
          ],
        },
        /lists service code 'A' more than once/,
      ],
      [{ serviceLimits: 'none' }, /serviceLimits must be an array/],
    ] as const) {
      await network.expectRejected(ids.regulatorAdmin, set(params), message);
    }
    for (const caller of [
      ids.regulatorAuditor,
      ids.regulatorResearcher,
      ids.insurerAdmin,
      claimIds.insurerRoleAdmin,
      ids.hospitalAdmin,
      ids.doctor,
    ]) {
      await network.expectRejected(
        caller,
        set({ readmissionWindowDays: 20 }),
        /Access denied: supervision parameters are set by the regulator's admin/,
      );
    }
  });
});

describe('Supervision: filing rules (each with a positive and a negative fixture)', () => {
  it('R1 duplicate billing: same patient, hospital, code and date on a claim that was not denied → hold', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor);
    await network.fileClaim('claim-1');
    assert.equal(
      (await network.fileClaim('claim-other-date', { items: [item({ serviceDate: '2025-02-12' })] })).status,
      'filed',
    );
    assert.deepEqual(await rulesOf(network, 'claim-other-date'), []);
    const held = await network.fileClaim('claim-dup');
    assert.equal(held.status, 'held');
    const [alert] = await network.alertsOf('claim-dup');
    assert.equal(alert?.ruleId, 'R1');
    assert.deepEqual(evidenceOf(alert), {
      violations: [{ priorClaimIds: ['claim-1'], serviceCode: 'SVC-BED', serviceDate: '2025-02-11' }],
    });
    // A duplicate of a denied claim is not a duplicate payment.
    await network.submit(claimIds.insurerCompliance, (ctx) =>
      network.claims.DenyHeldClaim(ctx, 'claim-dup', 'duplicate'),
    );
    await network.record(ids.doctor, {
      recordId: 'rec-x',
      icd10: 'S72',
      admittedAt: '2025-02-20T08:00:00Z',
      dischargedAt: '2025-02-20T10:00:00Z',
    });
    await network.fileClaim('claim-x', {
      recordId: 'rec-x',
      items: [item({ serviceCode: 'SVC-X', serviceDate: '2025-02-20' })],
    });
    assert.equal((await network.adjudicate('claim-x')).status, 'denied');
    const again = await network.fileClaim('claim-x2', {
      recordId: 'rec-x',
      items: [item({ serviceCode: 'SVC-X', serviceDate: '2025-02-20' })],
    });
    assert.equal(again.status, 'filed');
  });

  it('R3 units per service per day and unit price above the regulator’s table → warn', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.setParams({
      serviceLimits: [{ serviceCode: 'SVC-XRAY', maxUnitsPerDay: 2, maxUnitPrice: '5000' }],
    });
    await network.record(ids.doctor);
    const within = await network.fileClaim('claim-ok', {
      items: [
        item({ serviceCode: 'SVC-XRAY', quantity: 2, unitPrice: '5000' }),
        item({ serviceCode: 'SVC-UNLISTED', quantity: 50, unitPrice: '999999' }),
      ],
    });
    assert.equal(within.status, 'filed');
    assert.deepEqual(await rulesOf(network, 'claim-ok'), []);
    const over = await network.fileClaim('claim-over', {
      items: [
        item({ serviceCode: 'SVC-XRAY', quantity: 2, unitPrice: '5000', serviceDate: '2025-02-12' }),
        item({ serviceCode: 'SVC-XRAY', quantity: 1, unitPrice: '6000', serviceDate: '2025-02-12' }),
      ],
    });
    assert.equal(over.status, 'filed', 'a warn alert does not hold the claim');
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.claim.filed');
    assert.deepEqual(
      parseArray(event.payload.alerts).map((alert) => alert.ruleId),
      ['R3'],
    );
    const [alert] = await network.alertsOf('claim-over');
    assert.deepEqual(evidenceOf(alert), {
      violations: [
        { kind: 'units', maxUnitsPerDay: 2, serviceCode: 'SVC-XRAY', serviceDate: '2025-02-12', units: 3 },
        { kind: 'unitPrice', maxUnitPrice: '5000', sequence: 2, serviceCode: 'SVC-XRAY', unitPrice: '6000' },
      ],
    });
  });

  it('R5 an outpatient visit at another hospital during an inpatient stay → warn', async () => {
    const network = await withClaimedStay();
    const inside = await recordAndFile(
      network,
      'claim-visit',
      {
        recordId: 'rec-h2-visit',
        hospitalMspId: HOSPITAL_2,
        encounterType: 'outpatient',
        icd10: 'I21',
        admittedAt: '2025-02-12T10:00:00Z',
        dischargedAt: '2025-02-12T11:00:00Z',
      },
      '2025-02-12',
    );
    assert.equal(inside.status, 'filed');
    assert.deepEqual(await rulesOf(network, 'claim-visit'), ['R5:warn']);
    const [alert] = await network.alertsOf('claim-visit');
    assert.equal((parseArray(evidenceOf(alert).conflicts)[0] ?? {}).recordId, 'rec-001');
    // After discharge, or at the same hospital: no R5.
    await recordAndFile(
      network,
      'claim-after',
      {
        recordId: 'rec-h2-after',
        hospitalMspId: HOSPITAL_2,
        encounterType: 'outpatient',
        icd10: 'I21',
        admittedAt: '2025-02-15T10:00:00Z',
        dischargedAt: '2025-02-15T11:00:00Z',
      },
      '2025-02-15',
    );
    assert.deepEqual(await rulesOf(network, 'claim-after'), []);
    await recordAndFile(
      network,
      'claim-same',
      {
        recordId: 'rec-same-visit',
        encounterType: 'outpatient',
        icd10: 'I21',
        admittedAt: '2025-02-12T10:00:00Z',
        dischargedAt: '2025-02-12T11:00:00Z',
      },
      '2025-02-12',
    );
    assert.deepEqual(await rulesOf(network, 'claim-same'), []);
  });

  it('R6 non-emergency readmission within N days with the same diagnosis tag → warn (severity is a parameter)', async () => {
    const network = await withClaimedStay();
    await network.setParams({ severities: { R6: 'hold' } });
    const readmitted = await recordAndFile(
      network,
      'claim-readmit',
      {
        recordId: 'rec-readmit',
        icd10: 'J18',
        admittedAt: '2025-02-20T08:00:00Z',
        dischargedAt: '2025-02-22T08:00:00Z',
      },
      '2025-02-20',
    );
    assert.equal(readmitted.status, 'held');
    assert.deepEqual(await rulesOf(network, 'claim-readmit'), ['R6:hold']);
    const [alert] = await network.alertsOf('claim-readmit');
    assert.deepEqual(parseArray(evidenceOf(alert).readmissions)[0], {
      dischargedAt: '2025-02-14T15:30:00.000Z',
      dischargedRecordId: 'rec-001',
      gapDays: 5,
      hospitals: ['HospitalMSP', 'HospitalMSP'],
      readmittedAt: '2025-02-20T08:00:00.000Z',
      readmittedRecordId: 'rec-readmit',
    });
    // Negative fixtures: another diagnosis, an emergency admission, or beyond the window.
    await recordAndFile(
      network,
      'claim-other-dx',
      {
        recordId: 'rec-other-dx',
        icd10: 'K35',
        admittedAt: '2025-02-21T08:00:00Z',
        dischargedAt: '2025-02-21T20:00:00Z',
      },
      '2025-02-21',
    );
    assert.deepEqual(await rulesOf(network, 'claim-other-dx'), []);
    await recordAndFile(
      network,
      'claim-emergency',
      {
        recordId: 'rec-emergency',
        encounterType: 'emergency',
        icd10: 'J18',
        admittedAt: '2025-02-23T08:00:00Z',
        dischargedAt: '2025-02-23T12:00:00Z',
      },
      '2025-02-23',
    );
    assert.deepEqual(await rulesOf(network, 'claim-emergency'), []);
    await network.setParams({ readmissionWindowDays: 3 });
    await network.record(ids.doctor, {
      recordId: 'rec-late',
      icd10: 'J18',
      admittedAt: '2025-02-27T08:00:00Z',
      dischargedAt: '2025-02-28T08:00:00Z',
    });
    await network.fileClaim('claim-late', {
      recordId: 'rec-late',
      items: [item({ serviceCode: 'SVC-LATE', serviceDate: '2025-02-27' })],
    });
    assert.deepEqual(
      await rulesOf(network, 'claim-late'),
      [],
      '5 days after the last discharge, window 3 days',
    );
  });

  it('R7 overlapping inpatient stays at two hospitals → hold', async () => {
    const network = await withClaimedStay();
    const overlap = await recordAndFile(
      network,
      'claim-overlap',
      {
        recordId: 'rec-h2-stay',
        hospitalMspId: HOSPITAL_2,
        icd10: 'I21',
        admittedAt: '2025-02-13T08:00:00Z',
        dischargedAt: '2025-02-16T08:00:00Z',
      },
      '2025-02-13',
    );
    assert.equal(overlap.status, 'held');
    assert.deepEqual(await rulesOf(network, 'claim-overlap'), ['R7:hold']);
    const heldEvent = network.lastEvent();
    assert.equal(heldEvent.name, 'medfabric.claim.held');
    assert.equal((parseArray(heldEvent.payload.alerts)[0] ?? {}).ruleId, 'R7');
    // Adjacent (admitted after the discharge) at another hospital, or overlapping at the same hospital: no R7.
    await recordAndFile(
      network,
      'claim-adjacent',
      {
        recordId: 'rec-h2-adjacent',
        hospitalMspId: HOSPITAL_2,
        icd10: 'K35',
        admittedAt: '2025-02-16T09:00:00Z',
        dischargedAt: '2025-02-18T08:00:00Z',
      },
      '2025-02-16',
    );
    assert.deepEqual(await rulesOf(network, 'claim-adjacent'), []);
    await recordAndFile(
      network,
      'claim-same-hospital',
      {
        recordId: 'rec-same-stay',
        icd10: 'S72',
        admittedAt: '2025-02-12T08:00:00Z',
        dischargedAt: '2025-02-13T08:00:00Z',
      },
      '2025-02-12',
    );
    assert.deepEqual(await rulesOf(network, 'claim-same-hospital'), []);
  });

  it('R8 service outside the policy period, or filed after the deadline → hold', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor);
    await network.issuePolicy('pol-march', 'patient-0001', 'prod-basic', '2025-02-12', '2025-12-31');
    assert.deepEqual(
      await rulesOf(
        network,
        (
          await network.fileClaim('claim-in', {
            policyId: 'pol-march',
            items: [item({ serviceDate: '2025-02-12' })],
          })
        ).claimId as string,
      ),
      [],
    );
    const outside = await network.fileClaim('claim-out', {
      policyId: 'pol-march',
      items: [item({ serviceCode: 'SVC-2', serviceDate: '2025-02-11' })],
    });
    assert.equal(outside.status, 'held');
    const [alert] = await network.alertsOf('claim-out');
    assert.equal((parseArray(evidenceOf(alert).violations)[0] ?? {}).kind, 'outsideCoveragePeriod');

    await network.setParams({ filingDeadlineDays: 10 });
    const late = await network.fileClaim('claim-late', {
      items: [item({ serviceCode: 'SVC-3', serviceDate: '2025-02-11' })],
    });
    assert.equal(late.status, 'held');
    const [lateAlert] = await network.alertsOf('claim-late');
    assert.deepEqual(parseArray(evidenceOf(lateAlert).violations)[0], {
      daysSinceService: 18,
      filingDeadlineDays: 10,
      kind: 'filedLate',
      sequence: 1,
      serviceDate: '2025-02-11',
    });
    const timely = await network.fileClaim('claim-timely', {
      items: [item({ serviceCode: 'SVC-4', serviceDate: '2025-02-20' })],
    });
    assert.equal(timely.status, 'filed');
  });

  it('R9 more than N claims of one patient within the window → warn', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.setParams({ claimFrequency: { maxClaims: 2, windowDays: 30 } });
    await network.record(ids.doctor);
    for (const [index, claimId] of ['c1', 'c2'].entries()) {
      await network.fileClaim(claimId, { items: [item({ serviceCode: `SVC-${index}` })] });
      assert.deepEqual(await rulesOf(network, claimId), []);
    }
    await network.fileClaim('c3', { items: [item({ serviceCode: 'SVC-3' })] });
    assert.deepEqual(await rulesOf(network, 'c3'), ['R9:warn']);
    const [alert] = await network.alertsOf('c3');
    assert.deepEqual([evidenceOf(alert).claimsInWindow, evidenceOf(alert).priorClaimIds], [3, ['c1', 'c2']]);
    // 31 days later the earlier claims are outside the window.
    network.ledger.advance(31 * 86_400_000);
    await network.fileClaim('c4', { items: [item({ serviceCode: 'SVC-4' })] });
    assert.deepEqual(await rulesOf(network, 'c4'), []);
  });
});

describe('Supervision: alerts', () => {
  it('the regulator clears the last hold alert (releasing the claim) or confirms it (keeping it held)', async () => {
    const network = await withClaimedStay();
    await network.setParams({ filingDeadlineDays: 10 });
    // claim-2 duplicates claim-stay (R1) and is late (R8): two hold alerts.
    const held = await network.fileClaim('claim-2', { items: [item({ serviceCode: 'SVC-STAY' })] });
    assert.equal(held.status, 'held');
    const alerts = await network.alertsOf('claim-2');
    assert.deepEqual(
      alerts.map((alert) => alert.ruleId),
      ['R1', 'R8'],
    );
    const [r1, r8] = alerts.map((alert) => alert.alertId as string);
    assert.ok(r1 !== undefined && r8 !== undefined);
    // claim-stay is late too (it was filed under the defaults, so no alert): fine.
    const cleared = await network.submitJson(ids.regulatorAuditor, (ctx) =>
      network.supervision.ClearAlert(ctx, r1, 'separate session'),
    );
    assert.equal(cleared.claimReleased, false, 'another hold alert is still open');
    assert.equal(network.lastEvent().name, 'medfabric.alert.cleared');
    assert.equal((await network.getClaim('claim-2')).status, 'held');
    await network.expectRejected(
      ids.regulatorAuditor,
      (ctx) => network.supervision.ClearAlert(ctx, r1, 'again'),
      /Alert .* is already cleared/,
    );
    const released = await network.submitJson(ids.regulatorAdmin, (ctx) =>
      network.supervision.ClearAlert(ctx, r8, 'late filing excused'),
    );
    assert.equal(released.claimReleased, true);
    const event = network.lastEvent();
    assert.equal(event.payload.claimReleased, true);
    assert.equal((event.payload.claim as Record<string, unknown>).status, 'filed');
    const claim = await network.getClaim('claim-2');
    assert.equal(claim.status, 'filed');
    assert.equal(parseArray(claim.holdDecisions)[0]?.decidedByMspId, 'RegulatorMSP');

    const third = await network.fileClaim('claim-3', { items: [item({ serviceCode: 'SVC-STAY' })] });
    assert.equal(third.status, 'held');
    const [first] = await network.alertsOf('claim-3');
    const confirmed = await network.submitJson(ids.regulatorAuditor, (ctx) =>
      network.supervision.ConfirmAlert(ctx, first?.alertId as string, 'duplicate confirmed'),
    );
    assert.equal((confirmed.alert as Record<string, unknown>).status, 'confirmed');
    assert.equal(network.lastEvent().name, 'medfabric.alert.confirmed');
    assert.equal((await network.getClaim('claim-3')).status, 'held');

    for (const caller of [
      ids.insurerAdmin,
      claimIds.insurerCompliance,
      ids.hospitalAdmin,
      ids.doctor,
      ids.regulatorResearcher,
    ]) {
      await network.expectRejected(
        caller,
        (ctx) => network.supervision.ClearAlert(ctx, r8, 'x'),
        /Access denied: only the regulator's supervisors/,
      );
      await network.expectRejected(
        caller,
        (ctx) => network.supervision.ConfirmAlert(ctx, r8, 'x'),
        /Access denied: only the regulator's supervisors/,
      );
    }
    await network.expectRejected(
      ids.regulatorAuditor,
      (ctx) => network.supervision.ConfirmAlert(ctx, 'nope', 'x'),
      /Supervision alert nope does not exist/,
    );
    await network.expectRejected(
      ids.regulatorAuditor,
      (ctx) => network.supervision.ConfirmAlert(ctx, r8, ''),
      /resolution must not be empty/,
    );
  });

  it('lists alerts by claim and by status for the regulator and the claim’s insurer only', async () => {
    const network = await withClaimedStay();
    await network.fileClaim('claim-dup', { items: [item({ serviceCode: 'SVC-STAY' })] });
    const byStatus = async (caller: FakeClientIdentity, status: string) =>
      parseArray(
        await network.evaluate(caller, (ctx) =>
          network.supervision.ListSupervisionAlertsByStatus(ctx, status),
        ),
      ).map((alert) => alert.claimId);
    assert.deepEqual(await byStatus(ids.regulatorAuditor, 'open'), ['claim-dup']);
    assert.deepEqual(await byStatus(claimIds.insurerCompliance, 'open'), ['claim-dup']);
    assert.deepEqual(await byStatus(claimIds.insurer2Compliance, 'open'), []);
    assert.deepEqual(await byStatus(ids.regulatorAuditor, 'cleared'), []);
    const [alert] = await network.alertsOf('claim-dup');
    const single = (await network.evaluate(ids.insurerAdjuster, (ctx) =>
      network.supervision.GetSupervisionAlert(ctx, alert?.alertId as string),
    )) as Record<string, unknown>;
    assert.equal(single.ruleId, 'R1');
    assert.equal(single.insurerMspId, INSURER);
    await network.expectRejected(
      claimIds.insurer2Adjuster,
      (ctx) => network.supervision.GetSupervisionAlert(ctx, alert?.alertId as string),
      /Access denied: alert .* is for the regulator and InsurerMSP staff/,
    );
    for (const caller of [ids.doctor, ids.hospitalAdmin, ids.patient, ids.regulatorResearcher]) {
      await network.expectRejected(
        caller,
        (ctx) => network.supervision.ListSupervisionAlertsByClaim(ctx, 'claim-dup'),
        /Access denied: supervision alerts are for the regulator and insurer staff/,
      );
      await network.expectRejected(
        caller,
        (ctx) => network.supervision.ListSupervisionAlertsByStatus(ctx, 'open'),
        /Access denied/,
      );
    }
    await network.expectRejected(
      ids.regulatorAuditor,
      (ctx) => network.supervision.ListSupervisionAlertsByStatus(ctx, 'closed'),
      /status must be one of open \| cleared \| confirmed/,
    );
    // Access:ListAlerts is the break-glass list and stays separate.
    assert.deepEqual(
      await network.evaluate(ids.regulatorAuditor, (ctx) => network.access.ListAlerts(ctx, 'patient-0001')),
      [],
    );
  });

  it('RaiseAlert records an off-chain rule’s alert; a hold alert puts a filed claim on hold', async () => {
    const network = await withClaimedStay();
    const raise =
      (ruleId: string, severity: string, evidence: string, claimId = 'claim-stay') =>
      (ctx: Parameters<typeof network.supervision.RaiseAlert>[0]) =>
        network.supervision.RaiseAlert(ctx, claimId, ruleId, severity, evidence);
    const alert = await network.submitJson(
      ids.regulatorAuditor,
      raise('R4', 'hold', JSON.stringify({ share: '0.42', peerP95: '0.18' })),
    );
    assert.equal(alert.ruleId, 'R4');
    assert.equal(alert.evidence, '{"peerP95":"0.18","share":"0.42"}');
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.alert.raised');
    assert.equal(event.payload.claimStatus, 'held');
    assert.equal((await network.getClaim('claim-stay')).status, 'held');
    await network.expectRejected(ids.regulatorAuditor, raise('R99', 'hold', '{}'), /ruleId must be one of/);
    await network.expectRejected(
      ids.regulatorAuditor,
      raise('FUND_SHORT', 'warn', '{}'),
      /FUND_SHORT alerts are raised by settlement only/,
    );
    await network.expectRejected(
      ids.regulatorAuditor,
      raise('R4', 'severe', '{}'),
      /severity must be one of info \| warn \| hold/,
    );
    await network.expectRejected(
      ids.regulatorAuditor,
      raise('R4', 'warn', '[1]'),
      /evidence must be a JSON object/,
    );
    await network.expectRejected(
      ids.regulatorAuditor,
      raise('R4', 'warn', '{}', 'claim-404'),
      /Claim claim-404 does not exist/,
    );
    for (const caller of [ids.insurerAdmin, ids.doctor, ids.regulatorResearcher]) {
      await network.expectRejected(
        caller,
        raise('R4', 'warn', '{}'),
        /Access denied: only the regulator's supervisors/,
      );
    }
  });
});
