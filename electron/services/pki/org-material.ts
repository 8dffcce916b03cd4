import { randomBytes, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { pathExists, PUBLIC_FILE_MODE, writeFileAtomically } from './atomic-fs';
import { EncryptedKeystore } from './keystore';
import {
  MSP_FILES,
  MspError,
  readChannelMsp,
  readLocalMsp,
  readTlsDir,
  writeChannelMsp,
  writeLocalMsp,
  writeTlsDir,
} from './msp';
import {
  createCertificateAuthority,
  describeCertificate,
  isHostname,
  issueCertificate,
  keyMatchesCertificate,
  type CertificateAuthority,
  type NodeOu,
} from './x509';

export interface OrgUserSpec {
  name: string;
  ou: 'admin' | 'client';
  attributes?: Record<string, string>;
}

export interface OrgSpec {
  name: string;
  mspId: string;
  domain: string;
  kind: 'orderer' | 'peer';
  /** Short names like 'peer0' or 'orderer0'; hosts become '<name>.<domain>'. */
  nodes: string[];
  users: OrgUserSpec[];
}

export interface NodeMaterial {
  host: string;
  mspDir: string;
  /** ca.crt, server.crt, server.key */
  tlsDir: string;
}

export interface UserMaterial {
  name: string;
  mspDir: string;
  /** ca.crt, client.crt, client.key */
  tlsDir: string;
  certPem: string;
  keyPem: string;
}

export interface OrgMaterial {
  spec: OrgSpec;
  root: string;
  caCertPem: string;
  tlsCaCertPem: string;
  channelMspDir: string;
  nodes: Record<string, NodeMaterial>;
  users: Record<string, UserMaterial>;
}

/** Org crypto material cannot be produced or reused; the message says what to do. */
export class OrgMaterialError extends Error {
  override name = 'OrgMaterialError';
}

// issueUser builds users/.pending-<name>-<random>/ and renames it into place when complete.
const PENDING_PREFIX = '.pending-';
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const userSpecSchema = z.object({
  name: z.string().regex(USER_NAME, 'user names use letters, digits, ".", "_" and "-" (max 64)'),
  ou: z.enum(['admin', 'client']),
  attributes: z.record(z.string(), z.string()).optional(),
});

const orgSpecSchema = z
  .object({
    name: z.string().min(1),
    mspId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'MSP IDs use letters, digits, "." and "-"'),
    domain: z.string().refine((domain) => isHostname(domain) && domain === domain.toLowerCase(), {
      message: 'domain must be a lower-case DNS name such as hospital.example.com',
    }),
    kind: z.enum(['orderer', 'peer']),
    nodes: z.array(z.string().regex(DNS_LABEL, 'node names are lower-case DNS labels such as peer0')),
    users: z.array(userSpecSchema),
  })
  .superRefine((spec, context) => {
    const duplicates = (values: string[]) => values.filter((value, index) => values.indexOf(value) !== index);
    for (const node of duplicates(spec.nodes))
      context.addIssue({ code: 'custom', message: `node "${node}" is listed twice` });
    for (const user of duplicates(spec.users.map((u) => u.name))) {
      context.addIssue({ code: 'custom', message: `user "${user}" is listed twice` });
    }
  });

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new OrgMaterialError(`invalid ${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** Where everything of one org lives under the crypto root (cryptogen-like). */
export function orgLayout(cryptoRoot: string, domain: string) {
  const root = join(cryptoRoot, domain);
  return {
    root,
    caCertFile: join(root, 'ca', 'ca.pem'),
    tlsCaCertFile: join(root, 'tlsca', 'tlsca.pem'),
    channelMspDir: join(root, 'msp'),
    nodeDir: (host: string) => join(root, 'nodes', host),
    usersDir: join(root, 'users'),
    userDir: (userName: string) => join(root, 'users', `${userName}@${domain}`),
  };
}
type OrgLayout = ReturnType<typeof orgLayout>;

export const caKeyName = (domain: string): string => `${domain}/ca`;
export const tlsCaKeyName = (domain: string): string => `${domain}/tlsca`;

/** Same CA = same subject and key: a CA certificate re-certified from the keystore key still counts. */
function sameCa(a: string, b: string): boolean {
  const first = new NodeX509Certificate(a);
  const second = new NodeX509Certificate(b);
  const spki = (cert: NodeX509Certificate) => cert.publicKey.export({ type: 'spki', format: 'der' });
  return first.subject === second.subject && spki(first).equals(spki(second));
}

// One org at a time per process: two concurrent first runs must not create two different CAs.
const orgLocks = new Map<string, Promise<unknown>>();
async function withOrgLock<T>(root: string, work: () => Promise<T>): Promise<T> {
  const previous = orgLocks.get(root) ?? Promise.resolve();
  const current = previous.then(work, work);
  const settled = current.then(
    () => undefined,
    () => undefined,
  );
  orgLocks.set(root, settled);
  try {
    return await current;
  } finally {
    if (orgLocks.get(root) === settled) orgLocks.delete(root);
  }
}

interface CaRole {
  label: 'CA' | 'TLS CA';
  commonNamePrefix: 'ca' | 'tlsca';
  certFile: string;
  keyName: string;
  /** Where a copy of this CA certificate lives once the channel MSP exists. */
  copyInChannelMsp: string;
}

function caRoles(layout: OrgLayout, domain: string): { identity: CaRole; tls: CaRole } {
  return {
    identity: {
      label: 'CA',
      commonNamePrefix: 'ca',
      certFile: layout.caCertFile,
      keyName: caKeyName(domain),
      copyInChannelMsp: join(layout.channelMspDir, MSP_FILES.caCert),
    },
    tls: {
      label: 'TLS CA',
      commonNamePrefix: 'tlsca',
      certFile: layout.tlsCaCertFile,
      keyName: tlsCaKeyName(domain),
      copyInChannelMsp: join(layout.channelMspDir, MSP_FILES.tlsCaCert),
    },
  };
}

function checkCaPair(role: CaRole, domain: string, certPem: string, keyPem: string): CertificateAuthority {
  let info;
  try {
    info = describeCertificate(certPem);
  } catch (error) {
    throw new OrgMaterialError(`${role.certFile}: ${(error as Error).message}. Restore it from a backup.`);
  }
  if (!info.isCa)
    throw new OrgMaterialError(`${role.certFile} is not a CA certificate. Restore it from a backup.`);
  if (!keyMatchesCertificate(certPem, keyPem)) {
    throw new OrgMaterialError(
      `${role.certFile} does not match the key "${role.keyName}" in the keystore. Restore the matching certificate or keystore from a backup.`,
    );
  }
  if (new Date(info.notAfter) <= new Date()) {
    throw new OrgMaterialError(
      `${role.label} certificate ${role.certFile} expired on ${info.notAfter}; the org needs a new CA.`,
    );
  }
  return { commonName: `${role.commonNamePrefix}.${domain}`, certPem, keyPem };
}

/** Loads the org CA, or returns undefined when it has never been created. */
async function loadCa(
  role: CaRole,
  domain: string,
  keystore: EncryptedKeystore,
): Promise<CertificateAuthority | undefined> {
  const hasKey = await keystore.has(role.keyName);
  const hasCert = await pathExists(role.certFile);
  if (!hasKey && !hasCert) return undefined;
  if (!hasKey) {
    throw new OrgMaterialError(
      `${role.label} certificate ${role.certFile} exists but its private key "${role.keyName}" is not in keystore ${keystore.dir}. ` +
        `Restore the keystore (and its passphrase) from a backup; deleting ${join(role.certFile, '..', '..')} regenerates the whole org with a new CA.`,
    );
  }
  const keyPem = await keystore.get(role.keyName);
  if (!hasCert) {
    // A deleted file: the channel MSP holds a byte-identical copy, which is what channel configs contain.
    if (await pathExists(role.copyInChannelMsp)) {
      const copy = await readFile(role.copyInChannelMsp, 'utf8');
      if (keyMatchesCertificate(copy, keyPem)) {
        await writeFileAtomically(role.certFile, copy, PUBLIC_FILE_MODE);
        return checkCaPair(role, domain, copy, keyPem);
      }
    }
    // The key is stored before the certificate, so this is a crash between the two writes (or a
    // lost file): re-certify the same key, which keeps everything already issued valid.
    const rebuilt = await createCertificateAuthority({
      commonName: `${role.commonNamePrefix}.${domain}`,
      organization: domain,
      country: 'US',
      existingKeyPem: keyPem,
    });
    await writeFileAtomically(role.certFile, rebuilt.certPem, PUBLIC_FILE_MODE);
    return rebuilt;
  }
  return checkCaPair(role, domain, await readFile(role.certFile, 'utf8'), keyPem);
}

async function ensureCa(
  role: CaRole,
  domain: string,
  keystore: EncryptedKeystore,
): Promise<CertificateAuthority> {
  const existing = await loadCa(role, domain, keystore);
  if (existing) return existing;
  const ca = await createCertificateAuthority({
    commonName: `${role.commonNamePrefix}.${domain}`,
    organization: domain,
    country: 'US',
  });
  // Key first: if we crash before the certificate is written, loadCa rebuilds it from this key.
  await keystore.put(role.keyName, ca.keyPem);
  await writeFileAtomically(role.certFile, ca.certPem, PUBLIC_FILE_MODE);
  return ca;
}

/** Caller-chosen attributes in a stable order, without fabric-ca's own hf.* entries. */
function customAttributes(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes)
      .filter(([key]) => !key.startsWith('hf.'))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** Existing material that fails validation is reported, never silently replaced (it may be in a channel config). */
function reuseRefused(dir: string, problem: string): OrgMaterialError {
  return new OrgMaterialError(
    `${problem} — existing material in ${dir} is not reused or overwritten automatically. ` +
      `Delete ${dir} to have it issued again (an orderer's TLS certificate is part of the channel config).`,
  );
}

