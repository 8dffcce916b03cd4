import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import type { ConsoleApiServices } from '../../../electron/api/handlers';
import { FakeNetworkController } from '../../../electron/api/testing/fake-network-controller';
import type { ConsoleContext } from '../../../electron/services/console/types';
import { consoleApiKey } from '../api/console-api';
import { createInMemoryConsoleApi } from '../api/testing/in-memory-console-api';
import { unusedConsoleServices } from '../api/testing/unused-services';
import { useConsoleStore } from './use-console-store';

const ORGS = [
  { name: 'HospitalOrg', mspId: 'HospitalMSP', role: 'hospital' as const },
  { name: 'RegulatorOrg', mspId: 'RegulatorMSP', role: 'regulator' as const },
];

function fakeServices(overrides: Partial<ConsoleContext> = {}): ConsoleApiServices {
  let context: ConsoleContext = {
    mode: 'sandbox',
    canSwitch: true,
    acting: ORGS[0] as ConsoleContext['acting'],
    orgs: ORGS,
    profile: 'sandbox',
    stateDir: '/tmp/x',
    channel: 'medchannel',
    networkCreated: false,
    ...overrides,
  };
  return {
    ...unusedConsoleServices(),
    context: () => context,
    setActingOrg: (mspId) => {
      const org = ORGS.find((each) => each.mspId === mspId);
      if (!org) throw Object.assign(new Error(`${mspId} is not a peer org`), { code: 'not-found' });
      context = { ...context, acting: org };
      return context;
    },
  };
}

beforeEach(() => {
  const pinia = createPinia();
  createApp({})
    .provide(consoleApiKey, createInMemoryConsoleApi(new FakeNetworkController(), fakeServices()))
    .use(pinia);
  setActivePinia(pinia);
});

describe('useConsoleStore', () => {
  it('asks for the wizard on first run and switches the acting org', async () => {
    const store = useConsoleStore();
    await store.hydrate();
    expect(store.needsSetup).toBe(true);
    expect(store.acting?.mspId).toBe('HospitalMSP');
    await store.setActingOrg('RegulatorMSP');
    expect(store.acting?.role).toBe('regulator');
  });

  it('keeps the acting org and explains a refused switch', async () => {
    const store = useConsoleStore();
    await store.hydrate();
    await store.setActingOrg('NopeMSP');
    expect(store.acting?.mspId).toBe('HospitalMSP');
    expect(store.error).toMatchObject({ code: 'not-found', title: 'Could not act as NopeMSP' });
  });
});

describe('useConsoleStore for a newcomer', () => {
  const join = {
    mspId: 'ClinicMSP',
    orgName: 'ClinicOrg',
    channel: 'medchannel',
    ordererEndpoints: ['127.0.0.1:7100'],
    prepared: true,
  };

  async function storeWith(context: Partial<ConsoleContext>) {
    const pinia = createPinia();
    createApp({})
      .provide(consoleApiKey, createInMemoryConsoleApi(new FakeNetworkController(), fakeServices(context)))
      .use(pinia);
    setActivePinia(pinia);
    const store = useConsoleStore();
    await store.hydrate();
    return store;
  }

  it('keeps the wizard while the peer has not joined the channel, even though network.json exists', async () => {
    const store = await storeWith({ networkCreated: true, join: { ...join, joined: false } });
    expect(store.joinPending).toBe(true);
    expect(store.needsSetup).toBe(true);
  });

  it('leaves the wizard once the peer has joined', async () => {
    const store = await storeWith({ networkCreated: true, join: { ...join, joined: true } });
    expect(store.joinPending).toBe(false);
    expect(store.needsSetup).toBe(false);
  });
});
