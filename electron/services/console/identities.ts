// Identities of an org as they are on disk (cryptogen-like layout under the state's crypto dir):
// users/<name>@<domain>/{msp,tls} and nodes/<host>/{msp,tls}, plus the org's CA certificates.
// Only public certificates are read; private keys are never opened here.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeCertificate, MSP_FILES, orgLayout, PkiError } from '../pki';
import type { OrgTopology } from '../runtime/profile';
import { summarizeCertificate } from './certificates';
import type { CertificateSummary, IdentitySummary, OrgIdentities } from './types';

const PENDING_PREFIX = '.pending-';

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith(PENDING_PREFIX))
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function certificateIn(file: string, now: Date): Promise<CertificateSummary | undefined> {
  const pem = await readIfExists(file);
  return pem === undefined ? undefined : summarizeCertificate(pem, now);
}

/** One identity folder (msp/ + tls/); undefined when it holds no signing certificate yet. */
export async function readIdentity(
  dir: string,
  name: string,
  kind: IdentitySummary['kind'],
  now: Date = new Date(),
): Promise<IdentitySummary | undefined> {
  const signCertPem = await readIfExists(path.join(dir, 'msp', MSP_FILES.signCert));
  if (signCertPem === undefined) return undefined;
  let info;
  try {
    info = describeCertificate(signCertPem);
  } catch (error) {
    if (error instanceof PkiError)
      throw new PkiError(`${path.join(dir, 'msp', MSP_FILES.signCert)}: ${error.message}`);
    throw error;
  }
  const identity: IdentitySummary = {
    name,
    kind,
    attributes: Object.fromEntries(Object.entries(info.attributes).filter(([key]) => !key.startsWith('hf.'))),
    certificate: summarizeCertificate(signCertPem, now),
  };
  if (info.nodeOu) identity.nodeOu = info.nodeOu;
  const tls =
    (await certificateIn(path.join(dir, 'tls', kind === 'node' ? 'server.crt' : 'client.crt'), now)) ??
    (await certificateIn(path.join(dir, 'tls', 'client.crt'), now));
  if (tls) identity.tlsCertificate = tls;
  return identity;
}

/** Users first (by name), then nodes; an org whose crypto material does not exist yet is empty. */
export async function listOrgIdentities(
  cryptoDir: string,
  org: OrgTopology,
  canIssue: boolean,
  now: Date = new Date(),
): Promise<OrgIdentities> {
  const layout = orgLayout(cryptoDir, org.domain);
  const suffix = `@${org.domain}`;
  const identities: IdentitySummary[] = [];
  for (const entry of (await listDirs(layout.usersDir)).sort()) {
    const name = entry.endsWith(suffix) ? entry.slice(0, -suffix.length) : entry;
    const identity = await readIdentity(path.join(layout.usersDir, entry), name, 'user', now);
    if (identity) identities.push(identity);
  }
  for (const host of (await listDirs(path.join(layout.root, 'nodes'))).sort()) {
    const identity = await readIdentity(layout.nodeDir(host), host, 'node', now);
    if (identity) identities.push(identity);
  }
  const result: OrgIdentities = {
    name: org.name,
    mspId: org.mspId,
    role: org.role,
    domain: org.domain,
    identities,
    canIssue,
  };
  const ca = await certificateIn(layout.caCertFile, now);
  const tlsCa = await certificateIn(layout.tlsCaCertFile, now);
  if (ca) result.ca = ca;
  if (tlsCa) result.tlsCa = tlsCa;
  return result;
}

/** The org's CA and TLS CA certificates from disk, or undefined before the org is created. */
export async function readOrgCaCertificates(
  cryptoDir: string,
  domain: string,
): Promise<{ caCertPem: string; tlsCaCertPem: string } | undefined> {
  const layout = orgLayout(cryptoDir, domain);
  const caCertPem = await readIfExists(layout.caCertFile);
  const tlsCaCertPem = await readIfExists(layout.tlsCaCertFile);
  return caCertPem === undefined || tlsCaCertPem === undefined ? undefined : { caCertPem, tlsCaCertPem };
}
