// @peculiar/x509 resolves its services through tsyringe, which needs the reflect polyfill loaded first.
import 'reflect-metadata';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  webcrypto,
  X509Certificate as NodeX509Certificate,
} from 'node:crypto';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  type JsonGeneralName,
  type JsonName,
} from '@peculiar/x509';
import { isIP } from 'node:net';
import { lowSCrypto } from './low-s';

export const NODE_OUS = ['client', 'peer', 'admin', 'orderer'] as const;
export type NodeOu = (typeof NODE_OUS)[number];

export interface KeyPairPem {
  certPem: string;
  /** PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). */
  keyPem: string;
}

export interface CertificateAuthority extends KeyPairPem {
  commonName: string;
}

export interface CreateCertificateAuthorityOptions {
  commonName: string;
  organization: string;
  country?: string;
  locality?: string;
  /** Default 3650. */
  validityDays?: number;
  /**
   * Re-certify an existing CA key (PKCS#8 PEM) instead of generating one. Leaves issued under the
   * same key and subject keep verifying, which lets a lost CA certificate be rebuilt from the keystore.
   */
  existingKeyPem?: string;
}

export interface SubjectAlternativeNames {
  dns?: string[];
  ips?: string[];
  emails?: string[];
}

export interface IssueCertificateOptions {
  kind: 'identity' | 'tls';
  commonName: string;
  organization: string;
  /** Required for kind 'identity', forbidden for 'tls'. */
  nodeOu?: NodeOu;
  sans?: SubjectAlternativeNames;
  /** Identity only: written to the fabric-ca attribute extension (ClientIdentity.getAttributeValue). */
  attributes?: Record<string, string>;
  /** Default 365; never extends past the CA's own expiry. */
  validityDays?: number;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** Set only when the subject carries exactly one Fabric node OU. */
  nodeOu?: NodeOu;
  attributes: Record<string, string>;
  /** "DNS:…", "IP:…", "email:…". */
  sans: string[];
  fingerprintSha256: string;
  isCa: boolean;
}

/** Bad input or unusable CA material handed to the PKI functions. */
export class PkiError extends Error {
  override name = 'PkiError';
}

/** OID fabric-ca uses for enrollment attributes; fabric-chaincode-node's ClientIdentity reads it. */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

const EC_P256: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
/** The signature algorithm of every certificate, CSR and CRL Fabric accepts from us. */
export const ECDSA_SHA256: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;
// Backdated like cryptogen so a freshly issued certificate is valid on hosts whose clocks lag a little.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DEFAULT_CA_VALIDITY_DAYS = 3650;
const DEFAULT_LEAF_VALIDITY_DAYS = 365;
const HOSTNAME_PATTERN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

export function isNodeOu(value: string): value is NodeOu {
  return (NODE_OUS as readonly string[]).includes(value);
}

export function isHostname(value: string): boolean {
  return HOSTNAME_PATTERN.test(value);
}

function requireText(value: string | undefined, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new PkiError(`${field} must be a non-empty string`);
  return value;
}

function validityDays(value: number | undefined, fallback: number): number {
  const days = value ?? fallback;
  if (!Number.isInteger(days) || days <= 0)
    throw new PkiError(`validityDays must be a positive integer (got ${days})`);
  return days;
}

/** Positive 127-bit serial: top bit clear keeps the DER INTEGER positive, first byte non-zero keeps it minimal. */
export function randomSerialNumberHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 1) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

export async function generateP256KeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

/** SKI as cryptogen and Fabric's BCCSP compute it: SHA-256 of the uncompressed EC point. */
export async function subjectKeyIdHex(publicKey: webcrypto.CryptoKey): Promise<string> {
  const point = await webcrypto.subtle.exportKey('raw', publicKey);
  return createHash('sha256').update(Buffer.from(point)).digest('hex');
}

export async function exportPkcs8Pem(privateKey: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', privateKey));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
}

