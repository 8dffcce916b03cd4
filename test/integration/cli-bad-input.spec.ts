// Issue 2, bad input: a malformed profile, a missing binary and a corrupt MSP folder each give a
// clear error (no stack trace) and leave the existing state untouched.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkInfo, runCli } from './support/shared-network';

/** sha256 of every file under `dir`, keyed by relative path: "untouched" means this map is equal. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    result[path.relative(dir, file)] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  }
  return result;
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'medfabric-badinput-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function expectCleanError(output: { stdout: string; stderr: string; code: number }, pattern: RegExp): void {
  expect(output.code).not.toBe(0);
  expect(output.stderr).toMatch(pattern);
  expect(output.stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m); // no stack trace
}

describe('bad input', () => {
  it('a malformed profile is refused with every problem listed, and the network state is untouched', async () => {
    const { stateDir } = networkInfo();
    const before = await snapshot(path.join(stateDir, 'crypto'));
    const networkRecord = await readFile(path.join(stateDir, 'network.json'), 'utf8');
    const bad = path.join(scratch, 'bad.yaml');
    await writeFile(
      bad,
      'name: sandbox\nbasePort: 80\nchannel: Not A Channel\nordererOrg: {}\npeerOrgs: []\n',
    );
    const output = await runCli(['up', '--profile', bad]);
    expectCleanError(output, /is not a valid network profile/);
    expect(output.stderr).toMatch(/basePort/);
    expect(output.stderr).toMatch(/channel/);
    expect(await snapshot(path.join(stateDir, 'crypto'))).toEqual(before);
    expect(await readFile(path.join(stateDir, 'network.json'), 'utf8')).toBe(networkRecord);
  });

  it('a missing Fabric binary directory names FABRIC_BIN and what to do', async () => {
    const output = await runCli(['status'], { FABRIC_BIN: path.join(scratch, 'no-such-bin') });
    expectCleanError(output, /FABRIC_BIN=.*no-such-bin does not hold Fabric v3 binaries/);
    expect(output.stderr).toMatch(/What to do:/);
  });

  it('a corrupt MSP folder stops `up` before any process starts, names the file, and changes nothing', async () => {
    const { stateDir, profileFile } = networkInfo();
    const copy = path.join(scratch, 'state');
    await cp(path.join(stateDir, 'crypto'), path.join(copy, 'crypto'), { recursive: true });
    await cp(path.join(stateDir, 'keystore'), path.join(copy, 'keystore'), { recursive: true });
    const certFile = path.join(
      copy,
      'crypto',
      'insurer.medfabric.local',
      'nodes',
      'peer0.insurer.medfabric.local',
      'msp',
      'signcerts',
      'cert.pem',
    );
    await writeFile(certFile, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    const before = await snapshot(copy);
    const output = await runCli(['up', '--state-dir', copy, '--profile', profileFile]);
    expectCleanError(output, /peer0\.insurer\.medfabric\.local/);
    expect(output.stderr).toMatch(/cert\.pem/);
    const after = await snapshot(copy);
    // Only the supervisor's own log and run files may appear; no MSP, key or ledger file changed.
    const changed = Object.keys(after).filter(
      (file) => after[file] !== before[file] && !file.startsWith('logs/') && !file.startsWith('run/'),
    );
    expect(changed).toEqual([]);
    expect(Object.keys(after).some((file) => file.startsWith('nodes/'))).toBe(false);
  });
});
