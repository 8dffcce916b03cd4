// Certificate checks shared by org definitions (import) and update bundles (signature review):
// parsing, CA certificates, chains to an org's root CAs, CRLs, node OUs and fingerprints.
import 'reflect-metadata';
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { X509Certificate as PeculiarCertificate, X509Crl } from '@peculiar/x509';
import type { FabricMspDefinition } from './config-values';

export class CertificateCheckError extends Error {
  override readonly name = 'CertificateCheckError';
}

export function parseCertificate(pem: string, what: string): NodeX509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CertificateCheckError(
      `${what} is not a PEM certificate ("-----BEGIN CERTIFICATE-----" missing)`,
    );
  }
  try {
    return new NodeX509Certificate(pem);
  } catch (error) {
    throw new CertificateCheckError(`${what} is not a readable certificate: ${(error as Error).message}`);
  }
}

/** "CN=…, O=…" on one line, for messages. */
export function subjectOf(cert: NodeX509Certificate): string {
  return cert.subject.split('\n').reverse().join(', ');
}

/** SHA-256 fingerprint, lower-case hex without separators. */
export function certFingerprint(certPem: string): string {
  return parseCertificate(certPem, 'certificate').fingerprint256.replace(/:/g, '').toLowerCase();
}

function checkP256(cert: NodeX509Certificate, what: string): void {
  const key = cert.publicKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new CertificateCheckError(`${what} (${subjectOf(cert)}) must carry an ECDSA P-256 key`);
  }
}

function checkValidity(cert: NodeX509Certificate, what: string, now: Date): void {
  if (new Date(cert.validFrom).getTime() > now.getTime()) {
    throw new CertificateCheckError(`${what} (${subjectOf(cert)}) is not valid before ${cert.validFrom}`);
  }
  if (new Date(cert.validTo).getTime() < now.getTime()) {
    throw new CertificateCheckError(`${what} (${subjectOf(cert)}) expired on ${cert.validTo}`);
  }
}

