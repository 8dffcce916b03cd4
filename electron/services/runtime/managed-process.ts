// One supervised long-running process (orderer, peer, chaincode service): spawn, readiness probe,
// log capture (rotating file + in-memory ring), crash detection with restart and backoff, and a
// clean stop (SIGTERM, then SIGKILL after a grace period).
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExitInfo, LogLine, NodeKind, NodePorts, NodeState, NodeStatus } from './types';

export interface ProcessSpec {
  id: string;
  kind: NodeKind;
  org: string;
  mspId: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  ports: NodePorts;
  /** Health: resolves while the process is healthy; polled during start-up and afterwards. */
  probe: () => Promise<void>;
  /** Extra start-up check after `probe` first passes (e.g. the gRPC listener answers TLS). */
  ready?: () => Promise<void>;
  logDir: string;
  runDir: string;
}

export interface SupervisionPolicy {
  readinessTimeoutMs: number;
  probeIntervalMs: number;
  healthIntervalMs: number;
  stopGraceMs: number;
  restartBackoffMs: readonly number[];
  /** A process up this long counts as stable again and its backoff resets. */
  stableAfterMs: number;
  /** Give up (state `crashed`) after this many restarts without a stable run. */
  maxRestarts: number;
  logRingSize: number;
  logFileMaxBytes: number;
  logFilesKept: number;
}

export const DEFAULT_POLICY: SupervisionPolicy = {
  readinessTimeoutMs: 90_000,
  probeIntervalMs: 250,
  healthIntervalMs: 5_000,
  stopGraceMs: 10_000,
  restartBackoffMs: [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000],
  stableAfterMs: 60_000,
  maxRestarts: 8,
  logRingSize: 2_000,
  logFileMaxBytes: 10 * 1024 * 1024,
  logFilesKept: 3,
};

export class ProcessStartError extends Error {
  constructor(
    readonly nodeId: string,
    message: string,
  ) {
    super(`${nodeId}: ${message}`);
    this.name = 'ProcessStartError';
  }
}

