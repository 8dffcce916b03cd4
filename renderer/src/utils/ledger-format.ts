// Formatting for the ledger pages and dashboards: amounts are integer minor units (2 decimals),
// durations seconds, shares 0..1. Dates stay ISO (UTC) so they match the ledger's timestamps.
import type { CellValue, ColumnKind, DateRange } from '../../../electron/api/contract';

export function formatAmount(minor: number | null | undefined): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return '—';
  return (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return `${(share * 100).toFixed(1)}%`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

export function shortHash(hash: string | null | undefined, length = 12): string {
  if (!hash) return '—';
  return hash.length > length ? `${hash.slice(0, length)}…` : hash;
}

/** A cell as the table shows it (links are rendered by the table itself). */
export function formatCell(value: CellValue, kind: ColumnKind): string {
  if (value === null) return '—';
  switch (kind) {
    case 'amount':
      return typeof value === 'number' ? formatAmount(value) : value;
    case 'percent':
      return typeof value === 'number' ? formatPercent(value) : value;
    case 'duration':
      return typeof value === 'number' ? formatDuration(value) : value;
    case 'count':
      return typeof value === 'number' ? value.toLocaleString('en-US') : value;
    case 'datetime':
      return typeof value === 'string' ? formatDateTime(value) : String(value);
    default:
      return String(value);
  }
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last `days` days up to today (UTC), inclusive. */
export function defaultRange(days = 90, now = new Date()): DateRange {
  return { from: isoDay(new Date(now.getTime() - (days - 1) * 86_400_000)), to: isoDay(now) };
}

/** Offers `text` as a file download (browser and Electron renderer alike). */
export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
