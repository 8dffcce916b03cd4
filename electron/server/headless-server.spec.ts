import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_API_REQUEST_BYTES, type ApiEventMessage } from '../api/contract';
import { FakeNetworkController } from '../api/testing/fake-network-controller';
import { isLoopbackHost, startHeadlessServer, type HeadlessServer } from './headless-server';

let controller: FakeNetworkController;
let server: HeadlessServer;
let workDir: string;

beforeEach(async () => {
  controller = new FakeNetworkController();
  workDir = await mkdtemp(path.join(tmpdir(), 'medfabric-server-'));
  const staticDir = path.join(workDir, 'renderer');
  await mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>MedFabric</title>');
  await writeFile(path.join(staticDir, 'assets', 'app-1234.js'), 'console.log("app")');
  await writeFile(path.join(workDir, 'secret.txt'), 'outside the root');
  server = await startHeadlessServer({ controller, staticDir });
});

afterEach(async () => {
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

// fetch() normalises dot segments, so traversal attempts are sent with the raw path.
function getRawPath(rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${server.url}/`, { path: rawPath }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

function callApi(channel: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function loginCookie(loginUrl = server.loginUrl): Promise<string> {
  const response = await fetch(loginUrl, { redirect: 'manual' });
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/');
  const setCookie = response.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/^medfabric_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
  return setCookie.split(';')[0] ?? '';
}

function openEvents(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/events${query}`, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused with ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });
}

