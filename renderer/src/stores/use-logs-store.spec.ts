import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import { FakeNetworkController } from '../../../electron/api/testing/fake-network-controller';
import type { LogLine } from '../../../electron/services/runtime/types';
import { consoleApiKey } from '../api/console-api';
import { createInMemoryConsoleApi } from '../api/testing/in-memory-console-api';
import { LOG_RING_CAPACITY, useLogsStore } from './use-logs-store';

let controller: FakeNetworkController;

function line(nodeId: string, text: string, index = 0): LogLine {
  return { nodeId, stream: 'stderr', line: text, at: `2026-01-01T00:00:${String(index).padStart(2, '0')}Z` };
}

beforeEach(() => {
  controller = new FakeNetworkController();
  const pinia = createPinia();
  createApp({}).provide(consoleApiKey, createInMemoryConsoleApi(controller)).use(pinia);
  setActivePinia(pinia);
});

describe('useLogsStore', () => {
  it('seeds a node from its history, then appends pushed lines to that node only', async () => {
    controller.emit('log', line('peer0.hospital', 'Starting peer', 1));
    const store = useLogsStore();
    await store.hydrate('peer0.hospital');
    expect(controller.calls).toEqual([{ method: 'tailLogs', args: ['peer0.hospital', LOG_RING_CAPACITY] }]);
    expect(store.linesOf('peer0.hospital').map((each) => each.line)).toEqual(['Starting peer']);

    controller.emit('log', line('peer0.hospital', 'Joined channel medfabric', 2));
    controller.emit('log', line('peer0.insurer', 'Elected leader', 3));
    expect(store.linesOf('peer0.hospital').map((each) => each.line)).toEqual([
      'Starting peer',
      'Joined channel medfabric',
    ]);
    expect(store.linesOf('peer0.insurer').map((each) => each.line)).toEqual(['Elected leader']);
  });

  it('keeps only the newest lines of each node', async () => {
    const store = useLogsStore();
    await store.hydrate('peer0.hospital');
    for (let index = 0; index < LOG_RING_CAPACITY + 5; index += 1) {
      controller.emit('log', line('peer0.hospital', `line ${index}`));
    }
    const lines = store.linesOf('peer0.hospital');
    expect(lines).toHaveLength(LOG_RING_CAPACITY);
    expect(lines[0]?.line).toBe('line 5');
    expect(lines.at(-1)?.line).toBe(`line ${LOG_RING_CAPACITY + 4}`);
  });

  it('filters case-insensitively', async () => {
    const store = useLogsStore();
    await store.hydrate('peer0.hospital');
    controller.emit('log', line('peer0.hospital', 'WARN gossip: no peers', 1));
    controller.emit('log', line('peer0.hospital', 'INFO committed block [12]', 2));
    store.setFilter('  warn ');
    expect(store.visibleLines('peer0.hospital').map((each) => each.line)).toEqual(['WARN gossip: no peers']);
    store.setFilter('');
    expect(store.visibleLines('peer0.hospital')).toHaveLength(2);
    store.clear('peer0.hospital');
    expect(store.visibleLines('peer0.hospital')).toEqual([]);
  });

  it('does not duplicate lines pushed while the history loads', async () => {
    const early = line('peer0.hospital', 'in history and pushed', 1);
    const late = line('peer0.hospital', 'pushed only', 2);
    const realTail = controller.tailLogs.bind(controller);
    controller.tailLogs = (nodeId, limit) => {
      const history = realTail(nodeId, limit);
      return [...history, early];
    };
    const store = useLogsStore();
    const loading = store.hydrate('peer0.hospital');
    controller.emit('log', early);
    controller.emit('log', late);
    await loading;
    expect(store.linesOf('peer0.hospital').map((each) => each.line)).toEqual([
      'in history and pushed',
      'pushed only',
    ]);
  });

  it('explains a failed load', async () => {
    const store = useLogsStore();
    await store.hydrate('peer9.nowhere');
    expect(store.error).toMatchObject({
      title: 'Could not load the log of peer9.nowhere',
      code: 'not-found',
    });
  });
});
