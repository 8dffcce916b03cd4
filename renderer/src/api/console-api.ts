// What views and stores use to reach the services: the typed call client plus push events. The
// transport behind it (HTTP + WebSocket here, Electron IPC later) is chosen once in main.ts.
import { inject, type InjectionKey } from 'vue';
import type { ApiClient } from '../../../electron/api/client';
import type { ApiEventName, ApiEvents } from '../../../electron/api/contract';

export type EventConnectionState = 'connecting' | 'open' | 'closed';

export interface ApiEventSource {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  onConnectionChange(listener: (state: EventConnectionState) => void): () => void;
}

export interface ConsoleApi extends ApiClient {
  events: ApiEventSource;
}

export const consoleApiKey: InjectionKey<ConsoleApi> = Symbol('console-api');

export function useConsoleApi(): ConsoleApi {
  const api = inject(consoleApiKey);
  if (api === undefined) {
    throw new Error('No ConsoleApi provided: call app.provide(consoleApiKey, api) before using the stores.');
  }
  return api;
}
