import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { pathExists, SECRET_DIR_MODE, SECRET_FILE_MODE, writeFileAtomically } from './atomic-fs';

/** Missing key, unreadable key file, wrong passphrase or bad key name. */
export class KeystoreError extends Error {
  override name = 'KeystoreError';
}

/**
 * scrypt N=2^15, r=8, p=1 (32 MiB, about 60 ms per derivation measured on this 2-core machine; the
 * target was < 300 ms). Parameters are stored per file so they can be raised later without
 * breaking existing files.
 */
export const KEYSTORE_KDF = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const GCM_IV_BYTES = 12;
const FILE_VERSION = 1;
const FILE_SUFFIX = '.key.json';
// Names such as "hospital.example.com/ca": path-like segments, never "." or "..".
const KEY_NAME_PATTERN = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9._@-]+(?:\/[A-Za-z0-9._@-]+)*$/;

const encryptedKeyFileSchema = z.object({
  version: z.literal(FILE_VERSION),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z.number().int().positive(),
    r: z.number().int().positive(),
    p: z.number().int().positive(),
  }),
  cipher: z.literal('aes-256-gcm'),
  salt: z.string(),
  iv: z.string(),
  tag: z.string(),
  ciphertext: z.string(),
});
type EncryptedKeyFile = z.infer<typeof encryptedKeyFileSchema>;

function deriveKey(
  passphrase: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is exactly 128·N·r for N=2^15, r=8, which it rejects.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Private keys encrypted at rest, one JSON file per key (mode 0600). The key name is bound as
 * GCM additional data, so a file renamed to another key's name fails to decrypt.
 */
export class EncryptedKeystore {
  constructor(
    readonly dir: string,
    private readonly passphrase: string,
  ) {
    if (typeof passphrase !== 'string' || passphrase.length === 0) {
      throw new KeystoreError('the keystore passphrase must not be empty');
    }
  }

  private fileFor(name: string): string {
    if (!KEY_NAME_PATTERN.test(name)) {
      throw new KeystoreError(
        `invalid key name "${name}": use letters, digits, ".", "_", "-", "@" and "/" between segments`,
      );
    }
    return join(this.dir, `${encodeURIComponent(name)}${FILE_SUFFIX}`);
  }

  async put(name: string, keyPem: string): Promise<void> {
    if (typeof keyPem !== 'string' || !keyPem.includes('PRIVATE KEY-----')) {
      throw new KeystoreError(`refusing to store "${name}": the value is not a PEM private key`);
    }
    await this.putSecret(name, keyPem);
  }

  /**
   * Stores any secret text with the same protection as keys (e.g. a Paillier private key or a
   * diagnosis opening); `get` reads it back.
   */
  async putSecret(name: string, secret: string): Promise<void> {
    const file = this.fileFor(name);
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new KeystoreError(`refusing to store "${name}": the secret is empty`);
    }
    const salt = randomBytes(SALT_BYTES);
    const iv = randomBytes(GCM_IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await deriveKey(this.passphrase, salt, KEYSTORE_KDF), iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const record: EncryptedKeyFile = {
      version: FILE_VERSION,
      kdf: { name: 'scrypt', ...KEYSTORE_KDF },
      cipher: 'aes-256-gcm',
      salt: salt.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
    await mkdir(this.dir, { recursive: true, mode: SECRET_DIR_MODE });
    await writeFileAtomically(file, `${JSON.stringify(record, null, 2)}\n`, SECRET_FILE_MODE);
  }

  async get(name: string): Promise<string> {
    const file = this.fileFor(name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new KeystoreError(`no key named "${name}" in keystore ${this.dir}`);
      }
      throw new KeystoreError(`cannot read key file ${file}: ${(error as Error).message}`);
    }
    const corrupted = new KeystoreError(`wrong passphrase or corrupted key file ${name}`);
    let record: EncryptedKeyFile;
    try {
      record = encryptedKeyFileSchema.parse(JSON.parse(text));
    } catch {
      throw corrupted;
    }
    const key = await deriveKey(this.passphrase, Buffer.from(record.salt, 'base64'), record.kdf);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(record.iv, 'base64'));
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(Buffer.from(record.tag, 'base64'));
      return Buffer.concat([
        decipher.update(Buffer.from(record.ciphertext, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // GCM authentication failure: wrong passphrase or a modified file; both mean the same to the user.
      throw corrupted;
    }
  }

  async has(name: string): Promise<boolean> {
    return pathExists(this.fileFor(name));
  }

  async list(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new KeystoreError(`cannot list keystore ${this.dir}: ${(error as Error).message}`);
    }
    return entries
      .filter((entry) => entry.endsWith(FILE_SUFFIX))
      .map((entry) => decodeURIComponent(entry.slice(0, -FILE_SUFFIX.length)))
      .sort();
  }
}

export const KEYSTORE_PASSPHRASE_ENV = 'MEDFABRIC_KEYSTORE_PASSPHRASE';

/**
 * The console keystore passphrase: $MEDFABRIC_KEYSTORE_PASSPHRASE, else a random secret created once
 * in <stateDir>/keystore/.passphrase (0600). The Electron build will replace this with the OS keychain.
 */
export async function loadOrCreateKeystorePassphrase(stateDir: string): Promise<string> {
  const fromEnvironment = process.env[KEYSTORE_PASSPHRASE_ENV];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;

  const keystoreDir = join(stateDir, 'keystore');
  const file = join(keystoreDir, '.passphrase');
  await mkdir(keystoreDir, { recursive: true, mode: SECRET_DIR_MODE });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx' fails if the file exists, so two starting processes cannot write different secrets.
    const handle = await open(file, 'wx', SECRET_FILE_MODE);
    try {
      await handle.writeFile(`${secret}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new KeystoreError(`cannot create keystore passphrase file ${file}: ${(error as Error).message}`);
    }
  }
  const existing = (await readFile(file, 'utf8')).trim();
  if (existing === '') {
    throw new KeystoreError(
      `keystore passphrase file ${file} is empty; restore it from a backup or set ${KEYSTORE_PASSPHRASE_ENV}`,
    );
  }
  // Someone loosened the permissions; the secret is only as safe as this file.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, SECRET_FILE_MODE);
  return existing;
}
