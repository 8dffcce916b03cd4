// `npm start`: the console on this machine. Ensures the Fabric binaries, then serves the built
// renderer (dist/renderer; this script builds nothing) from the headless console on 127.0.0.1
// and prints a one-time login URL. An existing network in the state directory is resumed (also a
// newcomer's, whose join profile network.json holds); on first run the wizard in the browser
// creates the sandbox or joins an existing consortium. SIGINT/SIGTERM stop the network,
// unless --keep-running hands it over to the CLI supervisor (`npm run network`) so it goes on
// running in the background.
//
//   npm start -- [--headless] [--state-dir DIR] [--port N] [--keep-running] [--demo]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startHeadlessServer } from './server/headless-server';
import { ConsoleServices } from './services/console';
import { LedgerService } from './services/ledger-console';
import { generateDemoActivity } from './services/demo/demo-generator';
import { ensureFabric } from './services/runtime/fabric-installer';
import { NetworkRuntime } from './services/runtime/network-runtime';
import { loadProfile, validateProfile, type NetworkProfile } from './services/runtime/profile';
import { defaultStateDir, StateLayout } from './services/runtime/state-layout';
import type { NetworkController } from './services/runtime/types';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const RENDERER_DIST = path.join(REPO_ROOT, 'dist', 'renderer');
const ELECTRON_MAIN = path.join(REPO_ROOT, 'dist', 'app', 'electron', 'main.js');

const USAGE = `Usage: npm start -- [options]

  --headless        serve the console in a browser (the default when no Electron binary is installed)
  --state-dir DIR   state directory (default: $MEDFABRIC_HOME or the OS app-data folder)
  --port N          port of the console on 127.0.0.1 (default: a free one)
  --keep-running    on Ctrl-C, hand the network to the CLI supervisor instead of stopping it
  --demo            bring the sandbox up and generate seeded demo activity (records, consents, claims)`;

const { values: options } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    'state-dir': { type: 'string' },
    port: { type: 'string' },
    'keep-running': { type: 'boolean', default: false },
    demo: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

/** The Electron binary of an installed electron package, if any. */
function electronBinary(): string | undefined {
  if (process.env.ELECTRON_PATH && existsSync(process.env.ELECTRON_PATH)) return process.env.ELECTRON_PATH;
  const pathFile = path.join(REPO_ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(
    REPO_ROOT,
    'node_modules',
    'electron',
    'dist',
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary) ? binary : undefined;
}

async function profileFor(layout: StateLayout): Promise<NetworkProfile> {
  if (!existsSync(layout.networkFile)) return loadProfile('sandbox');
  const record = JSON.parse(await readFile(layout.networkFile, 'utf8')) as { profile?: unknown };
  return validateProfile(record.profile, layout.networkFile);
}

function runDesktop(binary: string): void {
  console.log(`Starting the desktop console (${binary})`);
  const child = spawn(binary, [ELECTRON_MAIN], { stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
}

/** Starts the CLI supervisor on `stateDir` (detached daemon) and waits until it reports the network up. */
function handOverToCli(stateDir: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'electron', 'cli.ts'), 'up', '--state-dir', stateDir],
      { cwd: REPO_ROOT, stdio: 'inherit' },
    );
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function runHeadless(): Promise<void> {
  const stateDir = path.resolve(options['state-dir'] ?? defaultStateDir());
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be a port number (got "${options.port}")`);

  const fabric = await ensureFabric((message) => console.log(`[fabric] ${message}`));
  const createRuntime = (dir: string, profile: NetworkProfile) =>
    new NetworkRuntime({ profile, stateDir: dir, fabric, supervisorKind: 'console' });
  const services = new ConsoleServices({
    runtime: createRuntime(stateDir, await profileFor(new StateLayout(stateDir))),
    openRuntime: createRuntime,
  });
  services.controller.on('progress', (event) =>
    console.log(`[network] ${event.step}${event.detail ? `: ${event.detail}` : ''}`),
  );

  const staticDir = existsSync(path.join(RENDERER_DIST, 'index.html')) ? RENDERER_DIST : undefined;
  if (!staticDir)
    console.warn(
      `[console] ${RENDERER_DIST} has no built renderer: run "npx vite build" first; serving the API only.`,
    );
  // The acting org's ledger index: follows its peer while the network is up (DESIGN §8).
  const ledger = new LedgerService(services).attach();
  const server = await startHeadlessServer({
    controller: services.controller,
    services,
    ledger,
    staticDir,
    port,
  });

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    const stateRoot = services.runtime.layout.root;
    console.log(
      `\n[console] ${signal}: ${options['keep-running'] ? 'handing the network to the CLI supervisor' : 'stopping the network'}…`,
    );
    try {
      await server.close();
      await ledger.dispose();
      await services.controller.down();
      if (options['keep-running'] && existsSync(services.runtime.layout.networkFile)) {
        const code = await handOverToCli(stateRoot);
        console.log(
          code === 0
            ? `[console] the network keeps running under the CLI supervisor; stop it with: npm run network -- down --state-dir ${stateRoot}`
            : '[console] the CLI supervisor did not start; the network is stopped.',
        );
        process.exit(code);
      }
      console.log('[console] network stopped.');
      process.exit(0);
    } catch (error) {
      console.error('[console] shutdown failed:', error);
      process.exit(1);
    }
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  console.log(`\nMedFabric Console (headless) — state in ${stateDir}`);
  console.log(`Open this one-time login URL in a browser on this machine:\n\n  ${server.loginUrl}\n`);
  console.log(`API token (for scripts, Authorization: Bearer): ${server.token}`);

  if (options.demo) {
    await runDemo(services.controller, services.runtime);
  } else if (existsSync(services.runtime.layout.networkFile)) {
    console.log('[network] resuming the network in this state directory…');
    try {
      const status = await services.controller.up();
      console.log(`[network] ${status.state}: ${status.nodes.length} processes, channel ${status.channel}`);
    } catch (error) {
      console.error(`[network] could not bring the network up: ${(error as Error).message}`);
      console.error(
        '[network] the console keeps running; fix the cause and use "Bring network up" on the Overview page.',
      );
    }
  } else {
    console.log(
      '[network] no network here yet: the first-run wizard in the browser creates the sandbox consortium or joins an existing one.',
    );
  }
}

/** --demo: the sandbox up (created when absent), then seeded activity through real transactions. */
async function runDemo(controller: NetworkController, runtime: NetworkRuntime): Promise<void> {
  console.log('[demo] bringing the sandbox up…');
  await controller.up();
  const summary = await generateDemoActivity(runtime, { log: (line) => console.log(`[demo] ${line}`) });
  console.log(
    `[demo] done: ${summary.encounters} encounters, ${summary.consents.approved} consents (${summary.consents.revoked} revoked), ` +
      `${summary.accesses} audited accesses, claims ${JSON.stringify(summary.claims)}`,
  );
}

async function main(): Promise<void> {
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const binary = options.headless ? undefined : electronBinary();
  if (binary && existsSync(ELECTRON_MAIN)) {
    runDesktop(binary);
    return;
  }
  if (!options.headless) {
    console.log(
      binary
        ? `[console] the Electron main process is not built (${ELECTRON_MAIN}); running headless.`
        : '[console] no Electron binary is installed; running headless.',
    );
  }
  await runHeadless();
}

main().catch((error: unknown) => {
  console.error(`[console] ${(error as Error).message}`);
  process.exit(1);
});
