// The REST client against a stand-in fabric-ca (HTTPS on loopback) that checks requests the way
// fabric-ca v1.5 does: basic auth for enroll, the ECDSA token (util.VerifyToken, low-S) for the
// rest, the CSR CN equal to the enrollment ID. The real server is exercised by the integration test.
import 'reflect-metadata';
import { createPrivateKey, verify as nodeVerify, webcrypto } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  AuthorityKeyIdentifierExtension,
  Pkcs10CertificateRequest,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P256_HALF_ORDER, parseDerEcdsaSignature } from '../pki/low-s';
import { createCertificateAuthority, issueCertificate, type CertificateAuthority } from '../pki/x509';
import { FabricCaClient, FabricCaError, type Enrollment } from './fabric-ca-client';

interface Recorded {
  method: string;
  path: string;
  body: Record<string, unknown>;
  caller?: string;
}

let ca: CertificateAuthority;
let tlsCa: CertificateAuthority;
let server: https.Server;
let client: FabricCaClient;
let registrar: Enrollment;
const recorded: Recorded[] = [];
let wrongKeyOnEnroll = false;

const ok = (result: unknown) => ({ success: true, result, errors: [], messages: [] });
const fail = (code: number, message: string) => ({
  success: false,
  result: null,
  errors: [{ code, message }],
});

async function signCsr(csrPem: string, enrollmentId: string): Promise<string> {
  const csr = new Pkcs10CertificateRequest(csrPem);
  const caCert = new X509Certificate(ca.certPem);
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' }),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const other = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const ski = caCert.getExtension(SubjectKeyIdentifierExtension)?.keyId ?? '';
  const cert = await X509CertificateGenerator.create({
    serialNumber: '0a1b2c3d',
    subject: `CN=${enrollmentId}, OU=client`,
    issuer: caCert.subjectName,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: wrongKeyOnEnroll
      ? other.publicKey
      : await csr.publicKey.export({ name: 'ECDSA', namedCurve: 'P-256' }, ['verify'], webcrypto),
    signingKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new AuthorityKeyIdentifierExtension(ski)],
  });
  return cert.toString('pem');
}

/** fabric-ca util.VerifyToken: returns the caller's certificate PEM or throws. */
function verifyToken(token: string, method: string, uri: string, body: Buffer): string {
  const [b64cert, b64sig] = token.split('.');
  if (!b64cert || !b64sig) throw new Error('malformed token');
  const certPem = Buffer.from(b64cert, 'base64').toString('utf8');
  const signature = Buffer.from(b64sig, 'base64');
  if (parseDerEcdsaSignature(signature).s > P256_HALF_ORDER) throw new Error('high-S signature');
  const payload = `${method}.${Buffer.from(uri).toString('base64')}.${body.toString('base64')}.${b64cert}`;
  if (!nodeVerify('sha256', Buffer.from(payload), { key: certPem, dsaEncoding: 'der' }, signature)) {
    throw new Error('bad signature');
  }
  return certPem;
}

