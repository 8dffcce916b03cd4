import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FabricInstallError, findFabric } from './fabric-installer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fabric-install-'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

describe('finding Fabric', () => {
  it('names the problem and the remedy when FABRIC_BIN holds no Fabric binaries', async () => {
    vi.stubEnv('FABRIC_BIN', dir);
    const failure = await findFabric(path.join(dir, 'cache')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FabricInstallError);
    expect((failure as Error).message).toContain(`FABRIC_BIN=${dir} does not hold Fabric v3 binaries`);
    expect((failure as Error).message).toMatch(/What to do: point FABRIC_BIN/);
  });

  it('reports nothing found (rather than a broken install) for an empty cache', async () => {
    vi.stubEnv('FABRIC_BIN', '');
    vi.stubEnv('PATH', '/nonexistent');
    await expect(findFabric(path.join(dir, 'cache'))).resolves.toBeUndefined();
  });
});
