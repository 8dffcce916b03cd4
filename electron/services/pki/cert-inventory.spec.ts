import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  certificateInventory,
  certificateStatus,
  channelMspCertificates,
  distinctCertificates,
} from './cert-inventory';
import { EncryptedKeystore } from './keystore';
import { ensureOrgMaterial } from './org-material';
import { tempDirs } from './spec-helpers';
import { createCertificateAuthority, describeCertificate } from './x509';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const DAY = 24 * 60 * 60 * 1000;

async function orgCrypto() {
  const root = await dirs.make('inventory');
  const cryptoDir = path.join(root, 'crypto');
  const keystore = new EncryptedKeystore(path.join(root, 'keystore'), 'spec');
  const material = await ensureOrgMaterial(
    cryptoDir,
    {
      name: 'InsurerOrg',
      mspId: 'InsurerMSP',
      domain: 'insurer.test.local',
      kind: 'peer',
      nodes: ['peer0'],
      users: [{ name: 'Admin', ou: 'admin' }],
    },
    keystore,
  );
  return { cryptoDir, material };
}

describe('certificateStatus', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it('is ok beyond 30 days, warn within 30, critical within 7, expired at notAfter', () => {
    expect(certificateStatus(new Date(now.getTime() + 31 * DAY), now)).toBe('ok');
    expect(certificateStatus(new Date(now.getTime() + 30 * DAY), now)).toBe('warn');
    expect(certificateStatus(new Date(now.getTime() + 8 * DAY), now)).toBe('warn');
    expect(certificateStatus(new Date(now.getTime() + 7 * DAY), now)).toBe('critical');
    expect(certificateStatus(new Date(now.getTime() + 1), now)).toBe('critical');
    expect(certificateStatus(now, now)).toBe('expired');
    expect(certificateStatus(new Date(now.getTime() + 40 * DAY), now, 60, 45)).toBe('critical');
  });
});

