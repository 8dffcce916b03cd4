// The expiry radar: every certificate in the local MSPs and TLS folders under the crypto dir (and,
// optionally, certificates the caller took from a decoded channel config), with days left and a
// status: ok, warn (≤ 30 days), critical (≤ 7 days) or expired.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FabricMspDefinition } from '../channel/config-values';
// The statuses and roles the Certificates page shows: declared once, in the shared contract types.
import type { CertificateRole, CertificateStatus } from '../console/certificate-types';
import { describeCertificate, type NodeOu } from './x509';

export interface InventoryEntry {
  /** `crypto:<path relative to the crypto dir>` for files, or the caller's label for extra PEMs. */
  source: string;
  /** Absolute file path (files only). */
  file?: string;
  role: CertificateRole;
  subject: string;
  issuer: string;
  /** Upper-case hex, as @peculiar/x509 and Fabric print it. */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  status: CertificateStatus;
  isCa: boolean;
  nodeOu?: NodeOu;
  sans: string[];
  fingerprintSha256: string;
}

export interface InventoryProblem {
  source: string;
  message: string;
}

export interface CertificateInventory {
  generatedAt: string;
  thresholds: { warnDays: number; criticalDays: number };
  entries: InventoryEntry[];
  /** Files that look like certificates but cannot be read. */
  problems: InventoryProblem[];
  summary: Record<CertificateStatus, number>;
}

export interface ExtraCertificate {
  /** e.g. `channel:medchannel/Application/HospitalMSP/root_certs[0]`. */
  source: string;
  /** One or more PEM certificates. */
  pem: string;
  role?: CertificateRole;
}

export interface InventoryOptions {
  now?: Date;
  /** Default 30. */
  warnDays?: number;
  /** Default 7. */
  criticalDays?: number;
  /** Certificates from elsewhere, e.g. a decoded channel config. */
  extra?: readonly ExtraCertificate[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_WARN_DAYS = 30;
export const DEFAULT_CRITICAL_DAYS = 7;
const CERT_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const CERT_FILE = /\.(pem|crt|cert)$/i;
// Siblings left by atomic writes (writeDirectoryAtomically) and the private-key folders.
const SKIPPED_DIR = /(\.tmp-|\.old-|^\.pending-|^keystore$)/;

const ROLE_BY_FOLDER: Record<string, CertificateRole> = {
  cacerts: 'ca',
  tlscacerts: 'tls-ca',
  intermediatecerts: 'intermediate-ca',
  tlsintermediatecerts: 'tls-intermediate-ca',
  signcerts: 'signing',
  admincerts: 'admin',
  ca: 'ca',
  tlsca: 'tls-ca',
};

const ROLE_BY_TLS_FILE: Record<string, CertificateRole> = {
  'ca.crt': 'tls-ca',
  'server.crt': 'tls-server',
  'client.crt': 'tls-client',
};

export function certificateStatus(
  notAfter: Date,
  now: Date,
  warnDays = DEFAULT_WARN_DAYS,
  criticalDays = DEFAULT_CRITICAL_DAYS,
): CertificateStatus {
  const remaining = notAfter.getTime() - now.getTime();
  if (remaining <= 0) return 'expired';
  if (remaining <= criticalDays * DAY_MS) return 'critical';
  if (remaining <= warnDays * DAY_MS) return 'warn';
  return 'ok';
}

function roleOf(file: string): CertificateRole {
  const folder = path.basename(path.dirname(file));
  const name = path.basename(file);
  if (folder === 'tls' || folder.endsWith('-tls')) return ROLE_BY_TLS_FILE[name] ?? 'other';
  return ROLE_BY_FOLDER[folder] ?? 'other';
}

async function listCertificateFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIR.test(entry.name)) files.push(...(await listCertificateFiles(full)));
    } else if (entry.isFile() && CERT_FILE.test(entry.name)) {
      files.push(full);
    }
  }
  return files;
}

function describe(
  pem: string,
  source: string,
  role: CertificateRole,
  now: Date,
  thresholds: { warnDays: number; criticalDays: number },
  file?: string,
): InventoryEntry {
  const info = describeCertificate(pem);
  const notAfter = new Date(info.notAfter);
  const entry: InventoryEntry = {
    source,
    role,
    subject: info.subject,
    issuer: info.issuer,
    serialNumber: info.serialNumber.toUpperCase(),
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    status: certificateStatus(notAfter, now, thresholds.warnDays, thresholds.criticalDays),
    isCa: info.isCa,
    sans: info.sans,
    fingerprintSha256: info.fingerprintSha256,
  };
  if (file !== undefined) entry.file = file;
  if (info.nodeOu !== undefined) entry.nodeOu = info.nodeOu;
  return entry;
}

