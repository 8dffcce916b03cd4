import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCcaasPackage } from './ccaas-package';

const execFileAsync = promisify(execFile);
const builderBin = path.resolve(import.meta.dirname, '..', '..', '..', 'network', 'builders', 'ccaas', 'bin');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ccaas-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CCaaS packages', () => {
  it('are byte-for-byte deterministic, so every org computes the same package ID', () => {
    const a = buildCcaasPackage('medfabric_1.0', '{{.ccaas_slot0}}');
    const b = buildCcaasPackage('medfabric_1.0', '{{.ccaas_slot0}}');
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.packageId).toMatch(/^medfabric_1\.0:[0-9a-f]{64}$/);
    expect(buildCcaasPackage('medfabric_1.1', '{{.ccaas_slot0}}').packageId).not.toBe(a.packageId);
  });

  it('hold exactly metadata.json and code.tar.gz, with connection.json inside (what the peer accepts)', async () => {
    const pkg = buildCcaasPackage('probe_1', '127.0.0.1:9999');
    const file = path.join(dir, 'pkg.tar.gz');
    await writeFile(file, pkg.bytes);
    const outer = await execFileAsync('tar', ['-tzvf', file]);
    const names = outer.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/).pop());
    expect(names).toEqual(['metadata.json', 'code.tar.gz']);
    expect(outer.stdout).toMatch(/^-rw-r--r--/m);
    await execFileAsync('tar', ['-xzf', file, '-C', dir]);
    expect(JSON.parse(await readFile(path.join(dir, 'metadata.json'), 'utf8'))).toEqual({
      type: 'ccaas',
      label: 'probe_1',
    });
    await execFileAsync('tar', ['-xzf', path.join(dir, 'code.tar.gz'), '-C', dir]);
    expect(JSON.parse(await readFile(path.join(dir, 'connection.json'), 'utf8'))).toEqual({
      address: '127.0.0.1:9999',
      dial_timeout: '10s',
      tls_required: false,
    });
  });

  it('reject labels Fabric would refuse', () => {
    expect(() => buildCcaasPackage('-bad', 'x:1')).toThrow(/label/);
    expect(() => buildCcaasPackage('has space', 'x:1')).toThrow(/label/);
  });
});

describe('the CCaaS external builder', () => {
  async function stage(
    address: string,
  ): Promise<{ source: string; metadata: string; output: string; release: string }> {
    const source = path.join(dir, 'src');
    const metadata = path.join(dir, 'meta');
    await mkdir(source, { recursive: true });
    await mkdir(metadata, { recursive: true });
    await writeFile(
      path.join(source, 'connection.json'),
      JSON.stringify({ address, dial_timeout: '10s', tls_required: false }),
    );
    await writeFile(path.join(metadata, 'metadata.json'), JSON.stringify({ type: 'ccaas', label: 'x_1' }));
    return { source, metadata, output: path.join(dir, 'out'), release: path.join(dir, 'release') };
  }

  it('detects ccaas packages only', async () => {
    const { source, metadata } = await stage('a:1');
    await expect(execFileAsync(path.join(builderBin, 'detect'), [source, metadata])).resolves.toBeDefined();
    await writeFile(path.join(metadata, 'metadata.json'), JSON.stringify({ type: 'golang', label: 'x_1' }));
    await expect(execFileAsync(path.join(builderBin, 'detect'), [source, metadata])).rejects.toMatchObject({
      code: 1,
    });
  });

  it("fills the address template from the peer's builder config, and release hands it to the peer", async () => {
    const { source, metadata, output, release } = await stage('{{.ccaas_slot2}}');
    const env = {
      ...process.env,
      CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: JSON.stringify({ ccaas_slot2: '127.0.0.1:7115' }),
    };
    await execFileAsync(path.join(builderBin, 'build'), [source, metadata, output], { env });
    await execFileAsync(path.join(builderBin, 'release'), [output, release]);
    const connection = JSON.parse(
      await readFile(path.join(release, 'chaincode', 'server', 'connection.json'), 'utf8'),
    );
    expect(connection.address).toBe('127.0.0.1:7115');
    expect((await stat(path.join(release, 'chaincode', 'server', 'connection.json'))).isFile()).toBe(true);
  });

  it('fails with a clear message when the peer does not define the template value', async () => {
    const { source, metadata, output } = await stage('{{.ccaas_slot9}}');
    const env = { ...process.env, CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{}' };
    await expect(
      execFileAsync(path.join(builderBin, 'build'), [source, metadata, output], { env }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('uses {{.ccaas_slot9}}'),
    });
  });
});
