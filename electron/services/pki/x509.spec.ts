import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, webcrypto, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bytesToBigInt,
  encodeDerEcdsaSignature,
  normaliseP256SignatureToLowS,
  P256_HALF_ORDER,
  P256_ORDER,
  parseDerEcdsaSignature,
} from './low-s';
import { certificateSignature, tempDirs } from './spec-helpers';
import {
  createCertificateAuthority,
  describeCertificate,
  FABRIC_ATTRS_OID,
  issueCertificate,
  nodeOusOf,
  PkiError,
  type CertificateAuthority,
} from './x509';

const execFileAsync = promisify(execFile);
const temp = tempDirs();
afterAll(() => temp.cleanup());

let ca: CertificateAuthority;
let tlsCa: CertificateAuthority;
beforeAll(async () => {
  ca = await createCertificateAuthority({
    commonName: 'ca.hospital.example.com',
    organization: 'hospital.example.com',
    country: 'US',
    locality: 'San Francisco',
  });
  tlsCa = await createCertificateAuthority({
    commonName: 'tlsca.hospital.example.com',
    organization: 'hospital.example.com',
  });
});

const identity = (nodeOu: 'client' | 'peer' | 'admin' | 'orderer', attributes?: Record<string, string>) =>
  issueCertificate(ca, {
    kind: 'identity',
    commonName: `${nodeOu}1@hospital.example.com`,
    organization: 'hospital.example.com',
    nodeOu,
    attributes,
  });

async function uncompressedPointSha256(certPem: string): Promise<string> {
  const key = await new X509Certificate(certPem).publicKey.export(webcrypto);
  return createHash('sha256')
    .update(Buffer.from(await webcrypto.subtle.exportKey('raw', key)))
    .digest('hex');
}