describe('certificateInventory', () => {
  it('lists every certificate of the MSP and TLS folders with its role, never reading keystores', async () => {
    const { cryptoDir, material } = await orgCrypto();
    const inventory = await certificateInventory(cryptoDir);
    expect(inventory.problems).toEqual([]);
    const sources = inventory.entries.map((entry) => entry.source);
    const host = 'peer0.insurer.test.local';
    expect(sources).toEqual(
      expect.arrayContaining([
        'crypto:insurer.test.local/ca/ca.pem',
        'crypto:insurer.test.local/tlsca/tlsca.pem',
        'crypto:insurer.test.local/msp/cacerts/ca.pem',
        `crypto:insurer.test.local/nodes/${host}/msp/signcerts/cert.pem`,
        `crypto:insurer.test.local/nodes/${host}/tls/server.crt`,
        `crypto:insurer.test.local/nodes/${host}/tls/ca.crt`,
        'crypto:insurer.test.local/users/Admin@insurer.test.local/tls/client.crt',
      ]),
    );
    expect(sources.some((source) => source.includes('keystore'))).toBe(false);
    const byRole = (source: string) => inventory.entries.find((entry) => entry.source === source)?.role;
    expect(byRole(`crypto:insurer.test.local/nodes/${host}/tls/server.crt`)).toBe('tls-server');
    expect(byRole('crypto:insurer.test.local/users/Admin@insurer.test.local/tls/client.crt')).toBe(
      'tls-client',
    );
    expect(byRole(`crypto:insurer.test.local/nodes/${host}/msp/signcerts/cert.pem`)).toBe('signing');
    expect(byRole('crypto:insurer.test.local/tlsca/tlsca.pem')).toBe('tls-ca');
    const signing = inventory.entries.find((entry) => entry.role === 'signing' && entry.nodeOu === 'peer');
    expect(signing).toMatchObject({ status: 'ok', isCa: false });
    expect(signing?.daysLeft).toBeGreaterThanOrEqual(363);
    expect(inventory.summary.ok).toBe(inventory.entries.length);

    // Soonest expiry first; the 10-year CA certificates last.
    const times = inventory.entries.map((entry) => new Date(entry.notAfter).getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    // The same CA certificate sits in several folders: one distinct row with all its sources.
    const distinct = distinctCertificates(inventory.entries);
    const ca = distinct.find(
      (entry) => entry.fingerprintSha256 === describeCertificate(material.caCertPem).fingerprintSha256,
    );
    expect(ca?.sources.length).toBeGreaterThanOrEqual(4);
  });

  it('classifies by the clock it is given and reports unreadable files instead of failing', async () => {
    const { cryptoDir } = await orgCrypto();
    const broken = path.join(cryptoDir, 'insurer.test.local', 'extra', 'cacerts');
    await mkdir(broken, { recursive: true });
    await writeFile(path.join(broken, 'junk.pem'), 'not a certificate');
    await writeFile(
      path.join(broken, 'bad.pem'),
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    );
    const in360Days = await certificateInventory(cryptoDir, { now: new Date(Date.now() + 360 * DAY) });
    expect(in360Days.summary.critical).toBeGreaterThan(0);
    expect(
      in360Days.entries.filter((entry) => !entry.isCa).every((entry) => entry.status === 'critical'),
    ).toBe(true);
    expect(in360Days.problems.map((problem) => problem.source).sort()).toEqual([
      'crypto:insurer.test.local/extra/cacerts/bad.pem',
      'crypto:insurer.test.local/extra/cacerts/junk.pem',
    ]);
    const in400Days = await certificateInventory(cryptoDir, { now: new Date(Date.now() + 400 * DAY) });
    expect(in400Days.summary.expired).toBe(in400Days.entries.filter((entry) => !entry.isCa).length);
    await expect(certificateInventory(cryptoDir, { warnDays: 5, criticalDays: 10 })).rejects.toThrow(
      /criticalDays/,
    );
  });

  it('includes certificates handed in by the caller, e.g. from a decoded channel config', async () => {
    const { cryptoDir } = await orgCrypto();
    const foreign = await createCertificateAuthority({
      commonName: 'ca.foreign',
      organization: 'f',
      validityDays: 20,
    });
    const extra = channelMspCertificates('medchannel', {
      ForeignMSP: {
        type: 'fabric',
        name: 'ForeignMSP',
        rootCerts: [foreign.certPem],
        intermediateCerts: [],
        admins: [],
        revocationList: [],
        tlsRootCerts: [foreign.certPem],
        tlsIntermediateCerts: [],
        organizationalUnitIdentifiers: [],
      },
    });
    expect(extra.map((entry) => entry.source)).toEqual([
      'channel:medchannel/ForeignMSP/root_certs[0]',
      'channel:medchannel/ForeignMSP/tls_root_certs[0]',
    ]);
    const inventory = await certificateInventory(cryptoDir, {
      extra: [...extra, { source: 'channel:medchannel/bundle', pem: `${foreign.certPem}${foreign.certPem}` }],
    });
    const fromChannel = inventory.entries
      .filter((entry) => entry.source.startsWith('channel:'))
      .sort((a, b) => (a.source < b.source ? -1 : 1));
    expect(fromChannel.map((entry) => [entry.source, entry.role, entry.status])).toEqual([
      ['channel:medchannel/ForeignMSP/root_certs[0]', 'ca', 'warn'],
      ['channel:medchannel/ForeignMSP/tls_root_certs[0]', 'tls-ca', 'warn'],
      ['channel:medchannel/bundle#1', 'other', 'warn'],
      ['channel:medchannel/bundle#2', 'other', 'warn'],
    ]);
    expect(fromChannel.every((entry) => entry.daysLeft === 19 || entry.daysLeft === 20)).toBe(true);
    expect(fromChannel[0]?.file).toBeUndefined();
  });

  it('returns an empty inventory for a crypto dir that does not exist yet', async () => {
    const root = await dirs.make('inventory-empty');
    const inventory = await certificateInventory(path.join(root, 'nothing'));
    expect(inventory.entries).toEqual([]);
    expect(inventory.summary).toEqual({ ok: 0, warn: 0, critical: 0, expired: 0 });
  });
});