describe('startHeadlessServer', () => {
  it('listens on 127.0.0.1 with a random 32-byte token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
    expect(server.loginUrl).toMatch(new RegExp(`^${server.url}/login\\?token=[\\w-]{43}$`));
    expect(server.loginUrl).not.toContain(server.token);
  });

  it('answers 401 without a token and never calls the controller', async () => {
    const anonymous = await fetch(`${server.url}/api/node:stop`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ nodeId: 'peer0.hospital' }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrongToken = await callApi(
      'node:stop',
      { nodeId: 'peer0.hospital' },
      { Authorization: 'Bearer nope' },
    );
    expect(wrongToken.status).toBe(401);
    expect(controller.calls).toEqual([]);
  });

  it('answers 400 invalid-argument for a malformed argument and never calls the controller', async () => {
    const response = await callApi('node:logs', { nodeId: 'peer0.hospital', limit: 5001 });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid-argument');
    expect(body.error.message).toContain('limit');
    expect((await callApi('node:start', '{"nodeId":')).status).toBe(400);
    expect(controller.calls).toEqual([]);
  });

  it('returns the result of a valid call', async () => {
    const response = await callApi('node:restart', { nodeId: 'peer0.hospital' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({
      result: { id: 'peer0.hospital', state: 'running', restarts: 1 },
    });
    expect(controller.calls).toEqual([{ method: 'restartNode', args: ['peer0.hospital'] }]);
  });

  it('maps controller errors and unknown channels to HTTP statuses', async () => {
    expect((await callApi('node:stop', { nodeId: 'peer7.nowhere' })).status).toBe(404);
    expect((await callApi('node:delete', { nodeId: 'peer0.hospital' })).status).toBe(404);
    controller.failNext('status', new Error('state directory is locked'));
    const failed = await callApi('network:status', {});
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({
      error: { code: 'internal', message: 'state directory is locked' },
    });
  });

  it('refuses other methods, other content types and oversized bodies', async () => {
    const get = await fetch(`${server.url}/api/network:status`, {
      headers: { Authorization: `Bearer ${server.token}` },
    });
    expect(get.status).toBe(405);
    expect((await callApi('network:status', '{}', { 'Content-Type': 'text/plain' })).status).toBe(415);
    const huge = await callApi(
      'network:status',
      JSON.stringify({ padding: 'x'.repeat(MAX_API_REQUEST_BYTES + 1) }),
    );
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'payload-too-large' } });
    expect(controller.calls).toEqual([]);
  });

  it('serves the console services when given, with 403 for what the acting org may not do', async () => {
    const withServices = await startHeadlessServer({
      controller,
      services: {
        context: () => {
          throw Object.assign(new Error('switching orgs is a sandbox feature'), { code: 'forbidden' });
        },
        setActingOrg: () => {
          throw new Error('not used');
        },
        openStateDir: async () => {
          throw new Error('not used');
        },
        prepareJoin: async () => {
          throw new Error('not used');
        },
        joinPackage: async () => {
          throw new Error('not used');
        },
        joinStatus: async () => {
          throw new Error('not used');
        },
        listIdentities: async (mspId) => [
          {
            name: 'HospitalOrg',
            mspId: mspId ?? 'HospitalMSP',
            role: 'hospital',
            domain: 'h.local',
            identities: [],
            canIssue: true,
          },
        ],
        issueIdentity: async () => {
          throw new Error('not used');
        },
        exportOrgDefinition: async () => {
          throw new Error('not used');
        },
        channelConfig: async () => {
          throw new Error('not used');
        },
        chaincodeInfo: async () => {
          throw new Error('not used');
        },
        proposeChannelUpdate: async () => {
          throw new Error('not used');
        },
        reviewUpdateBundle: async (bundle) => {
          throw Object.assign(new Error(`read ${bundle.length} characters`), { code: 'invalid-argument' });
        },
        signUpdateBundle: async () => {
          throw new Error('not used');
        },
        submitUpdateBundle: async () => {
          throw new Error('not used');
        },
        importOrgDefinition: async () => {
          throw new Error('not used');
        },
      },
    });
    try {
      const call = (channel: string, body: unknown) =>
        fetch(`${withServices.url}/api/${channel}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${withServices.token}` },
          body: JSON.stringify(body),
        });
      const listed = await call('identity:list', { mspId: 'HospitalMSP' });
      expect(listed.status).toBe(200);
      expect(await listed.json()).toMatchObject({ result: [{ mspId: 'HospitalMSP', canIssue: true }] });
      // A full-size (1 MiB) bundle file fits in a request body.
      const bundle = await call('channel:review-bundle', { bundle: '"\n'.repeat(512 * 1024) });
      expect(await bundle.json()).toEqual({
        error: { code: 'invalid-argument', message: `read ${1024 * 1024} characters` },
      });
      const refused = await call('console:context', {});
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({
        error: { code: 'forbidden', message: 'switching orgs is a sandbox feature' },
      });
    } finally {
      await withServices.close();
    }
  });

  it('exchanges a one-time login URL for a session cookie that authorizes API calls', async () => {
    const cookie = await loginCookie();
    const response = await callApi('network:status', {}, { Authorization: '', Cookie: cookie });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: { state: 'up', profile: 'sandbox' } });

    const reused = await fetch(server.loginUrl, { redirect: 'manual' });
    expect(reused.status).toBe(401);
    expect(reused.headers.get('set-cookie')).toBeNull();
    await loginCookie(server.createLoginUrl());
  });

  it('refuses cookie calls from a foreign origin', async () => {
    const cookie = await loginCookie();
    const response = await callApi(
      'node:stop',
      { nodeId: 'peer0.hospital' },
      { Authorization: '', Cookie: cookie, Origin: 'http://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(controller.calls).toEqual([]);
  });

  it('pushes runtime events on the WebSocket to token or cookie holders only', async () => {
    await expect(openEvents('')).rejects.toThrow('401');
    await expect(openEvents('?token=wrong')).rejects.toThrow('401');

    const cookie = await loginCookie();
    const byCookie = await openEvents('', { Cookie: cookie });
    const byToken = await openEvents(`?token=${server.token}`);
    const received = new Promise<ApiEventMessage[]>((resolve) => {
      const messages: ApiEventMessage[] = [];
      byToken.on('message', (data: Buffer) => {
        messages.push(JSON.parse(data.toString()) as ApiEventMessage);
        if (messages.length === 2) resolve(messages);
      });
    });
    await callApi('node:stop', { nodeId: 'peer0.insurer' });
    controller.emit('log', { nodeId: 'peer0.insurer', stream: 'stderr', line: 'shutting down', at: 'now' });
    expect(await received).toEqual([
      { event: 'node-state', payload: expect.objectContaining({ id: 'peer0.insurer', state: 'stopped' }) },
      {
        event: 'log',
        payload: { nodeId: 'peer0.insurer', stream: 'stderr', line: 'shutting down', at: 'now' },
      },
    ]);

    const closed = new Promise((resolve) => byCookie.once('close', resolve));
    byCookie.close();
    await closed;
    byToken.close();
    await expect.poll(() => controller.listenerCount()).toBe(0);
  });

  it('serves the renderer with a strict CSP and hardening headers', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>MedFabric</title>');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:*");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('x-frame-options')).toBe('DENY');

    const asset = await fetch(`${server.url}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
  });

  it('never serves files outside the static directory', async () => {
    for (const attempt of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
    ]) {
      const response = await getRawPath(attempt);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('outside the root');
    }
  });
});

describe('binding', () => {
  it('refuses a non-loopback host', async () => {
    for (const host of ['0.0.0.0', '192.168.1.20', '::']) {
      await expect(startHeadlessServer({ controller: new FakeNetworkController(), host })).rejects.toThrow(
        `Refusing to bind the headless server to "${host}": it is not a loopback address`,
      );
    }
  });

  it('recognises loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.5', '::', '127.example.com'].some(isLoopbackHost)).toBe(false);
  });

  it('refuses a weak token', async () => {
    await expect(
      startHeadlessServer({ controller: new FakeNetworkController(), token: 'short' }),
    ).rejects.toThrow(/at least 32 characters/);
  });
});