/**
 * Scans `cryptoDir` (MSP folders, TLS folders, the org CA certificates; never keystores) and the
 * caller's extra PEMs. Entries are sorted soonest expiry first.
 */
export async function certificateInventory(
  cryptoDir: string,
  options: InventoryOptions = {},
): Promise<CertificateInventory> {
  const now = options.now ?? new Date();
  const thresholds = {
    warnDays: options.warnDays ?? DEFAULT_WARN_DAYS,
    criticalDays: options.criticalDays ?? DEFAULT_CRITICAL_DAYS,
  };
  if (thresholds.criticalDays > thresholds.warnDays) {
    throw new Error(
      `criticalDays (${thresholds.criticalDays}) must not exceed warnDays (${thresholds.warnDays})`,
    );
  }
  const entries: InventoryEntry[] = [];
  const problems: InventoryProblem[] = [];
  const root = path.resolve(cryptoDir);

  const collect = (pemText: string, source: string, role: CertificateRole, file?: string): void => {
    const blocks = pemText.match(CERT_PEM) ?? [];
    if (blocks.length === 0) {
      problems.push({ source, message: 'no PEM certificate found' });
      return;
    }
    blocks.forEach((block, index) => {
      const label = blocks.length > 1 ? `${source}#${index + 1}` : source;
      try {
        entries.push(describe(`${block}\n`, label, role, now, thresholds, file));
      } catch (error) {
        problems.push({ source: label, message: (error as Error).message });
      }
    });
  };

  for (const file of await listCertificateFiles(root)) {
    const source = `crypto:${path.relative(root, file)}`;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      problems.push({ source, message: `cannot be read: ${(error as Error).message}` });
      continue;
    }
    collect(text, source, roleOf(file), file);
  }
  for (const extra of options.extra ?? []) collect(extra.pem, extra.source, extra.role ?? 'other');

  entries.sort(
    (a, b) =>
      new Date(a.notAfter).getTime() - new Date(b.notAfter).getTime() || a.source.localeCompare(b.source),
  );
  const summary: Record<CertificateStatus, number> = { ok: 0, warn: 0, critical: 0, expired: 0 };
  for (const entry of entries) summary[entry.status] += 1;
  return { generatedAt: now.toISOString(), thresholds, entries, problems, summary };
}

/** One row per distinct certificate (the same CA certificate sits in many MSPs), with all its sources. */
export function distinctCertificates(
  entries: readonly InventoryEntry[],
): Array<InventoryEntry & { sources: string[] }> {
  const byFingerprint = new Map<string, InventoryEntry & { sources: string[] }>();
  for (const entry of entries) {
    const existing = byFingerprint.get(entry.fingerprintSha256);
    if (existing) existing.sources.push(entry.source);
    else byFingerprint.set(entry.fingerprintSha256, { ...entry, sources: [entry.source] });
  }
  return [...byFingerprint.values()];
}

/**
 * The certificates of channel MSP definitions (decoded channel config) as inventory extras:
 * root, intermediate, TLS root/intermediate and explicit admin certificates of every org.
 */
export function channelMspCertificates(
  channel: string,
  msps: ReadonlyMap<string, FabricMspDefinition> | Readonly<Record<string, FabricMspDefinition>>,
): ExtraCertificate[] {
  const definitions = msps instanceof Map ? [...msps.values()] : Object.values(msps);
  const extras: ExtraCertificate[] = [];
  const add = (msp: string, field: string, pems: readonly string[], role: CertificateRole) =>
    pems.forEach((pem, index) =>
      extras.push({ source: `channel:${channel}/${msp}/${field}[${index}]`, pem, role }),
    );
  for (const msp of definitions) {
    add(msp.name, 'root_certs', msp.rootCerts, 'ca');
    add(msp.name, 'intermediate_certs', msp.intermediateCerts, 'intermediate-ca');
    add(msp.name, 'tls_root_certs', msp.tlsRootCerts, 'tls-ca');
    add(msp.name, 'tls_intermediate_certs', msp.tlsIntermediateCerts, 'tls-intermediate-ca');
    add(msp.name, 'admins', msp.admins, 'admin');
  }
  return extras;
}
