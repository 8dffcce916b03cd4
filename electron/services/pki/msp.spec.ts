import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate, X509CertificateGenerator } from '@peculiar/x509';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowSCrypto } from './low-s';
import {
  MspError,
  readChannelMsp,
  readLocalMsp,
  readTlsDir,
  writeChannelMsp,
  writeLocalMsp,
  writeTlsDir,
} from './msp';
import { tempDirs } from './spec-helpers';
import {
  createCertificateAuthority,
  issueCertificate,
  type CertificateAuthority,
  type KeyPairPem,
} from './x509';

const temp = tempDirs();
afterAll(() => temp.cleanup());

let ca: CertificateAuthority;
let tlsCa: CertificateAuthority;
let otherCa: CertificateAuthority;
let admin: KeyPairPem;
let peerTls: KeyPairPem;
beforeAll(async () => {
  ca = await createCertificateAuthority({
    commonName: 'ca.insurer.example.com',
    organization: 'insurer.example.com',
  });
  tlsCa = await createCertificateAuthority({
    commonName: 'tlsca.insurer.example.com',
    organization: 'insurer.example.com',
  });
  otherCa = await createCertificateAuthority({
    commonName: 'ca.evil.example.com',
    organization: 'evil.example.com',
  });
  admin = await issueCertificate(ca, {
    kind: 'identity',
    commonName: 'Admin@insurer.example.com',
    organization: 'insurer.example.com',
    nodeOu: 'admin',
  });
  peerTls = await issueCertificate(tlsCa, {
    kind: 'tls',
    commonName: 'peer0.insurer.example.com',
    organization: 'insurer.example.com',
  });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function writeAdminMsp(): Promise<string> {
  const dir = join(await temp.make('msp'), 'msp');
  await writeLocalMsp(dir, {
    caCertPem: ca.certPem,
    tlsCaCertPem: tlsCa.certPem,
    signCertPem: admin.certPem,
    keyPem: admin.keyPem,
  });
  return dir;
}

/** A certificate with two node OUs, which issueCertificate refuses to make. */
async function certWithTwoNodeOus(): Promise<KeyPairPem> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' }),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const cert = await X509CertificateGenerator.create(
    {
      subject: [{ O: ['insurer.example.com'] }, { OU: ['peer'] }, { OU: ['client'] }, { CN: ['confused'] }],
      issuer: new X509Certificate(ca.certPem).subjectName,
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    },
    lowSCrypto,
  );
  const keyPem = createPrivateKey({
    key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    format: 'der',
    type: 'pkcs8',
  }).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { certPem: cert.toString('pem'), keyPem };
}

