// Builds the one object the preload exposes (window.medfabric): one method per API channel,
// generated from the channel map, each invoking that channel's own IPC handler. The page gets no
// generic "send anything" function and never sees an IPC event object.
import { bridgeMethodName, ipcChannelOf, type MedFabricBridge } from '../api/bridge';
import type { ApiChannel } from '../api/contract';

export type IpcInvoke = (ipcChannel: string, args: unknown) => Promise<unknown>;
export type EventSubscribe = (listener: (message: unknown) => void) => () => void;

export function createBridge(
  channels: readonly ApiChannel[],
  invoke: IpcInvoke,
  subscribe: EventSubscribe,
): MedFabricBridge {
  const bridge: Record<string, unknown> = {};
  for (const channel of channels) {
    const ipcChannel = ipcChannelOf(channel);
    bridge[bridgeMethodName(channel)] = (args?: unknown) => invoke(ipcChannel, args ?? {});
  }
  bridge.onEvent = (listener: (message: unknown) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a listener function');
    return subscribe((message) => listener(message));
  };
  return Object.freeze(bridge) as unknown as MedFabricBridge;
}
