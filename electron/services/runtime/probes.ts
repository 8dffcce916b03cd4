// Readiness and port probes, and recognition of processes a previous supervisor left behind.
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';

/** Resolves when GET http://127.0.0.1:<port>/healthz answers 200. */
export async function probeHealthz(port: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
  } catch (error) {
    const cause = (error as Error).cause;
    const reason = cause instanceof Error ? cause.message : (error as Error).message;
    throw new Error(`operations endpoint 127.0.0.1:${port} not answering (${reason})`, { cause: error });
  }
  if (response.status !== 200) {
    const body = await response.text();
    throw new Error(`/healthz on 127.0.0.1:${port} answered ${response.status}: ${body.slice(0, 300)}`);
  }
}

/** Resolves when a TCP connection to 127.0.0.1:<port> succeeds. */
export function probeTcp(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`127.0.0.1:${port} did not accept a connection within 2 s`));
    });
    socket.once('error', (error) => reject(new Error(`127.0.0.1:${port}: ${error.message}`)));
  });
}

/**
 * Resolves when a TLS (h2) handshake with 127.0.0.1:<port> succeeds against `caPem`: a gRPC
 * listener that is really serving. A bare TCP connect would make the node log a failed handshake.
 */
export function probeTlsListener(port: number, caPem: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca: caPem,
      servername: 'localhost',
      ALPNProtocols: ['h2'],
    });
    socket.setTimeout(2_000);
    socket.once('secureConnect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`127.0.0.1:${port} did not complete a TLS handshake within 2 s`));
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(new Error(`TLS listener 127.0.0.1:${port}: ${error.message}`));
    });
  });
}

/** True when nothing listens on 127.0.0.1:<port> (we can bind it). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly nodeId: string,
    readonly purpose: string,
  ) {
    super(
      `port ${port} (${purpose} of ${nodeId}) is already in use by another process; ` +
        'stop that process or choose another basePort in the network profile',
    );
    this.name = 'PortInUseError';
  }
}

export async function assertPortsFree(
  nodeId: string,
  ports: Array<[number | undefined, string]>,
): Promise<void> {
  for (const [port, purpose] of ports) {
    if (port !== undefined && !(await isPortFree(port))) throw new PortInUseError(port, nodeId, purpose);
  }
}

/** Environment markers set on every process we start, so a later run can recognise its orphans. */
export const NODE_MARKER = 'MEDFABRIC_NODE_ID';
export const STATE_MARKER = 'MEDFABRIC_STATE_DIR';

/** True when `pid` is alive and was started by a supervisor of this state directory for `nodeId`. */
export async function isOurProcess(pid: number, nodeId: string, stateDir: string): Promise<boolean> {
  try {
    const environ = (await readFile(`/proc/${pid}/environ`)).toString().split('\0');
    return environ.includes(`${NODE_MARKER}=${nodeId}`) && environ.includes(`${STATE_MARKER}=${stateDir}`);
  } catch {
    // No such process (or not ours to read): nothing to reclaim.
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves when the orderer at `operationsPort` reports itself Raft leader of `channel`. */
export async function probeRaftLeader(operationsPorts: readonly number[], channel: string): Promise<void> {
  const pattern = new RegExp(`^consensus_etcdraft_is_leader\\{channel="${channel}"\\} 1$`, 'm');
  for (const port of operationsPorts) {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
    if (response.ok && pattern.test(await response.text())) return;
  }
  throw new Error(`no orderer reports a Raft leader for channel ${channel} yet`);
}

/** Polls `probe` every `intervalMs` until it resolves, or rethrows its last error after `timeoutMs`. */
export async function waitFor(
  probe: () => Promise<void>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