async function ensureIdentityMsp(
  mspDir: string,
  ca: CertificateAuthority,
  tlsCa: CertificateAuthority,
  subject: { commonName: string; organization: string; nodeOu: NodeOu; attributes?: Record<string, string> },
): Promise<{ certPem: string; keyPem: string }> {
  if (await pathExists(mspDir)) {
    let msp;
    try {
      msp = await readLocalMsp(mspDir);
    } catch (error) {
      throw reuseRefused(mspDir, (error as Error).message);
    }
    if (!sameCa(msp.caCertPem, ca.certPem)) throw reuseRefused(mspDir, `${mspDir} was issued by another CA`);
    if (msp.nodeOu !== subject.nodeOu) {
      throw reuseRefused(
        mspDir,
        `${mspDir} has node OU "${msp.nodeOu}" but the spec asks for "${subject.nodeOu}"`,
      );
    }
    const existingAttributes = customAttributes(describeCertificate(msp.signCertPem).attributes);
    if (JSON.stringify(existingAttributes) !== JSON.stringify(customAttributes(subject.attributes ?? {}))) {
      throw reuseRefused(
        mspDir,
        `${mspDir} carries attributes ${JSON.stringify(existingAttributes)} but the spec asks for ${JSON.stringify(customAttributes(subject.attributes ?? {}))}`,
      );
    }
    if (!sameCa(msp.tlsCaCertPem, tlsCa.certPem)) {
      // Only the public TLS CA copy is stale; refresh it without touching the identity.
      await writeLocalMsp(mspDir, { ...msp, tlsCaCertPem: tlsCa.certPem });
    }
    return { certPem: msp.signCertPem, keyPem: msp.keyPem };
  }
  const issued = await issueCertificate(ca, { kind: 'identity', ...subject });
  await writeLocalMsp(mspDir, {
    caCertPem: ca.certPem,
    tlsCaCertPem: tlsCa.certPem,
    signCertPem: issued.certPem,
    keyPem: issued.keyPem,
  });
  return issued;
}

