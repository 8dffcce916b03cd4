import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decryptWithProof, icd10Category, verifyDecryption } from '../src/lib/claim-crypto';
import {
  claimIds,
  ClaimsNetwork,
  COVERED_CODES,
  INSURER_2,
  item,
  POLICY_ID,
  productArguments,
  UNCOVERED_CODE,
} from './support/claims-network';
import { FakeTransaction } from './support/fake-fabric';
import { HOSPITAL, HOSPITAL_2, ids, INSURER, OTHER_PATIENT, parseArray, PATIENT } from './support/network';

function adjudicationOf(claim: Record<string, unknown>): Record<string, unknown> {
  const adjudication = claim.adjudication;
  assert.ok(typeof adjudication === 'object' && adjudication !== null, 'claim has an adjudication');
  return adjudication as Record<string, unknown>;
}

describe('Claims: end to end (register key → product → policy → deposit → record → file → adjudicate)', () => {
  it('pays a covered claim, moves the benefit and emits one event per step', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor, { icd10: 'J18.9' });
    const filed = await network.fileClaim('claim-1', {
      items: [item(), item({ serviceCode: 'SVC-XRAY', quantity: 2, unitPrice: '2500' })],
    });
    assert.equal(filed.status, 'filed');
    assert.equal(filed.totalSubmitted, '15000');
    assert.deepEqual(filed.alertIds, []);
    const filedEvent = network.lastEvent();
    assert.equal(filedEvent.name, 'medfabric.claim.filed');
    assert.deepEqual(filedEvent.payload.alerts, []);
    assert.equal(filedEvent.payload.claimId, 'claim-1');
    assert.ok(
      !filedEvent.raw.includes(filed.encryptedEligibility as string),
      'the event carries no ciphertext',
    );

    const proof = await network.proofFor('claim-1');
    assert.equal(proof.m, 0n, 'a covered diagnosis decrypts to 0');
    const paid = await network.adjudicate('claim-1');
    assert.equal(paid.status, 'paid');
    const adjudication = adjudicationOf(paid);
    assert.equal(adjudication.outcome, 'approved');
    assert.equal(adjudication.covered, true);
    assert.equal(adjudication.totalBenefit, '15000');
    assert.deepEqual(paid.settlement, {
      amount: '15000',
      entryId: `${(paid.settlement as Record<string, unknown>).txId as string}:1`,
      settledAt: (paid.settlement as Record<string, unknown>).settledAt,
      txId: (paid.settlement as Record<string, unknown>).txId,
    });
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.claim.paid');
    assert.equal(event.payload.status, 'paid');
    assert.equal((event.payload.adjudication as Record<string, unknown>).totalBenefit, '15000');
    assert.equal(await network.balance(INSURER), 10_000_000n - 15_000n);
    assert.equal(await network.balance(HOSPITAL), 15_000n);

    const ledger = (await network.evaluate(ids.hospitalAdmin, (ctx) =>
      network.claims.GetFundLedger(ctx, HOSPITAL),
    )) as Record<string, unknown>;
    const entries = parseArray(ledger.entries);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.kind, 'settlement');
    assert.equal(entries[0]?.claimId, 'claim-1');
    assert.equal(entries[0]?.debitAccount, HOSPITAL);
    assert.equal(entries[0]?.creditAccount, INSURER);
  });

  it('denies an uncovered diagnosis with NOT_COVERED and moves nothing', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor, { icd10: UNCOVERED_CODE });
    await network.fileClaim('claim-1');
    const proof = await network.proofFor('claim-1');
    assert.notEqual(proof.m, 0n);
    const denied = await network.adjudicate('claim-1');
    assert.equal(denied.status, 'denied');
    const adjudication = adjudicationOf(denied);
    assert.equal(adjudication.outcome, 'denied');
    assert.equal(adjudication.reasonCode, 'NOT_COVERED');
    assert.equal(adjudication.covered, false);
    assert.equal(adjudication.totalBenefit, '0');
    assert.equal(denied.settlement, null);
    assert.equal(network.lastEvent().name, 'medfabric.claim.denied');
    assert.equal(await network.balance(INSURER), 10_000_000n);
    assert.equal(await network.balance(HOSPITAL), 0n);
  });

  it('applies the deductible, coinsurance and the annual limit per policy year', async () => {
    const network = await ClaimsNetwork.withInsurance({
      deductible: '5000',
      coinsuranceBps: '2000',
      annualLimit: '20000',
    });
    await network.record(ids.doctor);
    // 30000 submitted: 5000 deductible, 25000 left, patient 20 % = 5000, benefit 20000 (= the limit).
    const first = await network.fileClaim('claim-1', { items: [item({ unitPrice: '30000' })] });
    assert.equal(first.status, 'filed');
    const paid = adjudicationOf(await network.adjudicate('claim-1'));
    assert.equal(paid.outcome, 'approved');
    assert.deepEqual(
      [paid.totalDeductible, paid.totalCopay, paid.totalOverLimit, paid.totalBenefit],
      ['5000', '5000', '0', '20000'],
    );
    // The limit is used up: a second claim in the same policy year is denied ANNUAL_LIMIT_REACHED.
    await network.fileClaim('claim-2', { items: [item({ serviceCode: 'SVC-LAB', unitPrice: '1000' })] });
    const second = await network.adjudicate('claim-2');
    const denied = adjudicationOf(second);
    assert.equal(denied.outcome, 'denied');
    assert.equal(denied.reasonCode, 'ANNUAL_LIMIT_REACHED');
    assert.equal(denied.totalOverLimit, '800');
    assert.equal(denied.totalCopay, '200');
    assert.equal(second.status, 'denied');
    assert.equal(await network.balance(HOSPITAL), 20_000n);
  });

  it('gives a partial outcome when the limit cuts a claim, and per-item OUTSIDE_COVERAGE_PERIOD', async () => {
    const network = await ClaimsNetwork.withInsurance({ annualLimit: '12000' });
    await network.record(ids.doctor);
    await network.fileClaim('claim-1', {
      items: [item({ unitPrice: '10000' }), item({ serviceCode: 'SVC-LAB', unitPrice: '5000' })],
    });
    const partial = adjudicationOf(await network.adjudicate('claim-1'));
    assert.equal(partial.outcome, 'partial');
    assert.equal(partial.reasonCode, 'ANNUAL_LIMIT_REACHED');
    const items = parseArray(partial.items);
    assert.deepEqual(
      items.map((entry) => [entry.benefit, entry.overLimit, entry.reasonCode]),
      [
        ['10000', '0', null],
        ['2000', '3000', 'ANNUAL_LIMIT_REACHED'],
      ],
    );
    assert.equal(await network.balance(HOSPITAL), 12_000n);

    // A policy that started after one of the service dates: R8 holds, release, then per-item denial.
    await network.issuePolicy('pol-late', PATIENT, 'prod-basic', '2025-02-12', '2025-12-31');
    const held = await network.fileClaim('claim-2', {
      policyId: 'pol-late',
      items: [
        item({ serviceCode: 'SVC-A', serviceDate: '2025-02-11' }),
        item({ serviceCode: 'SVC-B', serviceDate: '2025-02-13' }),
      ],
    });
    assert.equal(held.status, 'held');
    await network.submit(claimIds.insurerCompliance, (ctx) =>
      network.claims.ReleaseClaim(ctx, 'claim-2', 'reviewed'),
    );
    const mixed = adjudicationOf(await network.adjudicate('claim-2'));
    assert.equal(mixed.outcome, 'partial');
    assert.equal(mixed.reasonCode, 'OUTSIDE_COVERAGE_PERIOD');
    assert.deepEqual(
      parseArray(mixed.items).map((entry) => [entry.eligible, entry.benefit, entry.reasonCode]),
      [
        ['0', '0', 'OUTSIDE_COVERAGE_PERIOD'],
        ['10000', '10000', null],
      ],
    );
  });

  it('approves with nothing to pay when the deductible absorbs the claim (status adjudicated)', async () => {
    const network = await ClaimsNetwork.withInsurance({ deductible: '50000' });
    await network.record(ids.doctor);
    await network.fileClaim('claim-1');
    const claim = await network.adjudicate('claim-1');
    assert.equal(claim.status, 'adjudicated');
    assert.equal(adjudicationOf(claim).outcome, 'approved');
    assert.equal(adjudicationOf(claim).totalDeductible, '10000');
    assert.equal(network.lastEvent().name, 'medfabric.claim.adjudicated');
  });
});

