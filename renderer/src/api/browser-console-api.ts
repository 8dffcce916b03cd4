// The ConsoleApi of a browser talking to the headless server on its own origin.
import { createApiClient } from '../../../electron/api/client';
import type { ConsoleApi } from './console-api';
import { EventStream } from './event-stream';
import { createHttpTransport } from './http-transport';

export function createBrowserConsoleApi(location: Location = window.location): ConsoleApi {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const events = new EventStream({ url: `${scheme}://${location.host}/api/events` });
  events.connect();
  return { ...createApiClient(createHttpTransport()), events };
}
