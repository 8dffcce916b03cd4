// `npm run bench -- claims`: claims filed + adjudicated + paid per second and end-to-end latency for
// k = 8, 16, 32 covered categories at 2048 bits; the chaincode CPU time of FileClaim and of
// AdjudicateClaim per endorser, read from the chaincode server processes' own CPU counters and
// expressed in units of one 2048-bit modPow(ρ, n, n²) measured in the same run, right before each
// window (after a warm-up, median of CPU_WINDOWS windows); and the ratio of claim throughput to the
// network's no-op ceiling.
//
// The CPU windows endorse back to back, as the unit's exponentiations run back to back: each
// proposal is simulated by the endorsers exactly as a submitted one is (a chaincode does no work at
// commit), without waiting half a second for its block. On this VM a burst of CPU that follows an
// idle half second runs slower than the same work on a busy core (paired: 46.0 against 38.4 ms per
// adjudication, 3 of 3 windows, with two nice-19 spinners keeping the vCPUs awake), so a chaincode
// figure taken between commits and divided by a unit taken in one continuous loop measures the
// machine's wake-up as well as the chaincode. That figure is still reported (adjudicateOneByOne*:
// the same adjudications submitted one at a time), in both the continuous unit and a unit measured
// after the same idle wait.
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
/** Claims filed before any CPU window, not measured: they warm the filing path end to end. */
const WARM_UP_CLAIMS = 100;
/**
 * Endorsements of FileClaim and of AdjudicateClaim before any CPU window, not measured. A
 * chaincode server that has just started spends its first hundred-odd transactions compiling
 * (measured: AdjudicateClaim endorsements fell from 38–46 ms to a steady 33–34 ms after about 150,
 * and a perf profile after 120 still showed 5 % of the CPU on V8's compiler threads); the windows
 * measure the per-transaction cost of a server in service.
 */
const WARM_UP_ENDORSEMENTS = 300;
/**
 * CPU windows per figure (claimsPerCpuSample endorsements each); the figure is the median of the
 * windows' ratios, so that one major GC or a noisy neighbour in one window does not decide it.
 */
const CPU_WINDOWS = 5;
/** Exponentiations timed for the start-of-run unit (about 1.7 s of CPU). */
const UNIT_SAMPLES = 60;
/** Exponentiations timed right before each CPU window (about 0.3 s of CPU). */
const UNIT_SAMPLES_PER_WINDOW = 10;

export interface ClaimsBenchResult {
  keyBits: number;
  /** Mean main-thread CPU time of one 2048-bit modPow(ρ, n, n²) in the bench process, at the start: the unit of noopUnits. */
  modPowUnitMs: number;
  modPowWallMedianMs: number;
  noopCeilingPerSecond: number;
  /** Chaincode CPU of a no-op transaction per endorser (back-to-back endorsements): the fixed per-transaction cost. */
  noopCpuMsPerEndorser: number;
  noopUnits: number;
  byK: Array<{
    k: number;
    /** Mean of the units measured before this k's CPU windows. */
    modPowUnitMs: number;
    endToEnd: LatencySummary & { concurrency: number; ratioToNoopCeiling: number };
    /** Back-to-back endorsements: median window (ms), median of the windows' ratios to their units. */
    fileClaimCpuMsPerEndorser: number;
    fileClaimUnits: number;
    fileClaimWindows: CpuWindow[];
    /** Back-to-back endorsements of the same filed claims in every window: medians as above. */
    adjudicateCpuMsPerEndorser: number;
    adjudicateUnits: number;
    adjudicateWindows: CpuWindow[];
    /** The same adjudications submitted one at a time (each endorsement after an idle wait for the previous block). */
    adjudicateOneByOneCpuMsPerEndorser: number;
    adjudicateOneByOneUnits: number;
    /** Mean CPU of one exponentiation run right after each of those commits, as the endorsements run. */
    modPowAfterIdleUnitMs: number;
    /** adjudicateOneByOneCpuMsPerEndorser in that unit: both sides measured after the same idle wait. */
    adjudicateOneByOneAfterIdleUnits: number;
    /** AdjudicateClaims of batchSize claims, submitted one at a time: chaincode CPU per claim per endorser. */
    adjudicateBatchCpuMsPerClaim: number;
    adjudicateBatchUnitsPerClaim: number;
    batchSize: number;
    /** Transactions per CPU window. */
    cpuSamples: number;
  }>;
}