function issuedBy(cert: NodeX509Certificate, issuer: NodeX509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/** A root CA certificate: parses, CA:TRUE, P-256, self-signed with a valid signature, in its validity period. */
export function checkRootCa(pem: string, what: string, now = new Date()): NodeX509Certificate {
  const cert = parseCertificate(pem, what);
  if (!cert.ca)
    throw new CertificateCheckError(`${what} (${subjectOf(cert)}) is not a CA certificate (CA:TRUE missing)`);
  checkP256(cert, what);
  if (!cert.checkIssued(cert)) {
    throw new CertificateCheckError(
      `${what} (${subjectOf(cert)}) is not self-signed (issuer ${cert.issuer.split('\n').reverse().join(', ')}); ` +
        'list it as an intermediate and add its root CA',
    );
  }
  if (!cert.verify(cert.publicKey)) {
    throw new CertificateCheckError(
      `${what} (${subjectOf(cert)}): its self-signature does not verify (the certificate was altered or is corrupt)`,
    );
  }
  checkValidity(cert, what, now);
  return cert;
}

/**
 * Verifies that `leaf` chains to one of `roots`, possibly through `intermediates`; returns the
 * chain leaf → root. Throws with the reason when it does not.
 */
export function verifyChain(
  leaf: NodeX509Certificate,
  roots: readonly NodeX509Certificate[],
  intermediates: readonly NodeX509Certificate[],
  what: string,
  now = new Date(),
): NodeX509Certificate[] {
  const chain = [leaf];
  let current = leaf;
  checkValidity(current, what, now);
  for (let depth = 0; depth < 8; depth++) {
    const root = roots.find((candidate) => issuedBy(current, candidate));
    if (root) return [...chain, root];
    const intermediate = intermediates.find(
      (candidate) => candidate.ca && !chain.includes(candidate) && issuedBy(current, candidate),
    );
    if (!intermediate) {
      const sameName = [...roots, ...intermediates].some((candidate) => current.checkIssued(candidate));
      throw new CertificateCheckError(
        sameName
          ? `${what} (${subjectOf(leaf)}) does not verify: the signature of ${subjectOf(current)} does not match its issuer's key (issued by a different CA with the same name, or altered)`
          : `${what} (${subjectOf(leaf)}) does not chain to the org's CA: no CA certificate issued ${subjectOf(current)} (issuer ${current.issuer.split('\n').reverse().join(', ')})`,
      );
    }
    checkValidity(intermediate, `intermediate CA of ${what}`, now);
    chain.push(intermediate);
    current = intermediate;
  }
  throw new CertificateCheckError(`${what} (${subjectOf(leaf)}): certificate chain too long`);
}

/** Serial numbers (upper-case hex) revoked by the MSP's CRLs whose signature verifies against one of its CAs. */
export async function revokedSerials(
  crlPems: readonly string[],
  cas: readonly NodeX509Certificate[],
  what: string,
): Promise<Set<string>> {
  const revoked = new Set<string>();
  for (const [index, pem] of crlPems.entries()) {
    let crl: X509Crl;
    try {
      crl = new X509Crl(pem);
    } catch (error) {
      throw new CertificateCheckError(
        `${what}: CRL ${index + 1} is not readable: ${(error as Error).message}`,
      );
    }
    let verified = false;
    for (const ca of cas) {
      const publicKey = new PeculiarCertificate(ca.toString());
      if (crl.issuer === publicKey.subject && (await crl.verify({ publicKey }))) verified = true;
    }
    if (!verified) {
      throw new CertificateCheckError(
        `${what}: CRL ${index + 1} (issuer ${crl.issuer}) is not signed by any of the org's CAs`,
      );
    }
    for (const entry of crl.entries) revoked.add(entry.serialNumber.toUpperCase().replace(/^0+/, ''));
  }
  return revoked;
}

export function serialOf(cert: NodeX509Certificate): string {
  return cert.serialNumber.toUpperCase().replace(/^0+/, '');
}

function ouValues(cert: NodeX509Certificate): string[] {
  return cert.subject
    .split('\n')
    .filter((line) => line.startsWith('OU='))
    .map((line) => line.slice(3));
}

export type IdentityRole = 'admin' | 'client' | 'peer' | 'orderer' | 'member';

export interface MspIdentityCheck {
  cert: NodeX509Certificate;
  /** Node OU roles the identity holds (empty when NodeOUs are disabled). */
  roles: IdentityRole[];
  isAdmin: boolean;
}

/**
 * Validates an identity against an MSP definition from the channel config, as Fabric's MSP does:
 * chains to the MSP's roots (through its intermediates), not revoked, and (with NodeOUs) exactly
 * one node OU. `isAdmin` follows NodeOUs (admin OU) or the explicit admin list.
 */
export async function checkMspIdentity(
  certPem: string,
  definition: FabricMspDefinition,
  what: string,
  now = new Date(),
): Promise<MspIdentityCheck> {
  const cert = parseCertificate(certPem, what);
  const roots = definition.rootCerts.map((pem, i) =>
    parseCertificate(pem, `${definition.name} root CA ${i + 1}`),
  );
  const intermediates = definition.intermediateCerts.map((pem, i) =>
    parseCertificate(pem, `${definition.name} intermediate CA ${i + 1}`),
  );
  if (cert.ca)
    throw new CertificateCheckError(`${what} (${subjectOf(cert)}) is a CA certificate, not an identity`);
  const chain = verifyChain(cert, roots, intermediates, what, now);
  const revoked = await revokedSerials(
    definition.revocationList,
    [...roots, ...intermediates],
    definition.name,
  );
  for (const link of chain) {
    if (revoked.has(serialOf(link))) {
      throw new CertificateCheckError(`${what} (${subjectOf(link)}) is revoked by ${definition.name}'s CRL`);
    }
  }
  const ous = ouValues(cert);
  const roles: IdentityRole[] = [];
  const nodeOus = definition.nodeOus;
  if (nodeOus?.enable) {
    const roleOus: Array<[IdentityRole, { identifier: string; certificate?: string } | undefined]> = [
      ['admin', nodeOus.admin],
      ['client', nodeOus.client],
      ['peer', nodeOus.peer],
      ['orderer', nodeOus.orderer],
    ];
    for (const [role, ou] of roleOus) {
      if (!ou || !ous.includes(ou.identifier)) continue;
      if (ou.certificate) {
        // The OU is bound to one CA: it must be in this identity's chain.
        const bound = parseCertificate(ou.certificate, `${definition.name} ${role} OU certificate`);
        if (!chain.some((link) => link.raw.equals(bound.raw))) continue;
      }
      roles.push(role);
    }
    if (roles.length !== 1) {
      throw new CertificateCheckError(
        `${what} (${subjectOf(cert)}) must carry exactly one node OU of ${definition.name} ` +
          `(found ${roles.length === 0 ? 'none' : roles.join(', ')})`,
      );
    }
  }
  const listedAdmin = definition.admins.some((pem) => {
    try {
      return new NodeX509Certificate(pem).raw.equals(cert.raw);
    } catch (error) {
      throw new CertificateCheckError(
        `${definition.name} admin certificate is unreadable: ${(error as Error).message}`,
      );
    }
  });
  return { cert, roles, isAdmin: roles.includes('admin') || listedAdmin };
}
