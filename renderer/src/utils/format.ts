import type { NodePorts, NodeStatus } from '../../../electron/services/runtime/types';

export function formatPorts(ports: NodePorts): string {
  const parts = [`listen ${ports.listen}`];
  if (ports.operations !== undefined) parts.push(`ops ${ports.operations}`);
  if (ports.admin !== undefined) parts.push(`admin ${ports.admin}`);
  if (ports.chaincode !== undefined) parts.push(`cc ${ports.chaincode}`);
  return parts.join(' · ');
}

/** Health in words, from the supervisor's state and its last probe or exit. */
export function describeHealth(node: NodeStatus): string {
  switch (node.state) {
    case 'running':
      return 'Healthy';
    case 'unhealthy':
      return node.lastError ?? 'Health probe failing';
    case 'crashed':
      return node.lastExit
        ? `Exited (${node.lastExit.signal ?? `code ${String(node.lastExit.code)}`}) at ${formatTime(node.lastExit.at)}`
        : (node.lastError ?? 'Crashed');
    case 'stopped':
      return 'Not running';
    default:
      return 'In transition';
  }
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

export function formatNumber(value: number | undefined, fractionDigits = 0): string {
  return value === undefined || Number.isNaN(value)
    ? '—'
    : value.toLocaleString(undefined, { maximumFractionDigits: fractionDigits });
}

export function formatSeconds(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  return value < 1 ? `${(value * 1000).toFixed(1)} ms` : `${value.toFixed(2)} s`;
}

export function formatBytes(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return `${scaled.toFixed(unit === 0 ? 0 : 1)} ${units[unit] ?? 'B'}`;
}

/** A calendar date in the reader's locale, e.g. for certificate expiry. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "in 364 days", "today", "3 days ago". */
export function describeDaysToExpiry(days: number): string {
  if (days === 0) return 'expires today';
  if (days > 0) return `in ${days} day${days === 1 ? '' : 's'}`;
  return `expired ${-days} day${days === -1 ? '' : 's'} ago`;
}

/** The CN of an X.509 subject such as "CN=peer0.hospital, O=hospital". */
export function commonName(subject: string): string {
  const match = /(?:^|,\s*)CN=([^,]+)/.exec(subject);
  return match?.[1]?.trim() ?? subject;
}

// eslint-disable-next-line no-control-regex -- ANSI colour escapes are control characters by definition.
const ANSI_ESCAPE = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Fabric colours its log lines; the console shows plain text. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}
