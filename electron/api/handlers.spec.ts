import { describe, expect, it } from 'vitest';
import type { ApiEventMessage } from './contract';
import { ApiError } from './errors';
import { createApiHandlers, type ConsoleApiServices } from './handlers';
import { FakeNetworkController } from './testing/fake-network-controller';

const notUsed = async (): Promise<never> => {
  throw new Error('not used');
};

const unusedConsortiumServices = {
  proposeChannelUpdate: notUsed,
  reviewUpdateBundle: notUsed,
  signUpdateBundle: notUsed,
  submitUpdateBundle: notUsed,
  importOrgDefinition: notUsed,
} satisfies Partial<ConsoleApiServices>;

function unusedServices(): ConsoleApiServices {
  return {
    context: () => {
      throw new Error('not used');
    },
    setActingOrg: () => {
      throw new Error('not used');
    },
    openStateDir: notUsed,
    prepareJoin: notUsed,
    joinPackage: notUsed,
    joinStatus: notUsed,
    listIdentities: notUsed,
    issueIdentity: notUsed,
    exportOrgDefinition: notUsed,
    channelConfig: notUsed,
    chaincodeInfo: notUsed,
    ...unusedConsortiumServices,
  };
}

describe('createApiHandlers', () => {
  it('calls the controller with validated arguments and wraps the result', async () => {
    const controller = new FakeNetworkController();
    const handlers = createApiHandlers(controller);
    const envelope = await handlers.invoke('node:restart', { nodeId: 'peer0.hospital' });
    expect(envelope).toMatchObject({ result: { id: 'peer0.hospital', state: 'running', restarts: 1 } });
    expect(controller.calls).toEqual([{ method: 'restartNode', args: ['peer0.hospital'] }]);
  });

  it('fills defaults before calling the controller', async () => {
    const controller = new FakeNetworkController();
    await createApiHandlers(controller).invoke('node:logs', { nodeId: 'peer0.hospital' });
    expect(controller.calls).toEqual([{ method: 'tailLogs', args: ['peer0.hospital', 500] }]);
  });

  it('refuses malformed arguments in words without calling the controller', async () => {
    const controller = new FakeNetworkController();
    const handlers = createApiHandlers(controller);
    const envelope = await handlers.invoke('node:logs', { nodeId: '../etc', limit: 10_000 });
    expect(envelope).toMatchObject({ error: { code: 'invalid-argument' } });
    const { error } = envelope as { error: { message: string; details: { path: string }[] } };
    expect(error.message).toMatch(/^Invalid arguments for node:logs: nodeId: must be 1-128 characters/);
    expect(error.message).toContain('limit:');
    expect(error.details.map((issue) => issue.path)).toEqual(['nodeId', 'limit']);
    expect(await handlers.invoke('node:stop', 'peer0')).toMatchObject({
      error: { code: 'invalid-argument' },
    });
    expect(controller.calls).toEqual([]);
  });

  it('refuses unknown channels, including inherited property names', async () => {
    const controller = new FakeNetworkController();
    const handlers = createApiHandlers(controller);
    for (const channel of ['node:delete', 'constructor', '__proto__']) {
      expect(await handlers.invoke(channel, {})).toMatchObject({ error: { code: 'unknown-channel' } });
    }
    expect(controller.calls).toEqual([]);
  });

  it('maps thrown errors to envelopes without stack traces', async () => {
    const controller = new FakeNetworkController();
    const handlers = createApiHandlers(controller);

    controller.failNext('stopNode', new Error('orderer did not exit within 10 s'));
    const internal = await handlers.invoke('node:stop', { nodeId: 'orderer0.orderer' });
    expect(internal).toEqual({ error: { code: 'internal', message: 'orderer did not exit within 10 s' } });
    expect(JSON.stringify(internal)).not.toMatch(/at .*\.ts:\d+/);

    controller.failNext(
      'up',
      new ApiError('conflict', 'Ports 7050 and 7051 are taken.', { ports: [7050, 7051] }),
    );
    expect(await handlers.invoke('network:up', {})).toEqual({
      error: {
        code: 'conflict',
        message: 'Ports 7050 and 7051 are taken.',
        details: { ports: [7050, 7051] },
      },
    });

    expect(await handlers.invoke('node:metrics', { nodeId: 'peer9.nowhere' })).toEqual({
      error: { code: 'not-found', message: 'No node named "peer9.nowhere" in this network.' },
    });
  });

  it('returns null for network:down and a timestamped metrics snapshot', async () => {
    const handlers = createApiHandlers(new FakeNetworkController());
    expect(await handlers.invoke('network:down', undefined)).toEqual({ result: null });
    const metrics = await handlers.invoke('node:metrics', { nodeId: 'peer0.hospital' });
    expect(metrics).toMatchObject({
      result: { nodeId: 'peer0.hospital', text: expect.stringContaining('ledger_') },
    });
  });

  it('forwards push events until the subscription is disposed', async () => {
    const controller = new FakeNetworkController();
    const handlers = createApiHandlers(controller);
    const received: ApiEventMessage[] = [];
    const subscription = handlers.subscribe((message) => received.push(message));

    controller.emit('log', { nodeId: 'peer0.hospital', stream: 'stderr', line: 'joined channel', at: 'now' });
    await handlers.invoke('network:up', {});
    expect(received.map((message) => message.event)).toEqual([
      'log',
      'progress',
      'node-state',
      'node-state',
      'node-state',
    ]);

    subscription.dispose();
    expect(controller.listenerCount()).toBe(0);
    controller.emit('progress', { step: 'ignored' });
    expect(received).toHaveLength(5);
  });

  it('answers the console channels as unavailable when no services were given', async () => {
    const handlers = createApiHandlers(new FakeNetworkController());
    expect(await handlers.invoke('channel:config', {})).toMatchObject({
      error: { code: 'unavailable', message: expect.stringContaining('without the console services') },
    });
  });

  it('validates console channel arguments before the services see them', async () => {
    const seen: unknown[] = [];
    const context = {
      mode: 'sandbox' as const,
      canSwitch: true,
      acting: { name: 'HospitalOrg', mspId: 'HospitalMSP', role: 'hospital' as const },
      orgs: [],
      profile: 'sandbox',
      stateDir: '/tmp/x',
      channel: 'medchannel',
      networkCreated: true,
    };
    const services: ConsoleApiServices = {
      context: () => context,
      setActingOrg: (mspId) => {
        seen.push(['setActingOrg', mspId]);
        return context;
      },
      openStateDir: async (dir) => {
        seen.push(['openStateDir', dir]);
        return context;
      },
      prepareJoin: async () => {
        throw new Error('not used');
      },
      joinPackage: async () => {
        throw new Error('not used');
      },
      joinStatus: async () => {
        throw new Error('not used');
      },
      listIdentities: async (mspId) => {
        seen.push(['listIdentities', mspId]);
        return [];
      },
      issueIdentity: async (request) => {
        seen.push(['issueIdentity', request]);
        throw Object.assign(new Error('the console acts as HospitalMSP'), { code: 'forbidden' });
      },
      exportOrgDefinition: async () => {
        throw new Error('not used');
      },
      channelConfig: async () => {
        throw new Error('not used');
      },
      chaincodeInfo: async () => {
        throw new Error('not used');
      },
      ...unusedConsortiumServices,
    };
    const handlers = createApiHandlers(new FakeNetworkController(), services);
    expect(await handlers.invoke('console:context', {})).toEqual({ result: context });
    expect(await handlers.invoke('identity:list', {})).toEqual({ result: [] });
    expect(
      await handlers.invoke('identity:issue', { mspId: 'InsurerMSP', name: 'a', role: 'adjuster' }),
    ).toEqual({
      error: { code: 'forbidden', message: 'the console acts as HospitalMSP' },
    });
    expect(
      await handlers.invoke('identity:issue', { mspId: 'InsurerMSP', name: '../x', role: 'adjuster' }),
    ).toMatchObject({
      error: { code: 'invalid-argument' },
    });
    expect(await handlers.invoke('console:open-state-dir', { path: 'relative' })).toMatchObject({
      error: { code: 'invalid-argument' },
    });
    expect(await handlers.invoke('console:set-acting-org', { mspId: 'RegulatorMSP' })).toEqual({
      result: context,
    });
    expect(seen).toEqual([
      ['listIdentities', undefined],
      ['issueIdentity', { mspId: 'InsurerMSP', name: 'a', role: 'adjuster' }],
      ['setActingOrg', 'RegulatorMSP'],
    ]);
  });

  it("validates the consortium channels and passes a refusal's details through", async () => {
    const seen: unknown[] = [];
    const refusal = Object.assign(new Error('Submission refused: not enough signatures'), {
      code: 'conflict',
      details: { kind: 'bundle-refused', problems: ['1 more signature needed'], missingOrgs: ['OrdererMSP'] },
    });
    const services = {
      ...unusedServices(),
      proposeChannelUpdate: async (request: unknown) => {
        seen.push(['propose', request]);
        throw new Error('not reached in this test');
      },
      reviewUpdateBundle: async (text: string) => {
        seen.push(['review', text.length]);
        throw new Error('not reached in this test');
      },
      submitUpdateBundle: async () => {
        throw refusal;
      },
      importOrgDefinition: async (text: string) => {
        seen.push(['import', text]);
        return { valid: false, problems: ['not JSON'], summary: [], alreadyMember: false };
      },
    } satisfies ConsoleApiServices;
    const handlers = createApiHandlers(new FakeNetworkController(), services);
    expect(
      await handlers.invoke('channel:propose-update', {
        edit: { kind: 'batch', timeoutMs: 0 },
        description: 'faster blocks',
      }),
    ).toMatchObject({
      error: { code: 'invalid-argument', message: expect.stringMatching(/edit.timeoutMs/) },
    });
    expect(
      await handlers.invoke('channel:review-bundle', { bundle: 'x'.repeat(1024 * 1024 + 1) }),
    ).toMatchObject({
      error: { code: 'invalid-argument', message: expect.stringMatching(/larger than 1024 KiB/) },
    });
    expect(await handlers.invoke('channel:sign-bundle', { file: '/etc/passwd' })).toMatchObject({
      error: { code: 'invalid-argument' },
    });
    expect(await handlers.invoke('channel:submit-bundle', { bundle: '{}' })).toEqual({
      error: {
        code: 'conflict',
        message: 'Submission refused: not enough signatures',
        details: {
          kind: 'bundle-refused',
          problems: ['1 more signature needed'],
          missingOrgs: ['OrdererMSP'],
        },
      },
    });
    expect(await handlers.invoke('org:import-definition', { definition: 'nope' })).toEqual({
      result: { valid: false, problems: ['not JSON'], summary: [], alreadyMember: false },
    });
    expect(seen).toEqual([['import', 'nope']]);
  });
});
