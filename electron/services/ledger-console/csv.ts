// CSV (RFC 4180) of a dashboard table: exactly its columns and rows, header from the labels.
// Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a leading
// apostrophe (OWASP CSV injection); numbers are written as they are.
import type { CellValue, DashboardTable } from './types';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function tableToCsv(table: Pick<DashboardTable, 'columns' | 'rows'>): string {
  const header = table.columns.map((column) =>
    csvCell(column.kind === 'amount' ? `${column.label} (minor units)` : column.label),
  );
  const lines = [header.join(',')];
  for (const row of table.rows) {
    lines.push(table.columns.map((column) => csvCell(row.cells[column.key] ?? null)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name for the export: dashboard, table and range, nothing else. */
export function csvFileName(dashboard: string, table: string, range: { from: string; to: string }): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${safe(dashboard)}-${safe(table)}-${safe(range.from)}-to-${safe(range.to)}.csv`;
}
