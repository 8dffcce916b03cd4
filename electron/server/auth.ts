// Credentials of the headless server: one API token (Bearer, or `token` query on the WebSocket),
// one-time login tickets that a browser exchanges for an HttpOnly session cookie, and the sessions.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'medfabric_session';
const MIN_TOKEN_LENGTH = 32;

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

// Hashing first gives equal-length inputs, so the comparison time reveals nothing about length.
function secretsEqual(presented: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

export function assertStrongToken(token: string): void {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `The headless server token must be at least ${MIN_TOKEN_LENGTH} characters; omit it to get a random one.`,
    );
  }
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0) cookies.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
  }
  return cookies;
}

export class ServerCredentials {
  private readonly loginTickets = new Set<string>();
  private readonly sessions = new Set<string>();

  constructor(readonly token: string) {
    assertStrongToken(token);
  }

  /** A ticket for one browser login; it is consumed by its first use. */
  issueLoginTicket(): string {
    const ticket = randomSecret();
    this.loginTickets.add(ticket);
    return ticket;
  }

  /** Exchanges a login ticket for a new session id, or returns undefined. */
  redeemLoginTicket(ticket: string): string | undefined {
    const match = [...this.loginTickets].find((candidate) => secretsEqual(ticket, candidate));
    if (match === undefined) return undefined;
    this.loginTickets.delete(match);
    const session = randomSecret();
    this.sessions.add(session);
    return session;
  }

  isValidToken(presented: string | undefined): boolean {
    return presented !== undefined && secretsEqual(presented, this.token);
  }

  private hasSession(presented: string | undefined): boolean {
    return presented !== undefined && [...this.sessions].some((session) => secretsEqual(presented, session));
  }

  /** Bearer token or session cookie; `allowQueryToken` is for WebSocket clients that cannot set headers. */
  isAuthorized(request: IncomingMessage, url: URL, allowQueryToken: boolean): boolean {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) return this.isValidToken(authorization.slice('Bearer '.length));
    if (allowQueryToken && url.searchParams.has('token')) {
      return this.isValidToken(url.searchParams.get('token') ?? undefined);
    }
    return this.hasSession(parseCookies(request.headers.cookie).get(SESSION_COOKIE));
  }
}
