// Push events over one WebSocket, reconnecting with backoff so a restarted server or a sleeping
// laptop does not leave the console silently stale.
import {
  API_EVENT_NAMES,
  type ApiEventMessage,
  type ApiEventName,
  type ApiEvents,
} from '../../../electron/api/contract';
import type { ApiEventSource, EventConnectionState } from './console-api';

const MIN_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

type AnyListener = (payload: ApiEvents[ApiEventName]) => void;

export interface EventStreamOptions {
  url: string;
  createSocket?: (url: string) => WebSocket;
  setTimer?: (callback: () => void, ms: number) => unknown;
}

function isEventMessage(value: unknown): value is ApiEventMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { event, payload } = value as { event?: unknown; payload?: unknown };
  return (
    (API_EVENT_NAMES as readonly unknown[]).includes(event) && typeof payload === 'object' && payload !== null
  );
}

export class EventStream implements ApiEventSource {
  private readonly listeners = new Map<ApiEventName, Set<AnyListener>>();
  private readonly connectionListeners = new Set<(state: EventConnectionState) => void>();
  private socket: WebSocket | undefined;
  private retryMs = MIN_RETRY_MS;
  private stopped = false;
  private state: EventConnectionState = 'closed';

  constructor(private readonly options: EventStreamOptions) {}

  connect(): void {
    this.stopped = false;
    this.open();
  }

  close(): void {
    this.stopped = true;
    this.socket?.close();
  }

  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set<AnyListener>();
    this.listeners.set(event, set);
    set.add(listener as AnyListener);
    return () => set.delete(listener as AnyListener);
  }

  onConnectionChange(listener: (state: EventConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    listener(this.state);
    return () => this.connectionListeners.delete(listener);
  }

  private setState(state: EventConnectionState): void {
    this.state = state;
    for (const listener of this.connectionListeners) listener(state);
  }

  private open(): void {
    this.setState('connecting');
    const socket = (this.options.createSocket ?? ((url) => new WebSocket(url)))(this.options.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.retryMs = MIN_RETRY_MS;
      this.setState('open');
    });
    socket.addEventListener('message', (message: MessageEvent) => this.deliver(message.data));
    socket.addEventListener('close', () => {
      this.setState('closed');
      if (this.stopped) return;
      const delay = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      (this.options.setTimer ?? setTimeout)(() => {
        if (!this.stopped) this.open();
      }, delay);
    });
  }

  private deliver(data: unknown): void {
    if (typeof data !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch (error) {
      console.warn('Ignoring an event that is not JSON', error);
      return;
    }
    if (!isEventMessage(parsed)) {
      console.warn('Ignoring an event of unknown shape', parsed);
      return;
    }
    for (const listener of this.listeners.get(parsed.event) ?? []) listener(parsed.payload);
  }
}
