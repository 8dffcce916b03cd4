import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimIds, ClaimsNetwork, item, UNCOVERED_CODE } from './support/claims-network';
import { HOSPITAL, HOSPITAL_2, ids, INSURER, parseArray } from './support/network';

/** A network with one hospital-1 record (covered), one hospital-2 record and one uncovered record. */
async function networkWithRecords(
  product: Parameters<typeof ClaimsNetwork.withInsurance>[0] = {},
  deposit?: string,
): Promise<ClaimsNetwork> {
  const network = await ClaimsNetwork.withInsurance(product, deposit);
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
  return network;
}

/** Four claims: two on the same covered record (same policy year), one at hospital 2, one uncovered. */
const CLAIMS: [string, string, string, string][] = [
  ['c1', 'rec-001', 'SVC-1', '12000'],
  ['c2', 'rec-h2', 'SVC-2', '9000'],
  ['c3', 'rec-x', 'SVC-3', '4000'],
  ['c4', 'rec-001', 'SVC-4', '20000'],
];

async function fileAll(network: ClaimsNetwork): Promise<void> {
  for (const [claimId, recordId, serviceCode, unitPrice] of CLAIMS) {
    const serviceDate =
      recordId === 'rec-h2' ? '2025-02-20' : recordId === 'rec-x' ? '2025-02-22' : '2025-02-11';
    await network.fileClaim(claimId, {
      caller: recordId === 'rec-h2' ? ids.hospital2Doctor : ids.doctor,
      recordId,
      items: [item({ serviceCode, unitPrice, serviceDate })],
    });
  }
}

async function batchOf(network: ClaimsNetwork, claimIdList: readonly string[]): Promise<string> {
  const entries = [];
  for (const claimId of claimIdList) {
    const proof = await network.proofFor(claimId);
    entries.push({ claimId, m: proof.m.toString(), rho: proof.rho.toString() });
  }
  return JSON.stringify(entries);
}

/** What adjudication decided, without the per-transaction ids that differ between runs. */
async function outcomes(network: ClaimsNetwork): Promise<unknown[]> {
  return Promise.all(
    CLAIMS.map(async ([claimId]) => {
      const claim = await network.getClaim(claimId);
      const adjudication = claim.adjudication as Record<string, unknown>;
      return {
        claimId,
        status: claim.status,
        outcome: adjudication.outcome,
        items: adjudication.items,
        totalBenefit: adjudication.totalBenefit,
        settled: (claim.settlement as Record<string, unknown> | null)?.amount ?? null,
        alerts: (claim.alertIds as string[]).length,
      };
    }),
  );
}