async function ensureTlsDir(
  tlsDir: string,
  tlsCa: CertificateAuthority,
  fileStem: 'server' | 'client',
  subject: { commonName: string; organization: string },
): Promise<void> {
  if (await pathExists(tlsDir)) {
    let tls;
    try {
      tls = await readTlsDir(tlsDir, fileStem);
    } catch (error) {
      throw reuseRefused(tlsDir, (error as Error).message);
    }
    if (!sameCa(tls.caCertPem, tlsCa.certPem))
      throw reuseRefused(tlsDir, `${tlsDir} was issued by another TLS CA`);
    return;
  }
  const issued = await issueCertificate(tlsCa, { kind: 'tls', ...subject });
  await writeTlsDir(
    tlsDir,
    { caCertPem: tlsCa.certPem, certPem: issued.certPem, keyPem: issued.keyPem },
    fileStem,
  );
}

async function ensureChannelMsp(
  dir: string,
  ca: CertificateAuthority,
  tlsCa: CertificateAuthority,
): Promise<void> {
  if (await pathExists(dir)) {
    try {
      const current = await readChannelMsp(dir);
      if (sameCa(current.caCertPem, ca.certPem) && sameCa(current.tlsCaCertPem, tlsCa.certPem)) return;
    } catch (error) {
      // Holds public certificates only, all derived from the CAs: rewriting a broken one loses nothing.
      if (!(error instanceof MspError)) throw error;
    }
  }
  await writeChannelMsp(dir, { caCertPem: ca.certPem, tlsCaCertPem: tlsCa.certPem });
}

async function ensureUser(
  layout: OrgLayout,
  domain: string,
  ca: CertificateAuthority,
  tlsCa: CertificateAuthority,
  user: OrgUserSpec,
): Promise<UserMaterial> {
  const userDir = layout.userDir(user.name);
  const commonName = `${user.name}@${domain}`;
  const mspDir = join(userDir, 'msp');
  const tlsDir = join(userDir, 'tls');
  const identity = await ensureIdentityMsp(mspDir, ca, tlsCa, {
    commonName,
    organization: domain,
    nodeOu: user.ou,
    attributes: user.attributes,
  });
  await ensureTlsDir(tlsDir, tlsCa, 'client', { commonName, organization: domain });
  return { name: user.name, mspDir, tlsDir, certPem: identity.certPem, keyPem: identity.keyPem };
}

