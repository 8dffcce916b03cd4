// The one wrapper through which services run short-lived commands (go, configtxgen, peer CLI…).
// Long-running Fabric processes go through ManagedProcess instead.
import { spawn } from 'node:child_process';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Replace the inherited environment instead of extending it. */
  cleanEnv?: boolean;
  timeoutMs?: number;
  input?: Buffer | string;
  /** Called with each complete output line, for progress display. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface ExecResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly stderr: string,
    reason: string,
    readonly stdout: string = '',
  ) {
    super(`${command} ${reason}${stderr.trim() ? `:\n${lastLines(stderr, 12)}` : ''}`);
    this.name = 'CommandError';
  }
}

export function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

function describe(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** Runs a command to completion; rejects with CommandError on a non-zero exit or a timeout. */
export function execCommand(
  cmd: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const display = describe(cmd, args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.cleanEnv ? options.env : { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    const partial = { stdout: '', stderr: '' };
    const emitLines = (stream: 'stdout' | 'stderr', chunk: string): void => {
      if (!options.onLine) return;
      const text = partial[stream] + chunk;
      const lines = text.split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) options.onLine(line, stream);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      emitLines('stdout', chunk.toString());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      emitLines('stderr', chunk.toString());
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            reject(new CommandError(display, null, stderr, `timed out after ${options.timeoutMs} ms`));
          }, options.timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      const reason = error.code === 'ENOENT' ? `could not be started: ${cmd} not found` : error.message;
      reject(new CommandError(display, null, '', reason));
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (code === 0) resolve({ code, stdout: Buffer.concat(stdout), stderr });
      else
        reject(
          new CommandError(
            display,
            code,
            stderr,
            `failed with exit code ${code}`,
            Buffer.concat(stdout).toString(),
          ),
        );
    });
    child.stdin.end(options.input);
  });
}
