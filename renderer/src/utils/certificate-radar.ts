// The expiry radar's arithmetic: certificates bucketed by days left (with the inventory's warn and
// critical thresholds as bucket edges) and the table's filter.
import type { CertificateRow, CertificateStatus } from '../../../electron/api/contract';

export interface ExpiryBucket {
  id: string;
  label: string;
  /** The status every certificate in the bucket has. */
  status: CertificateStatus;
  count: number;
}

/** Distinct certificates (by fingerprint): the same CA certificate sits in many MSPs and in the channel. */
function distinct(rows: readonly CertificateRow[]): CertificateRow[] {
  const byFingerprint = new Map<string, CertificateRow>();
  for (const row of rows)
    if (!byFingerprint.has(row.fingerprintSha256)) byFingerprint.set(row.fingerprintSha256, row);
  return [...byFingerprint.values()];
}

/** Expired, ≤ critical, ≤ warn, ≤ 90 days, ≤ 1 year, later: the radar's timeline. */
export function expiryBuckets(
  rows: readonly CertificateRow[],
  thresholds: { warnDays: number; criticalDays: number },
): ExpiryBucket[] {
  const { warnDays, criticalDays } = thresholds;
  const buckets: Array<ExpiryBucket & { holds: (row: CertificateRow) => boolean }> = [
    {
      id: 'expired',
      label: 'Expired',
      status: 'expired',
      count: 0,
      holds: (row) => row.status === 'expired',
    },
    {
      id: 'critical',
      label: `≤ ${criticalDays} days`,
      status: 'critical',
      count: 0,
      holds: (row) => row.status === 'critical',
    },
    {
      id: 'warn',
      label: `${criticalDays + 1}–${warnDays} days`,
      status: 'warn',
      count: 0,
      holds: (row) => row.status === 'warn',
    },
    {
      id: 'quarter',
      label: `${warnDays + 1}–90 days`,
      status: 'ok',
      count: 0,
      holds: (row) => row.status === 'ok' && row.daysLeft <= 90,
    },
    {
      id: 'year',
      label: '91–365 days',
      status: 'ok',
      count: 0,
      holds: (row) => row.status === 'ok' && row.daysLeft > 90 && row.daysLeft <= 365,
    },
    {
      id: 'later',
      label: 'over a year',
      status: 'ok',
      count: 0,
      holds: (row) => row.status === 'ok' && row.daysLeft > 365,
    },
  ];
  for (const row of distinct(rows)) {
    const bucket = buckets.find((candidate) => candidate.holds(row));
    if (bucket) bucket.count += 1;
  }
  return buckets.map(({ id, label, status, count }) => ({ id, label, status, count }));
}

export interface CertificateFilter {
  /** Matched against holder, subject, issuer, org, serial and sources (case-insensitive). */
  text: string;
  status: CertificateStatus | 'all';
}

export function filterCertificates(
  rows: readonly CertificateRow[],
  filter: CertificateFilter,
): CertificateRow[] {
  const needle = filter.text.trim().toLowerCase();
  return rows.filter((row) => {
    if (filter.status !== 'all' && row.status !== filter.status) return false;
    if (needle === '') return true;
    return [row.holder, row.subject, row.issuer, row.mspId ?? '', row.serialNumber, ...row.sources].some(
      (field) => field.toLowerCase().includes(needle),
    );
  });
}
