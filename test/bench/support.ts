// Shared pieces of the benchmarks: a private network in a temp dir with free ports, load
// generators (closed and open loop) and percentile maths. Benchmarks print figures and write JSON;
// they assert nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureFabric } from '../../electron/services/runtime/fabric-installer';
import { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import { loadProfile, PORTS_PER_NODE } from '../../electron/services/runtime/profile';
import { findFreePortBlock } from '../integration/support/ports';

export interface BenchNetwork {
  runtime: NetworkRuntime;
  stateDir: string;
  coldUpSeconds: number;
  dispose(): Promise<void>;
}

/** Creates and starts a fresh sandbox network (the cold `up`), in its own state dir and ports. */
export async function startBenchNetwork(
  log: (line: string) => void = () => undefined,
): Promise<BenchNetwork> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-bench-'));
  const stateDir = path.join(workDir, 'state');
  const sandbox = await loadProfile('sandbox');
  const nodeCount =
    sandbox.ordererOrg.orderers.length + sandbox.peerOrgs.reduce((n, org) => n + org.peers.length, 0);
  const basePort = await findFreePortBlock(nodeCount * PORTS_PER_NODE);
  const fabric = await ensureFabric();
  const runtime = new NetworkRuntime({ profile: { ...sandbox, name: 'bench', basePort }, stateDir, fabric });
  runtime.on('progress', (event) => log(`${event.step}${event.detail ? `: ${event.detail}` : ''}`));
  const started = performance.now();
  try {
    await runtime.up();
  } catch (error) {
    await runtime.down();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  const coldUpSeconds = (performance.now() - started) / 1000;
  return {
    runtime,
    stateDir,
    coldUpSeconds,
    dispose: async () => {
      await runtime.down();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

export interface LatencySummary {
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  perSecond: number;
  seconds: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

function summarise(latencies: number[], errors: number, seconds: number): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    errors,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    perSecond: round(sorted.length / seconds),
    seconds: round(seconds),
  };
}

/** Closed loop: `concurrency` operations always in flight for `durationMs`. Measures the ceiling. */
export async function closedLoop(
  operation: (worker: number) => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<LatencySummary> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await operation(worker);
          latencies.push(performance.now() - t0);
        } catch {
          // Counted, not thrown: a benchmark reports its error count beside the figures.
          errors += 1;
        }
      }
    }),
  );
  return summarise(latencies, errors, (performance.now() - started) / 1000);
}

/** Open loop: starts one operation every 1/rate seconds regardless of completions (fixed offered load). */
export async function openLoop(
  operation: () => Promise<unknown>,
  ratePerSecond: number,
  durationMs: number,
): Promise<LatencySummary> {
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Array<Promise<void>> = [];
  const started = performance.now();
  const total = Math.floor((ratePerSecond * durationMs) / 1000);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const t0 = performance.now();
    inFlight.push(
      operation().then(
        () => void latencies.push(performance.now() - t0),
        () => void (errors += 1),
      ),
    );
  }
  await Promise.all(inFlight);
  return summarise(latencies, errors, (performance.now() - started) / 1000);
}
