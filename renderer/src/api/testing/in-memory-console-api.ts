// A ConsoleApi wired straight to the API dispatcher, with no network in between: what the stores
// see is exactly what the transports deliver (validation, envelopes, ApiError), minus the wire.
import { createApiClient } from '../../../../electron/api/client';
import type { ApiEventName, ApiEvents } from '../../../../electron/api/contract';
import {
  createApiHandlers,
  type ConsoleApiServices,
  type LedgerApiServices,
} from '../../../../electron/api/handlers';
import type { NetworkController } from '../../../../electron/services/runtime/types';
import type { ConsoleApi, EventConnectionState } from '../console-api';

export interface InMemoryConsoleApi extends ConsoleApi {
  setConnection(state: EventConnectionState): void;
}

export function createInMemoryConsoleApi(
  controller: NetworkController,
  services?: ConsoleApiServices,
  ledger?: LedgerApiServices,
): InMemoryConsoleApi {
  const handlers = createApiHandlers(controller, services, ledger);
  const connectionListeners = new Set<(state: EventConnectionState) => void>();
  let connection: EventConnectionState = 'open';
  return {
    ...createApiClient((channel, args) => handlers.invoke(channel, args)),
    events: {
      on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
        const subscription = handlers.subscribe((message) => {
          if (message.event === event) listener(message.payload as ApiEvents[E]);
        });
        return () => subscription.dispose();
      },
      onConnectionChange(listener) {
        connectionListeners.add(listener);
        listener(connection);
        return () => connectionListeners.delete(listener);
      },
    },
    setConnection(state) {
      connection = state;
      for (const listener of connectionListeners) listener(state);
    },
  };
}
