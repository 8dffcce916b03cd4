import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../../electron/api/client';
import { EventStream } from './event-stream';
import { createHttpTransport } from './http-transport';

describe('createHttpTransport', () => {
  it('posts JSON to /api/<channel> with the session cookie and returns typed results', async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () => Response.json({ result: [] }));
    const client = createApiClient(createHttpTransport(fetchImpl));
    await expect(client.call('node:logs', { nodeId: 'peer0.hospital', limit: 10 })).resolves.toEqual([]);
    expect(fetchImpl).toHaveBeenCalledWith('/api/node:logs', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{"nodeId":"peer0.hospital","limit":10}',
    });
  });

  it('throws the server error as an ApiError', async () => {
    const fetchImpl = async () =>
      Response.json({ error: { code: 'unauthorized', message: 'Sign in first.' } }, { status: 401 });
    const client = createApiClient(createHttpTransport(fetchImpl));
    await expect(client.call('network:status')).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('reports an unreachable or non-JSON server as unavailable', async () => {
    const offline = createApiClient(
      createHttpTransport(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(offline.call('network:status')).rejects.toMatchObject({
      code: 'unavailable',
      message: 'Cannot reach the console server: Failed to fetch',
    });
    const proxyPage = createApiClient(
      createHttpTransport(async () => new Response('<html>Bad gateway</html>', { status: 502 })),
    );
    await expect(proxyPage.call('network:status')).rejects.toMatchObject({ code: 'unavailable' });
  });
});

class FakeSocket extends EventTarget {
  constructor(readonly url: string) {
    super();
  }
  close(): void {
    this.dispatchEvent(new Event('close'));
  }
  receive(data: string): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
}

describe('EventStream', () => {
  it('delivers well-formed events by name and reconnects with backoff', () => {
    const sockets: FakeSocket[] = [];
    const timers: { callback: () => void; ms: number }[] = [];
    const stream = new EventStream({
      url: 'ws://127.0.0.1:1/api/events',
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket as unknown as WebSocket;
      },
      setTimer: (callback, ms) => timers.push({ callback, ms }),
    });
    const states: string[] = [];
    const logs: string[] = [];
    stream.onConnectionChange((state) => states.push(state));
    stream.on('log', (line) => logs.push(line.line));
    stream.connect();
    sockets[0]?.dispatchEvent(new Event('open'));

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    sockets[0]?.receive(JSON.stringify({ event: 'log', payload: { line: 'committed block 13' } }));
    sockets[0]?.receive('not json');
    sockets[0]?.receive(JSON.stringify({ event: 'shutdown', payload: {} }));
    expect(logs).toEqual(['committed block 13']);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();

    sockets[0]?.dispatchEvent(new Event('close'));
    sockets[0]?.dispatchEvent(new Event('close'));
    expect(timers.map((timer) => timer.ms)).toEqual([500, 1000]);
    timers[0]?.callback();
    expect(sockets).toHaveLength(2);
    expect(states).toEqual(['closed', 'connecting', 'open', 'closed', 'closed', 'connecting']);

    stream.close();
    timers[1]?.callback();
    expect(sockets).toHaveLength(2);
  });
});
