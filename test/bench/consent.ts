// Consent benchmark against a running network (a NetworkRuntime attached to it): record anchors per
// second (Records:RecordEncounter WITH the encrypted diagnosis in private data), consent checks per
// second (Access:AccessRecord by an adjuster holding an active consent; it writes a disclosure, so it
// is a submit) and the no-op ceiling (Diagnostics:Ping submits) in the same run. Offered load: a
// closed loop of `concurrency` in-flight submits for `durationMs` per phase, each submit waiting for
// its commit. Every phase is pinned to two endorsers (the acting org's peer + the regulator's), as the
// endorsement policy requires, so the three phases differ only in what the chaincode does.
import os from 'node:os';
// Submodules, not the claim-crypto index: under tsx the chaincode folder is CommonJS and Node cannot
// see the index's `export *` re-exports as named exports.
import { icd10Category } from '../../chaincode/src/lib/claim-crypto/icd10';
import { generateClaimKeyPair } from '../../chaincode/src/lib/claim-crypto/keys';
import { DEFAULT_KEY_BITS, K_DEFAULT } from '../../chaincode/src/lib/claim-crypto/params';
import { isDiscoveryWarmingUp } from '../../electron/services/gateway/gateway-client';
import type { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import {
  diagnosisTagFor,
  encryptedDiagnosisFor,
  issueMedfabricClient,
  peerOrgOf,
  sha256Hex,
  uniqueRunTag,
  type MedfabricClient,
} from '../../electron/services/medfabric/medfabric-client';

export interface ConsentBenchOptions {
  /** Measured time per phase. */
  durationMs: number;
  /** Submits in flight at any time (closed loop). */
  concurrency: number;
  /** Unmeasured warm-up per phase (default: min(2 s, durationMs / 5)). */
  warmupMs?: number;
  /** Encrypted powers per anchored encounter (default: the network default K = 32). */
  encryptedPowers?: number;
  /** Insurer key size for the ciphertexts (default 2048). */
  keyBits?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface PhaseResult {
  /** `Contract:Transaction` submitted. */
  transaction: string;
  /** MSP ids of the endorsing peers. */
  endorsers: string[];
  /** Gateway peer the client submits through. */
  gatewayPeer: string;
  /** Committed, successful submits in the measured window. */
  completed: number;
  errors: number;
  /** The first few error messages (distinct). */
  errorSamples: string[];
  /** From the first measured start to the last measured completion. */
  elapsedMs: number;
  /** completed / elapsed. */
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; mean: number; max: number };
}

export interface ConsentBenchResult {
  benchmark: 'consent';
  startedAt: string;
  durationMs: number;
  warmupMs: number;
  concurrency: number;
  environment: { cpus: number; cpuModel: string; node: string; fabric: string; channel: string };
  /** What a record anchor carries (the private data is part of every anchor measured). */
  recordAnchorPayload: {
    privateData: true;
    encryptedPowers: number;
    keyBits: number;
    transientBytes: number;
    note: string;
  };
  noop: PhaseResult;
  recordAnchors: PhaseResult;
  consentChecks: PhaseResult;
  /** Throughput of each phase divided by the no-op ceiling's (1 = as fast as a no-op). */
  ratiosToNoop: {
    recordAnchorsPerSecond: number;
    consentChecksPerSecond: number;
    recordAnchorsP50Latency: number;
    consentChecksP50Latency: number;
  };
}

interface Sample {
  latencies: number[];
  errors: string[];
  firstStart: number;
  lastEnd: number;
}

/**
 * Runs the three phases (no-op ceiling first, then record anchors, then consent checks) against the
 * network `runtime` is attached to (`up` or `attach`); issues its own identities with unique names.
 */
export async function runConsentBench(
  opts: ConsentBenchOptions,
  runtime: NetworkRuntime,
): Promise<ConsentBenchResult> {
  const log = opts.log ?? (() => undefined);
  const { durationMs, concurrency } = opts;
  if (!Number.isFinite(durationMs) || durationMs <= 0) throw new Error('durationMs must be positive');
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error('concurrency must be an integer ≥ 1');
  const warmupMs = opts.warmupMs ?? Math.min(2_000, Math.floor(durationMs / 5));
  const K = opts.encryptedPowers ?? K_DEFAULT;
  const keyBits = opts.keyBits ?? DEFAULT_KEY_BITS;
  const startedAt = new Date().toISOString();

  const hospital = peerOrgOf(runtime, 'hospital').mspId;
  const insurer = peerOrgOf(runtime, 'insurer').mspId;
  const regulator = peerOrgOf(runtime, 'regulator').mspId;
  const tag = uniqueRunTag('bench');
  const patientId = `P-${tag}`;

  log(`issuing identities (${tag})`);
  const doctor = await issueMedfabricClient(runtime, 'hospital', `bench-doctor-${tag}`, { role: 'doctor' });
  const adjuster = await issueMedfabricClient(runtime, 'insurer', `bench-adjuster-${tag}`, {
    role: 'adjuster',
  });
  const patient = await issueMedfabricClient(runtime, 'hospital', `bench-patient-${tag}`, {
    role: 'patient',
    patientId,
  });
  const clients = [doctor, adjuster, patient];
  try {
    const anchorEndorsers = [hospital, regulator];
    const checkEndorsers = [insurer, regulator];

    log(`encrypting the diagnosis once: K = ${K}, ${keyBits}-bit key`);
    const { publicKey } = await generateClaimKeyPair(keyBits);
    const category = icd10Category('J45');
    const diagnosis = encryptedDiagnosisFor(publicKey.n, `claimkey-${tag}`, category, K);
    const anchor = (recordId: string) =>
      doctor.recordEncounter(
        {
          recordId,
          patientPseudonym: patientId,
          hospitalMspId: hospital,
          encounterType: 'outpatient',
          admittedAt: '2025-03-01T09:00:00Z',
          dischargedAt: '2025-03-01T10:00:00Z',
          contentSha256: sha256Hex(recordId),
          contentLocation: `fhir://hospital.medfabric.local/Bundle/${recordId}`,
          diagnosisTag: diagnosisTagFor(category),
          encryptedDiagnosisSha256: diagnosis.sha256,
          encryptedDiagnosis: diagnosis.transient,
        },
        { endorsingOrganizations: anchorEndorsers },
      );

    log('setting up: one record and an active payment consent for the adjuster');
    for (const client of clients) await untilEndorsed(client);
    const checkedRecord = `${tag}-checked`;
    await anchor(checkedRecord);
    const consent = await adjuster.requestAccess(
      {
        patientPseudonym: patientId,
        purpose: 'payment',
        scope: { recordIds: [checkedRecord] },
        periodStart: new Date(Date.now() - 5 * 60_000).toISOString(),
        periodEnd: new Date(Date.now() + 24 * 3_600_000).toISOString(),
      },
      { endorsingOrganizations: checkEndorsers },
    );
    await waitForConsent(adjuster, consent.consentId, 'proposed', [hospital]);
    await patient.approveAccess(consent.consentId, { endorsingOrganizations: anchorEndorsers });
    await waitForConsent(adjuster, consent.consentId, 'active', checkEndorsers);
    await adjuster.accessRecord(checkedRecord, 'payment', { endorsingOrganizations: checkEndorsers });

    const phase = async (
      name: string,
      client: MedfabricClient,
      endorsers: string[],
      operation: (sequence: number) => Promise<unknown>,
    ): Promise<PhaseResult> => {
      log(`${name}: warm-up ${warmupMs} ms, then ${durationMs} ms at ${concurrency} in flight`);
      let sequence = 0;
      if (warmupMs > 0) await closedLoop(concurrency, warmupMs, () => operation(sequence++));
      const sample = await closedLoop(concurrency, durationMs, () => operation(sequence++));
      const result = summarise(name, client, endorsers, sample);
      log(
        `${name}: ${result.completed} ok, ${result.errors} failed, ${result.perSecond.toFixed(1)}/s, ` +
          `p50 ${result.latencyMs.p50.toFixed(0)} ms, p95 ${result.latencyMs.p95.toFixed(0)} ms`,
      );
      return result;
    };

    const noop = await phase('Diagnostics:Ping', doctor, anchorEndorsers, () =>
      doctor.ping({ endorsingOrganizations: anchorEndorsers }),
    );
    const recordAnchors = await phase('Records:RecordEncounter', doctor, anchorEndorsers, (sequence) =>
      anchor(`${tag}-a${sequence}`),
    );
    const consentChecks = await phase('Access:AccessRecord', adjuster, checkEndorsers, () =>
      adjuster.accessRecord(checkedRecord, 'payment', { endorsingOrganizations: checkEndorsers }),
    );

    const ratio = (a: number, b: number): number => (b > 0 ? round(a / b, 3) : 0);
    return {
      benchmark: 'consent',
      startedAt,
      durationMs,
      warmupMs,
      concurrency,
      environment: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        fabric: runtime.fabric.version,
        channel: runtime.channel,
      },
      recordAnchorPayload: {
        privateData: true,
        encryptedPowers: K,
        keyBits,
        transientBytes: diagnosis.transient.byteLength,
        note:
          'every anchor carries the same pre-computed E(x)..E(x^K) in the transient map (client-side ' +
          'encryption, ≈ K modular exponentiations, is not measured); the chaincode validates, ' +
          're-serialises and hashes it and both endorsers store it in the hospital–regulator collection',
      },
      noop,
      recordAnchors,
      consentChecks,
      ratiosToNoop: {
        recordAnchorsPerSecond: ratio(recordAnchors.perSecond, noop.perSecond),
        consentChecksPerSecond: ratio(consentChecks.perSecond, noop.perSecond),
        recordAnchorsP50Latency: ratio(recordAnchors.latencyMs.p50, noop.latencyMs.p50),
        consentChecksP50Latency: ratio(consentChecks.latencyMs.p50, noop.latencyMs.p50),
      },
    };
  } finally {
    for (const client of clients) client.close();
  }
}

