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