async function handle(method: string, path: string, headers: Record<string, unknown>, raw: Buffer) {
  const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
  const endpoint = path.replace('/api/v1/', '');
  if (endpoint === 'cainfo') {
    return {
      status: 200,
      json: ok({ CAName: 'ca.test', CAChain: Buffer.from(ca.certPem).toString('base64'), Version: '1.5.21' }),
    };
  }
  const authorization = String(headers.authorization ?? '');
  if (endpoint === 'enroll') {
    const expected = `Basic ${Buffer.from('doctor1:pw').toString('base64')}`;
    const registrarBasic = `Basic ${Buffer.from('registrar:adminpw').toString('base64')}`;
    if (authorization !== expected && authorization !== registrarBasic) {
      return { status: 401, json: fail(20, 'Authentication failure') };
    }
    const id = authorization === expected ? 'doctor1' : 'registrar';
    const csr = new Pkcs10CertificateRequest(String(body.certificate_request));
    if (csr.subjectName.getField('CN')[0] !== id) {
      return { status: 403, json: fail(45, 'The CSR subject common name must equal the enrollment ID') };
    }
    recorded.push({ method, path, body, caller: id });
    const cert = await signCsr(String(body.certificate_request), id);
    return {
      status: 201,
      json: ok({
        Cert: Buffer.from(cert).toString('base64'),
        ServerInfo: { CAChain: Buffer.from(ca.certPem).toString('base64') },
      }),
    };
  }
  let callerPem: string;
  try {
    callerPem = verifyToken(authorization, method, path, raw);
  } catch (error) {
    return {
      status: 401,
      json: fail(27, `Invalid token in authorization header: ${(error as Error).message}`),
    };
  }
  const caller = new X509Certificate(callerPem).subjectName.getField('CN')[0];
  recorded.push({ method, path, body, caller });
  switch (endpoint) {
    case 'register':
      if (body.id === 'taken') return { status: 400, json: fail(74, 'Identity taken is already registered') };
      return { status: 201, json: ok({ secret: body.secret ?? 'generated-secret' }) };
    case 'reenroll': {
      const cert = await signCsr(String(body.certificate_request), caller ?? '');
      return {
        status: 201,
        json: ok({
          Cert: Buffer.from(cert).toString('base64'),
          ServerInfo: { CAChain: Buffer.from(ca.certPem).toString('base64') },
        }),
      };
    }
    case 'revoke':
      return {
        status: 200,
        json: ok({
          RevokedCerts: [{ Serial: body.serial ?? 'ff', AKI: body.aki ?? 'aa' }],
          CRL: body.gencrl
            ? Buffer.from('-----BEGIN X509 CRL-----\nAA==\n-----END X509 CRL-----\n').toString('base64')
            : '',
        }),
      };
    case 'gencrl':
      return { status: 200, json: ok({ CRL: Buffer.from('crl-pem').toString('base64') }) };
    default:
      return { status: 404, json: fail(0, 'not found') };
  }
}

