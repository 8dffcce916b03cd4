import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptedKeystore } from './keystore';
import { readChannelMsp, readLocalMsp, readTlsDir } from './msp';
import {
  ensureOrgMaterial,
  issueUser,
  OrgMaterialError,
  type OrgMaterial,
  type OrgSpec,
} from './org-material';
import { tempDirs } from './spec-helpers';
import { describeCertificate } from './x509';

const temp = tempDirs();
afterAll(() => temp.cleanup());

const hospital: OrgSpec = {
  name: 'Hospital',
  mspId: 'HospitalMSP',
  domain: 'hospital.example.com',
  kind: 'peer',
  nodes: ['peer0', 'peer1'],
  users: [
    { name: 'Admin', ou: 'admin' },
    { name: 'frontdesk', ou: 'client', attributes: { role: 'doctor' } },
  ],
};
const ordererOrg: OrgSpec = {
  name: 'Orderer',
  mspId: 'OrdererMSP',
  domain: 'orderer.example.com',
  kind: 'orderer',
  nodes: ['orderer0'],
  users: [{ name: 'Admin', ou: 'admin' }],
};

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files = await listFiles(dir);
  return Object.fromEntries(
    await Promise.all(files.map(async (file) => [file, await readFile(file, 'utf8')] as const)),
  );
}

let cryptoRoot: string;
let keystore: EncryptedKeystore;
let material: OrgMaterial;
beforeAll(async () => {
  const base = await temp.make('org');
  cryptoRoot = join(base, 'crypto');
  keystore = new EncryptedKeystore(join(base, 'keystore'), 'test-passphrase');
  material = await ensureOrgMaterial(cryptoRoot, hospital, keystore);
});

