// Issue 4 acceptance on the real network: a covered claim is paid automatically with no human
// step; an uncovered claim is denied; a claim tripping a hold rule waits for review; a forged
// adjudication is rejected by the chaincode; the insurer's peer never holds the diagnosis.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { icd10Category, randomUnit } from '../../chaincode/src/lib/claim-crypto';
import {
  AutomaticAdjudicator,
  type AdjudicationOutcome,
} from '../../electron/services/claims/automatic-adjudicator';
import { HospitalDiagnosisVault, InsurerClaimKeys } from '../../electron/services/claims/claim-secrets';
import type { SigningIdentity } from '../../electron/services/fabric/proposal';
import type { GatewayConnection } from '../../electron/services/gateway/gateway-client';
import type { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import type { OrgTopology } from '../../electron/services/runtime/profile';
import {
  MedfabricClient,
  type MedfabricContractName,
  peerOrgOf,
  type PeerOrgRole,
} from '../../electron/services/medfabric/medfabric-client';
import { attachRuntime, eventually } from './support/shared-network';

const run = randomUUID().slice(0, 8);
const id = (name: string): string => `${name}-${run}`;
const POWERS = 8;
const COVERED_CODE = 'J45.909'; // asthma: in the product
const UNCOVERED_CODE = 'K35.80'; // appendicitis: not in the product
/** Claims filed while the adjudicator is stopped: patient name and diagnosis. */
const BACKLOG: [string, string][] = [
  ['d', COVERED_CODE],
  ['e', UNCOVERED_CODE],
  ['f', COVERED_CODE],
  ['g', UNCOVERED_CODE],
];

let runtime: NetworkRuntime;
let hospital: OrgTopology;
let insurer: OrgTopology;
let regulator: OrgTopology;
let doctor: SigningIdentity;
let compliance: SigningIdentity;
let adjudicator: AutomaticAdjudicator;
let vault: HospitalDiagnosisVault;
let insurerModulus: bigint;
let workDir: string;
const connections: GatewayConnection[] = [];
const outcomes = new Map<string, AdjudicationOutcome>();
const queued = new Set<string>();
const adjudicatorErrors: Error[] = [];

function orgOf(role: PeerOrgRole): OrgTopology {
  return peerOrgOf(runtime, role);
}

function connect(org: OrgTopology, identity: SigningIdentity): GatewayConnection {
  const connection = runtime.gateway(runtime.firstPeerOf(org), identity);
  connections.push(connection);
  return connection;
}

/** One client (one Gateway connection) per peer org and identity, reused by every call. */
const clients = new Map<string, MedfabricClient>();
function clientFor(org: OrgTopology, identity: SigningIdentity): MedfabricClient {
  const key = `${org.mspId}\n${identity.mspId}\n${identity.certPem}`;
  let client = clients.get(key);
  if (!client) {
    client = new MedfabricClient(
      runtime,
      runtime.firstPeerOf(org),
      identity,
      `${identity.mspId} via ${org.mspId}`,
    );
    clients.set(key, client);
  }
  return client;
}

async function submit(
  org: OrgTopology,
  identity: SigningIdentity,
  contract: MedfabricContractName,
  fn: string,
  args: string[],
  options: { transient?: Record<string, Uint8Array>; endorsingOrganizations?: string[] } = {},
): Promise<unknown> {
  const text = await clientFor(org, identity).submit(contract, fn, args, {
    transientData: options.transient,
    endorsingOrganizations: options.endorsingOrganizations,
  });
  return text ? (JSON.parse(text) as unknown) : undefined;
}

async function evaluate(
  org: OrgTopology,
  identity: SigningIdentity,
  contract: MedfabricContractName,
  fn: string,
  args: string[],
): Promise<unknown> {
  return JSON.parse(await clientFor(org, identity).evaluate(contract, fn, args)) as unknown;
}

async function recordEncounter(recordId: string, patient: string, icd10Code: string): Promise<void> {
  const sealed = await vault.seal({
    recordId,
    icd10Code,
    insurerModulus,
    claimKeyId: id('key'),
    powers: POWERS,
  });
  const tag = createHash('sha256').update(`tag:${sealed.category}`).digest('hex');
  await submit(
    hospital,
    doctor,
    'Records',
    'RecordEncounter',
    [
      recordId,
      patient,
      hospital.mspId,
      'outpatient',
      '2026-11-02T09:00:00Z',
      '2026-11-02T11:00:00Z',
      createHash('sha256').update(recordId).digest('hex'),
      `https://records.hospital.example/${recordId}`,
      tag,
      sealed.sha256,
    ],
    { transient: { encryptedDiagnosis: sealed.transient } },
  );
}

async function fileClaim(
  claimId: string,
  recordId: string,
  policyId: string,
  serviceCode: string,
): Promise<{ status: string }> {
  const r = randomUnit(insurerModulus);
  const items = JSON.stringify([{ serviceCode, quantity: 1, unitPrice: '25000', serviceDate: '2026-11-02' }]);
  return (await submit(hospital, doctor, 'Claims', 'FileClaim', [claimId, recordId, policyId, items], {
    transient: { claimBlind: Buffer.from(r.toString()) },
    endorsingOrganizations: [hospital.mspId, regulator.mspId],
  })) as { status: string };
}

function waitForOutcome(claimId: string): Promise<AdjudicationOutcome> {
  return eventually(async () => outcomes.get(claimId), 90_000, `automatic adjudication of ${claimId}`);
}

beforeAll(async () => {
  runtime = await attachRuntime();
  hospital = orgOf('hospital');
  insurer = orgOf('insurer');
  regulator = orgOf('regulator');
  workDir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-claims-'));
  const keystore = await runtime.keystore();
  doctor = await runtime.issueClient(hospital.mspId, id('doctor'), { role: 'doctor' });
  const adjuster = await runtime.issueClient(insurer.mspId, id('adjuster'), { role: 'adjuster' });
  compliance = await runtime.issueClient(insurer.mspId, id('compliance'), { role: 'compliance' });
  const insurerAdmin = runtime.adminIdentity(insurer.mspId);

  const keys = new InsurerClaimKeys(keystore, insurer.mspId);
  const key = await keys.rotate(id('key'), 2048);
  insurerModulus = key.privateKey.n;
  await submit(insurer, insurerAdmin, 'Insurance', 'RegisterClaimKey', [
    key.keyId,
    insurerModulus.toString(),
  ]);
  await submit(insurer, insurerAdmin, 'Insurance', 'CreateProduct', [
    id('product'),
    'Respiratory basic',
    JSON.stringify([icd10Category('J45'), icd10Category('J44'), icd10Category('J18')]),
    '50000000',
    '0',
    '2000',
    '2026-01-01',
    '2026-12-31',
    key.keyId,
  ]);
  for (const patient of ['a', 'b', 'c', ...BACKLOG.map(([name]) => name)]) {
    await submit(insurer, insurerAdmin, 'Insurance', 'IssuePolicy', [
      id(`policy-${patient}`),
      id(`patient-${patient}`),
      id('product'),
      '2026-01-01',
      '2026-12-31',
    ]);
  }
  await submit(insurer, insurerAdmin, 'Insurance', 'DepositFunds', ['100000000']);
  vault = new HospitalDiagnosisVault(keystore, hospital.mspId);

  adjudicator = new AutomaticAdjudicator({
    connection: connect(insurer, adjuster),
    channel: runtime.channel,
    chaincode: 'medfabric',
    insurerMspId: insurer.mspId,
    regulatorMspId: regulator.mspId,
    keys,
    checkpointFile: path.join(workDir, 'adjudicator.checkpoint'),
  });
  adjudicator.on('adjudicated', (outcome) => outcomes.set(outcome.claimId, outcome));
  adjudicator.on('queued', (claim) => queued.add(claim.claimId));
  adjudicator.on('error', (error) => adjudicatorErrors.push(error));
  await adjudicator.start();
});

afterAll(async () => {
  await adjudicator?.stop();
  for (const connection of connections) connection.close();
  for (const client of clients.values()) client.close();
  await rm(workDir, { recursive: true, force: true });
});

describe('claims on the real network', () => {
  it('pays a covered claim automatically, with no human step', async () => {
    await recordEncounter(id('record-a'), id('patient-a'), COVERED_CODE);
    const filed = await fileClaim(id('claim-a'), id('record-a'), id('policy-a'), 'SVC-CONSULT');
    expect(filed.status).toBe('filed');
    const outcome = await waitForOutcome(id('claim-a'));
    expect(outcome).toMatchObject({ status: 'paid', outcome: 'approved', reasonCode: null });
    expect(Number(outcome.totalBenefit)).toBe(20000); // 25000 − 20 % coinsurance, no deductible
    const fund = (await evaluate(
      regulator,
      runtime.adminIdentity(regulator.mspId),
      'Insurance',
      'GetFundAccount',
      [hospital.mspId],
    )) as { balance: string };
    expect(BigInt(fund.balance)).toBeGreaterThanOrEqual(20000n);
    console.log(`[claims] covered claim paid ${outcome.elapsedMs} ms after its filing event`);
  });

  it('denies an uncovered claim (the insurer learns only "not covered")', async () => {
    await recordEncounter(id('record-b'), id('patient-b'), UNCOVERED_CODE);
    await fileClaim(id('claim-b'), id('record-b'), id('policy-b'), 'SVC-SURGERY');
    const outcome = await waitForOutcome(id('claim-b'));
    expect(outcome).toMatchObject({ status: 'denied', outcome: 'denied', reasonCode: 'NOT_COVERED' });
  });

  it('holds a duplicate bill for review; the compliance officer releases it and it is then paid automatically', async () => {
    await recordEncounter(id('record-a2'), id('patient-a'), COVERED_CODE);
    const filed = await fileClaim(id('claim-a-dup'), id('record-a2'), id('policy-a'), 'SVC-CONSULT');
    expect(filed.status).toBe('held');
    await eventually(
      async () => (queued.has(id('claim-a-dup')) ? true : undefined),
      60_000,
      'the held claim queued',
    );
    expect((await adjudicator.reviewQueue()).map((c) => c.claimId)).toContain(id('claim-a-dup'));
    expect(outcomes.has(id('claim-a-dup'))).toBe(false);
    await submit(
      insurer,
      compliance,
      'Claims',
      'ReleaseClaim',
      [id('claim-a-dup'), 'verified: separate visit'],
      {
        endorsingOrganizations: [insurer.mspId, regulator.mspId],
      },
    );
    const outcome = await waitForOutcome(id('claim-a-dup'));
    expect(outcome.status).toBe('paid');
  });

  it('rejects a forged adjudication from a modified client, then the restarted adjudicator settles it', async () => {
    await adjudicator.stop();
    await recordEncounter(id('record-c'), id('patient-c'), UNCOVERED_CODE);
    await fileClaim(id('claim-c'), id('record-c'), id('policy-c'), 'SVC-XRAY');
    const adjusterForger = await runtime.issueClient(insurer.mspId, id('forger'), { role: 'adjuster' });
    const forge = (m: string, rho: string): Promise<unknown> =>
      submit(insurer, adjusterForger, 'Claims', 'AdjudicateClaim', [id('claim-c'), m, rho], {
        endorsingOrganizations: [insurer.mspId, regulator.mspId],
      });
    // "Covered" (m = 0) with a made-up ρ, and the genuine proof of another claim: both refused.
    await expect(forge('0', '12345')).rejects.toThrow(/proof|decryption/i);
    const claimA = await adjudicator.getClaim(id('claim-a'));
    expect(claimA.status).toBe('paid');
    await expect(forge('0', '1')).rejects.toThrow(/proof|decryption/i);
    expect((await adjudicator.getClaim(id('claim-c'))).status).toBe('filed');

    await adjudicator.start(); // resumes from its checkpoint and finds the filed claim
    const outcome = await waitForOutcome(id('claim-c'));
    expect(outcome.reasonCode).toBe('NOT_COVERED');
    expect(adjudicatorErrors).toEqual([]);
  });

  it('refuses a forged batch naming its claims; the restarted adjudicator settles the backlog in batches', async () => {
    await adjudicator.stop();
    for (const [name, code] of BACKLOG) {
      await recordEncounter(id(`record-${name}`), id(`patient-${name}`), code);
      await fileClaim(id(`claim-${name}`), id(`record-${name}`), id(`policy-${name}`), `SVC-${name}`);
    }
    const forger = await runtime.issueClient(insurer.mspId, id('batch-forger'), { role: 'adjuster' });
    // "Covered" for every claim with made-up ρ: one exponentiation refuses the whole batch.
    const forged = JSON.stringify(
      BACKLOG.map(([name]) => ({ claimId: id(`claim-${name}`), m: '0', rho: '12345' })),
    );
    await expect(
      submit(insurer, forger, 'Claims', 'AdjudicateClaims', [forged], {
        endorsingOrganizations: [insurer.mspId, regulator.mspId],
      }),
    ).rejects.toThrow(/decryption proof rejected for claims/);

    await adjudicator.start();
    const transactions = new Set<string>();
    for (const [name, code] of BACKLOG) {
      const outcome = await waitForOutcome(id(`claim-${name}`));
      expect(outcome.status).toBe(code === COVERED_CODE ? 'paid' : 'denied');
      const claim = (await evaluate(insurer, forger, 'Claims', 'GetClaim', [id(`claim-${name}`)])) as {
        adjudication: { txId: string };
      };
      transactions.add(claim.adjudication.txId);
    }
    console.log(
      `[claims] a backlog of ${BACKLOG.length} claims adjudicated in ${transactions.size} transaction(s)`,
    );
    expect(transactions.size).toBeLessThan(BACKLOG.length);
    expect(adjudicatorErrors).toEqual([]);
  });

  it("keeps the diagnosis off the insurer's peer: only hospital and regulator peers hold the encrypted powers", async () => {
    const read = (org: OrgTopology): Promise<unknown> => {
      const connection = connect(org, doctor.mspId === org.mspId ? doctor : runtime.adminIdentity(org.mspId));
      return connection.gateway
        .getNetwork(runtime.channel)
        .getContract('medfabric', 'Records')
        .evaluate('GetEncryptedDiagnosis', {
          arguments: [id('record-a')],
          endorsingOrganizations: [org.mspId],
        });
    };
    await expect(read(hospital)).resolves.toBeDefined();
    await expect(read(regulator)).resolves.toBeDefined();
    // The doctor asks the insurer's peer directly: allowed by the chaincode, impossible for the peer.
    const viaInsurerPeer = connect(insurer, doctor)
      .gateway.getNetwork(runtime.channel)
      .getContract('medfabric', 'Records')
      .evaluate('GetEncryptedDiagnosis', {
        arguments: [id('record-a')],
        endorsingOrganizations: [insurer.mspId],
      });
    await expect(viaInsurerPeer).rejects.toThrow();
  });
});
