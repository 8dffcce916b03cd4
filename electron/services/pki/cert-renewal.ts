// Certificate renewal for local nodes: a node's TLS certificate (from the org's TLS CA) and/or its
// enrollment certificate (from the org's identity CA) are re-issued with a new validity period,
// keeping the subject, SANs, key usages and attributes of the current certificate, with the same
// key or a new one. Each folder is swapped in atomically; the caller restarts the node (through the
// runtime or the console API) and the ledger is untouched.
// @peculiar/x509 resolves its services through tsyringe, which needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { webcrypto, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AuthorityKeyIdentifierExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  type Extension,
} from '@peculiar/x509';
import { pathExists } from './atomic-fs';
import type { EncryptedKeystore } from './keystore';
import { lowSCrypto } from './low-s';
import { MSP_FILES, writeLocalMsp, writeTlsDir } from './msp';
import { caKeyName, orgLayout, tlsCaKeyName } from './org-material';
import {
  ECDSA_SHA256,
  exportPkcs8Pem,
  generateP256KeyPair,
  importP256PublicKey,
  importP256SigningKey,
  keyMatchesCertificate,
  nodeOusOf,
  randomSerialNumberHex,
  subjectKeyIdHex,
} from './x509';

export type RenewalTarget = 'tls' | 'enrollment';

export interface RenewNodeOptions {
  /** The runtime's crypto dir (StateLayout.cryptoDir). */
  cryptoDir: string;
  keystore: EncryptedKeystore;
  /** The org's domain, e.g. insurer.medfabric.local. */
  domain: string;
  /** The node's host name, e.g. peer0.insurer.medfabric.local (its folder under nodes/). */
  host: string;
  /** Default ['tls']. */
  targets?: readonly RenewalTarget[];
  /** Default 365; capped at the issuing CA's own expiry. */
  validityDays?: number;
  /** Default false: a new P-256 key is generated. */
  keepKey?: boolean;
  now?: Date;
}

export interface RenewedCertificate {
  target: RenewalTarget;
  dir: string;
  previous: { serialNumber: string; notAfter: string; fingerprintSha256: string };
  current: { serialNumber: string; notAfter: string; fingerprintSha256: string };
  keyReused: boolean;
  /** The requested validity went past the CA's expiry and was shortened to it. */
  cappedByCa: boolean;
  certPem: string;
}

export interface RenewalResult {
  host: string;
  renewed: RenewedCertificate[];
  /** What the caller must do for the change to take effect. */
  nextStep: string;
}

/** Renewal refused: unknown layout, a certificate from another CA, an orderer key change, … */
export class RenewalError extends Error {
  override name = 'RenewalError';
}

const DAY_MS = 24 * 60 * 60 * 1000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const REPLACED_EXTENSIONS = new Set([
  '2.5.29.14', // subjectKeyIdentifier: recomputed for the (possibly new) key
  '2.5.29.35', // authorityKeyIdentifier: the CA's current SKI
]);

interface CaPair {
  certPem: string;
  keyPem: string;
}

interface CertificateRenewal {
  certPem: string;
  keyPem: string;
  keyReused: boolean;
  cappedByCa: boolean;
}

function summary(certPem: string): RenewedCertificate['previous'] {
  const cert = new NodeX509Certificate(certPem);
  return {
    serialNumber: cert.serialNumber.toUpperCase(),
    notAfter: new Date(cert.validTo).toISOString(),
    fingerprintSha256: cert.fingerprint256,
  };
}

/**
 * Re-issues `current` from `ca`: same subject and extensions (SANs, key usage, EKU, fabric-ca
 * attributes), new serial and validity, SKI/AKI recomputed; same key (`currentKeyPem`) or a new one.
 */
