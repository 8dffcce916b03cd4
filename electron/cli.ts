// `npm run network -- <command>`: up, down, status, logs, env, reset.
// `up` starts a detached supervisor (this file's `supervise` command) that owns the Fabric
// processes, restarts them when they crash and stops them on `down`.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ensureFabric, findFabric } from './services/runtime/fabric-installer';
import { NetworkRuntime } from './services/runtime/network-runtime';
import { isAlive } from './services/runtime/probes';
import { findNode, loadProfile, validateProfile, type NodeTopology } from './services/runtime/profile';
import { defaultStateDir, StateLayout } from './services/runtime/state-layout';
import { readSupervisor } from './services/runtime/supervisor-lock';
import type { NetworkStatus, NodeStatus } from './services/runtime/types';
import { describeError, CliError } from './cli-errors';

const USAGE = `Usage: npm run network -- <command> [options]

Commands:
  up [--profile NAME|FILE]   create or resume the network (default profile: sandbox)
  down                       stop every node of the network
  status [--json]            orgs, nodes (pid, state, ports), channel height per peer, chaincodes
  logs NODE [--follow]       a node's log (NODE may be a prefix, e.g. peer0.hospital)
  env ORG                    environment for Fabric's own peer CLI as ORG's admin
  reset [--yes]              stop the network and delete its state directory

Options:
  --state-dir DIR            state directory (default: $MEDFABRIC_HOME or the OS app-data folder)`;