describe('Claims: verifiable decryption', () => {
  it('rejects forged proofs (wrong m, wrong ρ, another claim’s proof) and writes nothing', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor);
    await network.record(ids.doctor, {
      recordId: 'rec-002',
      icd10: UNCOVERED_CODE,
      admittedAt: '2025-02-20T08:00:00Z',
      dischargedAt: '2025-02-21T08:00:00Z',
    });
    await network.fileClaim('claim-1');
    await network.fileClaim('claim-2', { recordId: 'rec-002', items: [item({ serviceDate: '2025-02-20' })] });
    const proof1 = await network.proofFor('claim-1');
    const proof2 = await network.proofFor('claim-2');
    const adjudicate =
      (claimId: string, m: bigint | string, rho: bigint | string) =>
      (ctx: Parameters<typeof network.claims.AdjudicateClaim>[0]) =>
        network.claims.AdjudicateClaim(ctx, claimId, m.toString(), rho.toString());

    // Claiming "covered" (m = 0) for the uncovered claim with its true ρ.
    await network.refused(
      ids.insurerAdjuster,
      adjudicate('claim-2', 0n, proof2.rho),
      /Invalid input: decryption proof rejected/,
    );
    // Claiming "not covered" for the covered claim.
    await network.refused(
      ids.insurerAdjuster,
      adjudicate('claim-1', 1n, proof1.rho),
      /decryption proof rejected/,
    );
    await network.refused(
      ids.insurerAdjuster,
      adjudicate('claim-1', proof1.m, proof1.rho + 1n),
      /decryption proof rejected/,
    );
    // A valid proof of claim-1's e does not adjudicate claim-2.
    assert.ok(
      verifyDecryption(
        network.n,
        BigInt((await network.getClaim('claim-1')).encryptedEligibility as string),
        proof1,
      ),
    );
    await network.refused(
      ids.insurerAdjuster,
      adjudicate('claim-2', proof1.m, proof1.rho),
      /decryption proof rejected/,
    );
    // Out of range and malformed values.
    await network.refused(
      ids.insurerAdjuster,
      adjudicate('claim-1', network.n, proof1.rho),
      /outside 0 ≤ m < n/,
    );
    await network.refused(ids.insurerAdjuster, adjudicate('claim-1', 0n, 0n), /outside 0 < ρ < n/);
    await network.refused(
      ids.insurerAdjuster,
      adjudicate('claim-1', '-1', proof1.rho),
      /Invalid input: decryption proof/,
    );
    await network.refused(ids.insurerAdjuster, adjudicate('claim-1', '0x0', proof1.rho), /Invalid input/);
    await network.refused(ids.insurerAdjuster, adjudicate('claim-1', '1.5', proof1.rho), /Invalid input/);
    assert.equal((await network.getClaim('claim-1')).status, 'filed');
    // The real proofs still work afterwards.
    assert.equal((await network.adjudicate('claim-1')).status, 'paid');
    assert.equal((await network.adjudicate('claim-2')).status, 'denied');
    await network.refused(
      ids.insurerAdjuster,
      adjudicate('claim-1', proof1.m, proof1.rho),
      /is paid; only a filed claim/,
    );
  });

  it('rejects a blind r = 0, r = n, r > n, r sharing a factor with n, a missing or malformed blind', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor);
    const file = (ctx: Parameters<typeof network.claims.FileClaim>[0]) =>
      network.claims.FileClaim(ctx, 'claim-1', 'rec-001', POLICY_ID, JSON.stringify([item()]));
    const { p } = network.key.privateKey;
    for (const [blind, message] of [
      ['0', /Invalid input: transient claimBlind: blind r must be at least 1/],
      [network.n.toString(), /blind r must be at most n − 1/],
      [(network.n + 5n).toString(), /blind r must be at most n − 1/],
      [p.toString(), /blind r must be coprime to n/],
      ['-3', /Invalid input: transient claimBlind/],
      ['12.5', /Invalid input: transient claimBlind/],
      ['0012', /Invalid input: transient claimBlind/],
    ] as const) {
      await network.refused(ids.doctor, file, message, { claimBlind: blind });
    }
    await network.refused(ids.doctor, file, /transient map must carry 'claimBlind'/);
    // r = 1 is allowed (a blind is the hospital's privacy choice); the claim still adjudicates correctly.
    await network.fileClaim('claim-1', { blind: '1' });
    assert.equal((await network.proofFor('claim-1')).m, 0n);
  });

  it('stores e = E(r·P(x)) exactly as DESIGN §7 step 4 and makes it decrypt to r·P(x) mod n', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor, { icd10: UNCOVERED_CODE });
    await network.fileClaim('claim-1', { blind: '7' });
    const claim = await network.getClaim('claim-1');
    const { m } = decryptWithProof(network.key.privateKey, BigInt(claim.encryptedEligibility as string));
    // P(x) = (x − c1)(x − c2)(x − c3) for S72 (x = 1873) and J18 (919), I21 (822), K35 (1036).
    const x = BigInt(icd10Category(UNCOVERED_CODE));
    assert.equal(x, 1873n);
    const roots = COVERED_CODES.map((code) => BigInt(icd10Category(code)));
    assert.deepEqual(roots, [919n, 822n, 1036n]);
    const expected = roots.reduce((acc, root) => acc * (x - root), 7n) % network.n;
    assert.equal(m, expected);
  });
});