describe('writeLocalMsp', () => {
  it('writes the Fabric layout with a 0600 key and a NodeOUs config.yaml', async () => {
    const dir = await writeAdminMsp();
    expect((await readdir(dir)).sort()).toEqual([
      'cacerts',
      'config.yaml',
      'keystore',
      'signcerts',
      'tlscacerts',
    ]);
    expect(await readFile(join(dir, 'cacerts/ca.pem'), 'utf8')).toBe(ca.certPem);
    expect(await readFile(join(dir, 'tlscacerts/tlsca.pem'), 'utf8')).toBe(tlsCa.certPem);
    expect(await readFile(join(dir, 'signcerts/cert.pem'), 'utf8')).toBe(admin.certPem);
    expect(await readFile(join(dir, 'keystore/key.pem'), 'utf8')).toBe(admin.keyPem);
    expect(await mode(join(dir, 'keystore/key.pem'))).toBe(0o600);
    expect(await mode(join(dir, 'keystore'))).toBe(0o700);
    expect(await mode(join(dir, 'signcerts/cert.pem'))).toBe(0o644);
    const config = parseYaml(await readFile(join(dir, 'config.yaml'), 'utf8')) as {
      NodeOUs: Record<string, unknown>;
    };
    expect(config.NodeOUs).toEqual({
      Enable: true,
      ClientOUIdentifier: { Certificate: 'cacerts/ca.pem', OrganizationalUnitIdentifier: 'client' },
      PeerOUIdentifier: { Certificate: 'cacerts/ca.pem', OrganizationalUnitIdentifier: 'peer' },
      AdminOUIdentifier: { Certificate: 'cacerts/ca.pem', OrganizationalUnitIdentifier: 'admin' },
      OrdererOUIdentifier: { Certificate: 'cacerts/ca.pem', OrganizationalUnitIdentifier: 'orderer' },
    });
  });

  it('replaces an existing MSP whole and leaves no temp folders behind', async () => {
    const dir = await writeAdminMsp();
    const client = await issueCertificate(ca, {
      kind: 'identity',
      commonName: 'c',
      organization: 'o',
      nodeOu: 'client',
    });
    await writeFile(join(dir, 'keystore', 'stale.pem'), 'old');
    await writeLocalMsp(dir, {
      caCertPem: ca.certPem,
      tlsCaCertPem: tlsCa.certPem,
      signCertPem: client.certPem,
      keyPem: client.keyPem,
    });
    expect(await readdir(join(dir, 'keystore'))).toEqual(['key.pem']);
    expect((await readLocalMsp(dir)).nodeOu).toBe('client');
    expect(await readdir(join(dir, '..'))).toEqual(['msp']);
  });

  it('refuses to write a key that does not match the certificate or a cert from another CA', async () => {
    const dir = join(await temp.make('refuse'), 'msp');
    await expect(
      writeLocalMsp(dir, {
        caCertPem: ca.certPem,
        tlsCaCertPem: tlsCa.certPem,
        signCertPem: admin.certPem,
        keyPem: peerTls.keyPem,
      }),
    ).rejects.toThrow(/does not belong/);
    await expect(
      writeLocalMsp(dir, {
        caCertPem: otherCa.certPem,
        tlsCaCertPem: tlsCa.certPem,
        signCertPem: admin.certPem,
        keyPem: admin.keyPem,
      }),
    ).rejects.toThrow(/not issued by the CA/);
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });
});

