// What the ledger, dashboard and audit channels return. Imported by the API contract and the
// renderer, so: types only, no Node imports. ledger-service.spec.ts checks the audit types match.

import type { AuditReport } from '../ledger/audit-types';
export type DashboardKind = 'hospital' | 'insurer' | 'regulator';

/** Inclusive calendar days, 'YYYY-MM-DD' (UTC, as the transaction timestamps are). */
export interface DateRange {
  from: string;
  to: string;
}

export type IndexerStateName = 'idle' | 'connecting' | 'following' | 'retrying' | 'stopped' | 'failed';

export interface LedgerStatus {
  channel: string;
  /** The peer whose chain this console indexes: the acting org's own peer. */
  peerId: string | null;
  mspId: string | null;
  indexFile: string | null;
  state: IndexerStateName;
  /** Blocks in the index (= the next block number it lacks). */
  indexedHeight: number;
  /** The peer's height, when the peer answered. */
  peerHeight: number | null;
  lastError: string | null;
  updatedAt: string | null;
}

/** Push event `ledger:block`: the index grew. */
export interface LedgerBlockEvent {
  channel: string;
  peerId: string;
  number: number;
  /** Indexed height after this block. */
  height: number;
  txCount: number;
  validTxCount: number;
}

export interface BlockSummary {
  number: number;
  dataHash: string;
  previousHash: string;
  headerHash: string;
  txCount: number;
  validTxCount: number;
  timestamp: string | null;
  isConfig: boolean;
  sizeBytes: number;
}

export interface BlockPage {
  blocks: BlockSummary[];
  /** Pass as `before` for the next (older) page; null at block 0. */
  nextBefore: number | null;
  height: number;
}

export interface TransactionSummary {
  blockNumber: number;
  txIndex: number;
  txId: string;
  type: string;
  timestamp: string | null;
  creatorMspId: string | null;
  validationCode: number;
  validationName: string;
  valid: boolean;
  chaincodeName: string | null;
  functionName: string | null;
  eventName: string | null;
}

export interface BlockDetail {
  block: BlockSummary;
  lastConfigIndex: number | null;
  transactions: TransactionSummary[];
}

export interface KeyAccess {
  namespace: string;
  /** Composite-key separators (U+0000) shown as '␀'. */
  key: string;
  /** True for a range/private-data hash where only the hash is known. */
  hashed: boolean;
}

export interface TransactionDetail extends TransactionSummary {
  headerType: number;
  channelId: string;
  creatorFingerprint: string | null;
  chaincodeVersion: string | null;
  endorserMspIds: string[];
  readKeys: KeyAccess[];
  writeKeys: KeyAccess[];
  responseStatus: number | null;
  decodeError: string | null;
  sizeBytes: number;
  event: {
    name: string;
    chaincodeName: string;
    payloadSha256: string;
    /** The scrubbed payload stored in the index; null when withheld or not JSON. */
    payload: unknown;
    /** Why the payload is not shown, if it is not. */
    withheld: string | null;
  } | null;
  /** Other entries with the same id (a DUPLICATE_TXID is recorded too). */
  duplicates: Array<{ blockNumber: number; txIndex: number; validationName: string }>;
}

export type SearchMatch =
  | { kind: 'block'; blockNumber: number; label: string }
  | { kind: 'transaction'; txId: string; blockNumber: number; txIndex: number; label: string }
  | { kind: 'claim'; claimId: string; blockNumber: number; label: string }
  | { kind: 'record'; recordId: string; blockNumber: number; txId: string; label: string };

export interface SearchResult {
  query: string;
  matches: SearchMatch[];
}

export type CellValue = string | number | null;

export type ColumnKind =
  | 'text'
  | 'count'
  | 'amount'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'duration'
  | 'claim'
  | 'block'
  | 'tx'
  | 'json';

export interface DashboardColumn {
  key: string;
  label: string;
  kind: ColumnKind;
}

/** What a figure or a table row drills down to: the claims behind it. */
export interface ClaimFilter {
  hospitalMspId?: string;
  insurerMspId?: string;
  /** 'YYYY-MM' of filing, or of settlement with stage 'paid'. */
  month?: string;
  stage?: 'filed' | 'held' | 'approved' | 'denied' | 'paid' | 'in-review';
  ruleId?: string;
  severity?: string;
  /** Only claims with at least one alert. */
  flagged?: boolean;
  claimIds?: string[];
}

export interface DashboardRow {
  cells: Record<string, CellValue>;
  drill?: ClaimFilter;
}

export interface DashboardTable {
  id: string;
  title: string;
  columns: DashboardColumn[];
  rows: DashboardRow[];
  /** Rows before the display cap; equal to rows.length unless truncated. */
  total: number;
  note?: string;
}

export interface DashboardFigure {
  id: string;
  label: string;
  value: number | string | null;
  kind: 'count' | 'amount' | 'percent' | 'duration' | 'text';
  hint?: string;
  tone?: 'good' | 'bad' | 'neutral';
  drill?: ClaimFilter;
}

export interface ChartSeries {
  name: string;
  values: number[];
}

export interface DashboardChart {
  id: string;
  title: string;
  type: 'bar' | 'stacked-bar' | 'line';
  unit: 'count' | 'amount';
  categories: string[];
  series: ChartSeries[];
  /** Per category, what a click drills down to (same order as categories). */
  drill?: Array<ClaimFilter | null>;
}

export interface DashboardView {
  dashboard: DashboardKind;
  mspId: string;
  range: DateRange;
  indexedHeight: number;
  figures: DashboardFigure[];
  charts: DashboardChart[];
  tables: DashboardTable[];
  notes: string[];
}

export interface CsvExport {
  fileName: string;
  text: string;
  rows: number;
}

export interface ClaimTrail {
  claimId: string;
  claim: Record<string, unknown>;
  adjudications: Array<Record<string, unknown>>;
  payments: Array<Record<string, unknown>>;
  alerts: Array<Record<string, unknown> & { evidence: unknown }>;
  /** Off-chain statistical alerts (R4, R12) naming this claim. */
  statAlerts: Array<{ alertId: string; ruleId: string; severity: string; summary: string }>;
  transactions: TransactionSummary[];
}

export interface AuditRunSummary {
  report: AuditReport;
  /** Blocks of the report kept in the answer (the full list is in the downloadable report). */
  blocksShown: number;
}

export interface AuditDownload {
  baseName: string;
  json: string;
  html: string;
}

// The integrity audit's report (types only, shared with the audit itself).
export type { AuditCheck, AuditFinding, AuditedBlock, AuditReport } from '../ledger/audit-types';