/** A short human-readable table of a result. */
export function formatConsentBench(result: ConsentBenchResult): string {
  const row = (label: string, phase: PhaseResult, ratio: number | undefined): string =>
    `${label.padEnd(31)} ${phase.perSecond.toFixed(1).padStart(8)}/s  p50 ${phase.latencyMs.p50
      .toFixed(0)
      .padStart(5)} ms  p95 ${phase.latencyMs.p95.toFixed(0).padStart(5)} ms  errors ${String(
      phase.errors,
    ).padStart(3)}${ratio === undefined ? '' : `  ×${ratio.toFixed(2)} of no-op`}`;
  return [
    `consent benchmark: ${result.concurrency} in flight, ${result.durationMs} ms per phase, ` +
      `${result.environment.cpus} CPUs, Fabric ${result.environment.fabric}`,
    row('no-op (Diagnostics:Ping)', result.noop, undefined),
    row(
      `record anchors (K=${result.recordAnchorPayload.encryptedPowers})`,
      result.recordAnchors,
      result.ratiosToNoop.recordAnchorsPerSecond,
    ),
    row('consent checks (AccessRecord)', result.consentChecks, result.ratiosToNoop.consentChecksPerSecond),
  ].join('\n');
}

/** `concurrency` workers, each starting its next call when the previous one ends, until the deadline. */
async function closedLoop(
  concurrency: number,
  durationMs: number,
  operation: () => Promise<unknown>,
): Promise<Sample> {
  const sample: Sample = { latencies: [], errors: [], firstStart: performance.now(), lastEnd: 0 };
  const deadline = sample.firstStart + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const start = performance.now();
      try {
        await operation();
        sample.latencies.push(performance.now() - start);
      } catch (error) {
        sample.errors.push(error instanceof Error ? error.message : String(error));
      }
      sample.lastEnd = performance.now();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return sample;
}

