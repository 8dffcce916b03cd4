// Client-side cryptography for talking to a Fabric CA server without the fabric-ca-client binary:
// P-256 key generation, PKCS#10 CSRs, and the ECDSA token fabric-ca expects in the Authorization
// header of every call made as an enrolled identity (register, reenroll, revoke, gencrl).
// @peculiar/x509 resolves its services through tsyringe, which needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { sign as nodeSign } from 'node:crypto';
import { Pkcs10CertificateRequestGenerator, X509Crl, type JsonName } from '@peculiar/x509';
import { lowSCrypto, normaliseP256SignatureToLowS } from '../pki/low-s';
import {
  ECDSA_SHA256,
  exportPkcs8Pem,
  generateP256KeyPair,
  importP256KeyPair,
  pemWithTrailingNewline,
} from '../pki/x509';

export interface CsrSubject {
  /** Must equal the enrollment ID: fabric-ca refuses any other CN. */
  commonName: string;
  organization?: string;
  country?: string;
}

export interface KeyAndCsr {
  /** PKCS#8 PEM of the new private key. */
  keyPem: string;
  csrPem: string;
}

function subjectName(subject: CsrSubject): JsonName {
  const name: JsonName = [];
  if (subject.country) name.push({ C: [subject.country] });
  if (subject.organization) name.push({ O: [subject.organization] });
  name.push({ CN: [subject.commonName] });
  return name;
}

/**
 * A PKCS#10 request for `subject`, signed (low-S) with a new P-256 key, or with `existingKeyPem`
 * when a re-enrollment keeps the key.
 */
export async function createKeyAndCsr(subject: CsrSubject, existingKeyPem?: string): Promise<KeyAndCsr> {
  if (typeof subject.commonName !== 'string' || subject.commonName.trim() === '') {
    throw new Error('the CSR needs a common name (the enrollment ID)');
  }
  const keys =
    existingKeyPem === undefined
      ? await generateP256KeyPair()
      : await importP256KeyPair(existingKeyPem, 'the key to re-enroll with');
  const csr = await Pkcs10CertificateRequestGenerator.create(
    { name: subjectName(subject), keys, signingAlgorithm: ECDSA_SHA256 },
    lowSCrypto,
  );
  const keyPem = existingKeyPem ?? (await exportPkcs8Pem(keys.privateKey));
  return { keyPem, csrPem: pemWithTrailingNewline(csr.toString('pem')) };
}

/**
 * The Authorization token of fabric-ca (util.GenECDSAToken): `base64(certPem).base64(signature)`,
 * the signature being DER ECDSA-SHA256, low-S (fabric-ca verifies with Fabric's BCCSP, which
 * rejects high-S), over `method.base64(uri).base64(body).base64(certPem)`. `uri` is the request
 * URI as the server sees it (path and query, e.g. `/api/v1/register`).
 */
export function createAuthToken(
  identity: { certPem: string; keyPem: string },
  method: string,
  uri: string,
  body: Uint8Array | string,
): string {
  const b64cert = Buffer.from(identity.certPem, 'utf8').toString('base64');
  const b64body = Buffer.from(body).toString('base64');
  const b64uri = Buffer.from(uri, 'utf8').toString('base64');
  const payload = `${method}.${b64uri}.${b64body}.${b64cert}`;
  const der = nodeSign('sha256', Buffer.from(payload, 'utf8'), {
    key: identity.keyPem,
    dsaEncoding: 'der',
  });
  const lowS = normaliseP256SignatureToLowS(new Uint8Array(der));
  return `${b64cert}.${Buffer.from(lowS).toString('base64')}`;
}

export interface CrlInfo {
  issuer: string;
  thisUpdate: string;
  nextUpdate?: string;
  /** Revoked serial numbers, lower-case hex without leading zeros. */
  revokedSerials: string[];
}

/** Normalised serial: lower-case hex without separators or leading zeros (as fabric-ca stores it). */
export function normaliseSerial(serial: string): string {
  return serial
    .replace(/[^0-9a-fA-F]/g, '')
    .toLowerCase()
    .replace(/^0+(?=.)/, '');
}

/** Reads a PEM CRL (what gencrl returns, and what goes into an MSP's revocation_list). */
export function describeCrl(crlPem: string): CrlInfo {
  const crl = new X509Crl(crlPem);
  const info: CrlInfo = {
    issuer: crl.issuer,
    thisUpdate: crl.thisUpdate.toISOString(),
    revokedSerials: crl.entries.map((entry) => normaliseSerial(entry.serialNumber)),
  };
  if (crl.nextUpdate) info.nextUpdate = crl.nextUpdate.toISOString();
  return info;
}
