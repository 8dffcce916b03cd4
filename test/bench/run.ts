// `npm run bench -- <name> [--duration SECONDS] [--concurrency N]`: runs one benchmark (or `all`),
// prints its figures and writes bench-results/<name>.json. Benchmarks are not tests.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runClaimsBench } from './claims';
import { runConsentBench } from './consent';
import { closedLoop, startBenchNetwork } from './support';
import { formatLedgerBench, runLedgerBench } from '../../electron/services/ledger';
import { noopSubmitter, runNetworkBench } from './network';
import { runUiBench } from './ui';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '64' },
  },
});

const durationMs = Number(values.duration) * 1000;
const concurrency = Number(values.concurrency);
if (!Number.isFinite(durationMs) || durationMs <= 0 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('--duration must be a positive number of seconds and --concurrency a positive integer');
  process.exit(2);
}

const benches: Record<string, () => Promise<unknown>> = {
  network: () => runNetworkBench({ durationMs, concurrency }, (line) => console.log(`[network] ${line}`)),
  // End to end, each in-flight claim needs its own patient (about 1.5 s of encryption to set up),
  // so the claim loop uses at most 16; the no-op ceiling beside it uses the full concurrency.
  claims: () =>
    runClaimsBench(
      {
        durationMs,
        concurrency: Math.min(concurrency, 16),
        ceilingConcurrency: concurrency,
        claimsPerCpuSample: 20,
      },
      (line) => console.log(`[claims] ${line}`),
    ),
  ledger: async () => {
    // Index a real ledger: a short no-op workload on a fresh network, then replay its block file.
    const network = await startBenchNetwork();
    try {
      const noop = noopSubmitter(network.runtime);
      await closedLoop(noop.submit, concurrency, durationMs);
      noop.close();
      const peer = network.runtime.topology.peers[0];
      if (!peer) throw new Error('the profile has no peer');
      const chains = path.join(
        network.runtime.layout.nodeDataDir(peer.id),
        'ledgersData',
        'chains',
        'chains',
        network.runtime.channel,
      );
      const result = await runLedgerBench({
        blockFiles: chains,
        onProgress: (line) => console.log(`[ledger] ${line}`),
      });
      console.log(formatLedgerBench(result));
      return result;
    } finally {
      await network.dispose();
    }
  },
  ui: () => runUiBench({ loads: 10, apiCalls: 200 }, (line) => console.log(`[ui] ${line}`)),
  consent: async () => {
    const network = await startBenchNetwork();
    try {
      return await runConsentBench(
        { durationMs, concurrency, log: (line) => console.log(`[consent] ${line}`) },
        network.runtime,
      );
    } finally {
      await network.dispose();
    }
  },
};

const requested = positionals[0] ?? 'all';
const names = requested === 'all' ? Object.keys(benches) : [requested];
const outDir = path.resolve(import.meta.dirname, '..', '..', 'bench-results');
await mkdir(outDir, { recursive: true });
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; available: ${Object.keys(benches).join(', ')}, all`);
    process.exitCode = 2;
    continue;
  }
  const result = {
    name,
    measuredAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    result: await bench(),
  };
  const file = path.join(outDir, `${name}.json`);
  await writeFile(file, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result.result, null, 2));
  console.log(`written to ${file}`);
}