describe('Claims: FileClaim checks', () => {
  it('refuses wrong organisations and roles', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor);
    const file = (ctx: Parameters<typeof network.claims.FileClaim>[0]) =>
      network.claims.FileClaim(ctx, 'claim-1', 'rec-001', POLICY_ID, JSON.stringify([item()]));
    for (const caller of [
      ids.nurse,
      ids.hospitalAuditor,
      ids.patient,
      claimIds.hospitalCompliance,
      ids.insurerAdmin,
      ids.insurerAdjuster,
      ids.regulatorAdmin,
      ids.regulatorAuditor,
      ids.hospitalPeer,
    ]) {
      await network.refused(caller, file, /Access denied: claims are filed by a hospital/, {
        claimBlind: '5',
      });
    }
    await network.refused(ids.hospital2Doctor, file, /Access denied: record rec-001 belongs to HospitalMSP/, {
      claimBlind: '5',
    });
    await network.refused(ids.outsiderDoctor, file, /Access denied: MSP OutsiderMSP is not a registered/, {
      claimBlind: '5',
    });
    // The hospital's admin OU and admin-role clients may file.
    await network.fileClaim('claim-a', { caller: ids.hospitalAdmin });
    await network.fileClaim('claim-b', {
      caller: ids.hospitalClerk,
      items: [item({ serviceCode: 'SVC-OTHER' })],
    });
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor);
    const file =
      (claimId: unknown, items: unknown, recordId: unknown = 'rec-001', policyId: unknown = POLICY_ID) =>
      (ctx: Parameters<typeof network.claims.FileClaim>[0]) =>
        network.claims.FileClaim(
          ctx,
          claimId as string,
          recordId as string,
          policyId as string,
          items as string,
        );
    const blind = { claimBlind: '5' };
    const cases: [unknown, unknown, RegExp][] = [
      [undefined, JSON.stringify([item()]), /Invalid input: claimId is required/],
      ['claim 1', JSON.stringify([item()]), /Invalid input: claimId must start with a letter or digit/],
      ['c'.repeat(129), JSON.stringify([item()]), /claimId is 129 characters long/],
      ['claim-1', 'not json', /Invalid input: items is not valid JSON/],
      ['claim-1', '{}', /Invalid input: items must be an array/],
      ['claim-1', '[]', /items must hold at least one item/],
      [
        'claim-1',
        JSON.stringify(Array.from({ length: 65 }, () => item())),
        /items has 65 entries; the limit is 64/,
      ],
      ['claim-1', JSON.stringify([{ ...item(), extra: 1 }]), /items\[0\] has unknown member\(s\): extra/],
      [
        'claim-1',
        JSON.stringify([{ ...item(), unitPrice: 100 }]),
        /unitPrice must be a string of decimal digits .*not a JSON number/,
      ],
      [
        'claim-1',
        JSON.stringify([item({ unitPrice: '12.50' })]),
        /unitPrice must be a non-negative integer amount in minor units/,
      ],
      [
        'claim-1',
        JSON.stringify([item({ unitPrice: '-100' })]),
        /unitPrice must be a non-negative integer amount/,
      ],
      [
        'claim-1',
        JSON.stringify([item({ unitPrice: '1'.repeat(19) })]),
        /unitPrice must be a non-negative integer amount/,
      ],
      ['claim-1', JSON.stringify([item({ quantity: 1.5 })]), /quantity must be an integer JSON number/],
      ['claim-1', JSON.stringify([item({ quantity: 0 })]), /quantity must be an integer JSON number/],
      ['claim-1', JSON.stringify([{ ...item(), quantity: '2' }]), /quantity must be an integer JSON number/],
      [
        'claim-1',
        JSON.stringify([item({ serviceDate: '2025-02-30' })]),
        /serviceDate is not a valid calendar date/,
      ],
      [
        'claim-1',
        JSON.stringify([item({ serviceDate: '11/02/2025' })]),
        /serviceDate must be a calendar date YYYY-MM-DD/,
      ],
      [
        'claim-1',
        JSON.stringify([item({ serviceDate: '2026-01-01' })]),
        /serviceDate 2026-01-01 is after the filing date/,
      ],
      ['claim-1', JSON.stringify([item({ serviceCode: '' })]), /serviceCode must not be empty/],
      [
        'claim-1',
        JSON.stringify([item({ serviceCode: 'X'.repeat(33) })]),
        /serviceCode is 33 characters long; the limit is 32/,
      ],
    ];
    for (const [claimId, items, message] of cases) {
      await network.refused(ids.doctor, file(claimId, items), message, blind);
    }
    await network.refused(
      ids.doctor,
      file('claim-1', JSON.stringify([item()]), 'rec-404'),
      /Record rec-404 does not exist/,
      blind,
    );
    await network.refused(
      ids.doctor,
      file('claim-1', JSON.stringify([item()]), 'rec-001', 'pol-404'),
      /Policy pol-404 does not exist/,
      blind,
    );
  });

  it('requires the policy to be the record patient’s, the latest record version, the product’s claim key and stored powers', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor);
    await network.issuePolicy('pol-other', OTHER_PATIENT);
    await network.refused(
      ids.doctor,
      (ctx) => network.claims.FileClaim(ctx, 'c1', 'rec-001', 'pol-other', JSON.stringify([item()])),
      /Policy pol-other covers patient-0002, but record rec-001 is of patient-0001/,
      { claimBlind: '5' },
    );

    await network.record(ids.doctor, { recordId: 'rec-other-key', claimKeyId: 'some-other-key' });
    await network.refused(
      ids.doctor,
      (ctx) => network.claims.FileClaim(ctx, 'c1', 'rec-other-key', POLICY_ID, JSON.stringify([item()])),
      /encrypted under claim key some-other-key, but product prod-basic uses key-1/,
      { claimBlind: '5' },
    );

    // Fewer encrypted powers than the polynomial's degree (3).
    await network.record(ids.doctor, { recordId: 'rec-short', powers: 2 });
    await network.refused(
      ids.doctor,
      (ctx) => network.claims.FileClaim(ctx, 'c1', 'rec-short', POLICY_ID, JSON.stringify([item()])),
      /Invalid input: encrypted diagnosis of record rec-short: a degree-3 coverage polynomial needs between 3 and 64 encrypted powers/,
      { claimBlind: '5' },
    );

    // Private data missing on this peer, or not matching the anchored hash.
    const collection = network.ledger.privateData.get(`diagnosis_${HOSPITAL}`);
    assert.ok(collection !== undefined);
    const [key, value] = [...collection].find(([candidate]) => candidate.includes('rec-001')) ?? [];
    assert.ok(key !== undefined && value !== undefined);
    collection.set(key, Buffer.from(value.toString('utf8').replace('"claimKeyId"', '"claimKeyId" ')));
    await network.refused(
      ids.doctor,
      (ctx) => network.claims.FileClaim(ctx, 'c1', 'rec-001', POLICY_ID, JSON.stringify([item()])),
      /does not match its anchored hash/,
      { claimBlind: '5' },
    );
    collection.delete(key);
    await network.refused(
      ids.doctor,
      (ctx) => network.claims.FileClaim(ctx, 'c1', 'rec-001', POLICY_ID, JSON.stringify([item()])),
      /is not in collection diagnosis_HospitalMSP on this peer/,
      { claimBlind: '5' },
    );
    collection.set(key, value);

    // A corrected record: claims go against the latest version.
    const payload = network.encryptedDiagnosis('J18');
    const { sha256 } = await import('./support/network');
    await network.submit(
      ids.doctor,
      (ctx) =>
        network.records.AmendRecord(
          ctx,
          'rec-001',
          'rec-001-v2',
          'inpatient',
          '2025-02-10T08:00:00Z',
          '2025-02-14T15:30:00Z',
          sha256('v2'),
          'https://records.example/v2',
          sha256('hmac:J18'),
          sha256(payload),
        ),
      { transient: { encryptedDiagnosis: payload } },
    );
    await network.refused(
      ids.doctor,
      (ctx) => network.claims.FileClaim(ctx, 'c1', 'rec-001', POLICY_ID, JSON.stringify([item()])),
      /Record rec-001 was corrected by rec-001-v2/,
      { claimBlind: '5' },
    );
    await network.fileClaim('c1', { recordId: 'rec-001-v2' });
    await network.refused(
      ids.doctor,
      (ctx) => network.claims.FileClaim(ctx, 'c1', 'rec-001-v2', POLICY_ID, JSON.stringify([item()])),
      /Claim c1 already exists/,
      { claimBlind: '5' },
    );
  });
});