describe('ensureOrgMaterial', () => {
  it('lays out CAs, channel MSP, nodes and users like cryptogen', async () => {
    const root = join(cryptoRoot, 'hospital.example.com');
    expect(material.root).toBe(root);
    expect(material.channelMspDir).toBe(join(root, 'msp'));
    expect(await readFile(join(root, 'ca/ca.pem'), 'utf8')).toBe(material.caCertPem);
    expect(await readFile(join(root, 'tlsca/tlsca.pem'), 'utf8')).toBe(material.tlsCaCertPem);
    expect(describeCertificate(material.caCertPem).subject).toContain('CN=ca.hospital.example.com');
    expect(describeCertificate(material.tlsCaCertPem).subject).toContain('CN=tlsca.hospital.example.com');
    expect(await readChannelMsp(material.channelMspDir)).toEqual({
      caCertPem: material.caCertPem,
      tlsCaCertPem: material.tlsCaCertPem,
    });

    expect(Object.keys(material.nodes)).toEqual(['peer0', 'peer1']);
    const peer0 = material.nodes.peer0;
    expect(peer0).toEqual({
      host: 'peer0.hospital.example.com',
      mspDir: join(root, 'nodes/peer0.hospital.example.com/msp'),
      tlsDir: join(root, 'nodes/peer0.hospital.example.com/tls'),
    });
    const peerMsp = await readLocalMsp(peer0?.mspDir ?? '');
    expect(peerMsp.nodeOu).toBe('peer');
    expect(describeCertificate(peerMsp.signCertPem).subject).toContain('CN=peer0.hospital.example.com');
    const peerTls = await readTlsDir(peer0?.tlsDir ?? '');
    expect(describeCertificate(peerTls.certPem).sans).toEqual([
      'DNS:peer0.hospital.example.com',
      'DNS:localhost',
      'IP:127.0.0.1',
    ]);

    const admin = material.users.Admin;
    expect(admin?.mspDir).toBe(join(root, 'users/Admin@hospital.example.com/msp'));
    expect((await readLocalMsp(admin?.mspDir ?? '')).nodeOu).toBe('admin');
    expect((await readdir(admin?.tlsDir ?? '')).sort()).toEqual(['ca.crt', 'client.crt', 'client.key']);
    const frontdesk = material.users.frontdesk;
    expect(describeCertificate(frontdesk?.certPem ?? '').attributes).toMatchObject({
      role: 'doctor',
      'hf.EnrollmentID': 'frontdesk@hospital.example.com',
      'hf.Type': 'client',
    });
    expect(await readFile(join(frontdesk?.mspDir ?? '', 'keystore/key.pem'), 'utf8')).toBe(frontdesk?.keyPem);
  });

  it('keeps CA private keys only in the encrypted keystore; other keys are 0600', async () => {
    expect(await keystore.list()).toEqual(['hospital.example.com/ca', 'hospital.example.com/tlsca']);
    const caKeys = [
      await keystore.get('hospital.example.com/ca'),
      await keystore.get('hospital.example.com/tlsca'),
    ];
    for (const file of await listFiles(material.root)) {
      const text = await readFile(file, 'utf8');
      expect(caKeys).not.toContain(text);
      if (text.includes('PRIVATE KEY')) {
        expect(file).toMatch(/(keystore\/key\.pem|server\.key|client\.key)$/);
        expect((await stat(file)).mode & 0o777).toBe(0o600);
      }
    }
  });

  it('is idempotent: a second run reuses every certificate and key', async () => {
    const before = await snapshot(material.root);
    const again = await ensureOrgMaterial(cryptoRoot, hospital, keystore);
    expect(again).toEqual(material);
    expect(await snapshot(material.root)).toEqual(before);
    expect(await keystore.list()).toHaveLength(2);
  });

  it('adds new nodes and users without touching existing ones', async () => {
    const base = await temp.make('org-grow');
    const ks = new EncryptedKeystore(join(base, 'ks'), 'pw');
    const first = await ensureOrgMaterial(
      join(base, 'crypto'),
      { ...hospital, nodes: ['peer0'], users: [] },
      ks,
    );
    const grown = await ensureOrgMaterial(join(base, 'crypto'), hospital, ks);
    expect(grown.caCertPem).toBe(first.caCertPem);
    expect(await readLocalMsp(grown.nodes.peer0?.mspDir ?? '')).toEqual(
      await readLocalMsp(first.nodes.peer0?.mspDir ?? ''),
    );
    expect(Object.keys(grown.users)).toEqual(['Admin', 'frontdesk']);
  });

  it('gives orderer nodes the orderer OU and TLS certs that serve and authenticate clients', async () => {
    const base = await temp.make('orderer');
    const orderer = await ensureOrgMaterial(
      join(base, 'crypto'),
      ordererOrg,
      new EncryptedKeystore(join(base, 'ks'), 'pw'),
    );
    const node = orderer.nodes.orderer0;
    expect(node?.host).toBe('orderer0.orderer.example.com');
    expect((await readLocalMsp(node?.mspDir ?? '')).nodeOu).toBe('orderer');

    // Mutual TLS on loopback: orderer server cert + admin client cert, both from the TLS CA.
    const server = await readTlsDir(node?.tlsDir ?? '');
    const client = await readTlsDir(orderer.users.Admin?.tlsDir ?? '', 'client');
    const tlsServer = createServer(
      {
        cert: server.certPem,
        key: server.keyPem,
        ca: server.caCertPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (socket) => socket.end(`hello ${socket.getPeerCertificate().subject.CN}`),
    );
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    try {
      const address = tlsServer.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      for (const servername of ['orderer0.orderer.example.com', 'localhost']) {
        const reply = await new Promise<string>((resolve, reject) => {
          const socket: TLSSocket = connect({
            host: '127.0.0.1',
            port,
            servername,
            ca: client.caCertPem,
            cert: client.certPem,
            key: client.keyPem,
          });
          let data = '';
          socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
          socket.on('end', () => resolve(data));
          socket.on('error', reject);
        });
        expect(reply).toBe('hello Admin@orderer.example.com');
      }
    } finally {
      await new Promise((resolve) => tlsServer.close(resolve));
    }
  });

  it('rebuilds a lost CA certificate from the keystore key; issued material stays valid', async () => {
    const base = await temp.make('org-recover');
    const ks = new EncryptedKeystore(join(base, 'ks'), 'pw');
    const first = await ensureOrgMaterial(join(base, 'crypto'), hospital, ks);
    await rm(join(first.root, 'ca/ca.pem'));
    // Restored byte for byte from the channel MSP copy.
    const restored = await ensureOrgMaterial(join(base, 'crypto'), hospital, ks);
    expect(restored).toEqual(first);
    // With no copy left either, the keystore key is re-certified; issued certificates keep chaining.
    await rm(join(first.root, 'ca/ca.pem'));
    await rm(first.channelMspDir, { recursive: true });
    const second = await ensureOrgMaterial(join(base, 'crypto'), hospital, ks);
    expect(second.caCertPem).not.toBe(first.caCertPem);
    expect(await readChannelMsp(second.channelMspDir)).toMatchObject({ caCertPem: second.caCertPem });
    const peerCert = new NodeX509Certificate(second.users.Admin?.certPem ?? '');
    expect(peerCert.verify(new NodeX509Certificate(second.caCertPem).publicKey)).toBe(true);
    expect(second.users.Admin?.certPem).toBe(first.users.Admin?.certPem);
  });

  it('refuses to regenerate when a CA key is missing from the keystore', async () => {
    const base = await temp.make('org-nokey');
    await ensureOrgMaterial(join(base, 'crypto'), hospital, new EncryptedKeystore(join(base, 'ks'), 'pw'));
    const emptyKeystore = new EncryptedKeystore(join(base, 'other-ks'), 'pw');
    await expect(ensureOrgMaterial(join(base, 'crypto'), hospital, emptyKeystore)).rejects.toThrow(
      /its private key "hospital\.example\.com\/ca" is not in keystore .*Restore the keystore/,
    );
    await expect(
      ensureOrgMaterial(join(base, 'crypto'), hospital, new EncryptedKeystore(join(base, 'ks'), 'wrong')),
    ).rejects.toThrow(/wrong passphrase or corrupted key file hospital\.example\.com\/ca/);
  });

  it('does not overwrite broken existing node material; it says what to delete', async () => {
    const base = await temp.make('org-broken');
    const ks = new EncryptedKeystore(join(base, 'ks'), 'pw');
    const first = await ensureOrgMaterial(join(base, 'crypto'), hospital, ks);
    const keyFile = join(first.nodes.peer1?.mspDir ?? '', 'keystore/key.pem');
    await writeFile(keyFile, first.users.Admin?.keyPem ?? '');
    const error: unknown = await ensureOrgMaterial(join(base, 'crypto'), hospital, ks).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OrgMaterialError);
    expect((error as Error).message).toMatch(/no private key matches signcerts\/cert\.pem/);
    expect((error as Error).message).toContain(`Delete ${first.nodes.peer1?.mspDir}`);
    expect(await readFile(keyFile, 'utf8')).toBe(first.users.Admin?.keyPem);
    await rm(first.nodes.peer1?.mspDir ?? '', { recursive: true });
    const repaired = await ensureOrgMaterial(join(base, 'crypto'), hospital, ks);
    expect((await readLocalMsp(repaired.nodes.peer1?.mspDir ?? '')).nodeOu).toBe('peer');
  });

  it('refuses to reuse a user whose spec attributes changed', async () => {
    const changed: OrgSpec = {
      ...hospital,
      users: [{ name: 'frontdesk', ou: 'client', attributes: { role: 'nurse' } }],
    };
    await expect(ensureOrgMaterial(cryptoRoot, changed, keystore)).rejects.toThrow(
      /carries attributes \{"role":"doctor"\} but the spec asks for \{"role":"nurse"\}/,
    );
  });

  it('validates the org spec', async () => {
    const bad = { ...hospital, domain: 'Not A Domain', nodes: ['peer0', 'peer0'] };
    await expect(ensureOrgMaterial(cryptoRoot, bad, keystore)).rejects.toThrow(
      /domain must be a lower-case DNS name/,
    );
    await expect(
      ensureOrgMaterial(cryptoRoot, { ...hospital, nodes: ['peer0', 'peer0'] }, keystore),
    ).rejects.toThrow(/node "peer0" is listed twice/);
  });

  it('serialises concurrent first runs of one org to a single CA', async () => {
    const base = await temp.make('org-concurrent');
    const ks = new EncryptedKeystore(join(base, 'ks'), 'pw');
    const [a, b] = await Promise.all([
      ensureOrgMaterial(join(base, 'crypto'), hospital, ks),
      ensureOrgMaterial(join(base, 'crypto'), hospital, ks),
    ]);
    expect(a.caCertPem).toBe(b.caCertPem);
    expect(a.users.Admin?.certPem).toBe(b.users.Admin?.certPem);
  });
});

