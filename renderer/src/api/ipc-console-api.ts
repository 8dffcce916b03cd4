// The ConsoleApi inside Electron: calls go through the preload's `window.medfabric` bridge (one
// method per channel), events arrive over IPC. The connection is always open while the window is.
import { bridgeMethodName, type MedFabricBridge } from '../../../electron/api/bridge';
import { createApiClient } from '../../../electron/api/client';
import {
  API_EVENT_NAMES,
  type ApiEventMessage,
  type ApiEventName,
  type ApiEvents,
} from '../../../electron/api/contract';
import type { ConsoleApi } from './console-api';

function isEventMessage(value: unknown): value is ApiEventMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { event, payload } = value as { event?: unknown; payload?: unknown };
  return (
    (API_EVENT_NAMES as readonly unknown[]).includes(event) && typeof payload === 'object' && payload !== null
  );
}

export function createIpcConsoleApi(bridge: MedFabricBridge): ConsoleApi {
  return {
    ...createApiClient((channel, args) => bridge[bridgeMethodName(channel)](args)),
    events: {
      on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
        return bridge.onEvent((message) => {
          if (isEventMessage(message) && message.event === event) listener(message.payload as ApiEvents[E]);
        });
      },
      onConnectionChange(listener) {
        listener('open');
        return () => undefined;
      },
    },
  };
}

/** The bridge when running inside the Electron window, else undefined (browser, headless server). */
export function findBridge(scope: object = globalThis): MedFabricBridge | undefined {
  const candidate = (scope as { medfabric?: unknown }).medfabric;
  return typeof candidate === 'object' && candidate !== null ? (candidate as MedFabricBridge) : undefined;
}