interface UpResult {
  ok: boolean;
  error?: string;
}

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    profile: { type: 'string' },
    'state-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    follow: { type: 'boolean', short: 'f', default: false },
    yes: { type: 'boolean', short: 'y', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const stateDir = path.resolve(options['state-dir'] ?? defaultStateDir());
const layout = new StateLayout(stateDir);
const upResultFile = path.join(layout.runDir, 'up-result.json');
const progressFile = path.join(layout.runDir, 'progress.log');
const daemonLogFile = path.join(layout.logDir, 'supervisor.log');

/** --profile when given; otherwise the profile an existing network was created with; else the sandbox. */
async function loadNetworkProfile(): Promise<Awaited<ReturnType<typeof loadProfile>>> {
  if (!options.profile && existsSync(layout.networkFile)) {
    const record = JSON.parse(await readFile(layout.networkFile, 'utf8')) as { profile: unknown };
    return validateProfile(record.profile, layout.networkFile);
  }
  return loadProfile(options.profile ?? 'sandbox');
}

async function commandUp(): Promise<void> {
  await loadNetworkProfile(); // a malformed profile fails here, before anything starts
  const fabric = await ensureFabric((message) => console.log(`[fabric] ${message}`));
  const running = await readSupervisor(layout);
  if (!running) {
    await mkdir(layout.runDir, { recursive: true });
    await mkdir(layout.logDir, { recursive: true });
    await rm(upResultFile, { force: true });
    await writeFile(progressFile, '');
    const logFd = openSync(daemonLogFile, 'a');
    const cli = path.resolve(import.meta.dirname, 'cli.ts');
    const args = [...process.execArgv, cli, 'supervise', '--state-dir', stateDir];
    if (options.profile) args.push('--profile', options.profile);
    const daemon = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: process.env,
    });
    daemon.unref();
    console.log(`Supervisor started (pid ${daemon.pid}); Fabric ${fabric.version}; state in ${stateDir}`);
  } else {
    console.log(`Supervisor already running (pid ${running.pid}); waiting for the network to be up`);
  }
  // Follow the supervisor's progress until it reports the outcome of `up`.
  let printed = 0;
  for (;;) {
    if (existsSync(progressFile)) {
      const lines = (await readFile(progressFile, 'utf8')).split('\n').filter(Boolean);
      for (const line of lines.slice(printed)) console.log(`  ${line}`);
      printed = lines.length;
    }
    if (existsSync(upResultFile)) {
      const result = JSON.parse(await readFile(upResultFile, 'utf8')) as UpResult;
      if (!result.ok)
        throw new CliError(`network up failed: ${result.error}\nSupervisor log: ${daemonLogFile}`);
      break;
    }
    const supervisor = await readSupervisor(layout);
    if (!supervisor && printed > 0 && !existsSync(upResultFile)) {
      throw new CliError(`the supervisor exited before the network was up; see ${daemonLogFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await commandStatus();
}

/** The detached supervisor: owns the processes until SIGTERM/SIGINT. */
async function commandSupervise(): Promise<void> {
  const profile = await loadNetworkProfile();
  const fabric = await ensureFabric();
  const runtime = new NetworkRuntime({ profile, stateDir, fabric, supervisorKind: 'cli-daemon' });
  const writeProgress = async (text: string): Promise<void> => {
    await writeFile(progressFile, `${text}\n`, { flag: 'a' });
  };
  runtime.on('node-state', (node) => {
    console.log(
      `${new Date().toISOString()} ${node.id} ${node.state}${node.lastError ? `: ${node.lastError}` : ''}`,
    );
  });
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${new Date().toISOString()} ${signal}: stopping the network`);
    await runtime.down();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  try {
    await runtime.up(
      (event) => void writeProgress(`${event.step}${event.detail ? `: ${event.detail}` : ''}`),
    );
    await writeFile(upResultFile, JSON.stringify({ ok: true } satisfies UpResult));
  } catch (error) {
    const message = describeError(error);
    console.error(message);
    await writeFile(upResultFile, JSON.stringify({ ok: false, error: message } satisfies UpResult));
    await runtime.down();
    process.exit(1);
  }
}

async function commandDown(): Promise<void> {
  const supervisor = await readSupervisor(layout);
  if (!supervisor) {
    console.log('The network is not running.');
    return;
  }
  console.log(`Stopping the network (supervisor pid ${supervisor.pid})…`);
  process.kill(supervisor.pid, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  while (isAlive(supervisor.pid)) {
    if (Date.now() > deadline)
      throw new CliError(`the supervisor (pid ${supervisor.pid}) did not stop within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log('Network stopped; ledgers and keys are kept (npm run network -- up resumes it).');
}

async function liveStatus(): Promise<NetworkStatus> {
  const profile = await loadNetworkProfile();
  const fabric = await findFabric();
  if (!fabric) throw new CliError('Fabric is not installed; run "npm run install:fabric"');
  const runtime = new NetworkRuntime({ profile, stateDir, fabric });
  const supervisor = await readSupervisor(layout);
  const recorded = existsSync(layout.statusFile)
    ? (JSON.parse(await readFile(layout.statusFile, 'utf8')) as { nodes: NodeStatus[] }).nodes
    : [];
  const nodes = supervisor
    ? recorded
    : recorded.map((node) => ({ ...node, state: 'stopped' as const, pid: undefined }));
  const status: NetworkStatus = {
    profile: profile.name,
    stateDir,
    state: !supervisor ? 'down' : nodes.every((n) => n.state === 'running') ? 'up' : 'degraded',
    channel: profile.channel,
    orgs: runtime.topology.orgs.map((org) => ({
      name: org.name,
      mspId: org.mspId,
      role: org.role,
      nodes: org.nodeIds,
    })),
    nodes,
    heights: [],
    chaincodes: [],
  };
  if (!supervisor || !existsSync(layout.networkFile)) return status;
  await runtime.attach();
  const runningPeers = runtime.topology.peers.filter(
    (peer) => nodes.find((n) => n.id === peer.id)?.state === 'running',
  );
  status.heights = await runtime.queryHeights(runningPeers);
  if (runningPeers[0]) status.chaincodes = await runtime.queryChaincodes(runningPeers[0]);
  return status;
}

async function commandStatus(): Promise<void> {
  const status = await liveStatus();
  if (options.json) {
    console.log(JSON.stringify(status, null, 2));
    return;
  }
  console.log(
    `Network ${status.profile}: ${status.state} (channel ${status.channel}, state ${status.stateDir})`,
  );
  for (const org of status.orgs) console.log(`  ${org.name.padEnd(14)} ${org.mspId.padEnd(14)} ${org.role}`);
  console.log('\n  NODE                                              STATE       PID      PORTS');
  for (const node of status.nodes) {
    const ports = Object.entries(node.ports)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(
      `  ${node.id.padEnd(50)} ${node.state.padEnd(11)} ${String(node.pid ?? '-').padEnd(8)} ${ports}`,
    );
  }
  if (status.heights.length) {
    console.log('\n  Channel height per peer:');
    for (const h of status.heights)
      console.log(`  ${h.peerId.padEnd(40)} ${h.height}  ${h.currentBlockHash.slice(0, 16)}…`);
  }
  for (const cc of status.chaincodes) {
    console.log(
      `\n  Chaincode ${cc.name} version ${cc.version} sequence ${cc.sequence} (${cc.packageId ?? 'package unknown'})`,
    );
  }
}

async function commandLogs(nodeArg: string | undefined): Promise<void> {
  if (!nodeArg) throw new CliError('logs needs a node name, e.g. npm run network -- logs peer0.hospital');
  const profile = await loadNetworkProfile();
  const fabric = await findFabric();
  if (!fabric) throw new CliError('Fabric is not installed; run "npm run install:fabric"');
  const runtime = new NetworkRuntime({ profile, stateDir, fabric });
  const knownIds = [...runtime.topology.nodes.map((n: NodeTopology) => n.id), 'supervisor'];
  const logIds = existsSync(layout.logDir)
    ? (await readdir(layout.logDir)).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4))
    : [];
  const ids = [...new Set([...knownIds, ...logIds])].map((id) => ({ id }));
  const { id } = findNode(ids, nodeArg);
  const file = path.join(layout.logDir, `${id}.log`);
  if (!existsSync(file)) throw new CliError(`no log yet for ${id} (${file})`);
  let position = 0;
  const printFrom = async (): Promise<void> => {
    const size = (await stat(file)).size;
    if (size < position) position = 0; // rotated
    if (size === position) return;
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(file, { start: position, end: size - 1 });
      stream.on('data', (chunk) => process.stdout.write(chunk));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    position = size;
  };
  await printFrom();
  if (!options.follow) return;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await printFrom();
  }
}

async function commandEnv(orgArg: string | undefined): Promise<void> {
  if (!orgArg) throw new CliError('env needs an org, e.g. npm run network -- env hospital');
  const profile = await loadNetworkProfile();
  const fabric = await findFabric();
  if (!fabric) throw new CliError('Fabric is not installed; run "npm run install:fabric"');
  const runtime = new NetworkRuntime({ profile, stateDir, fabric });
  const wanted = orgArg.toLowerCase();
  const org = runtime.topology.peerOrgs.find(
    (o) => o.name.toLowerCase() === wanted || o.mspId.toLowerCase() === wanted || o.role === wanted,
  );
  if (!org) {
    throw new CliError(
      `no peer org "${orgArg}"; known: ${runtime.topology.peerOrgs.map((o) => `${o.name} (${o.mspId}, ${o.role})`).join(', ')}`,
    );
  }
  const peer = runtime.firstPeerOf(org);
  const orgRoot = path.join(layout.cryptoDir, org.domain);
  const exports: Record<string, string> = {
    PATH: `${fabric.binDir}:${process.env.PATH ?? ''}`,
    FABRIC_CFG_PATH: layout.nodeConfigDir(peer.id),
    CORE_PEER_ADDRESS: peer.address,
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: path.join(orgRoot, 'users', `Admin@${org.domain}`, 'msp'),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: path.join(orgRoot, 'tlsca', 'tlsca.pem'),
  };
  for (const [key, value] of Object.entries(exports)) console.log(`export ${key}=${JSON.stringify(value)}`);
}

async function commandReset(): Promise<void> {
  if (!existsSync(stateDir)) {
    console.log(`Nothing to reset: ${stateDir} does not exist.`);
    return;
  }
  if (!options.yes) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(
      `This stops the network and deletes every ledger, key and log in ${stateDir}.\nType "reset" to confirm: `,
    );
    rl.close();
    if (answer.trim() !== 'reset') {
      console.log('Reset cancelled; nothing was changed.');
      return;
    }
  }
  await commandDown();
  await rm(stateDir, { recursive: true, force: true });
  console.log(`Deleted ${stateDir}.`);
}

async function main(): Promise<void> {
  const [command, arg] = positionals;
  if (options.help || !command) {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case 'up':
      return commandUp();
    case 'supervise':
      return commandSupervise();
    case 'down':
      return commandDown();
    case 'status':
      return commandStatus();
    case 'logs':
      return commandLogs(arg);
    case 'env':
      return commandEnv(arg);
    case 'reset':
      return commandReset();
    default:
      throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main().catch((error: unknown) => {
  console.error(`Error: ${describeError(error)}`);
  process.exitCode = 1;
});