export async function recertify(
  current: { certPem: string; keyPem: string },
  ca: CaPair,
  options: { validityDays?: number; keepKey?: boolean; now?: Date } = {},
): Promise<CertificateRenewal> {
  const days = options.validityDays ?? 365;
  if (!Number.isInteger(days) || days <= 0) {
    throw new RenewalError(`validityDays must be a positive integer (got ${days})`);
  }
  const old = new NodeX509Certificate(current.certPem);
  const caNode = new NodeX509Certificate(ca.certPem);
  if (!old.checkIssued(caNode) || !old.verify(caNode.publicKey)) {
    throw new RenewalError(
      `the certificate (${old.subject.replace(/\n/g, ', ')}) was not issued by ${caNode.subject.replace(/\n/g, ', ')}; it cannot be renewed from this CA`,
    );
  }
  if (!keyMatchesCertificate(ca.certPem, ca.keyPem)) {
    throw new RenewalError('the CA key in the keystore does not belong to the CA certificate');
  }
  if (options.keepKey && !keyMatchesCertificate(current.certPem, current.keyPem)) {
    throw new RenewalError('the current private key does not belong to the current certificate');
  }
  const now = options.now ?? new Date();
  const caCert = new X509Certificate(ca.certPem);
  if (caCert.notAfter.getTime() <= now.getTime()) {
    throw new RenewalError(
      `the issuing CA expired on ${caCert.notAfter.toISOString()}; it needs a new CA first`,
    );
  }
  const caSki = caCert.getExtension(SubjectKeyIdentifierExtension);
  if (!caSki) throw new RenewalError('the CA certificate has no SubjectKeyIdentifier');

  let publicKey: webcrypto.CryptoKey;
  let keyPem: string;
  if (options.keepKey) {
    publicKey = await importP256PublicKey(current.certPem);
    keyPem = current.keyPem;
  } else {
    const pair = await generateP256KeyPair();
    publicKey = pair.publicKey;
    keyPem = await exportPkcs8Pem(pair.privateKey);
  }
  const ski = await subjectKeyIdHex(publicKey);

  const template = new X509Certificate(current.certPem);
  const kept: Extension[] = template.extensions.filter(
    (extension) => !REPLACED_EXTENSIONS.has(extension.type),
  );
  const requestedEnd = now.getTime() + days * DAY_MS;
  const notAfter = new Date(Math.min(requestedEnd, caCert.notAfter.getTime()));
  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumberHex(),
      subject: template.subjectName,
      issuer: caCert.subjectName,
      notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
      notAfter,
      publicKey,
      signingKey: await importP256SigningKey(ca.keyPem, 'the issuing CA key'),
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        ...kept,
        new SubjectKeyIdentifierExtension(ski),
        new AuthorityKeyIdentifierExtension(caSki.keyId),
      ],
    },
    lowSCrypto,
  );
  const certPem = cert.toString('pem');
  return {
    certPem: certPem.endsWith('\n') ? certPem : `${certPem}\n`,
    keyPem,
    keyReused: options.keepKey ?? false,
    cappedByCa: requestedEnd > caCert.notAfter.getTime(),
  };
}

/** Relative paths of every file under `dir` (to refuse folders this module would not rewrite faithfully). */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, relative)));
    else out.push(relative);
  }
  return out;
}

async function requireLayout(dir: string, expected: readonly string[], what: string): Promise<void> {
  if (!(await pathExists(dir))) throw new RenewalError(`${what} ${dir} does not exist`);
  const unexpected = (await filesUnder(dir)).filter((file) => !expected.includes(file));
  if (unexpected.length > 0) {
    throw new RenewalError(
      `${what} ${dir} holds files this console did not write (${unexpected.join(', ')}); renew it by hand`,
    );
  }
}

async function loadCa(keystore: EncryptedKeystore, certFile: string, keyName: string): Promise<CaPair> {
  return { certPem: await readFile(certFile, 'utf8'), keyPem: await keystore.get(keyName) };
}