/**
 * Creates the org's CAs, channel MSP, node and user material, reusing everything that already
 * exists and is valid. CA keys live only in the encrypted keystore.
 */
export async function ensureOrgMaterial(
  cryptoRoot: string,
  spec: OrgSpec,
  keystore: EncryptedKeystore,
): Promise<OrgMaterial> {
  const checked = parseWith(orgSpecSchema, spec, `org spec "${spec.name}"`);
  const layout = orgLayout(cryptoRoot, checked.domain);
  return withOrgLock(layout.root, async () => {
    const roles = caRoles(layout, checked.domain);
    const ca = await ensureCa(roles.identity, checked.domain, keystore);
    const tlsCa = await ensureCa(roles.tls, checked.domain, keystore);
    await ensureChannelMsp(layout.channelMspDir, ca, tlsCa);

    const nodes: Record<string, NodeMaterial> = {};
    for (const node of checked.nodes) {
      const host = `${node}.${checked.domain}`;
      const mspDir = join(layout.nodeDir(host), 'msp');
      const tlsDir = join(layout.nodeDir(host), 'tls');
      await ensureIdentityMsp(mspDir, ca, tlsCa, {
        commonName: host,
        organization: checked.domain,
        nodeOu: checked.kind,
      });
      await ensureTlsDir(tlsDir, tlsCa, 'server', { commonName: host, organization: checked.domain });
      nodes[node] = { host, mspDir, tlsDir };
    }

    const users: Record<string, UserMaterial> = {};
    for (const user of checked.users)
      users[user.name] = await ensureUser(layout, checked.domain, ca, tlsCa, user);

    return {
      spec,
      root: layout.root,
      caCertPem: ca.certPem,
      tlsCaCertPem: tlsCa.certPem,
      channelMspDir: layout.channelMspDir,
      nodes,
      users,
    };
  });
}

/**
 * Enrolls one more identity with the org CA (e.g. {role:'doctor'} or {role:'patient', patientId:'P-001'})
 * into users/<name>@<domain>/. The folder appears complete or not at all.
 */
export async function issueUser(
  cryptoRoot: string,
  spec: OrgSpec,
  keystore: EncryptedKeystore,
  user: OrgUserSpec,
): Promise<UserMaterial> {
  const checked = parseWith(orgSpecSchema, spec, `org spec "${spec.name}"`);
  const checkedUser = parseWith(userSpecSchema, user, `user "${user.name}"`);
  const layout = orgLayout(cryptoRoot, checked.domain);
  return withOrgLock(layout.root, async () => {
    const userDir = layout.userDir(checkedUser.name);
    const refuse = () =>
      new OrgMaterialError(
        `user "${checkedUser.name}" already exists in ${userDir}; choose another name (identities are never overwritten).`,
      );
    if (await pathExists(userDir)) throw refuse();
    const roles = caRoles(layout, checked.domain);
    const ca = await loadCa(roles.identity, checked.domain, keystore);
    const tlsCa = await loadCa(roles.tls, checked.domain, keystore);
    if (!ca || !tlsCa) {
      throw new OrgMaterialError(
        `org ${checked.domain} has no CA yet in ${layout.root}; run ensureOrgMaterial first.`,
      );
    }

    await mkdir(layout.usersDir, { recursive: true });
    await removeAbandonedPendingDirs(layout.usersDir);
    const pending = join(
      layout.usersDir,
      `${PENDING_PREFIX}${checkedUser.name}-${randomBytes(6).toString('hex')}`,
    );
    try {
      // Same issuing code as ensureOrgMaterial, pointed at the pending folder.
      const material = await ensureUser(
        { ...layout, userDir: () => pending },
        checked.domain,
        ca,
        tlsCa,
        checkedUser,
      );
      try {
        await rename(pending, userDir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') throw refuse();
        throw error;
      }
      return { ...material, mspDir: join(userDir, 'msp'), tlsDir: join(userDir, 'tls') };
    } finally {
      await rm(pending, { recursive: true, force: true });
    }
  });
}

/** Leftovers of an issueUser that crashed before its final rename. */
async function removeAbandonedPendingDirs(usersDir: string): Promise<void> {
  for (const entry of await readdir(usersDir)) {
    if (entry.startsWith(PENDING_PREFIX)) await rm(join(usersDir, entry), { recursive: true, force: true });
  }
}
