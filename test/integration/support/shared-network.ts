// Access to the shared integration network from test files: the console API (HTTP, token), the
// CLI, and an attached runtime for identities and Gateway connections.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import type { ApiChannel, ApiArgs, ApiResult } from '../../../electron/api/contract';
import { retryWhileDiscovering } from '../../../electron/services/gateway/gateway-client';
import { findFabric } from '../../../electron/services/runtime/fabric-installer';
import { NetworkRuntime } from '../../../electron/services/runtime/network-runtime';
import { loadProfile } from '../../../electron/services/runtime/profile';

export interface SharedNetworkInfo {
  stateDir: string;
  profileFile: string;
  apiUrl: string;
  token: string;
}

export const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

export function networkInfo(): SharedNetworkInfo {
  return inject('network');
}

export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the console API exactly as the renderer does, and rethrows error envelopes. */
export async function api<C extends ApiChannel>(channel: C, args?: ApiArgs<C>): Promise<ApiResult<C>> {
  const { apiUrl, token } = networkInfo();
  const response = await fetch(`${apiUrl}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(args ?? {}),
  });
  const envelope = (await response.json()) as {
    result?: ApiResult<C>;
    error?: { code: string; message: string };
  };
  if (envelope.error) throw new ApiCallError(envelope.error.code, envelope.error.message);
  return envelope.result as ApiResult<C>;
}

/**
 * A runtime attached to the shared network's state: identities and Gateway sessions, no processes.
 * Test files run in any order on one network, and some restart nodes or change the channel, so
 * each file starts from a network that is verifiably ready: every node running, all peers at one
 * height, and a transaction endorsed and committed through every peer org.
 */
export async function attachRuntime(): Promise<NetworkRuntime> {
  const { stateDir, profileFile } = networkInfo();
  const fabric = await findFabric();
  if (!fabric) throw new Error('Fabric is not installed');
  const runtime = new NetworkRuntime({ profile: await loadProfile(profileFile), stateDir, fabric });
  await runtime.attach();
  await waitForNetworkReady(runtime);
  return runtime;
}

export async function waitForNetworkReady(runtime: NetworkRuntime): Promise<void> {
  await eventually(
    async () => {
      const status = await api('network:status');
      const running = status.nodes.every((node) => node.state === 'running');
      const heights = new Set(status.heights.map((h) => h.height));
      return running && status.heights.length === runtime.topology.peers.length && heights.size === 1
        ? true
        : undefined;
    },
    120_000,
    'every node running and all peers at one height',
  );
  for (const org of runtime.topology.peerOrgs) {
    const connection = runtime.gateway(runtime.firstPeerOf(org));
    try {
      const contract = connection.gateway.getNetwork(runtime.channel).getContract('medfabric', 'Diagnostics');
      await retryWhileDiscovering(() => contract.submitTransaction('Ping'));
    } finally {
      connection.close();
    }
  }
}

const execFileAsync = promisify(execFile);

/** Runs the network CLI on the shared network; `--state-dir`/`--profile` in `args` take precedence. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  const { stateDir, profileFile } = networkInfo();
  const defaults = [
    ...(args.includes('--state-dir') ? [] : ['--state-dir', stateDir]),
    ...(args.includes('--profile') ? [] : ['--profile', profileFile]),
  ];
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'electron', 'cli.ts'), ...args, ...defaults],
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 120_000 },
    );
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: failed.code ?? 1 };
  }
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
