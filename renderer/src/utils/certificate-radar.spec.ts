import { describe, expect, it } from 'vitest';
import type { CertificateRow, CertificateStatus } from '../../../electron/api/contract';
import { expiryBuckets, filterCertificates } from './certificate-radar';

function row(
  fingerprint: string,
  daysLeft: number,
  status: CertificateStatus,
  extra: Partial<CertificateRow> = {},
): CertificateRow {
  return {
    origin: 'local',
    holder: 'peer0.hospital.medfabric.local',
    role: 'tls-server',
    subject: 'CN=peer0.hospital.medfabric.local',
    issuer: 'CN=tlsca.hospital.medfabric.local',
    serialNumber: fingerprint.toUpperCase(),
    notBefore: '2030-01-01T00:00:00.000Z',
    notAfter: '2031-01-01T00:00:00.000Z',
    daysLeft,
    status,
    isCa: false,
    fingerprintSha256: fingerprint,
    sources: [`crypto:${fingerprint}`],
    ...extra,
  };
}

const THRESHOLDS = { warnDays: 30, criticalDays: 7 };

describe('expiryBuckets', () => {
  it('puts each distinct certificate in the bucket its days left and status say', () => {
    const rows = [
      row('a', -3, 'expired'),
      row('b', 2, 'critical'),
      row('c', 20, 'warn'),
      row('d', 60, 'ok'),
      row('e', 200, 'ok'),
      row('f', 3000, 'ok'),
      // The same CA certificate found locally and in the channel counts once.
      row('f', 3000, 'ok', { origin: 'channel' }),
    ];
    const buckets = expiryBuckets(rows, THRESHOLDS);
    expect(buckets.map((bucket) => [bucket.id, bucket.count])).toEqual([
      ['expired', 1],
      ['critical', 1],
      ['warn', 1],
      ['quarter', 1],
      ['year', 1],
      ['later', 1],
    ]);
    expect(buckets.map((bucket) => bucket.label)).toEqual([
      'Expired',
      '≤ 7 days',
      '8–30 days',
      '31–90 days',
      '91–365 days',
      'over a year',
    ]);
  });

  it('follows the inventory thresholds', () => {
    const buckets = expiryBuckets([row('a', 40, 'warn')], { warnDays: 45, criticalDays: 10 });
    expect(buckets.find((bucket) => bucket.id === 'warn')).toMatchObject({ label: '11–45 days', count: 1 });
  });
});

describe('filterCertificates', () => {
  const rows = [
    row('a', 100, 'ok', { holder: 'peer0.insurer.medfabric.local', mspId: 'InsurerMSP' }),
    row('b', 5, 'critical', { holder: 'Admin', mspId: 'HospitalMSP' }),
    row('c', 300, 'ok', { origin: 'channel', holder: 'consenter 127.0.0.1:7050' }),
  ];

  it('matches text in holder, org, serial and sources, case-insensitively', () => {
    expect(
      filterCertificates(rows, { text: 'INSURER', status: 'all' }).map((r) => r.fingerprintSha256),
    ).toEqual(['a']);
    expect(
      filterCertificates(rows, { text: 'crypto:c', status: 'all' }).map((r) => r.fingerprintSha256),
    ).toEqual(['c']);
    expect(filterCertificates(rows, { text: '  ', status: 'all' })).toHaveLength(3);
  });

  it('narrows by status', () => {
    expect(filterCertificates(rows, { text: '', status: 'critical' }).map((r) => r.holder)).toEqual([
      'Admin',
    ]);
    expect(filterCertificates(rows, { text: 'insurer', status: 'critical' })).toEqual([]);
  });
});