/** Renews the certificate of a TLS folder (ca.crt, <stem>.crt, <stem>.key) from the TLS CA. */
export async function renewTlsFolder(
  dir: string,
  tlsCa: CaPair,
  options: { fileStem?: 'server' | 'client'; validityDays?: number; keepKey?: boolean; now?: Date } = {},
): Promise<RenewedCertificate> {
  const stem = options.fileStem ?? 'server';
  await requireLayout(dir, ['ca.crt', `${stem}.crt`, `${stem}.key`], 'TLS folder');
  const certPem = await readFile(path.join(dir, `${stem}.crt`), 'utf8');
  const keyPem = await readFile(path.join(dir, `${stem}.key`), 'utf8');
  const renewed = await recertify({ certPem, keyPem }, tlsCa, options);
  await writeTlsDir(
    dir,
    { caCertPem: tlsCa.certPem, certPem: renewed.certPem, keyPem: renewed.keyPem },
    stem,
  );
  return {
    target: 'tls',
    dir,
    previous: summary(certPem),
    current: summary(renewed.certPem),
    keyReused: renewed.keyReused,
    cappedByCa: renewed.cappedByCa,
    certPem: renewed.certPem,
  };
}

/** Renews the signing (enrollment) certificate of a local MSP written by this console. */
export async function renewMspSigningCert(
  dir: string,
  ca: CaPair,
  options: { validityDays?: number; keepKey?: boolean; now?: Date } = {},
): Promise<RenewedCertificate> {
  await requireLayout(dir, Object.values(MSP_FILES), 'MSP');
  const certPem = await readFile(path.join(dir, MSP_FILES.signCert), 'utf8');
  const keyPem = await readFile(path.join(dir, MSP_FILES.key), 'utf8');
  const tlsCaCertPem = await readFile(path.join(dir, MSP_FILES.tlsCaCert), 'utf8');
  const renewed = await recertify({ certPem, keyPem }, ca, options);
  await writeLocalMsp(dir, {
    caCertPem: ca.certPem,
    tlsCaCertPem,
    signCertPem: renewed.certPem,
    keyPem: renewed.keyPem,
  });
  return {
    target: 'enrollment',
    dir,
    previous: summary(certPem),
    current: summary(renewed.certPem),
    keyReused: renewed.keyReused,
    cappedByCa: renewed.cappedByCa,
    certPem: renewed.certPem,
  };
}

/**
 * Renews a local node's TLS and/or enrollment certificate from the org's CAs (keys from the
 * keystore). An orderer's TLS certificate is part of the Raft consenter set in the channel config,
 * which Fabric matches by public key: it can be renewed only with `keepKey`.
 */
export async function renewNodeCertificates(options: RenewNodeOptions): Promise<RenewalResult> {
  const layout = orgLayout(options.cryptoDir, options.domain);
  const nodeDir = layout.nodeDir(options.host);
  if (!(await pathExists(nodeDir))) {
    throw new RenewalError(`no node ${options.host} in ${path.join(layout.root, 'nodes')}`);
  }
  const targets = [...new Set(options.targets ?? ['tls'])];
  if (targets.length === 0) throw new RenewalError('nothing to renew: targets is empty');
  const mspDir = path.join(nodeDir, 'msp');
  const signCert = await readFile(path.join(mspDir, MSP_FILES.signCert), 'utf8');
  const isOrderer = nodeOusOf(signCert).includes('orderer');
  if (isOrderer && targets.includes('tls') && !options.keepKey) {
    throw new RenewalError(
      `${options.host} is an orderer: its TLS certificate is in the channel's Raft consenter set, which Fabric matches by public key. ` +
        'Renew it with keepKey, or change the consenter through a channel config update first.',
    );
  }
  const common = { validityDays: options.validityDays, keepKey: options.keepKey, now: options.now };
  const renewed: RenewedCertificate[] = [];
  if (targets.includes('tls')) {
    const tlsCa = await loadCa(options.keystore, layout.tlsCaCertFile, tlsCaKeyName(options.domain));
    renewed.push(await renewTlsFolder(path.join(nodeDir, 'tls'), tlsCa, { ...common, fileStem: 'server' }));
  }
  if (targets.includes('enrollment')) {
    const ca = await loadCa(options.keystore, layout.caCertFile, caKeyName(options.domain));
    renewed.push(await renewMspSigningCert(mspDir, ca, common));
  }
  return {
    host: options.host,
    renewed,
    nextStep: `restart ${options.host} (node:restart) so it loads the new certificate${renewed.length > 1 ? 's' : ''}`,
  };
}
