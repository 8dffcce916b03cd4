import 'reflect-metadata';
import { createPrivateKey, createPublicKey, verify as nodeVerify, webcrypto } from 'node:crypto';
import { Pkcs10CertificateRequest, X509CrlGenerator, X509CrlReason } from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { P256_HALF_ORDER, parseDerEcdsaSignature } from '../pki/low-s';
import { createCertificateAuthority, issueCertificate } from '../pki/x509';
import { createAuthToken, createKeyAndCsr, describeCrl, normaliseSerial } from './ca-crypto';

describe('createKeyAndCsr', () => {
  it('makes a P-256 key and a self-verifying CSR whose CN is the enrollment ID', async () => {
    const { keyPem, csrPem } = await createKeyAndCsr({
      commonName: 'doctor1',
      organization: 'hospital.example.com',
      country: 'US',
    });
    const key = createPrivateKey(keyPem);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(keyPem).toContain('-----BEGIN PRIVATE KEY-----');
    const csr = new Pkcs10CertificateRequest(csrPem);
    expect(csr.subject).toBe('C=US, O=hospital.example.com, CN=doctor1');
    expect(await csr.verify()).toBe(true);
    const csrSpki = Buffer.from(csr.publicKey.rawData);
    const keySpki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    expect(csrSpki.equals(keySpki)).toBe(true);
  });

  it('reuses an existing key when asked (re-enrollment keeping the key)', async () => {
    const first = await createKeyAndCsr({ commonName: 'nurse1' });
    const again = await createKeyAndCsr({ commonName: 'nurse1' }, first.keyPem);
    expect(again.keyPem).toBe(first.keyPem);
    expect(Buffer.from(new Pkcs10CertificateRequest(again.csrPem).publicKey.rawData)).toEqual(
      Buffer.from(new Pkcs10CertificateRequest(first.csrPem).publicKey.rawData),
    );
  });

  it('refuses an empty common name and non-P-256 keys', async () => {
    await expect(createKeyAndCsr({ commonName: ' ' })).rejects.toThrow(/common name/);
    const ed = (await webcrypto.subtle.generateKey({ name: 'Ed25519' }, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const edPem = createPrivateKey({
      key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', ed.privateKey)),
      format: 'der',
      type: 'pkcs8',
    }).export({ type: 'pkcs8', format: 'pem' }) as string;
    await expect(createKeyAndCsr({ commonName: 'x' }, edPem)).rejects.toThrow(/P-256/);
  });
});

describe('createAuthToken', () => {
  it('is base64(cert).base64(sig), sig = low-S ECDSA-SHA256 over method.b64(uri).b64(body).b64(cert)', async () => {
    const ca = await createCertificateAuthority({ commonName: 'ca.test', organization: 'test' });
    const identity = await issueCertificate(ca, {
      kind: 'identity',
      commonName: 'registrar',
      organization: 'test',
      nodeOu: 'client',
    });
    const body = Buffer.from(JSON.stringify({ id: 'doctor1', type: 'client' }));
    for (let i = 0; i < 8; i++) {
      const token = createAuthToken(identity, 'POST', '/api/v1/register', body);
      const [b64cert, b64sig, ...rest] = token.split('.');
      expect(rest).toEqual([]);
      expect(Buffer.from(b64cert ?? '', 'base64').toString('utf8')).toBe(identity.certPem);
      const signature = Buffer.from(b64sig ?? '', 'base64');
      const payload = `POST.${Buffer.from('/api/v1/register').toString('base64')}.${body.toString('base64')}.${b64cert}`;
      expect(
        nodeVerify('sha256', Buffer.from(payload), { key: identity.certPem, dsaEncoding: 'der' }, signature),
      ).toBe(true);
      expect(parseDerEcdsaSignature(signature).s <= P256_HALF_ORDER).toBe(true);
      // Bound to method, URI and body: any change breaks it.
      const otherUri = `POST.${Buffer.from('/api/v1/revoke').toString('base64')}.${body.toString('base64')}.${b64cert}`;
      expect(
        nodeVerify('sha256', Buffer.from(otherUri), { key: identity.certPem, dsaEncoding: 'der' }, signature),
      ).toBe(false);
    }
  });

  it('signs an empty body as an empty base64 segment', async () => {
    const ca = await createCertificateAuthority({ commonName: 'ca.test', organization: 'test' });
    const identity = await issueCertificate(ca, {
      kind: 'identity',
      commonName: 'u',
      organization: 'test',
      nodeOu: 'client',
    });
    const token = createAuthToken(identity, 'GET', '/api/v1/certificates', new Uint8Array());
    const [b64cert, b64sig] = token.split('.');
    const payload = `GET.${Buffer.from('/api/v1/certificates').toString('base64')}..${b64cert}`;
    expect(
      nodeVerify(
        'sha256',
        Buffer.from(payload),
        { key: identity.certPem, dsaEncoding: 'der' },
        Buffer.from(b64sig ?? '', 'base64'),
      ),
    ).toBe(true);
  });
});

describe('describeCrl', () => {
  it('lists revoked serials normalised (lower-case, no leading zeros)', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const crl = await X509CrlGenerator.create({
      issuer: 'CN=ca.test, O=test',
      thisUpdate: new Date('2030-01-01T00:00:00Z'),
      nextUpdate: new Date('2030-02-01T00:00:00Z'),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      signingKey: keys.privateKey,
      entries: [
        { serialNumber: '00ABCDEF01', reason: X509CrlReason.keyCompromise },
        { serialNumber: '7F11', revocationDate: new Date('2030-01-01T00:00:00Z') },
      ],
    });
    const info = describeCrl(crl.toString('pem'));
    expect(info.issuer).toBe('CN=ca.test, O=test');
    expect(info.revokedSerials).toEqual(['abcdef01', '7f11']);
    expect(info.thisUpdate).toBe('2030-01-01T00:00:00.000Z');
    expect(info.nextUpdate).toBe('2030-02-01T00:00:00.000Z');
  });

  it('normaliseSerial accepts colon-separated and upper-case forms', () => {
    expect(normaliseSerial('00:AB:cd:01')).toBe('abcd01');
    expect(normaliseSerial('0')).toBe('0');
  });
});