/** Chaincode CPU per endorser per transaction in one window, and the unit measured right before it. */
export interface CpuWindow {
  ms: number;
  unitMs: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * utime + stime of a whole process in milliseconds, from /proc/<pid>/stat: clock-tick resolution,
 * but it keeps the CPU of threads that have exited.
 */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** CPU time of one thread in milliseconds, at nanosecond resolution (/proc/<pid>/task/<tid>/schedstat). */
async function threadCpuMs(pid: number, tid: number): Promise<number> {
  const schedstat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
  return Number(schedstat.split(' ')[0]) / 1e6;
}

function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** The median window (ms) and the median of the windows' ratios to their own units. */
function summariseWindows(windows: readonly CpuWindow[]): {
  ms: number;
  units: number;
  windows: CpuWindow[];
} {
  return {
    ms: roundTo(median(windows.map((w) => w.ms)), 1),
    units: roundTo(median(windows.map((w) => w.ms / w.unitMs)), 2),
    windows: windows.map((w) => ({ ms: roundTo(w.ms, 1), unitMs: roundTo(w.unitMs, 2) })),
  };
}

/** Runs `run` and returns the CPU the endorsers' processes spent on it, per endorser per transaction (ms). */
async function cpuPerEndorser(
  endorsers: readonly number[],
  transactions: number,
  run: () => Promise<unknown>,
): Promise<number> {
  const before = await Promise.all(endorsers.map((pid) => cpuMs(pid)));
  await run();
  const after = await Promise.all(endorsers.map((pid) => cpuMs(pid)));
  const spent = after.reduce((sum, v, i) => sum + v - (before[i] ?? 0), 0);
  return spent / endorsers.length / transactions;
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
    const cpuBefore = await threadCpuMs(process.pid, process.pid);
    for (const rho of bases) {
      const t0 = performance.now();
      modPow(rho, n, n2);
      wallSamples.push(performance.now() - t0);
    }
    const modPowUnitMs = ((await threadCpuMs(process.pid, process.pid)) - cpuBefore) / bases.length;
    const modPowWallMedianMs = median(wallSamples);
    /** Mean main-thread CPU time of one exponentiation over `count` fresh bases. */
    const modPowCpuMs = async (count: number): Promise<number> => {
      const samples = Array.from({ length: count }, () => randomUnit(n));
      const before = await threadCpuMs(process.pid, process.pid);
      for (const rho of samples) modPow(rho, n, n2);
      return ((await threadCpuMs(process.pid, process.pid)) - before) / count;
    };

    const noop = noopSubmitter(runtime);
    const ceiling = await closedLoop(noop.submit, options.ceilingConcurrency, options.durationMs);
    // Chaincode server pids: FileClaim and the no-op Ping are endorsed by the hospital and the
    // regulator, adjudications by the insurer and the regulator.
    const filingEndorsers = [hospital, regulator].map((org) => world.chaincodePid(org));
    const adjudicationEndorsers = [insurer, regulator].map((org) => world.chaincodePid(org));
    // The fixed cost of any transaction in a Node chaincode server (shim, gRPC, contract routing),
    // measured on the filing endorsers after the ceiling run warmed them.
    const noopCpuMsPerEndorser = await cpuPerEndorser(
      filingEndorsers,
      options.claimsPerCpuSample,
      async () => {
        for (let i = 0; i < options.claimsPerCpuSample; i++) await noop.endorse();
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
    const filingContract = world
      .connect(hospital, doctor)
      .gateway.getNetwork(runtime.channel)
      .getContract('medfabric', 'Claims');
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
      const filingOf = (slot: number, claimId: string) => {
        const target = slots[slot];
        if (!target) throw new Error(`no patient slot ${slot}`);
        const { recordId, policyId } = target;
        const items = JSON.stringify([
          { serviceCode: `SVC-${claimId}`, quantity: 1, unitPrice: '1000', serviceDate: '2026-11-02' },
        ]);
        return {
          arguments: [claimId, recordId, policyId, items],
          transientData: { claimBlind: Buffer.from(randomUnit(n).toString()) },
        };
      };
      return {
        file: async (slot: number, claimId = `bench-claim-${++claimCounter}`): Promise<string> => {
          const filing = filingOf(slot, claimId);
          await world.submit(hospital, doctor, 'Claims', 'FileClaim', filing.arguments, filing.transientData);
          return claimId;
        },
        /** Has a new claim's filing endorsed, not submitted: the claim is never filed. */
        endorse: async (slot: number): Promise<void> => {
          await filingContract
            .newProposal('FileClaim', filingOf(slot, `bench-claim-${++claimCounter}`))
            .endorse();
        },
      };
    };
    type Filer = Awaited<ReturnType<typeof prepareProduct>>;
    /** Files `count` claims, one patient slot after another, the slots in parallel. */
    const fileClaims = async (filer: Filer, count: number): Promise<string[]> => {
      const ids: string[] = [];
      await Promise.all(
        Array.from({ length: Math.min(count, options.concurrency) }, async (_, slot) => {
          for (let i = slot; i < count; i += options.concurrency) ids[i] = await filer.file(slot);
        }),
      );
      return ids;
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
    type Proofs = Awaited<ReturnType<typeof proofsOf>>;
    const endorsement = { endorsingOrganizations: [insurer.mspId, regulator.mspId] };
    const adjudicationOf = ({ claimId, m, rho }: Proofs[number]) => ({
      arguments: [claimId, m, rho],
      ...endorsement,
    });
    /** Has each adjudication endorsed, back to back, not submitted: the claims stay filed. */
    const endorseAdjudications = async (proofs: Proofs, count = proofs.length) => {
      for (let i = 0; i < count; i++) {
        const proof = proofs[i % proofs.length];
        if (!proof) throw new Error('no proof to endorse');
        await claimsContract.newProposal('AdjudicateClaim', adjudicationOf(proof)).endorse();
      }
    };

    log(
      `warm-up: ${WARM_UP_CLAIMS} claims filed, then ${WARM_UP_ENDORSEMENTS} endorsements each of FileClaim and AdjudicateClaim (not measured)`,
    );
    const warmUpFiler = await prepareProduct(16, 'warm-up');
    const warmUpProofs = await proofsOf(await fileClaims(warmUpFiler, WARM_UP_CLAIMS));
    for (let i = 0; i < WARM_UP_ENDORSEMENTS; i++) await warmUpFiler.endorse(i % options.concurrency);
    await endorseAdjudications(warmUpProofs, WARM_UP_ENDORSEMENTS);

    const byK: ClaimsBenchResult['byK'] = [];
    for (const k of [8, 16, 32]) {
      const filer = await prepareProduct(k, `k${k}`);

      // A CPU window, with the unit measured right before it: each window's ratio divides work
      // measured at the same time, as the machine's speed drifts within a run (every figure of
      // one run rose 15 % for minutes).
      const cpuWindow = async (
        endorsers: readonly number[],
        transactions: number,
        run: () => Promise<unknown>,
      ): Promise<CpuWindow> => {
        const unitMs = await modPowCpuMs(UNIT_SAMPLES_PER_WINDOW);
        return { ms: await cpuPerEndorser(endorsers, transactions, run), unitMs };
      };
      // CPU per endorser, with the adjudicator stopped: filing, then adjudication, in CPU_WINDOWS
      // windows of back-to-back endorsements each (filings on one patient per window; the same
      // filed claims adjudicated in every window).
      const proofs = await proofsOf(await fileClaims(filer, options.claimsPerCpuSample));
      const fileClaimWindows: CpuWindow[] = [];
      const adjudicateWindows: CpuWindow[] = [];
      for (let window = 0; window < CPU_WINDOWS; window++) {
        fileClaimWindows.push(
          await cpuWindow(filingEndorsers, options.claimsPerCpuSample, async () => {
            for (let i = 0; i < options.claimsPerCpuSample; i++)
              await filer.endorse(window % options.concurrency);
          }),
        );
        adjudicateWindows.push(
          await cpuWindow(adjudicationEndorsers, proofs.length, () => endorseAdjudications(proofs)),
        );
      }
      // The same adjudications submitted one at a time, as a console without batching would: each
      // endorsement follows an idle wait for the previous block. The unit is also measured that
      // way, one exponentiation after each commit, beside the continuous loop before the window.
      const afterIdleUnits: number[] = [];
      const oneByOne = await cpuWindow(adjudicationEndorsers, proofs.length, async () => {
        for (const proof of proofs) {
          await retryOnReadConflict(() => claimsContract.submit('AdjudicateClaim', adjudicationOf(proof)));
          afterIdleUnits.push(await modPowCpuMs(1));
        }
      });
      const afterIdleUnitMs = afterIdleUnits.reduce((sum, ms) => sum + ms, 0) / afterIdleUnits.length;
      // The same work in batches: one AdjudicateClaims verifies BATCH_SIZE proofs with one modPow.
      const batchProofs = await proofsOf(await fileClaims(filer, options.claimsPerCpuSample));
      const batched = await cpuWindow(adjudicationEndorsers, batchProofs.length, async () => {
        for (let start = 0; start < batchProofs.length; start += BATCH_SIZE) {
          const batch = JSON.stringify(batchProofs.slice(start, start + BATCH_SIZE));
          await retryOnReadConflict(() =>
            claimsContract.submit('AdjudicateClaims', { arguments: [batch], ...endorsement }),
          );
        }
      });
      const allWindows = [...fileClaimWindows, ...adjudicateWindows, oneByOne, batched];
      const unitOfKMs = allWindows.reduce((sum, w) => sum + w.unitMs, 0) / allWindows.length;
      const filing = summariseWindows(fileClaimWindows);
      const adjudication = summariseWindows(adjudicateWindows);

      log(`k=${k}: end-to-end file → automatic adjudication → paid, ${options.concurrency} in flight`);
      await adjudicator.start();
      const endToEnd = await closedLoop(
        async (worker) => {
          const claimId = `bench-claim-${++claimCounter}`;
          const done = new Promise<void>((resolve) => paid.set(claimId, resolve));
          await filer.file(worker, claimId);
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
          ratioToNoopCeiling: roundTo(endToEnd.perSecond / ceiling.perSecond, 3),
        },
        modPowUnitMs: roundTo(unitOfKMs, 2),
        fileClaimCpuMsPerEndorser: filing.ms,
        fileClaimUnits: filing.units,
        fileClaimWindows: filing.windows,
        adjudicateCpuMsPerEndorser: adjudication.ms,
        adjudicateUnits: adjudication.units,
        adjudicateWindows: adjudication.windows,
        adjudicateOneByOneCpuMsPerEndorser: roundTo(oneByOne.ms, 1),
        adjudicateOneByOneUnits: roundTo(oneByOne.ms / oneByOne.unitMs, 2),
        modPowAfterIdleUnitMs: roundTo(afterIdleUnitMs, 2),
        adjudicateOneByOneAfterIdleUnits: roundTo(oneByOne.ms / afterIdleUnitMs, 2),
        adjudicateBatchCpuMsPerClaim: roundTo(batched.ms, 1),
        adjudicateBatchUnitsPerClaim: roundTo(batched.ms / batched.unitMs, 2),
        batchSize: BATCH_SIZE,
        cpuSamples: options.claimsPerCpuSample,
      });
    }
    return {
      keyBits: KEY_BITS,
      modPowUnitMs: roundTo(modPowUnitMs, 2),
      modPowWallMedianMs: roundTo(modPowWallMedianMs, 2),
      noopCeilingPerSecond: ceiling.perSecond,
      noopCpuMsPerEndorser: roundTo(noopCpuMsPerEndorser, 1),
      noopUnits: roundTo(noopCpuMsPerEndorser / modPowUnitMs, 2),
      byK,
    };
  } finally {
    world.close();
    await network.dispose();
  }
}
