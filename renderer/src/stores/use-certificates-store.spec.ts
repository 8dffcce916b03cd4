import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import type { CertificateApiServices } from '../../../electron/api/certificate-handlers';
import type {
  CertificateInventoryView,
  CertificateRow,
  NodeRenewalResult,
  RenewNodeRequest,
} from '../../../electron/api/contract';
import type { ConsoleApiServices } from '../../../electron/api/handlers';
import { FakeNetworkController } from '../../../electron/api/testing/fake-network-controller';
import { consoleApiKey } from '../api/console-api';
import { createInMemoryConsoleApi } from '../api/testing/in-memory-console-api';
import { unusedConsoleServices, unusedCertificateServices } from '../api/testing/unused-services';
import { useCertificatesStore } from './use-certificates-store';

const PEER = 'peer0.hospital.medfabric.local';

function row(
  fingerprint: string,
  origin: CertificateRow['origin'],
  extra: Partial<CertificateRow> = {},
): CertificateRow {
  return {
    origin,
    holder: PEER,
    mspId: 'HospitalMSP',
    role: 'tls-server',
    subject: `CN=${PEER}`,
    issuer: 'CN=tlsca.hospital.medfabric.local',
    serialNumber: 'AA01',
    notBefore: '2030-01-01T00:00:00.000Z',
    notAfter: '2031-01-01T00:00:00.000Z',
    daysLeft: 365,
    status: 'ok',
    isCa: false,
    fingerprintSha256: fingerprint,
    sources: ['crypto:x'],
    ...extra,
  };
}

let serial: string;
let renewals: RenewNodeRequest[];
let failRenewal: boolean;

function inventory(): CertificateInventoryView {
  return {
    generatedAt: '2030-01-01T00:00:00.000Z',
    thresholds: { warnDays: 30, criticalDays: 7 },
    summary: { ok: 2, warn: 1, critical: 1, expired: 0 },
    rows: [
      row('a', 'local', { serialNumber: serial }),
      row('b', 'local', { holder: 'Admin', status: 'warn', daysLeft: 20 }),
      row('c', 'channel', { holder: 'HospitalMSP MSP', role: 'ca', isCa: true }),
      row('d', 'channel', { holder: 'consenter 127.0.0.1:7050', status: 'critical', daysLeft: 3 }),
    ],
    problems: [],
    channel: { name: 'medchannel', blockNumber: 4 },
    nodes: [{ nodeId: PEER, kind: 'peer', mspId: 'HospitalMSP', state: 'running' }],
  };
}

function certificates(): CertificateApiServices {
  return {
    ...unusedCertificateServices(),
    inventory: async () => inventory(),
    renewNode: async (request) => {
      renewals.push(request);
      if (failRenewal) {
        throw Object.assign(new Error(`${request.nodeId} belongs to InsurerMSP`), { code: 'forbidden' });
      }
      const previous = serial;
      serial = 'BB02';
      const result: NodeRenewalResult = {
        nodeId: request.nodeId,
        target: request.target,
        previous: {
          serialNumber: previous,
          notAfter: '2031-01-01T00:00:00.000Z',
          daysLeft: 365,
          status: 'ok',
          fingerprintSha256: 'a',
        },
        current: {
          serialNumber: serial,
          notAfter: '2032-01-01T00:00:00.000Z',
          daysLeft: 730,
          status: 'ok',
          fingerprintSha256: 'e',
        },
        keyReused: false,
        cappedByCa: false,
        restarted: true,
        state: 'running',
        ledgerHeightBefore: 9,
        ledgerHeightAfter: 9,
      };
      return result;
    },
  };
}

function services(): ConsoleApiServices {
  return {
    ...unusedConsoleServices(),
    certificates: certificates(),
  };
}

beforeEach(() => {
  serial = 'AA01';
  renewals = [];
  failRenewal = false;
  const pinia = createPinia();
  createApp({})
    .provide(consoleApiKey, createInMemoryConsoleApi(new FakeNetworkController(), services()))
    .use(pinia);
  setActivePinia(pinia);
});

describe('useCertificatesStore', () => {
  it('hydrates the radar: groups by origin, buckets, what needs attention soonest first', async () => {
    const store = useCertificatesStore();
    expect(store.inventory).toBeNull();
    await store.hydrate();
    expect(store.localRows.map((each) => each.fingerprintSha256)).toEqual(['a', 'b']);
    expect(store.channelRows.map((each) => each.fingerprintSha256)).toEqual(['c', 'd']);
    expect(store.attention.map((each) => each.holder)).toEqual(['consenter 127.0.0.1:7050', 'Admin']);
    expect(store.buckets.find((bucket) => bucket.id === 'critical')?.count).toBe(1);

    store.filter.text = 'consenter';
    expect(store.localRows).toEqual([]);
    expect(store.channelRows.map((each) => each.fingerprintSha256)).toEqual(['d']);
    store.filter.text = '';
    store.filter.status = 'warn';
    expect(store.visibleRows.map((each) => each.holder)).toEqual(['Admin']);
  });

  it('renews, then shows the result once the table holds the new certificate', async () => {
    const store = useCertificatesStore();
    await store.hydrate();
    const renewing = store.renew(PEER, 'tls');
    expect(store.renewing).toEqual({ nodeId: PEER, target: 'tls' });
    // One renewal at a time: a second click while the first runs is ignored.
    expect(await store.renew(PEER, 'enrollment')).toBe(false);
    expect(await renewing).toBe(true);
    expect(renewals).toEqual([{ nodeId: PEER, target: 'tls' }]);
    expect(store.renewing).toBeNull();
    expect(store.lastRenewal).toMatchObject({
      previous: { serialNumber: 'AA01' },
      current: { serialNumber: 'BB02' },
    });
    expect(store.localRows[0]?.serialNumber).toBe('BB02');
  });

  it('explains a refused renewal and keeps the inventory', async () => {
    failRenewal = true;
    const store = useCertificatesStore();
    await store.hydrate();
    expect(await store.renew('peer0.insurer.medfabric.local', 'tls')).toBe(false);
    expect(store.error).toMatchObject({
      code: 'forbidden',
      title: 'Could not renew the tls certificate of peer0.insurer.medfabric.local',
    });
    expect(store.lastRenewal).toBeNull();
    expect(store.inventory?.rows).toHaveLength(4);
  });
});
