// Headless transport of the API contract: HTTP POST /api/<channel> for calls, a WebSocket at
// /api/events for push events, and the built renderer from the same origin. Binds to loopback and
// requires a token unless told otherwise, because whoever reaches it controls the Fabric node.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_API_REQUEST_BYTES } from '../api/contract';
import type { ApiErrorBody, ApiErrorCode, ApiEnvelope } from '../api/errors';
import { createApiHandlers, type ConsoleApiServices, type LedgerApiServices } from '../api/handlers';
import type { NetworkController } from '../services/runtime/types';
import { ServerCredentials, SESSION_COOKIE, randomSecret } from './auth';
import { applySecurityHeaders } from './security-headers';
import { serveStaticFile } from './static-files';

export interface HeadlessServerOptions {
  controller: NetworkController;
  /** Identities, org definitions, channel config and chaincode info (ConsoleServices). */
  services?: ConsoleApiServices;
  /** The ledger index, dashboards and audit (LedgerService); without it those channels answer `unavailable`. */
  ledger?: LedgerApiServices;
  host?: string;
  port?: number;
  /** The built renderer (dist/renderer); without it only the API is served. */
  staticDir?: string;
  /** API token; a random 32-byte one when omitted. */
  token?: string;
  /** Binding beyond loopback exposes node control to the network; it must be asked for explicitly. */
  allowNonLoopback?: boolean;
  maxBodyBytes?: number;
}

export interface HeadlessServer {
  url: string;
  /** Opens a browser session once; ask `createLoginUrl()` for another. */
  loginUrl: string;
  token: string;
  createLoginUrl(): string;
  close(): Promise<void>;
}

// Config update bundles (up to 1 MiB) travel in request bodies; the contract sets the bound.
const DEFAULT_MAX_BODY_BYTES = MAX_API_REQUEST_BYTES;
// A client that cannot keep up with the log stream is dropped rather than buffered without bound.
const MAX_WEBSOCKET_BACKLOG_BYTES = 8 * 1024 * 1024;
const API_PREFIX = '/api/';
const EVENTS_PATH = '/api/events';

const STATUS_BY_CODE: Record<ApiErrorCode, number> = {
  'invalid-argument': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'unknown-channel': 404,
  conflict: 409,
  cancelled: 409,
  'payload-too-large': 413,
  internal: 500,
  unavailable: 503,
  timeout: 504,
};

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

class RequestBodyTooLarge extends Error {}

