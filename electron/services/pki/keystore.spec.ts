import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  EncryptedKeystore,
  KEYSTORE_KDF,
  KEYSTORE_PASSPHRASE_ENV,
  KeystoreError,
  loadOrCreateKeystorePassphrase,
} from './keystore';
import { tempDirs } from './spec-helpers';
import { createCertificateAuthority, type CertificateAuthority } from './x509';

const temp = tempDirs();
afterAll(() => temp.cleanup());
afterEach(() => vi.unstubAllEnvs());

let ca: CertificateAuthority;
beforeAll(async () => {
  ca = await createCertificateAuthority({
    commonName: 'ca.regulator.example.com',
    organization: 'regulator.example.com',
  });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('EncryptedKeystore', () => {
  it('round-trips a key, stores it encrypted in a 0600 file and lists it', async () => {
    const dir = join(await temp.make('ks'), 'keystore');
    const keystore = new EncryptedKeystore(dir, 'correct horse battery staple');
    expect(await keystore.has('regulator.example.com/ca')).toBe(false);
    expect(await keystore.list()).toEqual([]);
    await keystore.put('regulator.example.com/ca', ca.keyPem);
    expect(await keystore.get('regulator.example.com/ca')).toBe(ca.keyPem);
    expect(await keystore.has('regulator.example.com/ca')).toBe(true);
    expect(await keystore.list()).toEqual(['regulator.example.com/ca']);

    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const file = join(dir, files[0] ?? '');
    expect(await mode(file)).toBe(0o600);
    expect(await mode(dir)).toBe(0o700);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('PRIVATE KEY');
    const record = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual([
      'cipher',
      'ciphertext',
      'iv',
      'kdf',
      'salt',
      'tag',
      'version',
    ]);
    expect(record.kdf).toEqual({ name: 'scrypt', ...KEYSTORE_KDF });
    // A new passphrase instance reads what the first one wrote.
    expect(
      await new EncryptedKeystore(dir, 'correct horse battery staple').get('regulator.example.com/ca'),
    ).toBe(ca.keyPem);
  });

  it('reports a wrong passphrase or a tampered file with the same clear error', async () => {
    const dir = await temp.make('ks-wrong');
    await new EncryptedKeystore(dir, 'right').put('org/tlsca', ca.keyPem);
    const wrong = new EncryptedKeystore(dir, 'wrong');
    await expect(wrong.get('org/tlsca')).rejects.toThrow(
      new KeystoreError('wrong passphrase or corrupted key file org/tlsca'),
    );

    const [fileName] = await readdir(dir);
    const file = join(dir, fileName ?? '');
    const record = JSON.parse(await readFile(file, 'utf8')) as { ciphertext: string };
    const bytes = Buffer.from(record.ciphertext, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    await writeFile(file, JSON.stringify({ ...record, ciphertext: bytes.toString('base64') }));
    await expect(new EncryptedKeystore(dir, 'right').get('org/tlsca')).rejects.toThrow(
      /wrong passphrase or corrupted key file org\/tlsca/,
    );
    await writeFile(file, '{not json');
    await expect(new EncryptedKeystore(dir, 'right').get('org/tlsca')).rejects.toThrow(KeystoreError);
  });

  it('binds the key name: a file copied under another name does not decrypt', async () => {
    const dir = await temp.make('ks-swap');
    const keystore = new EncryptedKeystore(dir, 'pw');
    await keystore.put('a/ca', ca.keyPem);
    await writeFile(join(dir, 'b%2Fca.key.json'), await readFile(join(dir, 'a%2Fca.key.json')));
    await expect(keystore.get('b/ca')).rejects.toThrow(/wrong passphrase or corrupted key file b\/ca/);
  });

  it('rejects unsafe names, missing keys, non-key values and an empty passphrase', async () => {
    const keystore = new EncryptedKeystore(await temp.make('ks-names'), 'pw');
    await expect(keystore.put('../escape', ca.keyPem)).rejects.toThrow(/invalid key name/);
    await expect(keystore.put('a/../b', ca.keyPem)).rejects.toThrow(/invalid key name/);
    await expect(keystore.put('ok', 'not a key')).rejects.toThrow(/not a PEM private key/);
    await expect(keystore.get('absent')).rejects.toThrow(/no key named "absent"/);
    expect(() => new EncryptedKeystore('/tmp', '')).toThrow(KeystoreError);
  });

  // How long one derivation takes is measured by `npm run bench -- network` (keystoreKdfMs).
  it('derives keys with a memory-hard scrypt cost', () => {
    expect(KEYSTORE_KDF.N).toBeGreaterThanOrEqual(2 ** 15);
  });
});

describe('loadOrCreateKeystorePassphrase', () => {
  it('prefers MEDFABRIC_KEYSTORE_PASSPHRASE', async () => {
    vi.stubEnv(KEYSTORE_PASSPHRASE_ENV, 'from-env');
    const stateDir = await temp.make('pp-env');
    expect(await loadOrCreateKeystorePassphrase(stateDir)).toBe('from-env');
    expect(await readdir(stateDir)).toEqual([]);
  });

  it('creates a random 0600 secret once and returns it afterwards', async () => {
    vi.stubEnv(KEYSTORE_PASSPHRASE_ENV, '');
    const stateDir = await temp.make('pp-file');
    const first = await loadOrCreateKeystorePassphrase(stateDir);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    const file = join(stateDir, 'keystore', '.passphrase');
    expect(await mode(file)).toBe(0o600);
    expect(await loadOrCreateKeystorePassphrase(stateDir)).toBe(first);
    await chmod(file, 0o644);
    expect(await loadOrCreateKeystorePassphrase(stateDir)).toBe(first);
    expect(await mode(file)).toBe(0o600);
  });

  it('two racing first calls agree on one secret', async () => {
    vi.stubEnv(KEYSTORE_PASSPHRASE_ENV, '');
    const stateDir = await temp.make('pp-race');
    const [a, b] = await Promise.all([
      loadOrCreateKeystorePassphrase(stateDir),
      loadOrCreateKeystorePassphrase(stateDir),
    ]);
    expect(a).toBe(b);
  });

  it('refuses an empty passphrase file', async () => {
    vi.stubEnv(KEYSTORE_PASSPHRASE_ENV, '');
    const stateDir = await temp.make('pp-empty');
    await loadOrCreateKeystorePassphrase(stateDir);
    await writeFile(join(stateDir, 'keystore', '.passphrase'), '\n');
    await expect(loadOrCreateKeystorePassphrase(stateDir)).rejects.toThrow(/is empty/);
  });
});