describe('readLocalMsp', () => {
  it('reads back a valid MSP', async () => {
    const dir = await writeAdminMsp();
    const msp = await readLocalMsp(dir, { mspId: 'InsurerMSP' });
    expect(msp).toEqual({
      dir,
      mspId: 'InsurerMSP',
      caCertPem: ca.certPem,
      tlsCaCertPem: tlsCa.certPem,
      signCertPem: admin.certPem,
      keyPem: admin.keyPem,
      nodeOu: 'admin',
    });
  });

  const corruptions: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
    [
      'missing keystore',
      (dir) => rm(join(dir, 'keystore'), { recursive: true }),
      /keystore\/: folder is missing/,
    ],
    [
      'garbage signcert PEM',
      (dir) => writeFile(join(dir, 'signcerts/cert.pem'), 'garbage'),
      /signcerts\/cert\.pem: is not a PEM certificate/,
    ],
    [
      'garbage key PEM',
      (dir) =>
        writeFile(
          join(dir, 'keystore/key.pem'),
          '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
        ),
      /keystore\/key\.pem: is not a PEM private key/,
    ],
    [
      'garbage cacert PEM',
      (dir) => writeFile(join(dir, 'cacerts/ca.pem'), 'nope'),
      /cacerts\/ca\.pem: is not a PEM certificate/,
    ],
    [
      'key of another certificate',
      (dir) => writeFile(join(dir, 'keystore/key.pem'), peerTls.keyPem),
      /no private key matches signcerts\/cert\.pem/,
    ],
    [
      'cert from another CA',
      async (dir) => {
        const foreign = await issueCertificate(otherCa, {
          kind: 'identity',
          commonName: 'x',
          organization: 'o',
          nodeOu: 'admin',
        });
        await writeFile(join(dir, 'signcerts/cert.pem'), foreign.certPem);
        await writeFile(join(dir, 'keystore/key.pem'), foreign.keyPem);
      },
      /signcerts\/cert\.pem: certificate .* was not issued by any CA in cacerts\//,
    ],
    [
      'two node OUs',
      async (dir) => {
        const twoOus = await certWithTwoNodeOus();
        await writeFile(join(dir, 'signcerts/cert.pem'), twoOus.certPem);
        await writeFile(join(dir, 'keystore/key.pem'), twoOus.keyPem);
      },
      /signcerts\/cert\.pem: certificate has 2 node OUs \(peer, client\); Fabric needs exactly one/,
    ],
    ['missing config.yaml', (dir) => rm(join(dir, 'config.yaml')), /config\.yaml: file is missing/],
    [
      'NodeOUs disabled',
      (dir) => writeFile(join(dir, 'config.yaml'), 'NodeOUs:\n  Enable: false\n'),
      /config\.yaml: does not enable NodeOUs/,
    ],
    ['empty signcerts', (dir) => rm(join(dir, 'signcerts/cert.pem')), /signcerts\/: folder is empty/],
  ];

  it.each(corruptions)('rejects %s with a message naming the file', async (_label, corrupt, expected) => {
    const dir = await writeAdminMsp();
    await corrupt(dir);
    const error: unknown = await readLocalMsp(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MspError);
    const message = (error as MspError).message;
    expect(message).toMatch(expected);
    expect(message).toContain(dir);
    // Says what to do, and is not a stack trace.
    expect(message).toMatch(/Delete|Reissue|Put the key|regenerate|restore/i);
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('rejects a missing folder and expired or not-yet-valid certificates', async () => {
    const dir = await writeAdminMsp();
    await expect(readLocalMsp(join(dir, 'nope'))).rejects.toThrow(/MSP folder .*nope does not exist/);
    const inTwoYears = new Date(Date.now() + 2 * 365 * 86_400_000);
    await expect(readLocalMsp(dir, { now: inTwoYears })).rejects.toThrow(
      /signcerts\/cert\.pem: certificate expired on/,
    );
    await expect(readLocalMsp(dir, { now: new Date('2000-01-01') })).rejects.toThrow(/not valid before/);
  });

  it('finds the matching key among several keystore files, as Fabric does', async () => {
    const dir = await writeAdminMsp();
    await writeFile(join(dir, 'keystore/0-unrelated_sk'), peerTls.keyPem, { mode: 0o600 });
    expect((await readLocalMsp(dir)).keyPem).toBe(admin.keyPem);
  });
});

describe('writeChannelMsp / writeTlsDir', () => {
  it('writes a verifying MSP without keys', async () => {
    const dir = join(await temp.make('channel'), 'msp');
    await writeChannelMsp(dir, { caCertPem: ca.certPem, tlsCaCertPem: tlsCa.certPem });
    expect((await readdir(dir)).sort()).toEqual(['cacerts', 'config.yaml', 'tlscacerts']);
    expect(await readChannelMsp(dir)).toEqual({ caCertPem: ca.certPem, tlsCaCertPem: tlsCa.certPem });
  });

  it('writes ca.crt, server.crt and a 0600 server.key, and validates them on read', async () => {
    const dir = join(await temp.make('tls'), 'tls');
    await writeTlsDir(dir, { caCertPem: tlsCa.certPem, certPem: peerTls.certPem, keyPem: peerTls.keyPem });
    expect((await readdir(dir)).sort()).toEqual(['ca.crt', 'server.crt', 'server.key']);
    expect(await mode(join(dir, 'server.key'))).toBe(0o600);
    expect((await readTlsDir(dir)).certPem).toBe(peerTls.certPem);
    await writeFile(join(dir, 'ca.crt'), ca.certPem);
    await expect(readTlsDir(dir)).rejects.toThrow(/server\.crt: was not issued by the TLS CA in ca\.crt/);
    await expect(
      writeTlsDir(join(dir, '..', 'bad'), {
        caCertPem: ca.certPem,
        certPem: peerTls.certPem,
        keyPem: peerTls.keyPem,
      }),
    ).rejects.toThrow(MspError);
  });

  it('can name the files client.crt / client.key', async () => {
    const dir = join(await temp.make('tls-client'), 'tls');
    await mkdir(join(dir, '..'), { recursive: true });
    await writeTlsDir(
      dir,
      { caCertPem: tlsCa.certPem, certPem: peerTls.certPem, keyPem: peerTls.keyPem },
      'client',
    );
    expect((await readdir(dir)).sort()).toEqual(['ca.crt', 'client.crt', 'client.key']);
    expect(await mode(join(dir, 'client.key'))).toBe(0o600);
  });
});