/** Imports a PEM private key (PKCS#8 or SEC1) as a WebCrypto P-256 signing key. */
export async function importP256SigningKey(
  keyPem: string,
  what: string,
  extractable = false,
): Promise<webcrypto.CryptoKey> {
  let keyObject;
  try {
    keyObject = createPrivateKey(keyPem);
  } catch (error) {
    throw new PkiError(`${what} is not a readable PEM private key: ${(error as Error).message}`);
  }
  if (keyObject.asymmetricKeyType !== 'ec' || keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new PkiError(`${what} must be an ECDSA P-256 key (Fabric rejects other identity keys)`);
  }
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, EC_P256, extractable, ['sign']);
}

/** Imports a PEM private key with its public half, for certifying or requesting with an existing key. */
export async function importP256KeyPair(keyPem: string, what: string): Promise<webcrypto.CryptoKeyPair> {
  const privateKey = await importP256SigningKey(keyPem, what, true);
  return { privateKey, publicKey: await importP256PublicKey(keyPem) };
}

/** The public key of a PEM certificate, public key or private key, as a WebCrypto verifying key. */
export async function importP256PublicKey(pem: string): Promise<webcrypto.CryptoKey> {
  const spki = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return webcrypto.subtle.importKey('spki', spki, EC_P256, true, ['verify']);
}

export function pemWithTrailingNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

function subjectName(fields: {
  country?: string;
  locality?: string;
  organization: string;
  ou?: string;
  commonName: string;
}): JsonName {
  const name: JsonName = [];
  if (fields.country) name.push({ C: [fields.country] });
  if (fields.locality) name.push({ L: [fields.locality] });
  name.push({ O: [fields.organization] });
  if (fields.ou) name.push({ OU: [fields.ou] });
  name.push({ CN: [fields.commonName] });
  return name;
}

export async function createCertificateAuthority(
  opts: CreateCertificateAuthorityOptions,
): Promise<CertificateAuthority> {
  const commonName = requireText(opts.commonName, 'commonName');
  const organization = requireText(opts.organization, 'organization');
  if (opts.country !== undefined && !/^[A-Z]{2}$/.test(opts.country)) {
    throw new PkiError(`country must be a two-letter ISO code such as "US" (got "${opts.country}")`);
  }
  const days = validityDays(opts.validityDays, DEFAULT_CA_VALIDITY_DAYS);
  const keys =
    opts.existingKeyPem === undefined
      ? await generateP256KeyPair()
      : await importP256KeyPair(opts.existingKeyPem, 'existing CA key');
  const now = Date.now();
  const name = subjectName({ country: opts.country, locality: opts.locality, organization, commonName });
  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumberHex(),
      subject: name,
      issuer: name,
      notBefore: new Date(now - CLOCK_SKEW_MS),
      notAfter: new Date(now + days * DAY_MS),
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new BasicConstraintsExtension(true, undefined, true),
        new KeyUsagesExtension(
          KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature,
          true,
        ),
        new SubjectKeyIdentifierExtension(await subjectKeyIdHex(keys.publicKey)),
      ],
    },
    lowSCrypto,
  );
  return {
    commonName,
    certPem: pemWithTrailingNewline(cert.toString('pem')),
    keyPem: await exportPkcs8Pem(keys.privateKey),
  };
}

function validateSans(sans: SubjectAlternativeNames | undefined): JsonGeneralName[] {
  const names: JsonGeneralName[] = [];
  for (const dns of sans?.dns ?? []) {
    if (!isHostname(dns)) throw new PkiError(`SAN "${dns}" is not a valid DNS name`);
    names.push({ type: 'dns', value: dns });
  }
  for (const ip of sans?.ips ?? []) {
    if (isIP(ip) === 0) throw new PkiError(`SAN "${ip}" is not a valid IP address`);
    names.push({ type: 'ip', value: ip });
  }
  for (const email of sans?.emails ?? []) {
    if (!EMAIL_PATTERN.test(email)) throw new PkiError(`SAN "${email}" is not a valid e-mail address`);
    names.push({ type: 'email', value: email });
  }
  return names;
}

