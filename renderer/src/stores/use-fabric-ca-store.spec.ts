import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import type { CertificateApiServices } from '../../../electron/api/certificate-handlers';
import type {
  BundleReview,
  ConsoleContext,
  FabricCaStatus,
  IdentitySummary,
} from '../../../electron/api/contract';
import type { ConsoleApiServices } from '../../../electron/api/handlers';
import type { CertificateSummary } from '../../../electron/services/console/types';
import { FakeNetworkController } from '../../../electron/api/testing/fake-network-controller';
import { consoleApiKey } from '../api/console-api';
import { createInMemoryConsoleApi } from '../api/testing/in-memory-console-api';
import { unusedConsoleServices, unusedCertificateServices } from '../api/testing/unused-services';
import { useChannelUpdatesStore } from './use-channel-updates-store';
import { useConsoleStore } from './use-console-store';
import { useFabricCaStore } from './use-fabric-ca-store';

const CERTIFICATE: CertificateSummary = {
  subject: 'CN=nurse-1',
  issuer: 'CN=ca.hospital.medfabric.local',
  serialNumber: 'AA01',
  notBefore: '2030-01-01T00:00:00.000Z',
  notAfter: '2031-01-01T00:00:00.000Z',
  fingerprintSha256: 'ff',
  daysToExpiry: 365,
  expiry: 'valid',
};
const NURSE: IdentitySummary = {
  name: 'nurse-1',
  kind: 'user',
  attributes: { role: 'nurse' },
  certificate: CERTIFICATE,
};
const ORGS: ConsoleContext['orgs'] = [
  { name: 'HospitalOrg', mspId: 'HospitalMSP', role: 'hospital' },
  { name: 'InsurerOrg', mspId: 'InsurerMSP', role: 'insurer' },
];

let context: ConsoleContext;
let calls: Array<[string, unknown]>;
let reviewed: string[];

function status(): FabricCaStatus {
  if (context.acting.mspId !== 'HospitalMSP') {
    return {
      mspId: context.acting.mspId,
      orgName: context.acting.name,
      enabled: false,
      howToEnable: 'add fabricCa: { port: 7054 } to its entry under peerOrgs',
      revokedSerials: [],
      identities: [],
    };
  }
  return {
    mspId: 'HospitalMSP',
    orgName: 'HospitalOrg',
    enabled: true,
    state: 'running',
    url: 'https://127.0.0.1:7054',
    revokedSerials: [],
    identities: [],
  };
}

function certificates(): CertificateApiServices {
  return {
    ...unusedCertificateServices(),
    caStatus: async () => status(),
    caRegister: async (request) => {
      calls.push(['register', request]);
      return { enrollmentId: request.enrollmentId, secret: 'one-time-secret' };
    },
    caEnroll: async (request) => {
      calls.push(['enroll', request]);
      if (request.secret !== 'one-time-secret') {
        throw Object.assign(new Error('Enrolling nurse-1: the Fabric CA refused: Authentication failure'), {
          code: 'forbidden',
        });
      }
      return NURSE;
    },
    caRevoke: async (request) => {
      calls.push(['revoke', request]);
      return { enrollmentId: request.enrollmentId, revokedSerials: ['aa01'] };
    },
    caPublishCrl: async () => ({
      crl: {
        issuer: 'CN=ca.hospital.medfabric.local',
        thisUpdate: '2030-01-02T00:00:00.000Z',
        revokedSerials: ['aa01'],
      },
      bundle: {
        bundleJson: '{"bundle":1}',
        fileName: 'medchannel-update-1234-signed-HospitalMSP.json',
        review: {} as BundleReview,
      },
    }),
  };
}

function services(): ConsoleApiServices {
  return {
    ...unusedConsoleServices(),
    context: () => context,
    setActingOrg: (mspId) => {
      const org = ORGS.find((each) => each.mspId === mspId);
      if (!org) throw new Error(`no ${mspId}`);
      context = { ...context, acting: org };
      return context;
    },
    reviewUpdateBundle: async (bundleJson) => {
      reviewed.push(bundleJson);
      return { description: 'Publish the CRL' } as BundleReview;
    },
    certificates: certificates(),
  };
}

beforeEach(() => {
  context = {
    mode: 'sandbox',
    canSwitch: true,
    acting: ORGS[0] as ConsoleContext['acting'],
    orgs: ORGS,
    profile: 'sandbox',
    stateDir: '/tmp/x',
    channel: 'medchannel',
    networkCreated: true,
  };
  calls = [];
  reviewed = [];
  const pinia = createPinia();
  createApp({})
    .provide(consoleApiKey, createInMemoryConsoleApi(new FakeNetworkController(), services()))
    .use(pinia);
  setActivePinia(pinia);
});

describe('useFabricCaStore', () => {
  it('registers, shows the secret until the identity is enrolled with it', async () => {
    const store = useFabricCaStore();
    await store.hydrate();
    expect(store.status).toMatchObject({ enabled: true, state: 'running' });
    expect(await store.register({ enrollmentId: 'nurse-1', role: 'nurse' })).toBe(true);
    expect(store.registration).toEqual({ enrollmentId: 'nurse-1', secret: 'one-time-secret' });

    expect(await store.enroll('nurse-1', 'wrong')).toBe(false);
    expect(store.error).toMatchObject({ code: 'forbidden', title: 'Could not enroll nurse-1' });
    expect(store.registration).not.toBeNull();

    expect(await store.enroll('nurse-1', 'one-time-secret')).toBe(true);
    expect(store.error).toBeNull();
    expect(store.enrolled).toEqual(NURSE);
    expect(store.registration).toBeNull();
    expect(calls.map(([name]) => name)).toEqual(['register', 'enroll', 'enroll']);
  });

  it('publishes the CRL by loading the proposed bundle into the Channel updates page', async () => {
    const store = useFabricCaStore();
    const updates = useChannelUpdatesStore();
    expect(await store.revoke('nurse-1', 'keycompromise')).toBe(true);
    expect(store.revocation).toEqual({ enrollmentId: 'nurse-1', revokedSerials: ['aa01'] });
    expect(await store.publishCrl()).toBe(true);
    expect(store.publication?.crl.revokedSerials).toEqual(['aa01']);
    expect(reviewed).toEqual(['{"bundle":1}']);
    expect(updates.bundle).toEqual({
      source: 'medchannel-update-1234-signed-HospitalMSP.json',
      text: '{"bundle":1}',
    });
    expect(updates.review?.description).toBe('Publish the CRL');
  });

  it('starts clean for another acting org, which may run no CA', async () => {
    const consoleStore = useConsoleStore();
    await consoleStore.hydrate();
    const store = useFabricCaStore();
    await store.hydrate();
    await store.register({ enrollmentId: 'nurse-1', role: 'nurse' });
    await consoleStore.setActingOrg('InsurerMSP');
    await Promise.resolve();
    expect(store.registration).toBeNull();
    expect(store.status).toBeNull();
    await store.hydrate();
    expect(store.status).toMatchObject({ enabled: false, howToEnable: expect.stringContaining('fabricCa') });
  });
});