describe('createCertificateAuthority', () => {
  it('creates a self-signed P-256 CA with CA:TRUE (critical), CA key usages and an SKI', async () => {
    const cert = new X509Certificate(ca.certPem);
    const basic = cert.getExtension(BasicConstraintsExtension);
    expect(basic?.ca).toBe(true);
    expect(basic?.critical).toBe(true);
    const usage = cert.getExtension(KeyUsagesExtension);
    expect(usage?.critical).toBe(true);
    expect(usage?.usages).toBe(
      KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature,
    );
    expect(cert.getExtension(SubjectKeyIdentifierExtension)?.keyId).toBe(
      await uncompressedPointSha256(ca.certPem),
    );

    const node = new NodeX509Certificate(ca.certPem);
    expect(node.ca).toBe(true);
    expect(node.verify(node.publicKey)).toBe(true);
    expect(node.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
    expect(node.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ca.keyPem.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect(ca.commonName).toBe('ca.hospital.example.com');

    const info = describeCertificate(ca.certPem);
    expect(info.isCa).toBe(true);
    expect(info.subject).toBe('C=US, L=San Francisco, O=hospital.example.com, CN=ca.hospital.example.com');
    const lifetimeDays = (Date.parse(info.notAfter) - Date.parse(info.notBefore)) / 86_400_000;
    expect(Math.round(lifetimeDays)).toBe(3650);
  });

  it('re-certifies an existing key so earlier leaves still verify', async () => {
    const leaf = await identity('peer');
    const again = await createCertificateAuthority({
      commonName: 'ca.hospital.example.com',
      organization: 'hospital.example.com',
      country: 'US',
      locality: 'San Francisco',
      existingKeyPem: ca.keyPem,
    });
    expect(again.certPem).not.toBe(ca.certPem);
    const node = new NodeX509Certificate(leaf.certPem);
    expect(node.checkIssued(new NodeX509Certificate(again.certPem))).toBe(true);
    expect(node.verify(new NodeX509Certificate(again.certPem).publicKey)).toBe(true);
  });

  it('rejects bad input with a clear error', async () => {
    await expect(createCertificateAuthority({ commonName: '', organization: 'x' })).rejects.toThrow(
      /commonName/,
    );
    await expect(
      createCertificateAuthority({ commonName: 'ca', organization: 'x', country: 'USA' }),
    ).rejects.toThrow(/two-letter/);
    await expect(
      createCertificateAuthority({ commonName: 'ca', organization: 'x', validityDays: 0 }),
    ).rejects.toThrow(PkiError);
  });
});

describe('issueCertificate (identity)', () => {
  it('chains to the CA: verify, checkIssued and checkPrivateKey', async () => {
    const leaf = await identity('client');
    const cert = new NodeX509Certificate(leaf.certPem);
    const caCert = new NodeX509Certificate(ca.certPem);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
    expect(cert.ca).toBe(false);
    expect(leaf.keyPem.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    // A certificate from another CA must not pass as issued by this one.
    expect(cert.checkIssued(new NodeX509Certificate(tlsCa.certPem))).toBe(false);
  });

  it('sets SKI = SHA-256 of the public point and AKI = the CA SKI, CA:FALSE and digitalSignature (critical)', async () => {
    const leaf = new X509Certificate((await identity('peer')).certPem);
    const caSki = new X509Certificate(ca.certPem).getExtension(SubjectKeyIdentifierExtension)?.keyId;
    expect(caSki).toMatch(/^[0-9a-f]{64}$/);
    expect(leaf.getExtension(AuthorityKeyIdentifierExtension)?.keyId).toBe(caSki);
    expect(leaf.getExtension(SubjectKeyIdentifierExtension)?.keyId).toBe(
      await uncompressedPointSha256(leaf.toString('pem')),
    );
    expect(leaf.getExtension(BasicConstraintsExtension)?.ca).toBe(false);
    expect(leaf.getExtension(BasicConstraintsExtension)?.critical).toBe(true);
    expect(leaf.getExtension(KeyUsagesExtension)?.usages).toBe(KeyUsageFlags.digitalSignature);
    expect(leaf.getExtension(KeyUsagesExtension)?.critical).toBe(true);
    expect(leaf.getExtension(ExtendedKeyUsageExtension)).toBeNull();
  });

  it.each(['client', 'peer', 'admin', 'orderer'] as const)('carries exactly one node OU (%s)', async (ou) => {
    const leaf = await identity(ou);
    expect(new X509Certificate(leaf.certPem).subjectName.getField('OU')).toEqual([ou]);
    expect(nodeOusOf(leaf.certPem)).toEqual([ou]);
    expect(describeCertificate(leaf.certPem).nodeOu).toBe(ou);
  });

  it('writes the fabric-ca attrs extension as JSON', async () => {
    const leaf = await identity('client', { role: 'patient', patientId: 'P-001' });
    const extension = new X509Certificate(leaf.certPem).getExtension(FABRIC_ATTRS_OID);
    expect(extension?.critical).toBe(false);
    const json: unknown = JSON.parse(Buffer.from(extension?.value ?? new ArrayBuffer(0)).toString('utf8'));
    expect(json).toEqual({
      attrs: {
        'hf.Affiliation': '',
        'hf.EnrollmentID': 'client1@hospital.example.com',
        'hf.Type': 'client',
        role: 'patient',
        patientId: 'P-001',
      },
    });
    expect(describeCertificate(leaf.certPem).attributes).toMatchObject({
      role: 'patient',
      patientId: 'P-001',
    });
  });

  it('refuses a missing OU, reserved hf.* attributes and OUs or attributes on TLS certificates', async () => {
    const base = { commonName: 'x', organization: 'o' };
    await expect(issueCertificate(ca, { kind: 'identity', ...base })).rejects.toThrow(/exactly one nodeOu/);
    await expect(
      issueCertificate(ca, {
        kind: 'identity',
        ...base,
        nodeOu: 'client',
        attributes: { 'hf.Type': 'admin' },
      }),
    ).rejects.toThrow(/reserved/);
    await expect(issueCertificate(tlsCa, { kind: 'tls', ...base, nodeOu: 'peer' })).rejects.toThrow(
      /must not carry a node OU/,
    );
    await expect(
      issueCertificate(tlsCa, { kind: 'tls', ...base, attributes: { role: 'x' } }),
    ).rejects.toThrow(/attributes/);
    await expect(
      issueCertificate(tlsCa, { kind: 'tls', ...base, sans: { ips: ['300.1.1.1'] } }),
    ).rejects.toThrow(/IP/);
    await expect(
      issueCertificate({ ...ca, keyPem: tlsCa.keyPem }, { kind: 'identity', ...base, nodeOu: 'client' }),
    ).rejects.toThrow(/does not belong/);
  });

  it('never outlives its CA', async () => {
    const shortCa = await createCertificateAuthority({
      commonName: 'short',
      organization: 'o',
      validityDays: 10,
    });
    const leaf = await issueCertificate(shortCa, {
      kind: 'identity',
      commonName: 'x',
      organization: 'o',
      nodeOu: 'client',
    });
    expect(describeCertificate(leaf.certPem).notAfter).toBe(describeCertificate(shortCa.certPem).notAfter);
  });
});

describe('issueCertificate (TLS)', () => {
  it('has serverAuth+clientAuth, digitalSignature|keyEncipherment and SANs host, localhost, 127.0.0.1', async () => {
    const leaf = await issueCertificate(tlsCa, {
      kind: 'tls',
      commonName: 'peer0.hospital.example.com',
      organization: 'hospital.example.com',
      sans: { dns: ['peer0.hospital.example.com', 'extra.local'], ips: ['::1'] },
    });
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.getExtension(ExtendedKeyUsageExtension)?.usages).toEqual([
      ExtendedKeyUsage.serverAuth,
      ExtendedKeyUsage.clientAuth,
    ]);
    expect(cert.getExtension(KeyUsagesExtension)?.usages).toBe(
      KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment,
    );
    expect(cert.subjectName.getField('OU')).toEqual([]);
    expect(describeCertificate(leaf.certPem).sans).toEqual([
      'DNS:peer0.hospital.example.com',
      'DNS:extra.local',
      'IP:::1',
      'DNS:localhost',
      'IP:127.0.0.1',
    ]);
    const node = new NodeX509Certificate(leaf.certPem);
    expect(node.checkHost('peer0.hospital.example.com')).toBe('peer0.hospital.example.com');
    expect(node.checkHost('localhost')).toBe('localhost');
    expect(node.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(node.checkIssued(new NodeX509Certificate(tlsCa.certPem))).toBe(true);
  });
});

describe('low-S signatures', () => {
  it('all 200 issued certificates (and their CAs) have s <= n/2', async () => {
    const pems = [ca.certPem, tlsCa.certPem];
    for (let i = 0; i < 100; i++) {
      pems.push(
        (
          await issueCertificate(ca, {
            kind: 'identity',
            commonName: `u${i}`,
            organization: 'o',
            nodeOu: 'client',
          })
        ).certPem,
      );
      pems.push(
        (await issueCertificate(tlsCa, { kind: 'tls', commonName: `h${i}.example.com`, organization: 'o' }))
          .certPem,
      );
    }
    const highS = pems.filter((pem) => certificateSignature(pem).s > P256_HALF_ORDER);
    expect(pems).toHaveLength(202);
    expect(highS).toHaveLength(0);
  });

  it('the same check finds high-S signatures in certificates signed by plain WebCrypto', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]);
    let highS = 0;
    for (let i = 0; i < 40; i++) {
      const cert = await X509CertificateGenerator.create(
        {
          subject: 'CN=plain',
          issuer: 'CN=plain',
          publicKey: keys.publicKey,
          signingKey: keys.privateKey,
          signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        },
        webcrypto,
      );
      if (certificateSignature(cert.toString('pem')).s > P256_HALF_ORDER) highS++;
    }
    // About half are high-S; (1/2)^40 chance of a false failure.
    expect(highS).toBeGreaterThan(0);
  });

  it('normalises raw and DER signatures so that they still verify', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]);
    const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
    const message = Buffer.from('claim-42');
    let raw = new Uint8Array(await webcrypto.subtle.sign(algorithm, keys.privateKey, message));
    // Force a high-S input: (r, n − s) is the other valid signature for the same message.
    const s = bytesToBigInt(raw.subarray(32));
    if (s <= P256_HALF_ORDER) {
      const flipped = P256_ORDER - s;
      raw = Uint8Array.from([
        ...raw.subarray(0, 32),
        ...Buffer.from(flipped.toString(16).padStart(64, '0'), 'hex'),
      ]);
    }
    expect(await webcrypto.subtle.verify(algorithm, keys.publicKey, raw, message)).toBe(true);
    const lowRaw = normaliseP256SignatureToLowS(raw);
    expect(bytesToBigInt(lowRaw.subarray(32))).toBeLessThanOrEqual(P256_HALF_ORDER);
    expect(await webcrypto.subtle.verify(algorithm, keys.publicKey, lowRaw, message)).toBe(true);

    const der = encodeDerEcdsaSignature(bytesToBigInt(raw.subarray(0, 32)), bytesToBigInt(raw.subarray(32)));
    const lowDer = parseDerEcdsaSignature(normaliseP256SignatureToLowS(der));
    expect(lowDer.s).toBe(bytesToBigInt(lowRaw.subarray(32)));
  });
});

