// host:port as every input that names a node takes it: IPC requests, org definitions, network
// profiles and channel config edits. Dependency-free but for zod, as the IPC contract (and so the
// preload) imports it.
import { z } from 'zod';

/**
 * A host name or IPv4 address (letters, digits, dots and hyphens, neither first nor last, at most
 * 253 characters) or a bracketed IPv6 address.
 */
const HOST = String.raw`\[[0-9a-fA-F:]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?`;
const HOST_PATTERN = new RegExp(`^(?:${HOST})$`);
/** A host, then a port of at most five digits. */
const HOST_PORT_PATTERN = new RegExp(`^(${HOST}):(\\d{1,5})$`);
const MAX_PORT = 65_535;

export interface HostPort {
  host: string;
  port: number;
}

/** The host and port of `endpoint`, or undefined when it is not host:port with a port from 1 to 65535. */
export function matchHostPort(endpoint: string): HostPort | undefined {
  const match = HOST_PORT_PATTERN.exec(endpoint);
  const host = match?.[1];
  const port = Number(match?.[2]);
  if (host === undefined || port < 1 || port > MAX_PORT) return undefined;
  return { host, port };
}

export const hostSchema = z.string().regex(HOST_PATTERN, 'a host name or IP address');
export const portSchema = z.number().int().min(1).max(MAX_PORT);

export const hostPortSchema = z
  .string()
  .regex(HOST_PORT_PATTERN, 'must be host:port')
  .refine((value) => matchHostPort(value) !== undefined, 'the port must be between 1 and 65535');
