import { readFileSync } from 'node:fs';
import { isPortFree } from '../../../electron/services/runtime/probes';

const LOWEST_PORT = 20_000;

/**
 * Where the kernel starts handing out local ports for outgoing connections. A port chosen above it
 * can be free when checked and taken minutes later by one of the many short-lived client
 * connections a test run makes, before the node that was meant to listen on it starts.
 */
function ephemeralPortsStart(): number {
  try {
    const [start] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const port = Number(start);
    return Number.isInteger(port) && port > LOWEST_PORT ? port : 32_768;
  } catch (error) {
    // Not Linux: 32768 is the lowest start the other kernels use (49152 on macOS and Windows).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 32_768;
    throw error;
  }
}

/** A block of `count` consecutive free loopback ports below the ephemeral range, from a random start. */
export async function findFreePortBlock(count: number): Promise<number> {
  const highest = ephemeralPortsStart() - count;
  const slots = Math.floor((highest - LOWEST_PORT) / 10);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = LOWEST_PORT + Math.floor(Math.random() * slots) * 10;
    let free = true;
    for (let port = base; port < base + count && free; port++) free = await isPortFree(port);
    if (free) return base;
  }
  throw new Error(`no block of ${count} free ports found between ${LOWEST_PORT} and ${highest + count}`);
}