function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reject(new RequestBodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        // Stop reading; the 413 reply is sent with `Connection: close`, which ends the socket.
        request.removeAllListeners('data');
        request.pause();
        reject(new RequestBodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Length', Buffer.byteLength(text));
  response.end(text);
}

function sendError(response: ServerResponse, error: ApiErrorBody, status = STATUS_BY_CODE[error.code]): void {
  sendJson(response, status, { error } satisfies ApiEnvelope<never>);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.end(text);
}

function rejectUpgrade(socket: Socket, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function formatUrl(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  const allowNonLoopback = options.allowNonLoopback ?? false;
  if (!isLoopbackHost(host) && !allowNonLoopback) {
    throw new Error(
      `Refusing to bind the headless server to "${host}": it is not a loopback address, so anyone on ` +
        'the network could try to control this Fabric node. Bind to 127.0.0.1 and use an SSH tunnel, ' +
        'or pass allowNonLoopback: true behind a TLS reverse proxy.',
    );
  }
  const credentials = new ServerCredentials(options.token ?? randomSecret());
  const handlers = createApiHandlers(options.controller, options.services, options.ledger);
  const staticDir = options.staticDir === undefined ? undefined : path.resolve(options.staticDir);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  // A cookie-authenticated request from another origin would be cross-site request forgery.
  function isForeignOrigin(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    return origin !== undefined && origin !== `http://${request.headers.host ?? ''}`;
  }

  async function handleApiCall(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      sendError(response, { code: 'invalid-argument', message: 'API calls use POST.' }, 405);
      return;
    }
    if (isForeignOrigin(request)) {
      sendError(response, { code: 'unauthorized', message: 'Cross-origin API calls are not allowed.' }, 403);
      return;
    }
    if (!credentials.isAuthorized(request, url, false)) {
      sendError(response, {
        code: 'unauthorized',
        message: 'Sign in first: open the login URL printed by the console server, or send the API token.',
      });
      return;
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith('application/json')) {
      sendError(
        response,
        { code: 'invalid-argument', message: 'Send the arguments as application/json.' },
        415,
      );
      return;
    }
    let body: string;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (!(error instanceof RequestBodyTooLarge)) throw error;
      response.setHeader('Connection', 'close');
      sendError(response, {
        code: 'payload-too-large',
        message: `The request body exceeds ${maxBodyBytes} bytes.`,
      });
      return;
    }
    let args: unknown;
    try {
      args = body.trim() === '' ? {} : JSON.parse(body);
    } catch (error) {
      sendError(response, {
        code: 'invalid-argument',
        message: `The request body is not valid JSON: ${(error as Error).message}`,
      });
      return;
    }
    const channel = url.pathname.slice(API_PREFIX.length);
    const envelope = await handlers.invoke(channel, args);
    if ('error' in envelope) sendError(response, envelope.error);
    else sendJson(response, 200, envelope);
  }

  function handleLogin(response: ServerResponse, url: URL): void {
    const session = credentials.redeemLoginTicket(url.searchParams.get('token') ?? '');
    if (session === undefined) {
      sendText(
        response,
        401,
        'This login link is invalid or was already used. Ask the console server for a new login URL.',
      );
      return;
    }
    response.setHeader('Set-Cookie', `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`);
    response.setHeader('Location', '/');
    response.setHeader('Cache-Control', 'no-store');
    response.statusCode = 303;
    response.end();
  }

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    applySecurityHeaders(response);
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith(API_PREFIX)) {
      await handleApiCall(request, response, url);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      sendText(response, 405, 'Method not allowed.');
      return;
    }
    if (url.pathname === '/login') {
      handleLogin(response, url);
      return;
    }
    if (staticDir !== undefined && (await serveStaticFile(staticDir, url, request, response))) return;
    sendText(response, 404, staticDir === undefined ? 'This server only serves the API.' : 'Not found.');
  }

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      // Unexpected failures are logged here, where the stack is useful; the client gets no stack.
      console.error('headless server: request failed', error);
      if (!response.headersSent) {
        sendError(response, {
          code: 'internal',
          message: 'The console server failed to handle the request.',
        });
      } else {
        response.destroy();
      }
    });
  });

  const webSockets = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== EVENTS_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (isForeignOrigin(request)) return rejectUpgrade(socket, 403, 'Forbidden');
    if (!credentials.isAuthorized(request, url, true)) return rejectUpgrade(socket, 401, 'Unauthorized');
    webSockets.handleUpgrade(request, socket, head, (client) => streamEvents(client));
  });

  function streamEvents(client: WebSocket): void {
    const subscription = handlers.subscribe((message) => {
      if (client.bufferedAmount > MAX_WEBSOCKET_BACKLOG_BYTES) {
        client.close(1013, 'Event backlog too large; reconnect to resume.');
        return;
      }
      client.send(JSON.stringify(message));
    });
    client.on('close', () => subscription.dispose());
    client.on('error', (error) => {
      console.error('headless server: event stream failed', error);
      subscription.dispose();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const url = formatUrl(host, port);
  const createLoginUrl = (): string => `${url}/login?token=${credentials.issueLoginTicket()}`;

  return {
    url,
    loginUrl: createLoginUrl(),
    token: credentials.token,
    createLoginUrl,
    close: async () => {
      for (const client of webSockets.clients) client.terminate();
      await new Promise<void>((resolve) => webSockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
