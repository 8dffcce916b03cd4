import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import { ApiError } from '../../../electron/api/errors';
import { FakeNetworkController, sandboxStatus } from '../../../electron/api/testing/fake-network-controller';
import type { NodeStatus } from '../../../electron/services/runtime/types';
import { consoleApiKey } from '../api/console-api';
import { createInMemoryConsoleApi, type InMemoryConsoleApi } from '../api/testing/in-memory-console-api';
import { useNetworkStore } from './use-network-store';

let controller: FakeNetworkController;
let api: InMemoryConsoleApi;

beforeEach(() => {
  controller = new FakeNetworkController();
  api = createInMemoryConsoleApi(controller);
  const pinia = createPinia();
  createApp({}).provide(consoleApiKey, api).use(pinia);
  setActivePinia(pinia);
});

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useNetworkStore', () => {
  it('hydrates the status and follows node-state events', async () => {
    const store = useNetworkStore();
    expect(store.status).toBeNull();
    await store.hydrate();
    expect(store.status?.state).toBe('up');
    expect(store.nodes.map((node) => node.id)).toEqual([
      'orderer0.orderer',
      'peer0.hospital',
      'peer0.insurer',
    ]);
    expect(store.heightsByPeer.get('peer0.hospital')?.height).toBe(12);

    const crashed: NodeStatus = {
      ...(sandboxStatus().nodes[1] as NodeStatus),
      state: 'crashed',
      lastExit: { code: 2, signal: null, at: 'x' },
    };
    controller.emit('node-state', crashed);
    expect(store.findNode('peer0.hospital')?.state).toBe('crashed');
  });

  it('subscribes once however often it is hydrated', async () => {
    const store = useNetworkStore();
    await store.hydrate();
    const listenersAfterFirstHydrate = controller.listenerCount();
    expect(listenersAfterFirstHydrate).toBeGreaterThan(0);
    await store.hydrate();
    expect(controller.listenerCount()).toBe(listenersAfterFirstHydrate);
    store.dispose();
    expect(controller.listenerCount()).toBe(0);
  });

  it('shows the optimistic state while an action runs, then the result', async () => {
    const store = useNetworkStore();
    await store.hydrate();
    const gate = deferred<NodeStatus>();
    const realStop = controller.stopNode.bind(controller);
    controller.stopNode = async (nodeId) => {
      await gate.promise;
      return realStop(nodeId);
    };

    const action = store.stopNode('peer0.insurer');
    expect(store.findNode('peer0.insurer')?.state).toBe('stopping');
    expect(store.pendingNodeActions).toEqual({ 'peer0.insurer': 'stop' });
    gate.resolve({} as NodeStatus);
    await action;
    expect(store.findNode('peer0.insurer')?.state).toBe('stopped');
    expect(store.findNode('peer0.insurer')?.pid).toBeUndefined();
    expect(store.pendingNodeActions).toEqual({});
    expect(store.error).toBeNull();
  });

  it('cancels the running operation through the API and reports a cancelled up in words', async () => {
    const store = useNetworkStore();
    await store.hydrate();
    const upStarted = deferred<true>();
    controller.up = async () => {
      upStarted.resolve(true);
      throw new ApiError('cancelled', 'network up cancelled before "Starting node"');
    };
    const running = store.up();
    await upStarted.promise;
    await store.cancel();
    await running;
    expect(controller.calls.map((call) => call.method)).toContain('cancel');
    expect(store.error).toMatchObject({ code: 'cancelled', remedy: expect.stringContaining('Run it again') });
    expect(store.pendingNetworkAction).toBeNull();
  });

  it('rolls back and explains what failed and what to do', async () => {
    const store = useNetworkStore();
    await store.hydrate();
    controller.failNext(
      'restartNode',
      new ApiError('timeout', 'peer0.hospital did not become ready in 60 s'),
    );
    await store.restartNode('peer0.hospital');
    expect(store.findNode('peer0.hospital')?.state).toBe('running');
    expect(store.error).toEqual({
      title: 'Could not restart peer0.hospital',
      detail: 'peer0.hospital did not become ready in 60 s',
      remedy: expect.stringContaining('Read its log on the Nodes page'),
      code: 'timeout',
    });
    store.clearError();
    expect(store.error).toBeNull();
  });

  it('does not roll back over a state pushed while the action was failing', async () => {
    const store = useNetworkStore();
    await store.hydrate();
    const peer = sandboxStatus().nodes[1] as NodeStatus;
    controller.startNode = async () => {
      controller.emit('node-state', { ...peer, state: 'crashed' });
      throw new Error('port 7051 is in use');
    };
    await store.startNode('peer0.hospital');
    expect(store.findNode('peer0.hospital')?.state).toBe('crashed');
    expect(store.error?.title).toBe('Could not start peer0.hospital');
  });

  it('ignores a second action on a node that is busy', async () => {
    const store = useNetworkStore();
    await store.hydrate();
    await Promise.all([store.restartNode('peer0.hospital'), store.stopNode('peer0.hospital')]);
    expect(controller.calls.map((call) => call.method)).toEqual(['status', 'restartNode']);
  });

  it('brings the network down and up with optimistic network state and progress', async () => {
    const store = useNetworkStore();
    await store.hydrate();
    const down = store.down();
    expect(store.status?.state).toBe('stopping');
    await down;
    expect(store.status?.state).toBe('down');
    expect(store.nodes.every((node) => node.state === 'stopped')).toBe(true);

    await store.up();
    expect(store.status?.state).toBe('up');
    expect(store.progress).toEqual({ step: 'network up', done: 1, total: 1 });

    controller.failNext('down', new ApiError('conflict', 'A chaincode install is in progress.'));
    await store.down();
    expect(store.status?.state).toBe('up');
    expect(store.error).toMatchObject({ title: 'Could not take the network down', code: 'conflict' });
  });

  it('reports an unreadable status with sign-in advice when unauthorized', async () => {
    controller.failNext('status', new ApiError('unauthorized', 'Sign in first.'));
    const store = useNetworkStore();
    await store.hydrate();
    expect(store.status).toBeNull();
    expect(store.error).toMatchObject({ title: 'Could not read the network status', code: 'unauthorized' });
    expect(store.error?.remedy).toContain('login URL');
  });

  it('re-reads the status after the event stream reconnects', async () => {
    const store = useNetworkStore();
    await store.hydrate();
    expect(store.eventConnection).toBe('open');
    api.setConnection('closed');
    expect(store.eventConnection).toBe('closed');
    api.setConnection('open');
    await expect.poll(() => controller.calls.filter((call) => call.method === 'status').length).toBe(2);
  });
});