function summarise(
  transaction: string,
  client: MedfabricClient,
  endorsers: string[],
  sample: Sample,
): PhaseResult {
  const sorted = [...sample.latencies].sort((a, b) => a - b);
  const elapsedMs = Math.max(sample.lastEnd - sample.firstStart, 1);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    transaction,
    endorsers,
    gatewayPeer: client.peer.id,
    completed: sorted.length,
    errors: sample.errors.length,
    errorSamples: [...new Set(sample.errors)].slice(0, 5),
    elapsedMs: round(elapsedMs, 1),
    perSecond: round((sorted.length * 1_000) / elapsedMs, 2),
    latencyMs: {
      p50: round(percentile(sorted, 0.5), 1),
      p95: round(percentile(sorted, 0.95), 1),
      p99: round(percentile(sorted, 0.99), 1),
      mean: round(mean, 1),
      max: round(sorted[sorted.length - 1] ?? 0, 1),
    },
  };
}

/** Nearest-rank percentile of an ascending array (0 for an empty one). */
function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Polls GetConsent through each org's peer until it reports `status` (the next phase reads it there). */
async function waitForConsent(
  client: MedfabricClient,
  consentId: string,
  status: string,
  orgs: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const mspId of orgs) {
    let last: string;
    for (;;) {
      try {
        const consent = await client.getConsent(consentId, { endorsingOrganizations: [mspId] });
        if (consent.status === status) break;
        last = `status ${consent.status}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() > deadline) {
        throw new Error(`consent ${consentId} did not become ${status} on the ${mspId} peer: ${last}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Pings until the Gateway can plan an endorsement: right after a start or restart gossip may not know
 * the other orgs' peers yet ("no combination of peers can be derived which satisfy the endorsement
 * policy", or the warm-up messages of isDiscoveryWarmingUp). Other errors are thrown at once.
 */
async function untilEndorsed(client: MedfabricClient, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.ping();
      return;
    } catch (error) {
      const warmingUp =
        isDiscoveryWarmingUp(error) ||
        (error instanceof Error && /no combination of peers can be derived/.test(error.message));
      if (!warmingUp || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