describe('issueUser', () => {
  it('enrolls a patient with attributes, signed by the org CA', async () => {
    const patient = await issueUser(cryptoRoot, hospital, keystore, {
      name: 'patient-001',
      ou: 'client',
      attributes: { role: 'patient', patientId: 'P-001' },
    });
    expect(patient.mspDir).toBe(join(material.root, 'users/patient-001@hospital.example.com/msp'));
    const msp = await readLocalMsp(patient.mspDir);
    expect(msp.nodeOu).toBe('client');
    expect(msp.signCertPem).toBe(patient.certPem);
    expect(msp.keyPem).toBe(patient.keyPem);
    expect(msp.caCertPem).toBe(material.caCertPem);
    expect(describeCertificate(patient.certPem).attributes).toMatchObject({
      role: 'patient',
      patientId: 'P-001',
    });
    expect((await readTlsDir(patient.tlsDir, 'client')).caCertPem).toBe(material.tlsCaCertPem);
    expect((await readdir(join(material.root, 'users'))).filter((entry) => entry.startsWith('.'))).toEqual(
      [],
    );
  });

  it('refuses a name that already exists, including users from the spec', async () => {
    await issueUser(cryptoRoot, hospital, keystore, {
      name: 'dr-house',
      ou: 'client',
      attributes: { role: 'doctor' },
    });
    const certBefore = await readFile(
      join(material.root, 'users/dr-house@hospital.example.com/msp/signcerts/cert.pem'),
      'utf8',
    );
    await expect(
      issueUser(cryptoRoot, hospital, keystore, { name: 'dr-house', ou: 'client' }),
    ).rejects.toThrow(/user "dr-house" already exists .*choose another name/);
    await expect(issueUser(cryptoRoot, hospital, keystore, { name: 'Admin', ou: 'admin' })).rejects.toThrow(
      /already exists/,
    );
    const certAfter = await readFile(
      join(material.root, 'users/dr-house@hospital.example.com/msp/signcerts/cert.pem'),
      'utf8',
    );
    expect(certAfter).toBe(certBefore);
  });

  it('needs the org CA to exist and validates the user', async () => {
    const base = await temp.make('org-nouser');
    const ks = new EncryptedKeystore(join(base, 'ks'), 'pw');
    await expect(issueUser(join(base, 'crypto'), hospital, ks, { name: 'x', ou: 'client' })).rejects.toThrow(
      /has no CA yet .*run ensureOrgMaterial first/,
    );
    await expect(
      issueUser(cryptoRoot, hospital, keystore, { name: '../evil', ou: 'client' }),
    ).rejects.toThrow(/invalid user/);
  });
});