interface ManagedProcessEvents {
  state: [NodeStatus];
  log: [LogLine];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class ManagedProcess extends EventEmitter<ManagedProcessEvents> {
  private child: ChildProcess | undefined;
  private state: NodeState = 'stopped';
  private restarts = 0;
  private consecutiveFailures = 0;
  private startedAt: number | undefined;
  private lastExit: ExitInfo | undefined;
  private lastError: string | undefined;
  private wantRunning = false;
  private readonly ring: LogLine[] = [];
  private logStream: WriteStream | undefined;
  private logBytes = 0;
  private healthTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private exitWaiters: Array<() => void> = [];

  constructor(
    readonly spec: ProcessSpec,
    private readonly policy: SupervisionPolicy = DEFAULT_POLICY,
  ) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  status(): NodeStatus {
    return {
      id: this.spec.id,
      kind: this.spec.kind,
      org: this.spec.org,
      mspId: this.spec.mspId,
      state: this.state,
      pid: this.child?.pid,
      ports: this.spec.ports,
      restarts: this.restarts,
      startedAt: this.startedAt ? new Date(this.startedAt).toISOString() : undefined,
      lastExit: this.lastExit,
      lastError: this.lastError,
    };
  }

  tail(limit: number): LogLine[] {
    return this.ring.slice(-Math.max(0, limit));
  }

  get logFile(): string {
    return path.join(this.spec.logDir, `${this.spec.id}.log`);
  }

  private get pidFile(): string {
    return path.join(this.spec.runDir, `${this.spec.id}.pid`);
  }

  private setState(state: NodeState, error?: string): void {
    this.state = state;
    if (error !== undefined) this.lastError = error;
    this.emit('state', this.status());
  }

  /** Starts the process and resolves once its readiness probe passes. */
  async start(): Promise<void> {
    if (this.child && this.state !== 'stopped' && this.state !== 'crashed') return;
    this.wantRunning = true;
    this.consecutiveFailures = 0;
    this.lastError = undefined;
    await this.launch();
    await this.awaitReady();
  }

  private async launch(): Promise<void> {
    await mkdir(this.spec.logDir, { recursive: true });
    await mkdir(this.spec.runDir, { recursive: true });
    await this.openLog();
    this.setState(this.restarts > 0 && this.wantRunning ? 'restarting' : 'starting');
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.startedAt = Date.now();
    this.capture(child, 'stdout');
    this.capture(child, 'stderr');
    child.once('error', (error) => {
      this.record('stderr', `[supervisor] failed to start ${this.spec.command}: ${error.message}`);
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    if (child.pid !== undefined) await writeFile(this.pidFile, `${child.pid}\n`);
  }

  private async awaitReady(): Promise<void> {
    const deadline = Date.now() + this.policy.readinessTimeoutMs;
    let lastProbeError = 'not probed yet';
    while (Date.now() < deadline) {
      if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) {
        const exit = this.lastExit;
        const recent = this.ring
          .filter((l) => l.stream === 'stderr' || /panic|error|fatal/i.test(l.line))
          .slice(-8)
          .map((l) => `    ${l.line}`)
          .join('\n');
        throw new ProcessStartError(
          this.spec.id,
          `exited during start-up (code ${exit?.code ?? '?'}${exit?.signal ? `, signal ${exit.signal}` : ''}); log: ${this.logFile}\n${recent}`,
        );
      }
      try {
        await this.spec.probe();
        await this.spec.ready?.();
        this.setState('running', undefined);
        this.lastError = undefined;
        this.scheduleHealthChecks();
        return;
      } catch (error) {
        lastProbeError = (error as Error).message;
      }
      await sleep(this.policy.probeIntervalMs);
    }
    throw new ProcessStartError(
      this.spec.id,
      `not ready after ${this.policy.readinessTimeoutMs / 1000} s (last probe: ${lastProbeError}); log: ${this.logFile}`,
    );
  }

  private scheduleHealthChecks(): void {
    clearInterval(this.healthTimer);
    this.healthTimer = setInterval(() => {
      if (this.state !== 'running' && this.state !== 'unhealthy') return;
      this.spec.probe().then(
        () => {
          if (this.state === 'unhealthy') this.setState('running');
          if (this.startedAt && Date.now() - this.startedAt > this.policy.stableAfterMs) {
            this.consecutiveFailures = 0;
          }
        },
        (error: Error) => {
          if (this.state === 'running') this.setState('unhealthy', error.message);
        },
      );
    }, this.policy.healthIntervalMs);
    this.healthTimer.unref();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    clearInterval(this.healthTimer);
    this.lastExit = { code, signal, at: new Date().toISOString() };
    this.record('stderr', `[supervisor] process exited (code ${code}, signal ${signal})`);
    for (const resolve of this.exitWaiters.splice(0)) resolve();
    void rm(this.pidFile, { force: true });
    if (!this.wantRunning) {
      this.setState('stopped');
      return;
    }
    // An unexpected exit: restart with backoff unless it keeps failing.
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures > this.policy.maxRestarts) {
      this.wantRunning = false;
      this.setState('crashed', `exited ${this.consecutiveFailures} times in a row; see ${this.logFile}`);
      return;
    }
    const backoffs = this.policy.restartBackoffMs;
    const delay = backoffs[Math.min(this.consecutiveFailures - 1, backoffs.length - 1)] ?? 1_000;
    this.setState(
      'restarting',
      `exited unexpectedly (code ${code}, signal ${signal}); restarting in ${delay} ms`,
    );
    this.restartTimer = setTimeout(() => {
      this.restarts += 1;
      this.launch()
        .then(() => this.awaitReady())
        .catch((error: Error) => {
          this.record('stderr', `[supervisor] restart failed: ${error.message}`);
          this.lastError = error.message;
        });
    }, delay);
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the process has exited. */
  async stop(): Promise<void> {
    this.wantRunning = false;
    clearTimeout(this.restartTimer);
    clearInterval(this.healthTimer);
    const child = this.child;
    if (!child) {
      if (this.state !== 'stopped') this.setState('stopped');
      return;
    }
    this.setState('stopping');
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.record('stderr', `[supervisor] no exit after ${this.policy.stopGraceMs} ms; sending SIGKILL`);
      child.kill('SIGKILL');
    }, this.policy.stopGraceMs);
    await exited;
    clearTimeout(timer);
    await this.closeLog();
  }

  private capture(child: ChildProcess, stream: 'stdout' | 'stderr'): void {
    let partial = '';
    child[stream]?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.record(stream, line);
    });
  }

  private record(stream: 'stdout' | 'stderr', line: string): void {
    const entry: LogLine = { nodeId: this.spec.id, stream, line, at: new Date().toISOString() };
    this.ring.push(entry);
    if (this.ring.length > this.policy.logRingSize)
      this.ring.splice(0, this.ring.length - this.policy.logRingSize);
    this.writeLog(`${entry.at} ${line}\n`);
    this.emit('log', entry);
  }

  private async openLog(): Promise<void> {
    if (this.logStream) return;
    this.logBytes = existsSync(this.logFile) ? (await stat(this.logFile)).size : 0;
    this.logStream = createWriteStream(this.logFile, { flags: 'a' });
  }

  private writeLog(text: string): void {
    if (!this.logStream) return;
    this.logStream.write(text);
    this.logBytes += Buffer.byteLength(text);
    if (this.logBytes > this.policy.logFileMaxBytes) void this.rotateLog();
  }

  private async rotateLog(): Promise<void> {
    const stream = this.logStream;
    this.logStream = undefined;
    this.logBytes = 0;
    await new Promise<void>((resolve) => (stream ? stream.end(resolve) : resolve()));
    for (let i = this.policy.logFilesKept - 1; i >= 1; i--) {
      const from = i === 1 ? this.logFile : `${this.logFile}.${i - 1}`;
      if (existsSync(from)) await rename(from, `${this.logFile}.${i}`);
    }
    this.logStream = createWriteStream(this.logFile, { flags: 'a' });
  }

  private async closeLog(): Promise<void> {
    const stream = this.logStream;
    this.logStream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }
}
