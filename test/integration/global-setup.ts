// Starts the shared sandbox network for all integration test files: its own temporary state
// directory and a free block of ports, supervised in this process and reachable through the
// console's headless API. Teardown stops every process it started and keeps the logs.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { stringify as stringifyYaml } from 'yaml';
import { startHeadlessServer } from '../../electron/server/headless-server';
import { ensureFabric } from '../../electron/services/runtime/fabric-installer';
import { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import { loadProfile, PORTS_PER_NODE } from '../../electron/services/runtime/profile';
import { findFreePortBlock } from './support/ports';
import type { SharedNetworkInfo } from './support/shared-network';

declare module 'vitest' {
  export interface ProvidedContext {
    network: SharedNetworkInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-it-'));
  const stateDir = path.join(workDir, 'state');
  const sandbox = await loadProfile('sandbox');
  const nodeCount =
    sandbox.ordererOrg.orderers.length + sandbox.peerOrgs.reduce((n, org) => n + org.peers.length, 0);
  const basePort = await findFreePortBlock(nodeCount * PORTS_PER_NODE);
  const profile = { ...sandbox, name: 'integration', basePort };
  const profileFile = path.join(workDir, 'integration.yaml');
  await writeFile(profileFile, stringifyYaml(profile));

  const fabric = await ensureFabric((message) => console.log(`[fabric] ${message}`));
  const runtime = new NetworkRuntime({ profile, stateDir, fabric, supervisorKind: 'console' });
  const server = await startHeadlessServer({ controller: runtime });
  runtime.on('progress', (event) =>
    console.log(`[network] ${event.step}${event.detail ? `: ${event.detail}` : ''}`),
  );
  try {
    await runtime.up();
  } catch (error) {
    await runtime.down();
    await server.close();
    await keepLogs(stateDir);
    throw error;
  }
  console.log(
    `[network] shared network up in ${((Date.now() - started) / 1000).toFixed(1)} s (ports from ${basePort})`,
  );
  project.provide('network', { stateDir, profileFile, apiUrl: server.url, token: server.token });

  return async () => {
    await runtime.down();
    await server.close();
    await keepLogs(stateDir);
    await rm(workDir, { recursive: true, force: true });
  };
}

async function keepLogs(stateDir: string): Promise<void> {
  const target = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'integration-logs');
  await mkdir(target, { recursive: true });
  await cp(path.join(stateDir, 'logs'), target, { recursive: true, force: true }).catch((error: Error) =>
    console.warn(`[network] logs not kept: ${error.message}`),
  );
}
