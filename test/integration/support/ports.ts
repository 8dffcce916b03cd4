import { isPortFree } from '../../../electron/services/runtime/probes';

/** A block of `count` consecutive free loopback ports, searched from a random start. */
export async function findFreePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 3_000) * 10;
    let free = true;
    for (let port = base; port < base + count && free; port++) free = await isPortFree(port);
    if (free) return base;
  }
  throw new Error(`no block of ${count} free ports found between 20000 and 50000`);
}
