import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import type { BundleReview, ChannelEdit } from '../../../electron/api/contract';
import type { ConsoleApiServices } from '../../../electron/api/handlers';
import { FakeNetworkController } from '../../../electron/api/testing/fake-network-controller';
import { consoleApiKey } from '../api/console-api';
import { createInMemoryConsoleApi } from '../api/testing/in-memory-console-api';
import { unusedConsoleServices } from '../api/testing/unused-services';
import { useChannelUpdatesStore } from './use-channel-updates-store';

const REVIEW: BundleReview = {
  channel: 'medchannel',
  description: 'Batch timeout 750 ms',
  proposer: { mspId: 'HospitalMSP' },
  createdAt: '2030-01-01T00:00:00.000Z',
  deadline: '2030-01-08T00:00:00.000Z',
  baseSequence: 3,
  currentSequence: 3,
  configUpdateSha256: 'a'.repeat(64),
  verification: { valid: true, problems: [], expired: false, stale: false, tampered: false },
  impact: ['orderer BatchTimeout: 500ms → 750ms'],
  impactDiffers: false,
  signatures: [],
  requirements: [],
  satisfied: false,
  missingOrgs: ['OrdererMSP'],
  acting: { mspId: 'InsurerMSP', isMember: true, hasSigned: false, signatureNeeded: false, canSign: true },
};

let calls: Array<[string, unknown]>;

function fakeServices(): ConsoleApiServices {
  return {
    ...unusedConsoleServices(),
    proposeChannelUpdate: async (request) => {
      calls.push(['propose', request]);
      return { bundleJson: '{"signed":1}', fileName: 'medchannel-update.json', review: REVIEW };
    },
    reviewUpdateBundle: async (text) => {
      calls.push(['review', text]);
      return REVIEW;
    },
    signUpdateBundle: async (text) => {
      calls.push(['sign', text]);
      return { bundleJson: '{"signed":2}', fileName: 'signed.json', review: { ...REVIEW, satisfied: true } };
    },
    submitUpdateBundle: async (text) => {
      calls.push(['submit', text]);
      throw Object.assign(new Error('Submission refused: not enough signatures'), {
        code: 'conflict',
        details: {
          kind: 'bundle-refused',
          problems: ['/Channel/Orderer/Admins: 1 more signature needed from an admin of OrdererMSP'],
          missingOrgs: ['OrdererMSP'],
        },
      });
    },
    importOrgDefinition: async (text) => {
      calls.push(['import', text]);
      return {
        valid: false,
        problems: ['caCerts: at least one CA certificate is needed'],
        summary: [],
        alreadyMember: false,
      };
    },
  };
}

beforeEach(() => {
  calls = [];
  const pinia = createPinia();
  createApp({})
    .provide(consoleApiKey, createInMemoryConsoleApi(new FakeNetworkController(), fakeServices()))
    .use(pinia);
  setActivePinia(pinia);
});

describe('useChannelUpdatesStore', () => {
  it('proposes, reviews the uploaded file text, signs and keeps the signed bundle for download', async () => {
    const store = useChannelUpdatesStore();
    const edit: ChannelEdit = { kind: 'batch', timeoutMs: 750 };
    expect(await store.propose(edit, 'faster blocks', '2030-01-08T00:00:00.000Z')).toBe(true);
    expect(store.proposal?.fileName).toBe('medchannel-update.json');
    expect(await store.reviewFile(new File(['{"signed":1}'], 'from-hospital.json'))).toBe(true);
    expect(store.bundle?.source).toBe('from-hospital.json');
    expect(await store.sign()).toBe(true);
    expect(store.review?.satisfied).toBe(true);
    expect(store.bundle).toEqual({ source: 'signed.json', text: '{"signed":2}' });
    expect(calls).toEqual([
      ['propose', { edit, description: 'faster blocks', deadline: '2030-01-08T00:00:00.000Z' }],
      ['review', '{"signed":1}'],
      ['sign', '{"signed":1}'],
    ]);
  });

  it('shows a refused submission with each problem and the missing orgs', async () => {
    const store = useChannelUpdatesStore();
    await store.reviewText('bundle.json', '{"signed":1}');
    expect(await store.submit()).toBe(false);
    expect(store.error).toMatchObject({
      title: 'The update was not submitted',
      detail: 'Submission refused: not enough signatures',
      code: 'conflict',
      missingOrgs: ['OrdererMSP'],
    });
    expect(store.error?.problems[0]).toMatch(/1 more signature needed/);
    expect(store.error?.remedy).toMatch(/collect the missing signatures/);
  });

  it('refuses an oversized file before sending anything, and starts clean for another acting org', async () => {
    const store = useChannelUpdatesStore();
    const big = new File(['x'.repeat(1024 * 1024 + 1)], 'big.json');
    expect(await store.reviewFile(big)).toBe(false);
    expect(store.error?.detail).toMatch(/big\.json is 1025 KiB; the largest file accepted is 1024 KiB/);
    expect(calls).toEqual([]);
    expect(await store.checkDefinitionFile(new File(['{}'], 'partner.json'))).toBe(false);
    expect(store.definitionCheck).toMatchObject({ valid: false, fileName: 'partner.json' });
    store.reset();
    expect(store.definitionCheck).toBeNull();
    expect(store.error).toBeNull();
  });
});