describe('Claims: held claims, settlement and the fund ledger', () => {
  it('a held claim cannot be adjudicated until released; compliance releases or denies it', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor);
    await network.fileClaim('claim-1');
    // Same patient, hospital, code and date: R1 (hold).
    const held = await network.fileClaim('claim-2');
    assert.equal(held.status, 'held');
    const heldEvent = network.lastEvent();
    assert.equal(heldEvent.name, 'medfabric.claim.held');
    assert.deepEqual(
      parseArray(heldEvent.payload.alerts).map((alert) => [alert.ruleId, alert.severity]),
      [['R1', 'hold']],
    );

    const proof = await network.proofFor('claim-2');
    await network.refused(
      ids.insurerAdjuster,
      (ctx) => network.claims.AdjudicateClaim(ctx, 'claim-2', proof.m.toString(), proof.rho.toString()),
      /Claim claim-2 is held by supervision alerts .*release it first/,
    );

    for (const caller of [
      ids.insurerAdjuster,
      claimIds.insurerAuditor,
      claimIds.insurer2Compliance,
      claimIds.insurer2Admin,
      ids.regulatorAdmin,
      ids.doctor,
      claimIds.hospitalCompliance,
    ]) {
      await network.refused(
        caller,
        (ctx) => network.claims.ReleaseClaim(ctx, 'claim-2', 'ok'),
        /Access denied: held claims of InsurerMSP are decided by its compliance officers/,
      );
      await network.refused(
        caller,
        (ctx) => network.claims.DenyHeldClaim(ctx, 'claim-2', 'no'),
        /Access denied: held claims/,
      );
    }
    await network.refused(
      claimIds.insurerCompliance,
      (ctx) => network.claims.ReleaseClaim(ctx, 'claim-2', '  '),
      /Invalid input: reason must not be empty/,
    );
    await network.refused(
      claimIds.insurerCompliance,
      (ctx) => network.claims.ReleaseClaim(ctx, 'claim-2', 'x'.repeat(1025)),
      /reason is 1025 characters long/,
    );
    await network.refused(
      claimIds.insurerCompliance,
      (ctx) => network.claims.ReleaseClaim(ctx, 'claim-1', 'ok'),
      /Claim claim-1 is filed, not held/,
    );

    const released = await network.submitJson(claimIds.insurerCompliance, (ctx) =>
      network.claims.ReleaseClaim(ctx, 'claim-2', 'separate visit, verified'),
    );
    assert.equal(released.status, 'filed');
    assert.equal(network.lastEvent().name, 'medfabric.claim.released');
    assert.equal((await network.adjudicate('claim-2')).status, 'paid');

    const third = await network.fileClaim('claim-3');
    assert.equal(third.status, 'held');
    const denied = await network.submitJson(ids.insurerAdmin, (ctx) =>
      network.claims.DenyHeldClaim(ctx, 'claim-3', 'duplicate'),
    );
    assert.equal(denied.status, 'denied');
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.claim.denied');
    assert.equal(event.payload.reasonCode, 'SUPERVISION_DENIED');
    await network.refused(
      claimIds.insurerCompliance,
      (ctx) => network.claims.ReleaseClaim(ctx, 'claim-3', 'ok'),
      /is denied, not held/,
    );
  });

  it('leaves a claim payable with a FUND_SHORT alert when the fund is short, then settles it after a deposit', async () => {
    const network = await ClaimsNetwork.withInsurance({}, '5000');
    await network.record(ids.doctor);
    await network.fileClaim('claim-1');
    const payable = await network.adjudicate('claim-1');
    assert.equal(payable.status, 'payable');
    assert.equal(payable.settlement, null);
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.claim.payable');
    const alert = event.payload.alert as Record<string, unknown>;
    assert.equal(alert.ruleId, 'FUND_SHORT');
    assert.deepEqual(alert.evidence, { balance: '5000', fundAccount: INSURER, required: '10000' });
    assert.deepEqual(payable.alertIds, [alert.alertId]);
    assert.equal(await network.balance(INSURER), 5000n);

    await network.refused(
      ids.insurerAdjuster,
      (ctx) => network.claims.SettleClaim(ctx, 'claim-1'),
      /holds 5000, less than the 10000 claim claim-1 needs/,
    );
    await network.refused(
      claimIds.insurer2Adjuster,
      (ctx) => network.claims.SettleClaim(ctx, 'claim-1'),
      /Access denied: claim claim-1 is settled by InsurerMSP/,
    );
    await network.refused(ids.doctor, (ctx) => network.claims.SettleClaim(ctx, 'claim-1'), /Access denied/);
    await network.submit(ids.insurerAdmin, (ctx) => network.insurance.DepositFunds(ctx, '5000'));
    const paid = await network.submitJson(ids.insurerAdjuster, (ctx) =>
      network.claims.SettleClaim(ctx, 'claim-1'),
    );
    assert.equal(paid.status, 'paid');
    assert.equal(network.lastEvent().name, 'medfabric.claim.paid');
    assert.equal(await network.balance(INSURER), 0n);
    assert.equal(await network.balance(HOSPITAL), 10_000n);
    await network.refused(
      ids.insurerAdjuster,
      (ctx) => network.claims.SettleClaim(ctx, 'claim-1'),
      /Claim claim-1 is paid; only a payable claim/,
    );
  });

  it('keeps the fund ledger balanced: Σ member balances = Σ deposits, Σ all accounts = 0', async () => {
    const network = await ClaimsNetwork.withInsurance(
      { deductible: '1000', coinsuranceBps: '1500' },
      '30000',
    );
    await network.submit(claimIds.insurer2Admin, (ctx) => network.insurance.DepositFunds(ctx, '777'));
    let deposits = 30_777n;
    await network.record(ids.doctor);
    await network.record(ids.hospital2Doctor, {
      recordId: 'rec-h2',
      hospitalMspId: HOSPITAL_2,
      encounterType: 'outpatient',
      admittedAt: '2025-02-20T08:00:00Z',
      dischargedAt: '2025-02-20T09:00:00Z',
    });
    await network.record(ids.doctor, {
      recordId: 'rec-x',
      icd10: UNCOVERED_CODE,
      admittedAt: '2025-02-22T08:00:00Z',
      dischargedAt: '2025-02-22T10:00:00Z',
    });
    const sequence: [string, string, string, string][] = [
      ['c1', 'rec-001', 'SVC-1', '12000'],
      ['c2', 'rec-h2', 'SVC-2', '9000'],
      ['c3', 'rec-x', 'SVC-3', '4000'],
      ['c4', 'rec-001', 'SVC-4', '20000'],
      ['c5', 'rec-h2', 'SVC-5', '3000'],
    ];
    for (const [claimId, recordId, serviceCode, unitPrice] of sequence) {
      const caller = recordId === 'rec-h2' ? ids.hospital2Doctor : ids.doctor;
      const serviceDate =
        recordId === 'rec-h2' ? '2025-02-20' : recordId === 'rec-x' ? '2025-02-22' : '2025-02-11';
      await network.fileClaim(claimId, {
        caller,
        recordId,
        items: [item({ serviceCode, unitPrice, serviceDate })],
      });
      await network.adjudicate(claimId);
    }
    const statuses = await Promise.all(
      sequence.map(async ([claimId]) => (await network.getClaim(claimId)).status),
    );
    assert.ok(statuses.includes('payable'), `a claim must have hit the short fund: ${statuses.join(', ')}`);
    assert.ok(statuses.includes('paid') && statuses.includes('denied'));
    await network.submit(ids.insurerAdmin, (ctx) => network.insurance.DepositFunds(ctx, '50000'));
    deposits += 50_000n;
    for (const [claimId] of sequence) {
      if ((await network.getClaim(claimId)).status === 'payable') {
        await network.submit(ids.insurerAdmin, (ctx) => network.claims.SettleClaim(ctx, claimId));
      }
    }
    const members = [INSURER, INSURER_2, HOSPITAL, HOSPITAL_2];
    const memberSum = (await Promise.all(members.map((mspId) => network.balance(mspId)))).reduce(
      (a, b) => a + b,
      0n,
    );
    assert.equal(memberSum, deposits);
    // Every account, contra accounts included, from the stored state.
    let all = 0n;
    for (const [key, value] of network.ledger.state) {
      if (key.startsWith('\u0000medfabric.fund.account\u0000')) {
        all += BigInt((JSON.parse(value.toString('utf8')) as { balance: string }).balance);
      }
    }
    assert.equal(all, 0n);
    const paidToHospitals = (await network.balance(HOSPITAL)) + (await network.balance(HOSPITAL_2));
    const benefits = await Promise.all(
      sequence.map(async ([claimId]) => {
        const claim = await network.getClaim(claimId);
        return claim.status === 'paid' ? BigInt(adjudicationOf(claim).totalBenefit as string) : 0n;
      }),
    );
    assert.equal(
      paidToHospitals,
      benefits.reduce((a, b) => a + b, 0n),
    );
  });
});

