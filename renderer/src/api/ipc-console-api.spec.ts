import { describe, expect, it } from 'vitest';
import { API_CHANNEL_NAMES, type ApiEventMessage } from '../../../electron/api/contract';
import { createApiHandlers } from '../../../electron/api/handlers';
import { FakeNetworkController } from '../../../electron/api/testing/fake-network-controller';
import { createIpcHandlers } from '../../../electron/security/ipc';
import { createBridge } from '../../../electron/security/preload-bridge';
import { createIpcConsoleApi, findBridge } from './ipc-console-api';

// The Electron path end to end, minus Electron: preload bridge → IPC handlers (sender check) →
// dispatcher → controller, and push events back.
function wire(trusted: boolean) {
  const controller = new FakeNetworkController();
  const handlers = createApiHandlers(controller);
  const ipc = createIpcHandlers(handlers, new Set([1]));
  const listeners = new Set<(message: unknown) => void>();
  handlers.subscribe((message: ApiEventMessage) => listeners.forEach((listener) => listener(message)));
  const sender = { webContentsId: 1, frameUrl: 'app://console/index.html', isMainFrame: trusted };
  const bridge = createBridge(
    API_CHANNEL_NAMES,
    async (ipcChannel, args) => {
      const handle = ipc.get(ipcChannel);
      if (!handle) throw new Error(`no handler for ${ipcChannel}`);
      return handle(sender, args);
    },
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  );
  return { controller, api: createIpcConsoleApi(bridge), bridge };
}

describe('createIpcConsoleApi', () => {
  it('calls channels through the bridge and receives events', async () => {
    const { controller, api } = wire(true);
    await expect(api.call('node:restart', { nodeId: 'peer0.hospital' })).resolves.toMatchObject({
      restarts: 1,
    });
    expect(controller.calls).toEqual([{ method: 'restartNode', args: ['peer0.hospital'] }]);
    const lines: string[] = [];
    const stop = api.events.on('log', (line) => lines.push(line.line));
    controller.emit('log', { nodeId: 'peer0.hospital', stream: 'stdout', line: 'block 13', at: 'now' });
    stop();
    controller.emit('log', { nodeId: 'peer0.hospital', stream: 'stdout', line: 'block 14', at: 'now' });
    expect(lines).toEqual(['block 13']);
    const states: string[] = [];
    api.events.onConnectionChange((state) => states.push(state));
    expect(states).toEqual(['open']);
  });

  it('surfaces a refused sender as an unauthorized ApiError', async () => {
    const { controller, api } = wire(false);
    await expect(api.call('network:status')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(controller.calls).toEqual([]);
  });

  it('finds the bridge only where the preload exposed it', () => {
    const { bridge } = wire(true);
    expect(findBridge({ medfabric: bridge })).toBe(bridge);
    expect(findBridge({})).toBeUndefined();
  });
});
