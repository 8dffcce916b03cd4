import { describe, expect, it, vi } from 'vitest';
import { ipcChannelOf } from '../api/bridge';
import { API_CHANNEL_NAMES } from '../api/contract';
import { createIpcHandlers, isTrustedSender, type IpcSender } from './ipc';

const trusted: IpcSender = { webContentsId: 7, frameUrl: 'app://console/index.html#/', isMainFrame: true };

describe('isTrustedSender', () => {
  it('trusts the main frame of our window on an app:// page only', () => {
    const ids = new Set([7]);
    expect(isTrustedSender(trusted, ids)).toBe(true);
    expect(isTrustedSender({ ...trusted, webContentsId: 8 }, ids)).toBe(false);
    expect(isTrustedSender({ ...trusted, isMainFrame: false }, ids)).toBe(false);
    expect(isTrustedSender({ ...trusted, frameUrl: 'https://evil.example/' }, ids)).toBe(false);
    expect(isTrustedSender({ ...trusted, frameUrl: undefined }, ids)).toBe(false);
  });
});

describe('createIpcHandlers', () => {
  it('registers one handler per API channel', () => {
    const handlers = createIpcHandlers({ invoke: vi.fn() }, new Set());
    expect([...handlers.keys()].sort()).toEqual(API_CHANNEL_NAMES.map(ipcChannelOf).sort());
  });

  it('dispatches trusted calls to their own channel and refuses the rest before dispatch', async () => {
    const invoke = vi.fn(async () => ({ result: 'ok' }));
    const handlers = createIpcHandlers({ invoke }, new Set([7]));
    const stop = handlers.get(ipcChannelOf('node:stop'));
    expect(await stop?.(trusted, { nodeId: 'peer0' })).toEqual({ result: 'ok' });
    expect(invoke).toHaveBeenCalledWith('node:stop', { nodeId: 'peer0' });

    invoke.mockClear();
    expect(await stop?.({ ...trusted, isMainFrame: false }, { nodeId: 'peer0' })).toMatchObject({
      error: { code: 'unauthorized' },
    });
    expect(invoke).not.toHaveBeenCalled();
  });
});