describe('Claims: terms copied at filing, and records written by earlier versions', () => {
  const claimKey = '\u0000medfabric.claim\u0000claim-1\u0000';

  /** The state keys a transaction reads through getState while `run` runs. */
  async function keysReadBy(run: () => Promise<unknown>): Promise<string[]> {
    const read: string[] = [];
    const { getState } = FakeTransaction.prototype;
    FakeTransaction.prototype.getState = function (this: FakeTransaction, key: string) {
      read.push(key.split('\u0000').filter(Boolean)[0] ?? key);
      return getState.call(this, key);
    };
    try {
      await run();
    } finally {
      FakeTransaction.prototype.getState = getState;
    }
    return read;
  }

  async function filedNetwork(): Promise<ClaimsNetwork> {
    const network = await ClaimsNetwork.withInsurance({ deductible: '1000', coinsuranceBps: '2000' });
    await network.record(ids.doctor);
    await network.fileClaim('claim-1', { items: [item({ unitPrice: '12000' })] });
    return network;
  }

  async function adjudicateReading(
    network: ClaimsNetwork,
  ): Promise<{ claim: Record<string, unknown>; read: string[] }> {
    const proof = await network.proofFor('claim-1');
    let claim: Record<string, unknown> = {};
    const read = await keysReadBy(async () => {
      claim = await network.submitJson(ids.insurerAdjuster, (ctx) =>
        network.claims.AdjudicateClaim(ctx, 'claim-1', proof.m.toString(), proof.rho.toString()),
      );
    });
    return { claim, read };
  }

  it('FileClaim copies the key’s n, the policy period and the product terms; AdjudicateClaim reads none of those records', async () => {
    const network = await filedNetwork();
    const filed = await network.getClaim('claim-1');
    assert.deepEqual(filed.terms, {
      claimKeyModulus: network.n.toString(),
      policyPeriodStart: '2025-01-01',
      policyPeriodEnd: '2025-12-31',
      deductible: '1000',
      coinsuranceBps: 2000,
      annualLimit: productArguments().annualLimit,
    });
    const { claim, read } = await adjudicateReading(network);
    assert.equal(claim.status, 'paid');
    // (12000 − 1000 deductible) × 80 %.
    assert.equal(adjudicationOf(claim).totalBenefit, '8800');
    assert.deepEqual(read, [
      'medfabric.member',
      'medfabric.claim',
      'medfabric.benefit.usage',
      'medfabric.fund.account',
      'medfabric.fund.account',
    ]);
  });

  it('adjudicates a claim filed without terms from the key, policy and product, with the same outcome', async () => {
    const current = await filedNetwork();
    const legacy = await filedNetwork();
    const stored = JSON.parse((legacy.ledger.state.get(claimKey) as Buffer).toString('utf8')) as Record<
      string,
      unknown
    >;
    delete stored.terms;
    legacy.ledger.state.set(claimKey, Buffer.from(JSON.stringify(stored)));
    assert.equal((await legacy.getClaim('claim-1')).terms, null);

    const fromTerms = await adjudicateReading(current);
    const fromRecords = await adjudicateReading(legacy);
    // The extra GetClaim above moved the legacy network's clock and transaction ids on.
    const decisionOf = (claim: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(adjudicationOf(claim)).filter(
          ([field]) => field !== 'adjudicatedAt' && field !== 'txId',
        ),
      );
    assert.deepEqual(decisionOf(fromRecords.claim), decisionOf(fromTerms.claim));
    assert.equal(decisionOf(fromTerms.claim).totalBenefit, '8800');
    assert.equal(fromRecords.claim.status, 'paid');
    assert.deepEqual(
      fromRecords.read.filter((type) => !fromTerms.read.includes(type)),
      ['medfabric.claimkey', 'medfabric.policy', 'medfabric.product'],
    );
    assert.equal(await legacy.balance(HOSPITAL), 8_800n);
  });

  it('lists journal entries stored under their accounts together with entries of the earlier layout', async () => {
    const network = await filedNetwork();
    await network.adjudicate('claim-1');
    // An entry as earlier versions posted it: the body under medfabric.fund.entry, a 0x00 marker per account.
    const postedAt = '2025-02-01T10:00:00.000Z';
    const entryId = 'legacy-tx:1';
    const legacyEntry = {
      amount: '500',
      claimId: null,
      creditAccount: INSURER,
      debitAccount: HOSPITAL,
      entryId,
      kind: 'settlement',
      postedAt,
      postedBy: 'x509::legacy',
      txId: 'legacy-tx',
    };
    network.ledger.state.set(
      `\u0000medfabric.fund.entry\u0000${postedAt}\u0000${entryId}\u0000`,
      Buffer.from(JSON.stringify(legacyEntry)),
    );
    network.ledger.state.set(
      `\u0000medfabric.fund.entryByAccount\u0000${HOSPITAL}\u0000${postedAt}\u0000${entryId}\u0000`,
      Buffer.from([0]),
    );
    const ledger = (await network.evaluate(ids.hospitalAdmin, (ctx) =>
      network.claims.GetFundLedger(ctx, HOSPITAL),
    )) as Record<string, unknown>;
    const entries = parseArray(ledger.entries);
    assert.deepEqual(
      entries.map((entry) => [entry.entryId === entryId ? 'legacy' : 'current', entry.amount, entry.claimId]),
      [
        ['legacy', '500', null],
        ['current', '8800', 'claim-1'],
      ],
    );
    // A marker whose body is missing is reported, not skipped.
    network.ledger.state.delete(`\u0000medfabric.fund.entry\u0000${postedAt}\u0000${entryId}\u0000`);
    await assert.rejects(
      network.evaluate(ids.hospitalAdmin, (ctx) => network.claims.GetFundLedger(ctx, HOSPITAL)),
      /Journal entry legacy-tx:1 of account HospitalMSP has no stored body/,
    );
  });
});