beforeAll(async () => {
  ca = await createCertificateAuthority({ commonName: 'ca.test', organization: 'test', country: 'US' });
  tlsCa = await createCertificateAuthority({ commonName: 'tlsca.test', organization: 'test' });
  const serverTls = await issueCertificate(tlsCa, {
    kind: 'tls',
    commonName: 'ca.test',
    organization: 'test',
  });
  server = https.createServer({ cert: serverTls.certPem, key: serverTls.keyPem }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      handle(request.method ?? '', request.url ?? '', request.headers, Buffer.concat(chunks)).then(
        ({ status, json }) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(json));
        },
        (error: Error) => {
          response.writeHead(500);
          response.end(JSON.stringify(fail(0, error.message)));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  client = new FabricCaClient({
    url: `https://127.0.0.1:${port}`,
    tlsCaCertPem: tlsCa.certPem,
    mspId: 'TestMSP',
  });
  registrar = await client.enroll({ enrollmentId: 'registrar', secret: 'adminpw' });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('FabricCaClient', () => {
  it('reads /cainfo over TLS verified against the given TLS CA', async () => {
    const info = await client.caInfo();
    expect(info).toEqual({ caName: 'ca.test', caChainPem: ca.certPem, version: '1.5.21' });
  });

  it('refuses a server whose TLS certificate is not from the given TLS CA', async () => {
    const port = (server.address() as AddressInfo).port;
    const wrong = new FabricCaClient({
      url: `https://127.0.0.1:${port}`,
      tlsCaCertPem: ca.certPem,
      mspId: 'TestMSP',
    });
    await expect(wrong.caInfo()).rejects.toThrow(FabricCaError);
  });

  it('enrolls with basic auth, the CSR CN being the enrollment ID, hf.* added to requested attributes', async () => {
    const enrollment = await client.enroll({
      enrollmentId: 'doctor1',
      secret: 'pw',
      organization: 'test',
      country: 'US',
      attributes: [{ name: 'role' }],
    });
    expect(enrollment).toMatchObject({ mspId: 'TestMSP', enrollmentId: 'doctor1', caChainPem: ca.certPem });
    expect(new X509Certificate(enrollment.certPem).subject).toBe('CN=doctor1, OU=client');
    const request = recorded.find((r) => r.caller === 'doctor1' && r.path === '/api/v1/enroll');
    expect(request?.body.attr_reqs).toEqual([
      { name: 'hf.EnrollmentID', optional: true },
      { name: 'hf.Type', optional: true },
      { name: 'hf.Affiliation', optional: true },
      { name: 'role', optional: false },
    ]);
    expect(request?.body.subject).toEqual({ CN: 'doctor1', names: [{ C: 'US', O: 'test' }] });
  });

  it('maps a wrong secret to FabricCaError with the fabric-ca code', async () => {
    const failure = await client.enroll({ enrollmentId: 'doctor1', secret: 'nope' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FabricCaError);
    expect((failure as FabricCaError).status).toBe(401);
    expect((failure as FabricCaError).codes).toEqual([20]);
  });

  it('refuses an enrollment certificate issued for another key', async () => {
    wrongKeyOnEnroll = true;
    try {
      await expect(client.enroll({ enrollmentId: 'doctor1', secret: 'pw' })).rejects.toThrow(/another key/);
    } finally {
      wrongKeyOnEnroll = false;
    }
  });

  it('registers with a valid token and ecert attributes, and reports fabric-ca errors', async () => {
    const secret = await client.register(registrar, {
      enrollmentId: 'doctor2',
      attributes: [
        { name: 'role', value: 'doctor' },
        { name: 'patientId', value: 'P-1', ecert: false },
      ],
    });
    expect(secret).toBe('generated-secret');
    const request = recorded.find((r) => r.path === '/api/v1/register' && r.body.id === 'doctor2');
    expect(request).toMatchObject({
      caller: 'registrar',
      body: {
        id: 'doctor2',
        type: 'client',
        affiliation: '',
        attrs: [
          { name: 'role', value: 'doctor', ecert: true },
          { name: 'patientId', value: 'P-1', ecert: false },
        ],
      },
    });
    await expect(client.register(registrar, { enrollmentId: 'taken' })).rejects.toThrow(
      /already registered \(code 74\)/,
    );
  });

  it('reenrolls as the identity itself, with a new key or the same key', async () => {
    const fresh = await client.reenroll(registrar);
    expect(fresh.keyPem).not.toBe(registrar.keyPem);
    const same = await client.reenroll(registrar, { reuseKey: true });
    expect(same.keyPem).toBe(registrar.keyPem);
    expect(recorded.filter((r) => r.path === '/api/v1/reenroll').every((r) => r.caller === 'registrar')).toBe(
      true,
    );
  });

  it('revokes by certificate (serial and AKI read from it) with a reason, and fetches the CRL', async () => {
    const target = await client.enroll({ enrollmentId: 'doctor1', secret: 'pw' });
    const result = await client.revoke(registrar, {
      certPem: target.certPem,
      reason: 'keycompromise',
      generateCrl: true,
    });
    const aki = new X509Certificate(target.certPem).getExtension(AuthorityKeyIdentifierExtension)?.keyId;
    expect(result.revoked).toEqual([{ serial: 'a1b2c3d', aki: aki?.toLowerCase().replace(/^0+/, '') }]);
    expect(result.crlPem).toContain('BEGIN X509 CRL');
    const request = recorded.find((r) => r.path === '/api/v1/revoke');
    expect(request?.body).toMatchObject({ serial: 'a1b2c3d', reason: 'keycompromise', gencrl: true });
    await client.revoke(registrar, { enrollmentId: 'doctor1' });
    expect(recorded.filter((r) => r.path === '/api/v1/revoke').at(-1)?.body).toEqual({ id: 'doctor1' });
    expect(await client.generateCrl(registrar)).toBe('crl-pem');
  });

  it('refuses unknown revocation reasons and non-https URLs', async () => {
    await expect(client.revoke(registrar, { enrollmentId: 'x', reason: 'because' as never })).rejects.toThrow(
      /unknown revocation reason/,
    );
    expect(() => new FabricCaClient({ url: 'http://127.0.0.1:1', tlsCaCertPem: '', mspId: 'M' })).toThrow(
      /https/,
    );
  });
});
