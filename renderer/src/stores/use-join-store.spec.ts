import { createTestingPinia } from '@pinia/testing';
import { setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from 'vue';
import type { ConsoleJoinInfo, JoinPackage, JoinRequest, JoinStatus } from '../../../electron/api/contract';
import type { ConsoleApiServices } from '../../../electron/api/handlers';
import { FakeNetworkController } from '../../../electron/api/testing/fake-network-controller';
import { consoleApiKey } from '../api/console-api';
import { createInMemoryConsoleApi } from '../api/testing/in-memory-console-api';
import { unusedConsoleServices } from '../api/testing/unused-services';
import { useJoinStore } from './use-join-store';

const PACKAGE: JoinPackage = {
  mspId: 'ClinicMSP',
  fileName: 'ClinicMSP.org-definition.json',
  definitionJson: '{"format":"medfabric.org-definition/v1","mspId":"ClinicMSP"}\n',
  anchorPeers: ['127.0.0.1:24000'],
};

const STATUS: JoinStatus = {
  mspId: 'ClinicMSP',
  channel: 'medchannel',
  orderer: { address: '127.0.0.1:7100', height: 12 },
  peers: [{ peerId: 'peer0.clinic.example.org', height: 9 }],
  caughtUp: false,
};

const REQUEST: JoinRequest = {
  org: { name: 'ClinicOrg', mspId: 'ClinicMSP', domain: 'clinic.example.org', role: 'hospital', peers: 1 },
  channel: 'medchannel',
  orderer: {
    endpoints: ['127.0.0.1:7100'],
    mspId: 'OrdererMSP',
    name: 'OrdererOrg',
    domain: 'orderer.medfabric.local',
    tlsCaPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  },
};

const PREPARED: ConsoleJoinInfo = {
  mspId: 'ClinicMSP',
  orgName: 'ClinicOrg',
  channel: 'medchannel',
  ordererEndpoints: ['127.0.0.1:7100'],
  prepared: true,
  joined: false,
};

let controller: FakeNetworkController;
let prepared: JoinRequest[];

function fakeServices(): ConsoleApiServices {
  return {
    ...unusedConsoleServices(),
    prepareJoin: async (request) => {
      prepared.push(request);
      if (request.org.mspId === 'TakenMSP')
        throw Object.assign(new Error('/tmp/x already holds a network (profile sandbox)'), {
          code: 'conflict',
        });
      return PACKAGE;
    },
    joinPackage: async () => PACKAGE,
    joinStatus: async () => STATUS,
  };
}

beforeEach(() => {
  controller = new FakeNetworkController();
  prepared = [];
  // Real actions against the in-memory API: the store's calls go through validation and envelopes.
  const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
  createApp({}).provide(consoleApiKey, createInMemoryConsoleApi(controller, fakeServices())).use(pinia);
  setActivePinia(pinia);
});

describe('useJoinStore', () => {
  it('prepares the newcomer and keeps its join package for download', async () => {
    const store = useJoinStore();
    expect(await store.prepare(REQUEST)).toBe(true);
    expect(prepared).toEqual([REQUEST]);
    expect(store.joinPackage).toEqual(PACKAGE);
    expect(store.pending).toBeNull();
    expect(store.error).toBeNull();
  });

  it('explains a refused preparation and keeps no package', async () => {
    const store = useJoinStore();
    expect(await store.prepare({ ...REQUEST, org: { ...REQUEST.org, mspId: 'TakenMSP' } })).toBe(false);
    expect(store.joinPackage).toBeNull();
    expect(store.error).toMatchObject({
      title: 'Could not prepare the join',
      code: 'conflict',
      detail: expect.stringContaining('already holds a network'),
    });
  });

  it('rejects invalid settings before they reach the services', async () => {
    const store = useJoinStore();
    const bad = { ...REQUEST, orderer: { ...REQUEST.orderer, endpoints: ['orderer.example.org'] } };
    expect(await store.prepare(bad)).toBe(false);
    expect(prepared).toEqual([]);
    expect(store.error).toMatchObject({
      code: 'invalid-argument',
      detail: expect.stringContaining('orderer.endpoints.0: must be host:port'),
    });
  });

  it('hydrates a prepared newcomer with its package, and nothing for a console that joins no consortium', async () => {
    const store = useJoinStore();
    await store.hydrate(PREPARED);
    expect(store.joinPackage).toEqual(PACKAGE);
    expect(store.joined).toBe(false);
    await store.hydrate(undefined);
    expect(store.joinPackage).toBeNull();
  });

  it('says in words why joining is refused before the consortium added the org, then joins', async () => {
    const store = useJoinStore();
    controller.failNext(
      'up',
      Object.assign(
        new Error(
          'ClinicMSP is not a member of channel medchannel yet: ask a member to submit the update adding ClinicMSP',
        ),
        { code: 'forbidden' },
      ),
    );
    expect(await store.join()).toBe(false);
    expect(store.joined).toBe(false);
    expect(store.error).toMatchObject({
      title: 'Could not join the channel',
      code: 'forbidden',
      detail: expect.stringContaining('ask a member to submit the update adding ClinicMSP'),
    });

    expect(await store.join()).toBe(true);
    expect(store.joined).toBe(true);
    expect(store.error).toBeNull();
    expect(controller.calls.filter((call) => call.method === 'up')).toHaveLength(2);
  });

  it('reads how far the peer is behind the orderer', async () => {
    const store = useJoinStore();
    await store.refreshStatus();
    expect(store.status).toEqual(STATUS);
  });
});