describe('Claims: access to claims and to the fund ledger', () => {
  it('AdjudicateClaim is for the claim’s insurer adjusters and admins only', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor);
    await network.fileClaim('claim-1');
    const proof = await network.proofFor('claim-1');
    for (const caller of [
      claimIds.insurerCompliance,
      claimIds.insurerAuditor,
      ids.insurerDoctor,
      claimIds.insurer2Adjuster,
      claimIds.insurer2Admin,
      ids.doctor,
      ids.hospitalAdmin,
      ids.regulatorAdmin,
      ids.regulatorAuditor,
      ids.patient,
    ]) {
      await network.refused(
        caller,
        (ctx) => network.claims.AdjudicateClaim(ctx, 'claim-1', proof.m.toString(), proof.rho.toString()),
        /Access denied: claim claim-1 is adjudicated by InsurerMSP's adjusters or admins/,
      );
    }
    await network.refused(
      ids.insurerAdjuster,
      (ctx) => network.claims.AdjudicateClaim(ctx, 'claim-404', '0', '1'),
      /Claim claim-404 does not exist/,
    );
    await network.refused(
      ids.insurerAdjuster,
      (ctx) => network.claims.AdjudicateClaim(ctx, 'claim-1', undefined as unknown as string, '1'),
      /Invalid input: decryption proof: m must be a decimal string/,
    );
    assert.equal((await network.adjudicate('claim-1', claimIds.insurerRoleAdmin)).status, 'paid');
  });

  it('queries show claims to their hospital, insurer, the regulator and the patient only', async () => {
    const network = await ClaimsNetwork.withInsurance();
    await network.record(ids.doctor);
    await network.fileClaim('claim-1');
    for (const caller of [
      ids.doctor,
      ids.nurse,
      ids.insurerAdjuster,
      claimIds.insurerCompliance,
      ids.regulatorAuditor,
      ids.patient,
    ]) {
      assert.equal((await network.getClaim('claim-1', caller)).claimId, 'claim-1');
    }
    for (const caller of [
      ids.hospital2Doctor,
      claimIds.insurer2Adjuster,
      ids.otherPatient,
      ids.regulatorResearcher,
      ids.insurerDoctor,
    ]) {
      await network.expectRejected(
        caller,
        (ctx) => network.claims.GetClaim(ctx, 'claim-1'),
        /Access denied: claim claim-1 is for HospitalMSP staff/,
      );
    }
    const list = async (
      caller: typeof ids.doctor,
      run: (ctx: Parameters<typeof network.claims.GetClaim>[0]) => Promise<string>,
    ) => parseArray(await network.evaluate(caller, run)).map((claim) => claim.claimId);
    assert.deepEqual(
      await list(ids.regulatorAuditor, (ctx) => network.claims.ListClaimsByStatus(ctx, 'filed')),
      ['claim-1'],
    );
    assert.deepEqual(
      await list(ids.insurerAdjuster, (ctx) => network.claims.ListClaimsByStatus(ctx, 'filed')),
      ['claim-1'],
    );
    assert.deepEqual(
      await list(claimIds.insurer2Adjuster, (ctx) => network.claims.ListClaimsByStatus(ctx, 'filed')),
      [],
    );
    assert.deepEqual(
      await list(ids.hospital2Doctor, (ctx) => network.claims.ListClaimsByHospital(ctx, HOSPITAL)),
      [],
    );
    assert.deepEqual(await list(ids.doctor, (ctx) => network.claims.ListClaimsByHospital(ctx, HOSPITAL)), [
      'claim-1',
    ]);
    assert.deepEqual(await list(ids.patient, (ctx) => network.claims.ListClaimsByPatient(ctx, PATIENT)), [
      'claim-1',
    ]);
    assert.deepEqual(
      await list(ids.insurerAdjuster, (ctx) => network.claims.ListClaimsByPatient(ctx, PATIENT)),
      ['claim-1'],
    );
    await network.expectRejected(
      ids.otherPatient,
      (ctx) => network.claims.ListClaimsByPatient(ctx, PATIENT),
      /Access denied/,
    );
    await network.expectRejected(
      ids.regulatorResearcher,
      (ctx) => network.claims.ListClaimsByStatus(ctx, 'filed'),
      /Access denied/,
    );
    await network.expectRejected(
      ids.regulatorAuditor,
      (ctx) => network.claims.ListClaimsByStatus(ctx, 'approved'),
      /Invalid input: status must be one of filed \| held/,
    );

    await network.expectRejected(
      ids.doctor,
      (ctx) => network.claims.GetFundLedger(ctx, HOSPITAL),
      /Access denied: the fund account of HospitalMSP is for its administrators and the regulator/,
    );
    await network.expectRejected(
      ids.hospitalAdmin,
      (ctx) => network.claims.GetFundLedger(ctx, INSURER),
      /Access denied/,
    );
    await network.expectRejected(
      claimIds.insurer2Admin,
      (ctx) => network.claims.GetFundLedger(ctx, INSURER),
      /Access denied/,
    );
    await network.expectRejected(
      ids.regulatorAuditor,
      (ctx) => network.claims.GetFundLedger(ctx, 'RegulatorMSP'),
      /RegulatorMSP is not a registered hospital or insurer/,
    );
    const ledger = (await network.evaluate(claimIds.insurerCompliance, (ctx) =>
      network.claims.GetFundLedger(ctx, INSURER),
    )) as Record<string, unknown>;
    assert.deepEqual(
      parseArray(ledger.entries).map((entry) => entry.kind),
      ['deposit'],
    );
  });
});