describe('Claims: AdjudicateClaims (several proofs, one exponentiation per claim key)', () => {
  it('decides a batch exactly as the same claims adjudicated one by one: usage, limits, balances', async () => {
    // The annual limit runs out inside the batch: c4 sees c1's benefit as already used.
    const product = { deductible: '1000', coinsuranceBps: '1500', annualLimit: '25000' };
    const one = await networkWithRecords(product, '1000000');
    await fileAll(one);
    for (const [claimId] of CLAIMS) await one.adjudicate(claimId);

    const batched = await networkWithRecords(product, '1000000');
    await fileAll(batched);
    const allClaims = CLAIMS.map(([id]) => id);
    const result = parseArray(
      JSON.parse(
        await batched.submit(ids.insurerAdjuster, async (ctx) =>
          batched.claims.AdjudicateClaims(ctx, await batchOf(batched, allClaims)),
        ),
      ),
    );
    assert.deepEqual(
      result.map((claim) => [claim.claimId, claim.status]),
      [
        ['c1', 'paid'],
        ['c2', 'paid'],
        ['c3', 'denied'],
        ['c4', 'paid'],
      ],
    );
    assert.deepEqual(await outcomes(batched), await outcomes(one));
    for (const msp of [INSURER, HOSPITAL, HOSPITAL_2]) {
      assert.equal(await batched.balance(msp), await one.balance(msp), `balance of ${msp}`);
    }
    const c4 = (await batched.getClaim('c4')).adjudication as Record<string, unknown>;
    assert.notEqual(c4.totalBenefit, '0');
    assert.ok(
      parseArray(c4.items).some(
        (entry) => entry.reasonCode === 'ANNUAL_LIMIT_REACHED' || entry.overLimit !== '0',
      ),
      'c4 runs into the annual limit c1 used up in the same transaction',
    );
  });

  it('emits one event whose entries are the events each claim would have had', async () => {
    const network = await networkWithRecords({}, '1000000');
    await fileAll(network);
    await network.submit(ids.insurerAdjuster, async (ctx) =>
      network.claims.AdjudicateClaims(ctx, await batchOf(network, ['c1', 'c3'])),
    );
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.claims.adjudicated');
    const entries = parseArray(event.payload.claims);
    assert.deepEqual(
      entries.map((entry) => [entry.event, entry.claimId, entry.status]),
      [
        ['medfabric.claim.paid', 'c1', 'paid'],
        ['medfabric.claim.denied', 'c3', 'denied'],
      ],
    );
    assert.equal(entries[0]?.txId, event.payload.txId);
    assert.ok(!event.raw.includes('encryptedEligibility'), 'no ciphertext in the event');
  });

  it('leaves the claims the fund cannot cover payable, each with its own FUND_SHORT alert', async () => {
    const network = await networkWithRecords({}, '15000');
    await fileAll(network);
    const result = parseArray(
      JSON.parse(
        await network.submit(ids.insurerAdjuster, async (ctx) =>
          network.claims.AdjudicateClaims(ctx, await batchOf(network, ['c1', 'c2', 'c4'])),
        ),
      ),
    );
    assert.deepEqual(
      result.map((claim) => claim.status),
      ['paid', 'payable', 'payable'],
    );
    const alertIds = result.flatMap((claim) => claim.alertIds as string[]);
    assert.equal(alertIds.length, 2);
    assert.match(alertIds[0] ?? '', /:FUND_SHORT:2$/);
    assert.match(alertIds[1] ?? '', /:FUND_SHORT:3$/);
    assert.equal(await network.balance(INSURER), 15_000n - 12_000n);
    assert.equal(await network.balance(HOSPITAL), 12_000n);
  });

  it('rejects the whole batch, naming the claim, when one proof is forged; nothing is written', async () => {
    const network = await networkWithRecords({}, '1000000');
    await fileAll(network);
    const honest = JSON.parse(await batchOf(network, ['c1', 'c3', 'c4'])) as {
      claimId: string;
      m: string;
      rho: string;
    }[];
    // The uncovered c3 claimed as covered (m = 0) with its true ρ.
    const forged = honest.map((entry) => (entry.claimId === 'c3' ? { ...entry, m: '0' } : entry));
    await network.refused(
      ids.insurerAdjuster,
      (ctx) => network.claims.AdjudicateClaims(ctx, JSON.stringify(forged)),
      /Invalid input: decryption proof rejected for claim c3: .*does not match/,
    );
    // Proofs of two claims swapped: both are named.
    const swapped = honest.map((entry, index) =>
      index === 0
        ? { ...honest[2], claimId: entry.claimId }
        : index === 2
          ? { ...honest[0], claimId: entry.claimId }
          : entry,
    );
    await network.refused(
      ids.insurerAdjuster,
      (ctx) => network.claims.AdjudicateClaims(ctx, JSON.stringify(swapped)),
      /decryption proof rejected for claims c1, c4/,
    );
    const outOfRange = honest.map((entry) => (entry.claimId === 'c4' ? { ...entry, rho: '0' } : entry));
    await network.refused(
      ids.insurerAdjuster,
      (ctx) => network.claims.AdjudicateClaims(ctx, JSON.stringify(outOfRange)),
      /decryption proof rejected for claim c4: randomness ρ is outside/,
    );
  });

  it('refuses bad batches and callers with a clear error and writes nothing', async () => {
    const network = await networkWithRecords({}, '1000000');
    await fileAll(network);
    const batch = await batchOf(network, ['c1', 'c2']);
    const refuse = (caller: Parameters<ClaimsNetwork['refused']>[0], text: string, message: RegExp) =>
      network.refused(caller, (ctx) => network.claims.AdjudicateClaims(ctx, text), message);
    await refuse(ids.doctor, batch, /Access denied: claim c1 is adjudicated by InsurerMSP/);
    await refuse(claimIds.insurer2Adjuster, batch, /Access denied/);
    await refuse(ids.insurerAdjuster, 'not json', /batch/);
    await refuse(ids.insurerAdjuster, JSON.stringify([]), /batch has 0 entries; use AdjudicateClaim/);
    await refuse(
      ids.insurerAdjuster,
      JSON.stringify((JSON.parse(batch) as unknown[]).slice(0, 1)),
      /batch has 1 entries; use AdjudicateClaim/,
    );
    const [first] = JSON.parse(batch) as Record<string, string>[];
    await refuse(ids.insurerAdjuster, JSON.stringify([first, first]), /batch names claim c1 twice/);
    await refuse(ids.insurerAdjuster, JSON.stringify(Array.from({ length: 17 }, () => first)), /limit is 16/);
    await refuse(
      ids.insurerAdjuster,
      JSON.stringify([first, { ...first, claimId: 'c2', extra: 1 }]),
      /unknown member/,
    );
    await refuse(
      ids.insurerAdjuster,
      JSON.stringify([first, { ...first, claimId: 'nope' }]),
      /Claim nope does not exist/,
    );
    await refuse(
      ids.insurerAdjuster,
      JSON.stringify([first, { ...first, claimId: 'c2', m: '-1' }]),
      /Invalid input/,
    );
    await network.adjudicate('c2');
    await refuse(ids.insurerAdjuster, batch, /Claim c2 is paid; only a filed claim can be adjudicated/);
  });
});
