// `npm run bench -- claims`: claims filed + adjudicated + paid per second and end-to-end latency for
// k = 8, 16, 32 covered categories at 2048 bits; the chaincode CPU time of FileClaim and of
// AdjudicateClaim per endorser, read from the chaincode server processes' own CPU counters and
// expressed in units of one 2048-bit modPow(ρ, n, n²) measured in the same run, between the windows
// (after a warm-up, median of CPU_WINDOWS windows); and the ratio of claim throughput to the
// network's no-op ceiling.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  icd10Category,
  modPow,
  randomUnit,
  serializeProof,
  decryptWithProof,
  parseDecimalBigInt,
} from '../../chaincode/src/lib/claim-crypto';
import { AutomaticAdjudicator } from '../../electron/services/claims/automatic-adjudicator';
import { HospitalDiagnosisVault, InsurerClaimKeys } from '../../electron/services/claims/claim-secrets';
import type { SigningIdentity } from '../../electron/services/fabric/proposal';
import { retryOnReadConflict, type GatewayConnection } from '../../electron/services/gateway/gateway-client';
import { serviceNodeId } from '../../electron/services/lifecycle/chaincode-deployer';
import {
  MedfabricClient,
  type MedfabricContractName,
} from '../../electron/services/medfabric/medfabric-client';
import type { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import type { OrgTopology } from '../../electron/services/runtime/profile';
import { noopSubmitter } from './network';
import { closedLoop, median, startBenchNetwork, type LatencySummary } from './support';

/** Categories covered by the benchmark products: the first 32 of chapter J (respiratory). */
const CATEGORIES = Array.from({ length: 32 }, (_, i) => icd10Category(`J${String(i + 10).padStart(2, '0')}`));
const KEY_BITS = 2048;
/** Claims per AdjudicateClaims in the batched CPU sample. */
const BATCH_SIZE = 8;
/**
 * Claims filed and adjudicated one by one before any CPU window, not measured. A chaincode server
 * that has just started spends its first few hundred transactions compiling (a perf profile of the
 * insurer's server after 120 transactions still showed 5 % of its CPU on V8's compiler threads);
 * the windows measure the per-transaction cost of a server in service.
 */
const WARM_UP_CLAIMS = 100;
/**
 * CPU windows per figure (claimsPerCpuSample transactions each); the figure is the median window,
 * so that one major GC or a noisy neighbour in one window does not decide it.
 */
const CPU_WINDOWS = 3;
/** Exponentiations timed for the unit: about 1.6 s of CPU, so the 10 ms clock tick is under 1 %. */
const UNIT_SAMPLES = 60;
/** Exponentiations timed before each CPU window (7 windows a k: about 1.9 s of CPU in all). */
const UNIT_SAMPLES_PER_WINDOW = 10;

export interface ClaimsBenchResult {
  keyBits: number;
  /** Mean main-thread CPU time of one 2048-bit modPow(ρ, n, n²) in the bench process, at the start: the unit of noopUnits. */
  modPowUnitMs: number;
  modPowWallMedianMs: number;
  noopCeilingPerSecond: number;
  /** Chaincode CPU of a no-op transaction per endorser: the fixed per-transaction cost. */
  noopCpuMsPerEndorser: number;
  noopUnits: number;
  byK: Array<{
    k: number;
    /** The unit of this k's CPU figures: measured again before each of its CPU windows. */
    modPowUnitMs: number;
    endToEnd: LatencySummary & { concurrency: number; ratioToNoopCeiling: number };
    /** Median of the windows below. */
    fileClaimCpuMsPerEndorser: number;
    fileClaimUnits: number;
    fileClaimCpuMsWindows: number[];
    /** Median of the windows below. */
    adjudicateCpuMsPerEndorser: number;
    adjudicateUnits: number;
    adjudicateCpuMsWindows: number[];
    /** AdjudicateClaims of batchSize claims (one window): chaincode CPU per claim per endorser. */
    adjudicateBatchCpuMsPerClaim: number;
    adjudicateBatchUnitsPerClaim: number;
    batchSize: number;
    /** Transactions per CPU window. */
    cpuSamples: number;
  }>;
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * utime + stime in milliseconds (clock-tick resolution): of a whole process from /proc/<pid>/stat,
 * or of one of its threads from /proc/<pid>/task/<tid>/stat.
 */
async function cpuMs(pid: number, tid?: number): Promise<number> {
  const stat = await readFile(
    tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
    'utf8',
  );
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Runs `run` and returns its value with the CPU the endorsers' processes spent, per endorser per transaction. */
async function cpuPerEndorser<T>(
  endorsers: readonly number[],
  transactions: number,
  run: () => Promise<T>,
): Promise<{ ms: number; value: T }> {
  const before = await Promise.all(endorsers.map((pid) => cpuMs(pid)));
  const value = await run();
  const after = await Promise.all(endorsers.map((pid) => cpuMs(pid)));
  const spent = after.reduce((sum, v, i) => sum + v - (before[i] ?? 0), 0);
  return { ms: spent / endorsers.length / transactions, value };
}

class ClaimsWorld {
  private readonly connections: GatewayConnection[] = [];
  hospital: OrgTopology;
  insurer: OrgTopology;
  regulator: OrgTopology;

  constructor(readonly runtime: NetworkRuntime) {
    const org = (role: OrgTopology['role']): OrgTopology => {
      const found = runtime.topology.peerOrgs.find((o) => o.role === role);
      if (!found) throw new Error(`no ${role} org`);
      return found;
    };
    this.hospital = org('hospital');
    this.insurer = org('insurer');
    this.regulator = org('regulator');
  }

  connect(org: OrgTopology, identity: SigningIdentity): GatewayConnection {
    const connection = this.runtime.gateway(this.runtime.firstPeerOf(org), identity);
    this.connections.push(connection);
    return connection;
  }

  /** One client (one Gateway connection) per org and identity: no TLS handshake inside the measured loop. */
  private readonly clients = new Map<string, MedfabricClient>();

  async submit(
    org: OrgTopology,
    identity: SigningIdentity,
    contract: MedfabricContractName,
    fn: string,
    args: string[],
    transient?: Record<string, Uint8Array>,
  ): Promise<void> {
    const key = `${org.mspId}\n${identity.mspId}\n${identity.certPem}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new MedfabricClient(
        this.runtime,
        this.runtime.firstPeerOf(org),
        identity,
        `${identity.mspId} via ${org.mspId}`,
      );
      this.clients.set(key, client);
    }
    await client.submit(contract, fn, args, transient ? { transientData: transient } : {});
  }

  close(): void {
    for (const connection of this.connections) connection.close();
    for (const client of this.clients.values()) client.close();
  }

  chaincodePid(org: OrgTopology): number {
    const pid = this.runtime.process(serviceNodeId('medfabric', this.runtime.firstPeerOf(org)))?.pid;
    if (pid === undefined) throw new Error(`no chaincode server running for ${org.mspId}`);
    return pid;
  }
}

export async function runClaimsBench(
  options: {
    durationMs: number;
    concurrency: number;
    ceilingConcurrency: number;
    claimsPerCpuSample: number;
  },
  log: (line: string) => void,
): Promise<ClaimsBenchResult> {
  const network = await startBenchNetwork();
  const world = new ClaimsWorld(network.runtime);
  const { runtime, hospital, insurer, regulator } = world;
  try {
    const keystore = await runtime.keystore();
    const doctor = await runtime.issueClient(hospital.mspId, 'bench-doctor', { role: 'doctor' });
    const adjuster = await runtime.issueClient(insurer.mspId, 'bench-adjuster', { role: 'adjuster' });
    const insurerAdmin = runtime.adminIdentity(insurer.mspId);
    const keys = new InsurerClaimKeys(keystore, insurer.mspId);
    const key = await keys.rotate('bench-key', KEY_BITS);
    const n = key.privateKey.n;
    await world.submit(insurer, insurerAdmin, 'Insurance', 'RegisterClaimKey', [key.keyId, n.toString()]);
    await world.submit(insurer, insurerAdmin, 'Insurance', 'DepositFunds', ['900000000000']);
    const vault = new HospitalDiagnosisVault(keystore, hospital.mspId);

    // The unit is CPU time, like the chaincode figures it divides: the mean over UNIT_SAMPLES
    // exponentiations of this process's main thread (the median wall time is logged beside it).
    // Main thread only: the bench process has just loaded the gateway and the console services,
    // and V8's compiler threads were measured adding up to 9 % to a whole-process figure.
    log(`modPow unit: mean main-thread CPU time of ${UNIT_SAMPLES} × modPow(ρ, n, n²) at 2048 bits`);
    const n2 = n * n;
    const bases = Array.from({ length: UNIT_SAMPLES }, () => randomUnit(n));
    const wallSamples: number[] = [];
    const cpuBefore = await cpuMs(process.pid, process.pid);
    for (const rho of bases) {
      const t0 = performance.now();
      modPow(rho, n, n2);
      wallSamples.push(performance.now() - t0);
    }
    const modPowUnitMs = ((await cpuMs(process.pid, process.pid)) - cpuBefore) / bases.length;
    const modPowWallMedianMs = median(wallSamples);
    /** Main-thread CPU time of `count` exponentiations on fresh bases, in ms in all. */
    const modPowCpuMs = async (count: number): Promise<number> => {
      const samples = Array.from({ length: count }, () => randomUnit(n));
      const before = await cpuMs(process.pid, process.pid);
      for (const rho of samples) modPow(rho, n, n2);
      return (await cpuMs(process.pid, process.pid)) - before;
    };

    const noop = noopSubmitter(runtime);
    const ceiling = await closedLoop(noop.submit, options.ceilingConcurrency, options.durationMs);
    // Chaincode server pids: FileClaim and the no-op Ping are endorsed by the hospital and the
    // regulator, adjudications by the insurer and the regulator.
    const filingEndorsers = [hospital, regulator].map((org) => world.chaincodePid(org));
    const adjudicationEndorsers = [insurer, regulator].map((org) => world.chaincodePid(org));
    // The fixed cost of any transaction in a Node chaincode server (shim, gRPC, contract routing),
    // measured on the filing endorsers after the ceiling run warmed them.
    const { ms: noopCpuMsPerEndorser } = await cpuPerEndorser(
      filingEndorsers,
      options.claimsPerCpuSample,
      async () => {
        for (let i = 0; i < options.claimsPerCpuSample; i++) await noop.submit();
      },
    );
    noop.close();
    log(
      `no-op ceiling ${ceiling.perSecond} tx/s; modPow unit ${modPowUnitMs.toFixed(2)} ms CPU (median wall ${modPowWallMedianMs.toFixed(2)} ms); no-op chaincode CPU ${noopCpuMsPerEndorser.toFixed(1)} ms`,
    );

    const adjudicator = new AutomaticAdjudicator({
      connection: world.connect(insurer, adjuster),
      channel: runtime.channel,
      chaincode: 'medfabric',
      insurerMspId: insurer.mspId,
      regulatorMspId: regulator.mspId,
      keys,
      checkpointFile: path.join(network.stateDir, 'bench-adjudicator.checkpoint'),
    });
    const paid = new Map<string, () => void>();
    adjudicator.on('adjudicated', (outcome) => paid.get(outcome.claimId)?.());
    adjudicator.on('error', (error) => log(`adjudicator error: ${error.message}`));
    adjudicator.on('batch-refused', ({ claimIds, error }) =>
      log(`adjudicator: batch of ${claimIds.length} refused (${error.message}); one by one`),
    );

    let claimCounter = 0;
    /**
     * A product covering the first k categories, and one patient (policy and encounter) per
     * in-flight claim: claims of one patient touch the same supervision keys, and concurrent ones
     * would conflict (MVCC) rather than measure work. Returns a filer of claims for a patient slot.
     */
    const prepareProduct = async (k: number, tag: string) => {
      const productId = `bench-product-${tag}`;
      await world.submit(insurer, insurerAdmin, 'Insurance', 'CreateProduct', [
        productId,
        `Bench product ${tag}`,
        JSON.stringify(CATEGORIES.slice(0, k)),
        '900000000000',
        '0',
        '1000',
        '2026-01-01',
        '2026-12-31',
        key.keyId,
      ]);
      const slots = await Promise.all(
        Array.from({ length: options.concurrency }, async (_, slot) => {
          const patient = `bench-patient-${tag}-${slot}`;
          const policyId = `bench-policy-${tag}-${slot}`;
          const recordId = `bench-record-${tag}-${slot}`;
          await world.submit(insurer, insurerAdmin, 'Insurance', 'IssuePolicy', [
            policyId,
            patient,
            productId,
            '2026-01-01',
            '2026-12-31',
          ]);
          // The diagnosis is the LAST covered category, so P(x) = 0 only after all k factors.
          const sealed = await vault.seal({
            recordId,
            icd10Code: `J${k + 9}`,
            insurerModulus: n,
            claimKeyId: key.keyId,
            powers: 32,
          });
          await world.submit(
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
              '2026-11-02T10:00:00Z',
              createHash('sha256').update(recordId).digest('hex'),
              `https://records.hospital.example/${recordId}`,
              createHash('sha256').update(`tag:${sealed.category}`).digest('hex'),
              sealed.sha256,
            ],
            { encryptedDiagnosis: sealed.transient },
          );
          return { recordId, policyId };
        }),
      );
      // Distinct service codes: many claims per patient without a duplicate-billing hold.
      return async (slot: number, claimId = `bench-claim-${++claimCounter}`): Promise<string> => {
        const target = slots[slot];
        if (!target) throw new Error(`no patient slot ${slot}`);
        const { recordId, policyId } = target;
        const items = JSON.stringify([
          { serviceCode: `SVC-${claimId}`, quantity: 1, unitPrice: '1000', serviceDate: '2026-11-02' },
        ]);
        await world.submit(hospital, doctor, 'Claims', 'FileClaim', [claimId, recordId, policyId, items], {
          claimBlind: Buffer.from(randomUnit(n).toString()),
        });
        return claimId;
      };
    };

    // The proofs are computed outside the CPU windows: only the adjudication transactions run inside.
    const claimsContract = world
      .connect(insurer, adjuster)
      .gateway.getNetwork(runtime.channel)
      .getContract('medfabric', 'Claims');
    const proofsOf = async (claimIds: readonly string[]) => {
      const proofs = [];
      for (const claimId of claimIds) {
        const claim = JSON.parse(
          Buffer.from(await claimsContract.evaluateTransaction('GetClaim', claimId)).toString(),
        ) as {
          encryptedEligibility: string;
        };
        const proof = serializeProof(
          decryptWithProof(key.privateKey, parseDecimalBigInt(claim.encryptedEligibility, 'e')),
        );
        proofs.push({ claimId, m: proof.m, rho: proof.rho });
      }
      return proofs;
    };
    const endorsement = { endorsingOrganizations: [insurer.mspId, regulator.mspId] };
    const adjudicateOneByOne = async (proofs: Awaited<ReturnType<typeof proofsOf>>) => {
      for (const { claimId, m, rho } of proofs) {
        await retryOnReadConflict(() =>
          claimsContract.submit('AdjudicateClaim', { arguments: [claimId, m, rho], ...endorsement }),
        );
      }
    };

    log(`warm-up: ${WARM_UP_CLAIMS} claims filed, then adjudicated one by one (not measured)`);
    const fileWarmUpClaim = await prepareProduct(16, 'warm-up');
    const warmUpIds: string[] = [];
    while (warmUpIds.length < WARM_UP_CLAIMS) {
      const round = Math.min(options.concurrency, WARM_UP_CLAIMS - warmUpIds.length);
      warmUpIds.push(
        ...(await Promise.all(Array.from({ length: round }, (_, slot) => fileWarmUpClaim(slot)))),
      );
    }
    await adjudicateOneByOne(await proofsOf(warmUpIds));

    const byK: ClaimsBenchResult['byK'] = [];
    for (const k of [8, 16, 32]) {
      const fileOne = await prepareProduct(k, `k${k}`);

      // A CPU window, with the unit measured again before it: this k's figures divide by the unit
      // of its own windows, as the machine's speed drifts within a run (every figure of one run
      // rose 15 % for minutes) and a ratio should divide work measured at the same time.
      const unitOfK = { ms: 0, count: 0 };
      const cpuWindow = async <T>(
        endorsers: readonly number[],
        transactions: number,
        run: () => Promise<T>,
      ): Promise<{ ms: number; value: T }> => {
        unitOfK.ms += await modPowCpuMs(UNIT_SAMPLES_PER_WINDOW);
        unitOfK.count += UNIT_SAMPLES_PER_WINDOW;
        return cpuPerEndorser(endorsers, transactions, run);
      };
      // CPU per endorser: filing with the adjudicator stopped, then adjudication alone, in
      // CPU_WINDOWS windows (one patient each); the figure is the median window.
      const fileClaimWindows: number[] = [];
      const adjudicateWindows: number[] = [];
      for (let window = 0; window < CPU_WINDOWS; window++) {
        const filed = await cpuWindow(filingEndorsers, options.claimsPerCpuSample, async () => {
          const ids: string[] = [];
          for (let i = 0; i < options.claimsPerCpuSample; i++)
            ids.push(await fileOne(window % options.concurrency));
          return ids;
        });
        fileClaimWindows.push(filed.ms);
        const proofs = await proofsOf(filed.value);
        const adjudicated = await cpuWindow(adjudicationEndorsers, proofs.length, () =>
          adjudicateOneByOne(proofs),
        );
        adjudicateWindows.push(adjudicated.ms);
      }
      const fileClaimCpuMsPerEndorser = median(fileClaimWindows);
      const adjudicateCpuMsPerEndorser = median(adjudicateWindows);
      // The same work in batches: one AdjudicateClaims verifies BATCH_SIZE proofs with one modPow.
      const batchIds: string[] = [];
      for (let i = 0; i < options.claimsPerCpuSample; i++)
        batchIds.push(await fileOne(CPU_WINDOWS % options.concurrency));
      const batchProofs = await proofsOf(batchIds);
      const { ms: adjudicateBatchCpuMsPerEndorser } = await cpuWindow(
        adjudicationEndorsers,
        batchProofs.length,
        async () => {
          for (let start = 0; start < batchProofs.length; start += BATCH_SIZE) {
            const batch = JSON.stringify(batchProofs.slice(start, start + BATCH_SIZE));
            await retryOnReadConflict(() =>
              claimsContract.submit('AdjudicateClaims', { arguments: [batch], ...endorsement }),
            );
          }
        },
      );
      const unitOfKMs = unitOfK.ms / unitOfK.count;

      log(`k=${k}: end-to-end file → automatic adjudication → paid, ${options.concurrency} in flight`);
      await adjudicator.start();
      const endToEnd = await closedLoop(
        async (worker) => {
          const claimId = `bench-claim-${++claimCounter}`;
          const done = new Promise<void>((resolve) => paid.set(claimId, resolve));
          await fileOne(worker, claimId);
          await done;
          paid.delete(claimId);
        },
        options.concurrency,
        options.durationMs,
      );
      await adjudicator.stop();
      byK.push({
        k,
        endToEnd: {
          ...endToEnd,
          concurrency: options.concurrency,
          ratioToNoopCeiling: Math.round((endToEnd.perSecond / ceiling.perSecond) * 1000) / 1000,
        },
        fileClaimCpuMsPerEndorser: Math.round(fileClaimCpuMsPerEndorser * 10) / 10,
        modPowUnitMs: Math.round(unitOfKMs * 100) / 100,
        fileClaimUnits: Math.round((fileClaimCpuMsPerEndorser / unitOfKMs) * 100) / 100,
        fileClaimCpuMsWindows: fileClaimWindows.map((ms) => Math.round(ms * 10) / 10),
        adjudicateCpuMsPerEndorser: Math.round(adjudicateCpuMsPerEndorser * 10) / 10,
        adjudicateUnits: Math.round((adjudicateCpuMsPerEndorser / unitOfKMs) * 100) / 100,
        adjudicateCpuMsWindows: adjudicateWindows.map((ms) => Math.round(ms * 10) / 10),
        adjudicateBatchCpuMsPerClaim: Math.round(adjudicateBatchCpuMsPerEndorser * 10) / 10,
        adjudicateBatchUnitsPerClaim: Math.round((adjudicateBatchCpuMsPerEndorser / unitOfKMs) * 100) / 100,
        batchSize: BATCH_SIZE,
        cpuSamples: options.claimsPerCpuSample,
      });
    }
    return {
      keyBits: KEY_BITS,
      modPowUnitMs: Math.round(modPowUnitMs * 100) / 100,
      modPowWallMedianMs: Math.round(modPowWallMedianMs * 100) / 100,
      noopCeilingPerSecond: ceiling.perSecond,
      noopCpuMsPerEndorser: Math.round(noopCpuMsPerEndorser * 10) / 10,
      noopUnits: Math.round((noopCpuMsPerEndorser / modPowUnitMs) * 100) / 100,
      byK,
    };
  } finally {
    world.close();
    await network.dispose();
  }
}
