// `npm run bench -- network`: cold and warm `up`, the no-op transaction ceiling (closed loop) and
// commit latency percentiles at a fixed offered load (open loop at half the ceiling).
import { randomBytes, scryptSync } from 'node:crypto';
import { KEYSTORE_KDF } from '../../electron/services/pki/keystore';
import type { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import { closedLoop, median, openLoop, startBenchNetwork, type LatencySummary } from './support';

export interface NetworkBenchResult {
  fabricVersion: string;
  coldUpSeconds: number;
  warmUpSeconds: number;
  ceiling: LatencySummary & { concurrency: number };
  fixedLoad: LatencySummary & { offeredPerSecond: number };
  /** Median time of one keystore key derivation (scrypt with KEYSTORE_KDF): paid on every key read. */
  keystoreKdfMs: number;
}

/** Median of 5 keystore key derivations, with the parameters the keystore uses. */
function keystoreKdfMs(): number {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    scryptSync('passphrase', randomBytes(16), 32, {
      ...KEYSTORE_KDF,
      maxmem: 256 * KEYSTORE_KDF.N * KEYSTORE_KDF.r,
    });
    samples.push(performance.now() - started);
  }
  return Math.round(median(samples) * 10) / 10;
}

/**
 * A no-op transaction: `submit` has it endorsed (regulator + one other peer), ordered, validated
 * and committed; `endorse` only has it endorsed, which is all of the chaincode's work.
 */
export function noopSubmitter(runtime: NetworkRuntime): {
  submit: () => Promise<unknown>;
  endorse: () => Promise<unknown>;
  close: () => void;
} {
  const hospital = runtime.topology.peerOrgs.find((org) => org.role === 'hospital');
  if (!hospital) throw new Error('the profile has no hospital org');
  const connection = runtime.gateway(runtime.firstPeerOf(hospital));
  const contract = connection.gateway.getNetwork(runtime.channel).getContract('medfabric', 'Diagnostics');
  return {
    submit: () => contract.submitTransaction('Ping'),
    endorse: () => contract.newProposal('Ping').endorse(),
    close: () => connection.close(),
  };
}

export async function runNetworkBench(
  options: { durationMs: number; concurrency: number },
  log: (line: string) => void,
): Promise<NetworkBenchResult> {
  log('cold up: fresh state directory (crypto, genesis, joins, chaincode build and deploy)');
  const network = await startBenchNetwork();
  try {
    const { runtime } = network;
    log(`cold up ${network.coldUpSeconds.toFixed(1)} s; warm up: down, then up on the same ledgers`);
    await runtime.down();
    const warmStarted = performance.now();
    await runtime.up();
    const warmUpSeconds = (performance.now() - warmStarted) / 1000;

    const submitter = noopSubmitter(runtime);
    try {
      await closedLoop(submitter.submit, 2, 3_000); // warm the gateway connections and chaincode
      log(`ceiling: ${options.concurrency} no-op submits in flight for ${options.durationMs / 1000} s`);
      const ceiling = await closedLoop(submitter.submit, options.concurrency, options.durationMs);
      const offeredPerSecond = Math.max(1, Math.round(ceiling.perSecond / 2));
      log(`fixed load: ${offeredPerSecond} tx/s offered for ${options.durationMs / 1000} s`);
      const fixedLoad = await openLoop(submitter.submit, offeredPerSecond, options.durationMs);
      return {
        fabricVersion: runtime.fabric.version,
        coldUpSeconds: Math.round(network.coldUpSeconds * 10) / 10,
        warmUpSeconds: Math.round(warmUpSeconds * 10) / 10,
        ceiling: { ...ceiling, concurrency: options.concurrency },
        fixedLoad: { ...fixedLoad, offeredPerSecond },
        keystoreKdfMs: keystoreKdfMs(),
      };
    } finally {
      submitter.close();
    }
  } finally {
    await network.dispose();
  }
}