describe('openssl', () => {
  it('verifies one identity and one TLS certificate with -x509_strict', async () => {
    const dir = await temp.make('openssl');
    const leaf = await identity('admin', { role: 'doctor' });
    const tls = await issueCertificate(tlsCa, {
      kind: 'tls',
      commonName: 'orderer0.regulator.example.com',
      organization: 'o',
    });
    await writeFile(join(dir, 'ca.pem'), ca.certPem);
    await writeFile(join(dir, 'tlsca.pem'), tlsCa.certPem);
    await writeFile(join(dir, 'identity.pem'), leaf.certPem);
    await writeFile(join(dir, 'tls.pem'), tls.certPem);
    const identityRun = await execFileAsync('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      join(dir, 'ca.pem'),
      join(dir, 'identity.pem'),
    ]);
    expect(identityRun.stdout.trim()).toBe(`${join(dir, 'identity.pem')}: OK`);
    const tlsRun = await execFileAsync('openssl', [
      'verify',
      '-x509_strict',
      '-purpose',
      'sslserver',
      '-CAfile',
      join(dir, 'tlsca.pem'),
      join(dir, 'tls.pem'),
    ]);
    expect(tlsRun.stdout.trim()).toBe(`${join(dir, 'tls.pem')}: OK`);
    // And the negative: the identity does not verify against the TLS CA.
    await expect(
      execFileAsync('openssl', [
        'verify',
        '-x509_strict',
        '-CAfile',
        join(dir, 'tlsca.pem'),
        join(dir, 'identity.pem'),
      ]),
    ).rejects.toThrow();
  });
});
