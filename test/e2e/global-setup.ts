// Starts the console the browser tests drive ON A REAL NETWORK: the production renderer bundle,
// a NetworkRuntime on its own temporary state directory and free block of ports (exactly like the
// integration harness), ConsoleServices and the headless server. The network is NOT brought up
// here: the first test does that through the first-run wizard. Teardown stops every Fabric
// process the run started and keeps the logs.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { stringify as stringifyYaml } from 'yaml';
import { startHeadlessServer } from '../../electron/server/headless-server';
import { ConsoleServices } from '../../electron/services/console';
import { generateDemoActivity } from '../../electron/services/demo/demo-generator';
import { LedgerService } from '../../electron/services/ledger-console';
import { ensureFabric } from '../../electron/services/runtime/fabric-installer';
import { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import { loadProfile, PORTS_PER_NODE } from '../../electron/services/runtime/profile';
import { findFreePortBlock } from '../integration/support/ports';
import {
  E2E_ENV,
  NEWCOMER_STORAGE_STATE_FILE,
  RENDERER_DIST,
  REPO_ROOT,
  STORAGE_STATE_FILE,
} from './support/environment';

async function signInOnce(loginUrl: string, origin: string, storageFile = STORAGE_STATE_FILE): Promise<void> {
  const response = await fetch(loginUrl, { redirect: 'manual' });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const separator = cookie.indexOf('=');
  if (response.status !== 303 || separator < 0)
    throw new Error(`sign-in for the browser tests failed: HTTP ${response.status}`);
  const { hostname } = new URL(origin);
  await mkdir(path.dirname(storageFile), { recursive: true });
  await writeFile(
    storageFile,
    JSON.stringify({
      cookies: [
        {
          name: cookie.slice(0, separator),
          value: cookie.slice(separator + 1),
          domain: hostname,
          path: '/',
          expires: -1,
          httpOnly: true,
          secure: false,
          sameSite: 'Strict',
        },
      ],
      origins: [],
    }),
  );
}

/** Ports for the newcomer's nodes, apart from the first network's block. */
async function newcomerPortBlock(takenFrom: number, takenTo: number): Promise<number> {
  const size = 2 * PORTS_PER_NODE;
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = await findFreePortBlock(size);
    if (base + size <= takenFrom || base >= takenTo) return base;
  }
  throw new Error(`no block of ${size} free ports apart from the first network's for the newcomer console`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  await build({ configFile: path.join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });

  const workDir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-e2e-'));
  const stateDir = path.join(workDir, 'state');
  const sandbox = await loadProfile('sandbox');
  const nodeCount =
    sandbox.ordererOrg.orderers.length + sandbox.peerOrgs.reduce((n, org) => n + org.peers.length, 0);
  const basePort = await findFreePortBlock(nodeCount * PORTS_PER_NODE);
  // The hospital runs a Fabric CA (the Certificates page registers and enrolls through it).
  // Its port must lie outside the node ports, which are still free until the wizard brings them up.
  const nodePortsEnd = basePort + nodeCount * PORTS_PER_NODE;
  let caPort = await findFreePortBlock(1);
  while (caPort >= basePort && caPort < nodePortsEnd) caPort = await findFreePortBlock(1);
  const profile = {
    ...sandbox,
    basePort,
    peerOrgs: sandbox.peerOrgs.map((org) =>
      org.role === 'hospital' ? { ...org, fabricCa: { port: caPort } } : org,
    ),
  };
  await writeFile(path.join(workDir, 'e2e.yaml'), stringifyYaml(profile));

  const fabric = await ensureFabric((message) => console.log(`[fabric] ${message}`));
  const createRuntime = (dir: string, chosen = profile) =>
    new NetworkRuntime({ profile: chosen, stateDir: dir, fabric, supervisorKind: 'console' });
  const services = new ConsoleServices({
    runtime: createRuntime(stateDir),
    openRuntime: (dir, chosen) => createRuntime(dir, chosen),
  });
  services.controller.on('progress', (event) =>
    console.log(`[network] ${event.step}${event.detail ? `: ${event.detail}` : ''}`),
  );
  // The acting org's ledger index, as npm start runs it (follows its peer once the wizard brings the network up).
  const ledger = new LedgerService(services).attach();
  const server = await startHeadlessServer({
    controller: services.controller,
    services,
    ledger,
    staticDir: RENDERER_DIST,
  });
  // Test-only control endpoint: POST /demo {seed, patients} generates a KNOWN workload through real
  // transactions (the dashboards spec compares the pages with it). Loopback, same token as the API.
  const control = createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/demo') return reply(404, { error: 'POST /demo only' });
    if (request.headers.authorization !== `Bearer ${server.token}`) return reply(401, { error: 'token' });
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const { seed, patients } = JSON.parse(body || '{}') as { seed?: number; patients?: number };
      generateDemoActivity(services.runtime, { seed, patients, log: (line) => console.log(`[demo] ${line}`) })
        .then((summary) => reply(200, { summary }))
        .catch((error: Error) => reply(500, { error: error.message }));
    });
  });
  control.requestTimeout = 0;
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  process.env[E2E_ENV.controlUrl] = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;

  // The second console: its own empty state directory and ports, where the onboarding spec joins
  // the first console's consortium through the wizard (as a newcomer's `npm start` would).
  const newcomerDir = path.join(workDir, 'newcomer-state');
  await mkdir(newcomerDir, { recursive: true });
  const newcomerBasePort = await newcomerPortBlock(basePort, basePort + nodeCount * PORTS_PER_NODE);
  const newcomerServices = new ConsoleServices({
    runtime: createRuntime(newcomerDir, { ...sandbox, basePort: newcomerBasePort }),
    openRuntime: (dir, chosen) => createRuntime(dir, chosen),
  });
  newcomerServices.controller.on('progress', (event) =>
    console.log(`[newcomer] ${event.step}${event.detail ? `: ${event.detail}` : ''}`),
  );
  const newcomerLedger = new LedgerService(newcomerServices).attach();
  const newcomerServer = await startHeadlessServer({
    controller: newcomerServices.controller,
    services: newcomerServices,
    ledger: newcomerLedger,
    staticDir: RENDERER_DIST,
  });
  await signInOnce(newcomerServer.createLoginUrl(), newcomerServer.url, NEWCOMER_STORAGE_STATE_FILE);
  process.env[E2E_ENV.newcomerUrl] = newcomerServer.url;
  process.env[E2E_ENV.newcomerToken] = newcomerServer.token;
  process.env[E2E_ENV.newcomerStateDir] = newcomerDir;
  console.log(
    `[e2e] newcomer console at ${newcomerServer.url}, state in ${newcomerDir}, ports from ${newcomerBasePort}`,
  );

  await signInOnce(server.createLoginUrl(), server.url);
  process.env[E2E_ENV.url] = server.url;
  process.env[E2E_ENV.loginUrl] = server.createLoginUrl();
  process.env[E2E_ENV.token] = server.token;
  process.env[E2E_ENV.stateDir] = stateDir;
  console.log(`[e2e] console at ${server.url}, state in ${stateDir}, ports from ${basePort}`);

  return async () => {
    const runtime = services.runtime;
    control.close();
    // The newcomer first: its peer must not outlive the orderer it follows.
    const newcomerRuntime = newcomerServices.runtime;
    await newcomerLedger.dispose();
    await newcomerRuntime.down();
    await newcomerServer.close();
    await ledger.dispose();
    await runtime.down();
    await server.close();
    const logs = path.join(REPO_ROOT, 'test-results', 'e2e-logs');
    await mkdir(logs, { recursive: true });
    await cp(runtime.layout.logDir, logs, { recursive: true, force: true }).catch((error: Error) =>
      console.warn(`[e2e] logs not kept: ${error.message}`),
    );
    if (existsSync(newcomerRuntime.layout.logDir)) {
      await cp(newcomerRuntime.layout.logDir, path.join(logs, 'newcomer'), {
        recursive: true,
        force: true,
      }).catch((error: Error) => console.warn(`[e2e] newcomer logs not kept: ${error.message}`));
    }
    await rm(workDir, { recursive: true, force: true });
  };
}
