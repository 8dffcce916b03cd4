import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  ManagedProcess,
  ProcessStartError,
  type ProcessSpec,
  type SupervisionPolicy,
} from './managed-process';
import { isAlive, isPortFree, probeTcp } from './probes';
import type { NodeState } from './types';

// A stand-in for a Fabric node: listens on a port once "ready", logs, and misbehaves on request.
const FIXTURE = `
const net = require('node:net');
const mode = process.env.MODE;
const port = Number(process.env.PORT);
console.log('starting in mode ' + mode);
if (mode === 'exit-early') { console.error('fatal: bad configuration'); process.exit(3); }
if (mode === 'ignore-term') process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
const server = net.createServer((s) => s.end()).listen(port, '127.0.0.1', () => console.log('ready'));
if (mode === 'crash-once' && !require('node:fs').existsSync(process.env.MARKER)) {
  require('node:fs').writeFileSync(process.env.MARKER, 'crashed');
  setTimeout(() => process.exit(2), 200);
}
if (mode === 'always-crash') setTimeout(() => process.exit(4), 100);
if (mode === 'chatty') { let i = 0; setInterval(() => console.log('line ' + (i++) + ' ' + 'x'.repeat(200)), 1); }
setInterval(() => undefined, 1000);
`;

const FAST: SupervisionPolicy = {
  ...DEFAULT_POLICY,
  readinessTimeoutMs: 10_000,
  probeIntervalMs: 50,
  healthIntervalMs: 200,
  stopGraceMs: 500,
  restartBackoffMs: [50, 100],
  maxRestarts: 2,
};

let dir: string;
let nextPort = 0;
const started: ManagedProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'managed-process-'));
  await writeFile(path.join(dir, 'node.cjs'), FIXTURE);
  nextPort = 0;
  for (let candidate = 30_000 + Math.floor(Math.random() * 20_000); !nextPort; candidate++) {
    if (await isPortFree(candidate)) nextPort = candidate;
  }
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
  await rm(dir, { recursive: true, force: true });
});

function managed(mode: string, policy: Partial<SupervisionPolicy> = {}): ManagedProcess {
  const port = nextPort;
  const spec: ProcessSpec = {
    id: `node-${mode}`,
    kind: 'peer',
    org: 'TestOrg',
    mspId: 'TestMSP',
    command: process.execPath,
    args: [path.join(dir, 'node.cjs')],
    env: { PATH: process.env.PATH, MODE: mode, PORT: String(port), MARKER: path.join(dir, 'crashed') },
    cwd: dir,
    ports: { listen: port },
    probe: () => probeTcp(port),
    logDir: path.join(dir, 'logs'),
    runDir: path.join(dir, 'run'),
  };
  const process_ = new ManagedProcess(spec, { ...FAST, ...policy });
  started.push(process_);
  return process_;
}

function waitForState(p: ManagedProcess, wanted: NodeState, timeoutMs = 10_000): Promise<void> {
  if (p.status().state === wanted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still ${p.status().state}, wanted ${wanted}`)),
      timeoutMs,
    );
    p.on('state', (status) => {
      if (status.state === wanted) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe('ManagedProcess', () => {
  it('is running once its readiness probe passes, captures logs and stops cleanly with SIGTERM', async () => {
    const node = managed('normal');
    await node.start();
    expect(node.status().state).toBe('running');
    const pid = node.pid;
    expect(pid).toBeGreaterThan(0);
    expect(node.tail(10).map((l) => l.line)).toContain('ready');
    expect(await readFile(path.join(dir, 'run', 'node-normal.pid'), 'utf8')).toBe(`${pid}\n`);
    await node.stop();
    expect(node.status().state).toBe('stopped');
    expect(node.status().lastExit?.signal).toBe('SIGTERM');
    expect(isAlive(pid as number)).toBe(false);
    expect(await readFile(path.join(dir, 'logs', 'node-normal.log'), 'utf8')).toContain(
      'starting in mode normal',
    );
  });

  it('restarts a process that crashes, with a new pid and a restart count', async () => {
    const node = managed('crash-once');
    await node.start();
    const firstPid = node.pid;
    await waitForState(node, 'restarting');
    await waitForState(node, 'running');
    expect(node.pid).not.toBe(firstPid);
    expect(node.status().restarts).toBe(1);
    expect(node.status().lastExit?.code).toBe(2);
  });

  it('gives up with state crashed after too many restarts in a row', async () => {
    const node = managed('always-crash');
    await node.start();
    await waitForState(node, 'crashed', 15_000);
    expect(node.status().lastError).toMatch(/exited 3 times in a row/);
    expect(node.pid).toBeUndefined();
  });

  it('sends SIGKILL when SIGTERM is ignored for the grace period', async () => {
    const node = managed('ignore-term');
    await node.start();
    const startedAt = Date.now();
    await node.stop();
    expect(node.status().lastExit?.signal).toBe('SIGKILL');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(FAST.stopGraceMs);
    expect(node.tail(20).some((l) => l.line.includes('sending SIGKILL'))).toBe(true);
  });

  it('reports an exit during start-up with the exit code and the log excerpt', async () => {
    const node = managed('exit-early');
    const failure = await node.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProcessStartError);
    expect((failure as Error).message).toMatch(/exited during start-up \(code 3\)/);
    expect((failure as Error).message).toContain('fatal: bad configuration');
  });

  it('rotates its log file and keeps the ring buffer bounded', async () => {
    const node = managed('chatty', { logFileMaxBytes: 20_000, logFilesKept: 3, logRingSize: 100 });
    await node.start();
    const rotated = path.join(dir, 'logs', 'node-chatty.log.1');
    const deadline = Date.now() + 10_000;
    while (!existsSync(rotated) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(rotated)).toBe(true);
    expect(node.tail(1_000).length).toBeLessThanOrEqual(100);
  });
});
