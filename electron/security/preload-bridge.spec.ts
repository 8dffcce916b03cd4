import { describe, expect, it, vi } from 'vitest';
import { bridgeMethodName, ipcChannelOf } from '../api/bridge';
import { API_CHANNEL_NAMES } from '../api/contract';
import { createBridge } from './preload-bridge';

describe('bridgeMethodName', () => {
  it('names one method per channel in camel case', () => {
    expect(bridgeMethodName('network:status')).toBe('networkStatus');
    expect(bridgeMethodName('org:export-definition')).toBe('orgExportDefinition');
    expect(bridgeMethodName('console:set-acting-org')).toBe('consoleSetActingOrg');
    const names = API_CHANNEL_NAMES.map(bridgeMethodName);
    expect(new Set(names).size).toBe(API_CHANNEL_NAMES.length);
  });
});

describe('createBridge', () => {
  it('exposes exactly one frozen method per channel plus onEvent', async () => {
    const invoke = vi.fn(async () => ({ result: 1 }));
    const bridge = createBridge(API_CHANNEL_NAMES, invoke, () => () => undefined);
    expect(Object.keys(bridge).sort()).toEqual(
      [...API_CHANNEL_NAMES.map(bridgeMethodName), 'onEvent'].sort(),
    );
    expect(Object.isFrozen(bridge)).toBe(true);
    await bridge.nodeRestart({ nodeId: 'peer0' });
    await bridge.networkStatus();
    expect(invoke.mock.calls).toEqual([
      [ipcChannelOf('node:restart'), { nodeId: 'peer0' }],
      [ipcChannelOf('network:status'), {}],
    ]);
  });

  it('passes only the event message to listeners and returns the unsubscribe', () => {
    let emit: ((message: unknown) => void) | undefined;
    const unsubscribe = vi.fn();
    const bridge = createBridge(API_CHANNEL_NAMES, vi.fn(), (listener) => {
      emit = listener;
      return unsubscribe;
    });
    const received: unknown[] = [];
    const stop = bridge.onEvent((message) => received.push(message));
    emit?.({ event: 'log', payload: { line: 'x' } });
    expect(received).toEqual([{ event: 'log', payload: { line: 'x' } }]);
    stop();
    expect(unsubscribe).toHaveBeenCalledOnce();
    expect(() => bridge.onEvent('nope' as unknown as () => void)).toThrow(TypeError);
  });
});