function dedupeGeneralNames(names: JsonGeneralName[]): JsonGeneralName[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = `${name.type}:${name.value.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fabricAttributesJson(
  commonName: string,
  nodeOu: NodeOu,
  attributes: Record<string, string>,
): string {
  for (const [key, value] of Object.entries(attributes)) {
    if (key.trim() === '') throw new PkiError('attribute names must be non-empty');
    // hf.* are fabric-ca's own attributes; letting callers set them would let them forge the enrollment.
    if (key.startsWith('hf.'))
      throw new PkiError(`attribute "${key}" is reserved (hf.* attributes are set by the CA)`);
    if (typeof value !== 'string') throw new PkiError(`attribute "${key}" must be a string`);
  }
  return JSON.stringify({
    attrs: { 'hf.Affiliation': '', 'hf.EnrollmentID': commonName, 'hf.Type': nodeOu, ...attributes },
  });
}

export async function issueCertificate(
  ca: CertificateAuthority,
  opts: IssueCertificateOptions,
): Promise<KeyPairPem> {
  const commonName = requireText(opts.commonName, 'commonName');
  const organization = requireText(opts.organization, 'organization');
  if (opts.kind !== 'identity' && opts.kind !== 'tls') throw new PkiError(`kind must be "identity" or "tls"`);
  if (opts.kind === 'identity') {
    if (opts.nodeOu === undefined || !isNodeOu(opts.nodeOu)) {
      throw new PkiError(`identity certificates need exactly one nodeOu: ${NODE_OUS.join(', ')}`);
    }
  } else {
    if (opts.nodeOu !== undefined) throw new PkiError('TLS certificates must not carry a node OU');
    if (opts.attributes !== undefined)
      throw new PkiError('TLS certificates must not carry fabric-ca attributes');
  }
  const days = validityDays(opts.validityDays, DEFAULT_LEAF_VALIDITY_DAYS);

  let caCert: X509Certificate;
  try {
    caCert = new X509Certificate(ca.certPem);
  } catch (error) {
    throw new PkiError(
      `CA "${ca.commonName}" certificate is not a readable PEM certificate: ${(error as Error).message}`,
    );
  }
  const caBasicConstraints = caCert.getExtension(BasicConstraintsExtension);
  if (!caBasicConstraints?.ca)
    throw new PkiError(`certificate of "${ca.commonName}" is not a CA certificate (CA:TRUE missing)`);
  const caSki = caCert.getExtension(SubjectKeyIdentifierExtension);
  if (!caSki) throw new PkiError(`CA "${ca.commonName}" certificate has no SubjectKeyIdentifier`);
  if (!new NodeX509Certificate(ca.certPem).checkPrivateKey(createPrivateKey(ca.keyPem))) {
    throw new PkiError(`the private key given for CA "${ca.commonName}" does not belong to its certificate`);
  }
  const caSigningKey = await importP256SigningKey(ca.keyPem, `private key of CA "${ca.commonName}"`);

  const now = Date.now();
  if (caCert.notAfter.getTime() <= now) {
    throw new PkiError(`CA "${ca.commonName}" expired on ${caCert.notAfter.toISOString()}; create a new CA`);
  }
  const notAfter = new Date(Math.min(now + days * DAY_MS, caCert.notAfter.getTime()));

  const keys = await generateP256KeyPair();
  const extensions: Extension[] = [
    new BasicConstraintsExtension(false, undefined, true),
    new KeyUsagesExtension(
      opts.kind === 'tls'
        ? KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment
        : KeyUsageFlags.digitalSignature,
      true,
    ),
    new SubjectKeyIdentifierExtension(await subjectKeyIdHex(keys.publicKey)),
    new AuthorityKeyIdentifierExtension(caSki.keyId),
  ];

  let generalNames = validateSans(opts.sans);
  if (opts.kind === 'tls') {
    // Orderers reuse the server cert as the Raft cluster client cert, hence both EKUs.
    extensions.push(
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth]),
    );
    // Every TLS endpoint here listens on loopback; Go ignores the CN once SANs exist, so the host goes in too.
    const defaults: JsonGeneralName[] = [
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
    ];
    const hostFromCn: JsonGeneralName[] = isHostname(commonName) ? [{ type: 'dns', value: commonName }] : [];
    generalNames = [...hostFromCn, ...generalNames, ...defaults];
  }
  generalNames = dedupeGeneralNames(generalNames);
  if (generalNames.length > 0) extensions.push(new SubjectAlternativeNameExtension(generalNames));

  if (opts.kind === 'identity' && opts.nodeOu !== undefined) {
    const json = fabricAttributesJson(commonName, opts.nodeOu, opts.attributes ?? {});
    extensions.push(new Extension(FABRIC_ATTRS_OID, false, Buffer.from(json, 'utf8')));
  }

  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumberHex(),
      subject: subjectName({
        country: caCert.subjectName.getField('C')[0],
        locality: caCert.subjectName.getField('L')[0],
        organization,
        ou: opts.kind === 'identity' ? opts.nodeOu : undefined,
        commonName,
      }),
      // The issuer must be byte-identical to the CA subject for chain building, so reuse its encoding.
      issuer: caCert.subjectName,
      notBefore: new Date(now - CLOCK_SKEW_MS),
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caSigningKey,
      signingAlgorithm: ECDSA_SHA256,
      extensions,
    },
    lowSCrypto,
  );
  return {
    certPem: pemWithTrailingNewline(cert.toString('pem')),
    keyPem: await exportPkcs8Pem(keys.privateKey),
  };
}

function parseCertificate(certPem: string): X509Certificate {
  try {
    return new X509Certificate(certPem);
  } catch (error) {
    throw new PkiError(`not a readable PEM certificate: ${(error as Error).message}`);
  }
}

/** All node OUs (client/peer/admin/orderer) in the subject; Fabric needs exactly one. */
export function nodeOusOf(certPem: string): NodeOu[] {
  return parseCertificate(certPem).subjectName.getField('OU').filter(isNodeOu);
}

/** Decodes the fabric-ca attribute extension; empty when the certificate has none. */
export function fabricAttributesOf(cert: X509Certificate): Record<string, string> {
  const extension = cert.getExtension(FABRIC_ATTRS_OID);
  if (!extension) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(extension.value).toString('utf8'));
  } catch (error) {
    throw new PkiError(`fabric-ca attribute extension is not JSON: ${(error as Error).message}`);
  }
  const attrs = (parsed as { attrs?: unknown } | null)?.attrs;
  if (typeof attrs !== 'object' || attrs === null) return {};
  return Object.fromEntries(Object.entries(attrs).map(([key, value]) => [key, String(value)]));
}

const SAN_PREFIX: Record<string, string> = { dns: 'DNS', ip: 'IP', email: 'email', url: 'URI' };

export function describeCertificate(certPem: string): CertificateInfo {
  const cert = parseCertificate(certPem);
  const nodeOus = cert.subjectName.getField('OU').filter(isNodeOu);
  const san = cert.getExtension(SubjectAlternativeNameExtension);
  const info: CertificateInfo = {
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    attributes: fabricAttributesOf(cert),
    sans: (san?.names.items ?? []).map((name) => `${SAN_PREFIX[name.type] ?? name.type}:${name.value}`),
    fingerprintSha256: new NodeX509Certificate(certPem).fingerprint256,
    isCa: cert.getExtension(BasicConstraintsExtension)?.ca ?? false,
  };
  if (nodeOus.length === 1) info.nodeOu = nodeOus[0];
  return info;
}

/** True when `keyPem` is the private half of the certificate's public key. */
export function keyMatchesCertificate(certPem: string, keyPem: string): boolean {
  const certKey = new NodeX509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const derivedKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return certKey.equals(derivedKey);
}
