// The dashboards, computed from the ledger index (never the ledger), scoped to the acting org:
// a hospital sees its own records, consents, accesses and claims; an insurer the claims it pays and
// its fund; the regulator everything, plus the off-chain statistical rules (R4, R12) and the fund
// ledger invariants. Every table is capped at MAX_TABLE_ROWS; the CSV export reuses the same
// function, so it holds exactly the rows the page shows.
import type Database from 'better-sqlite3';
import { evaluateStatRules, type StatAlert, type StatRulesOptions } from '../ledger/stat-rules';
import type {
  CellValue,
  ClaimFilter,
  DashboardChart,
  DashboardColumn,
  DashboardFigure,
  DashboardKind,
  DashboardRow,
  DashboardTable,
  DashboardView,
  DateRange,
} from './types';

export const MAX_TABLE_ROWS = 500;

export interface DashboardScope {
  role: DashboardKind;
  mspId: string;
}

type Row = Record<string, CellValue>;

const col = (key: string, label: string, kind: DashboardColumn['kind'] = 'text'): DashboardColumn => ({
  key,
  label,
  kind,
});

function table(
  id: string,
  title: string,
  columns: DashboardColumn[],
  rows: DashboardRow[],
  note?: string,
): DashboardTable {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const result: DashboardTable = { id, title, columns, rows: shown, total: rows.length };
  const notes = [
    note,
    rows.length > shown.length ? `showing the first ${shown.length} of ${rows.length} rows` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  if (notes) result.note = notes;
  return result;
}

function plainRows(rows: Row[], drill?: (row: Row) => ClaimFilter | undefined): DashboardRow[] {
  return rows.map((cells) => {
    const filter = drill?.(cells);
    return filter ? { cells, drill: filter } : { cells };
  });
}

function all<T = Row>(db: Database.Database, sql: string, ...params: unknown[]): T[] {
  return db.prepare(sql).all(...params) as T[];
}

function one<T = Row>(db: Database.Database, sql: string, ...params: unknown[]): T {
  return (db.prepare(sql).get(...params) ?? {}) as T;
}

function num(value: CellValue | undefined): number {
  return typeof value === 'number' ? value : 0;
}

/** Linear-interpolation percentile of sorted-or-not values; null when empty. */
function percentileOf(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = sorted[Math.floor(rank)] as number;
  const high = sorted[Math.ceil(rank)] as number;
  return Math.round(low + (high - low) * (rank - Math.floor(rank)));
}

/** Pivots rows into chart series: categories = distinct `x` (sorted), one series per distinct `s`. */
function pivot(
  rows: Row[],
  x: string,
  s: string,
  y: string,
): { categories: string[]; series: DashboardChart['series'] } {
  const categories = [...new Set(rows.map((r) => String(r[x] ?? '—')))].sort();
  const names = [...new Set(rows.map((r) => String(r[s] ?? '—')))].sort();
  const series = names.map((name) => ({
    name,
    values: categories.map((category) =>
      rows
        .filter((r) => String(r[x] ?? '—') === category && String(r[s] ?? '—') === name)
        .reduce((sum, r) => sum + num(r[y]), 0),
    ),
  }));
  return { categories, series };
}

const inRange = (column: string) => `substr(${column}, 1, 10) BETWEEN @from AND @to`;

// ---- claims scope and filter ------------------------------------------------------------------

const HELD_EVER = `EXISTS (SELECT 1 FROM alerts ha WHERE ha.claim_id = c.claim_id AND ha.severity = 'hold')
  OR EXISTS (SELECT 1 FROM chaincode_events he WHERE he.tx_id = c.filed_tx_id AND he.event_name = 'medfabric.claim.held')`;

function claimScope(scope: DashboardScope): string {
  if (scope.role === 'hospital') return 'c.hospital_msp_id = @me';
  if (scope.role === 'insurer') return 'c.insurer_msp_id = @me';
  return '1 = 1';
}

function stageCondition(stage: NonNullable<ClaimFilter['stage']>): string {
  switch (stage) {
    case 'filed':
      return '1 = 1';
    case 'held':
      return `(${HELD_EVER})`;
    case 'approved':
      return "EXISTS (SELECT 1 FROM adjudications ad WHERE ad.claim_id = c.claim_id AND ad.outcome IN ('approved', 'partial'))";
    case 'denied':
      return "c.status = 'denied'";
    case 'paid':
      return 'c.paid_at IS NOT NULL';
    case 'in-review':
      return "c.status = 'held'";
  }
}

/** The claims behind a figure or a row, in the acting org's scope. */
export function claimsTable(
  db: Database.Database,
  scope: DashboardScope,
  range: DateRange,
  filter: ClaimFilter,
): DashboardTable {
  const where = [claimScope(scope)];
  const params: Record<string, unknown> = { me: scope.mspId, from: range.from, to: range.to };
  const byAlert = filter.ruleId !== undefined || filter.severity !== undefined;
  if (filter.claimIds && filter.claimIds.length > 0) {
    where.push(`c.claim_id IN (SELECT value FROM json_each(@ids))`);
    params.ids = JSON.stringify(filter.claimIds);
  } else if (byAlert) {
    const alertWhere = ['fa.claim_id = c.claim_id', inRange('fa.raised_at')];
    if (filter.ruleId !== undefined) {
      alertWhere.push('fa.rule_id = @rule');
      params.rule = filter.ruleId;
    }
    if (filter.severity !== undefined) {
      alertWhere.push('fa.severity = @severity');
      params.severity = filter.severity;
    }
    if (filter.month !== undefined) {
      alertWhere.push('substr(fa.raised_at, 1, 7) = @month');
      params.month = filter.month;
    }
    where.push(`EXISTS (SELECT 1 FROM alerts fa WHERE ${alertWhere.join(' AND ')})`);
  } else if (filter.stage === 'paid') {
    where.push(inRange('c.paid_at'));
    if (filter.month !== undefined) {
      where.push('substr(c.paid_at, 1, 7) = @month');
      params.month = filter.month;
    }
  } else if (filter.stage !== 'in-review') {
    where.push(inRange('c.filed_at'));
    if (filter.month !== undefined) {
      where.push('c.filed_month = @month');
      params.month = filter.month;
    }
  }
  if (filter.stage !== undefined) where.push(stageCondition(filter.stage));
  if (filter.hospitalMspId !== undefined) {
    where.push('c.hospital_msp_id = @hospital');
    params.hospital = filter.hospitalMspId;
  }
  if (filter.insurerMspId !== undefined) {
    where.push('c.insurer_msp_id = @insurer');
    params.insurer = filter.insurerMspId;
  }
  if (filter.flagged) where.push('EXISTS (SELECT 1 FROM alerts xa WHERE xa.claim_id = c.claim_id)');
  const rows = all(
    db,
    `SELECT c.claim_id AS claim, c.hospital_msp_id AS hospital, c.insurer_msp_id AS insurer, c.status AS status,
            c.filed_at AS filedAt, c.total_submitted_minor AS submitted, c.total_benefit_minor AS benefit,
            c.paid_at AS paidAt,
            (SELECT COUNT(*) FROM alerts a WHERE a.claim_id = c.claim_id) AS alerts,
            (SELECT group_concat(a.rule_id || ':' || a.severity, ' ') FROM alerts a WHERE a.claim_id = c.claim_id) AS rules,
            c.block_number AS block
       FROM claims c
      WHERE ${where.join(' AND ')}
      ORDER BY c.filed_at, c.claim_id`,
    params,
  );
  return table(
    'claims',
    'Claims',
    [
      col('claim', 'Claim', 'claim'),
      col('hospital', 'Hospital'),
      col('insurer', 'Insurer'),
      col('status', 'Status'),
      col('filedAt', 'Filed', 'datetime'),
      col('submitted', 'Submitted', 'amount'),
      col('benefit', 'Benefit', 'amount'),
      col('paidAt', 'Paid', 'datetime'),
      col('alerts', 'Alerts', 'count'),
      col('rules', 'Rules'),
      col('block', 'Last block', 'block'),
    ],
    plainRows(rows),
  );
}

// ---- alert evidence ---------------------------------------------------------------------------

/** The `evidence` of an on-chain alert, read from the (scrubbed) payload of the event that raised it. */
export function alertEvidence(db: Database.Database, alertId: string, raisedTxId: string | null): unknown {
  if (raisedTxId === null) return null;
  const event = one<{ payload: string | null }>(
    db,
    'SELECT payload FROM chaincode_events WHERE tx_id = ? ORDER BY block_number LIMIT 1',
    raisedTxId,
  );
  if (!event.payload) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(event.payload);
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  const candidates: unknown[] = [...(Array.isArray(p.alerts) ? p.alerts : []), p.alert, p];
  for (const candidate of candidates) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const alert = candidate as Record<string, unknown>;
    if (alert.alertId === alertId) return alert.evidence ?? null;
  }
  return null;
}

function compactJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value);
  return text.length > 400 ? `${text.slice(0, 397)}...` : text;
}

// ---- hospital ---------------------------------------------------------------------------------

export function hospitalDashboard(
  db: Database.Database,
  scope: DashboardScope,
  range: DateRange,
): DashboardView {
  const p = { me: scope.mspId, from: range.from, to: range.to };
  const perDay = all(
    db,
    `SELECT substr(COALESCE(recorded_at, admitted_at), 1, 10) AS day, COUNT(*) AS encounters,
            SUM(encounter_type = 'outpatient') AS outpatient, SUM(encounter_type = 'inpatient') AS inpatient,
            SUM(encounter_type = 'emergency') AS emergency
       FROM records
      WHERE hospital_msp_id = @me AND ${inRange('COALESCE(recorded_at, admitted_at)')}
      GROUP BY day ORDER BY day`,
    p,
  );
  // Consents that concern this hospital: they name one of its records, or it requested them.
  const consents = all(
    db,
    `SELECT COALESCE(status, 'unknown') AS status, COUNT(*) AS requests
       FROM consents k
      WHERE ${inRange('COALESCE(k.requested_at, k.updated_at)')}
        AND (k.requester_msp_id = @me OR (json_valid(k.scope) AND EXISTS (
              SELECT 1 FROM json_each(k.scope, '$.recordIds') j JOIN records r ON r.record_id = j.value
               WHERE r.hospital_msp_id = @me)))
      GROUP BY status ORDER BY status`,
    p,
  );
  const accesses = all(
    db,
    `SELECT accessor_msp_id AS accessor, purpose, basis, COUNT(*) AS accesses
       FROM access_events
      WHERE hospital_msp_id = @me AND ${inRange('accessed_at')}
      GROUP BY accessor_msp_id, purpose, basis ORDER BY accessor_msp_id, purpose, basis`,
    p,
  );
  const emergency = all(
    db,
    `SELECT accessed_at AS accessedAt, record_id AS record, accessor_msp_id AS accessor, accessor_role AS role,
            alert_id AS alert, tx_id AS tx, block_number AS block
       FROM access_events
      WHERE hospital_msp_id = @me AND basis = 'emergency' AND ${inRange('accessed_at')}
      ORDER BY accessed_at, disclosure_id`,
    p,
  );
  const claims = one(
    db,
    `SELECT COUNT(*) AS filed, SUM(c.paid_at IS NOT NULL) AS paid FROM claims c
      WHERE c.hospital_msp_id = @me AND ${inRange('c.filed_at')}`,
    p,
  );
  const openAlerts = one(
    db,
    `SELECT COUNT(*) AS n FROM alerts WHERE hospital_msp_id = @me AND status = 'open' AND ${inRange('raised_at')}`,
    p,
  );
  const total = (rows: Row[], key: string) => rows.reduce((sum, r) => sum + num(r[key]), 0);
  const accessChart = pivot(accesses, 'accessor', 'purpose', 'accesses');
  return {
    dashboard: 'hospital',
    mspId: scope.mspId,
    range,
    indexedHeight: 0,
    figures: [
      { id: 'encounters', label: 'Encounters anchored', value: total(perDay, 'encounters'), kind: 'count' },
      {
        id: 'consent-requests',
        label: 'Consent requests',
        value: total(consents, 'requests'),
        kind: 'count',
      },
      { id: 'accesses', label: 'Accesses to its records', value: total(accesses, 'accesses'), kind: 'count' },
      {
        id: 'emergency-accesses',
        label: 'Emergency accesses',
        value: emergency.length,
        kind: 'count',
        tone: emergency.length > 0 ? 'bad' : 'neutral',
      },
      {
        id: 'claims-filed',
        label: 'Claims filed',
        value: num(claims.filed),
        kind: 'count',
        drill: { hospitalMspId: scope.mspId, stage: 'filed' },
      },
      {
        id: 'open-alerts',
        label: 'Open alerts on its claims',
        value: num(openAlerts.n),
        kind: 'count',
        tone: num(openAlerts.n) > 0 ? 'bad' : 'neutral',
      },
    ],
    charts: [
      {
        id: 'encounters-per-day',
        title: 'Encounters anchored per day',
        type: 'bar',
        unit: 'count',
        categories: perDay.map((r) => String(r.day)),
        series: [{ name: 'Encounters', values: perDay.map((r) => num(r.encounters)) }],
      },
      {
        id: 'consents-by-status',
        title: 'Consent requests by status',
        type: 'bar',
        unit: 'count',
        categories: consents.map((r) => String(r.status)),
        series: [{ name: 'Requests', values: consents.map((r) => num(r.requests)) }],
      },
      {
        id: 'accesses-by-org',
        title: 'Accesses by requesting org and purpose',
        type: 'stacked-bar',
        unit: 'count',
        ...accessChart,
      },
    ],
    tables: [
      table(
        'encounters-per-day',
        'Encounters anchored per day',
        [
          col('day', 'Day', 'date'),
          col('encounters', 'Encounters', 'count'),
          col('outpatient', 'Outpatient', 'count'),
          col('inpatient', 'Inpatient', 'count'),
          col('emergency', 'Emergency', 'count'),
        ],
        plainRows(perDay),
      ),
      table(
        'consents-by-status',
        'Consent requests by status',
        [col('status', 'Status'), col('requests', 'Requests', 'count')],
        plainRows(consents),
        'consents naming one of its records, or requested by it',
      ),
      table(
        'accesses-by-org',
        'Accesses to its records by requesting org and purpose',
        [
          col('accessor', 'Requesting org'),
          col('purpose', 'Purpose'),
          col('basis', 'Basis'),
          col('accesses', 'Accesses', 'count'),
        ],
        plainRows(accesses),
      ),
      table(
        'emergency-accesses',
        'Emergency accesses',
        [
          col('accessedAt', 'When', 'datetime'),
          col('record', 'Record'),
          col('accessor', 'Org'),
          col('role', 'Role'),
          col('alert', 'Alert'),
          col('tx', 'Transaction', 'tx'),
          col('block', 'Block', 'block'),
        ],
        plainRows(emergency),
      ),
    ],
    notes: [],
  };
}

// ---- insurer ----------------------------------------------------------------------------------

interface FundEntry {
  entryId: string;
  kind: string | null;
  insurer: string | null;
  amount: number | null;
  balance: string | null;
  postedAt: string | null;
  block: number;
}

function fundEntries(db: Database.Database, insurer?: string): FundEntry[] {
  return all<FundEntry>(
    db,
    `SELECT entry_id AS entryId, kind, insurer_msp_id AS insurer, amount_minor AS amount, balance,
            posted_at AS postedAt, block_number AS block
       FROM fund_transfers ${insurer === undefined ? '' : 'WHERE insurer_msp_id = ?'}
      ORDER BY block_number, tx_index, entry_id`,
    ...(insurer === undefined ? [] : [insurer]),
  );
}

/** Deposits add to the insurer's fund, settlements move benefit out of it. */
function signedAmount(entry: FundEntry): number {
  const amount = entry.amount ?? 0;
  return entry.kind === 'deposit' ? amount : entry.kind === 'settlement' ? -amount : 0;
}

export function insurerDashboard(
  db: Database.Database,
  scope: DashboardScope,
  range: DateRange,
): DashboardView {
  const p = { me: scope.mspId, from: range.from, to: range.to };
  const counts = one(
    db,
    `SELECT COUNT(*) AS filed,
            SUM(${HELD_EVER}) AS held,
            SUM(EXISTS (SELECT 1 FROM adjudications ad WHERE ad.claim_id = c.claim_id AND ad.outcome IN ('approved', 'partial'))) AS approved,
            SUM(c.status = 'denied') AS denied,
            SUM(c.paid_at IS NOT NULL) AS paid,
            SUM(c.status = 'held') AS inReview,
            SUM(EXISTS (SELECT 1 FROM adjudications ad WHERE ad.claim_id = c.claim_id) AND NOT (${HELD_EVER})) AS automatic
       FROM claims c WHERE c.insurer_msp_id = @me AND ${inRange('c.filed_at')}`,
    p,
  );
  const filed = num(counts.filed);
  const stages: Array<{ stage: NonNullable<ClaimFilter['stage']>; label: string; value: number }> = [
    { stage: 'filed', label: 'Filed', value: filed },
    { stage: 'held', label: 'Held for review', value: num(counts.held) },
    { stage: 'approved', label: 'Approved', value: num(counts.approved) },
    { stage: 'denied', label: 'Denied', value: num(counts.denied) },
    { stage: 'paid', label: 'Paid', value: num(counts.paid) },
  ];
  const paymentTimes = all<{ seconds: number }>(
    db,
    `SELECT CAST(ROUND((julianday(c.paid_at) - julianday(c.filed_at)) * 86400) AS INTEGER) AS seconds
       FROM claims c
      WHERE c.insurer_msp_id = @me AND c.paid_at IS NOT NULL AND c.filed_at IS NOT NULL AND ${inRange('c.filed_at')}`,
    p,
  ).map((r) => r.seconds);
  const queue = all(
    db,
    `SELECT c.claim_id AS claim, c.hospital_msp_id AS hospital, c.filed_at AS filedAt,
            c.total_submitted_minor AS submitted, c.block_number AS block
       FROM claims c WHERE c.insurer_msp_id = @me AND c.status = 'held'
      ORDER BY c.filed_at, c.claim_id`,
    p,
  ).map((row) => {
    const alerts = all<{
      alertId: string;
      ruleId: string | null;
      severity: string | null;
      raisedTxId: string | null;
      status: string | null;
    }>(
      db,
      `SELECT alert_id AS alertId, rule_id AS ruleId, severity, raised_tx_id AS raisedTxId, status
         FROM alerts WHERE claim_id = ? ORDER BY alert_id`,
      row.claim,
    );
    return {
      ...row,
      alerts: alerts.map((a) => `${a.ruleId ?? '?'}:${a.severity ?? '?'}:${a.status ?? '?'}`).join(' '),
      evidence: compactJson(
        Object.fromEntries(alerts.map((a) => [a.alertId, alertEvidence(db, a.alertId, a.raisedTxId)])),
      ),
    };
  });
  // Fund: running balance over the whole history; the range selects the days shown.
  const days = new Map<string, { deposits: number; payouts: number; balance: number }>();
  let balance = 0;
  for (const entry of fundEntries(db, scope.mspId)) {
    balance += signedAmount(entry);
    const day = (entry.postedAt ?? '').slice(0, 10);
    const bucket = days.get(day) ?? { deposits: 0, payouts: 0, balance: 0 };
    if (entry.kind === 'deposit') bucket.deposits += entry.amount ?? 0;
    if (entry.kind === 'settlement') bucket.payouts += entry.amount ?? 0;
    bucket.balance = balance;
    days.set(day, bucket);
  }
  const fundRows = [...days]
    .filter(([day]) => day >= range.from && day <= range.to)
    .map(([day, v]) => ({ day, deposits: v.deposits, payouts: v.payouts, balance: v.balance }));
  const p50 = percentileOf(paymentTimes, 0.5);
  const p95 = percentileOf(paymentTimes, 0.95);
  return {
    dashboard: 'insurer',
    mspId: scope.mspId,
    range,
    indexedHeight: 0,
    figures: [
      ...stages.map((s): DashboardFigure => ({
        id: `claims-${s.stage}`,
        label: `Claims ${s.label.toLowerCase()}`,
        value: s.value,
        kind: 'count',
        drill: { insurerMspId: scope.mspId, stage: s.stage },
      })),
      {
        id: 'automatic-rate',
        label: 'Adjudicated automatically',
        value: filed === 0 ? null : num(counts.automatic) / filed,
        kind: 'percent',
        hint: `${num(counts.automatic)} of ${filed} claims decided without review`,
      },
      { id: 'payment-p50', label: 'Time to payment p50', value: p50, kind: 'duration' },
      { id: 'payment-p95', label: 'Time to payment p95', value: p95, kind: 'duration' },
      {
        id: 'review-queue',
        label: 'In the review queue',
        value: queue.length,
        kind: 'count',
        tone: queue.length > 0 ? 'bad' : 'good',
        drill: { insurerMspId: scope.mspId, stage: 'in-review' },
      },
      { id: 'fund-balance', label: 'Fund balance', value: balance, kind: 'amount' },
    ],
    charts: [
      {
        id: 'claim-funnel',
        title: 'Claim funnel',
        type: 'bar',
        unit: 'count',
        categories: stages.map((s) => s.label),
        series: [{ name: 'Claims', values: stages.map((s) => s.value) }],
        drill: stages.map((s) => ({ insurerMspId: scope.mspId, stage: s.stage })),
      },
      {
        id: 'fund-balance',
        title: 'Fund balance at the end of each day',
        type: 'line',
        unit: 'amount',
        categories: fundRows.map((r) => r.day),
        series: [{ name: 'Balance', values: fundRows.map((r) => r.balance) }],
      },
      {
        id: 'payouts',
        title: 'Payouts per day',
        type: 'bar',
        unit: 'amount',
        categories: fundRows.map((r) => r.day),
        series: [{ name: 'Payouts', values: fundRows.map((r) => r.payouts) }],
      },
    ],
    tables: [
      table(
        'claim-funnel',
        'Claim funnel',
        [col('stage', 'Stage'), col('claims', 'Claims', 'count'), col('share', 'Share of filed', 'percent')],
        stages.map((s) => ({
          cells: { stage: s.label, claims: s.value, share: filed === 0 ? null : s.value / filed },
          drill: { insurerMspId: scope.mspId, stage: s.stage },
        })),
      ),
      table(
        'review-queue',
        'Review queue: held claims and their evidence',
        [
          col('claim', 'Claim', 'claim'),
          col('hospital', 'Hospital'),
          col('filedAt', 'Filed', 'datetime'),
          col('submitted', 'Submitted', 'amount'),
          col('alerts', 'Alerts (rule:severity:status)'),
          col('evidence', 'Evidence', 'json'),
          col('block', 'Block', 'block'),
        ],
        plainRows(queue),
        'every claim currently held, whatever its filing date',
      ),
      table(
        'fund-ledger',
        'Payouts and fund balance per day',
        [
          col('day', 'Day', 'date'),
          col('deposits', 'Deposits', 'amount'),
          col('payouts', 'Payouts', 'amount'),
          col('balance', 'Balance', 'amount'),
        ],
        plainRows(fundRows),
      ),
    ],
    notes: [],
  };
}

// ---- regulator --------------------------------------------------------------------------------

export interface FundInvariantRow extends Row {
  insurer: string;
  deposits: number;
  settlements: number;
  computedBalance: number;
  paidClaims: number;
  unmatchedPayments: number;
  balanceMismatches: number;
  negativeAt: string | null;
  status: string;
}

/**
 * The double-entry fund ledger, per insurer, over the whole history: Σ settlements = Σ paid claims,
 * every paid claim has its settlement entry, the balance each deposit reports equals the running
 * balance of the entries before it, and the balance never goes below zero.
 */
export function fundInvariants(db: Database.Database): FundInvariantRow[] {
  const insurers = all<{ insurer: string }>(
    db,
    `SELECT insurer_msp_id AS insurer FROM fund_transfers WHERE insurer_msp_id IS NOT NULL
     UNION SELECT insurer_msp_id FROM payments WHERE insurer_msp_id IS NOT NULL ORDER BY 1`,
  );
  return insurers.map(({ insurer }) => {
    let balance = 0;
    let deposits = 0;
    let settlements = 0;
    let balanceMismatches = 0;
    let negativeAt: string | null = null;
    for (const entry of fundEntries(db, insurer)) {
      balance += signedAmount(entry);
      if (entry.kind === 'deposit') deposits += entry.amount ?? 0;
      if (entry.kind === 'settlement') settlements += entry.amount ?? 0;
      if (entry.kind === 'deposit' && entry.balance !== null && Number(entry.balance) !== balance)
        balanceMismatches++;
      if (balance < 0 && negativeAt === null) negativeAt = `${entry.entryId} (block ${entry.block})`;
    }
    const paid = one(
      db,
      `SELECT COALESCE(SUM(amount_minor), 0) AS total,
              SUM(NOT EXISTS (SELECT 1 FROM fund_transfers f WHERE f.entry_id = p.entry_id AND f.kind = 'settlement')) AS unmatched
         FROM payments p WHERE p.status = 'paid' AND p.insurer_msp_id = ?`,
      insurer,
    );
    const problems: string[] = [];
    if (num(paid.total) !== settlements)
      problems.push(`settlements ${settlements} ≠ paid claims ${num(paid.total)}`);
    if (num(paid.unmatched) > 0)
      problems.push(`${num(paid.unmatched)} paid claim(s) without a settlement entry`);
    if (balanceMismatches > 0) problems.push(`${balanceMismatches} deposit(s) report another balance`);
    if (negativeAt !== null) problems.push(`balance below zero at ${negativeAt}`);
    return {
      insurer,
      deposits,
      settlements,
      computedBalance: balance,
      paidClaims: num(paid.total),
      unmatchedPayments: num(paid.unmatched),
      balanceMismatches,
      negativeAt,
      status: problems.length === 0 ? 'ok' : `violated: ${problems.join('; ')}`,
    };
  });
}

export function regulatorDashboard(
  db: Database.Database,
  scope: DashboardScope,
  range: DateRange,
  statOptions: StatRulesOptions = {},
): DashboardView {
  const p = { from: range.from, to: range.to };
  const claims = one(db, `SELECT COUNT(*) AS filed FROM claims c WHERE ${inRange('c.filed_at')}`, p);
  const spending = all(
    db,
    `SELECT substr(settled_at, 1, 7) AS month, hospital_msp_id AS hospital, insurer_msp_id AS insurer,
            COUNT(*) AS payments, COALESCE(SUM(amount_minor), 0) AS paid
       FROM payments WHERE status = 'paid' AND ${inRange('settled_at')}
      GROUP BY month, hospital, insurer ORDER BY month, hospital, insurer`,
    p,
  );
  const alertsByRule = all(
    db,
    `SELECT substr(raised_at, 1, 7) AS month, COALESCE(rule_id, '—') AS rule, COALESCE(severity, '—') AS severity,
            COUNT(*) AS alerts, SUM(status = 'open') AS open
       FROM alerts WHERE ${inRange('raised_at')}
      GROUP BY month, rule, severity ORDER BY month, rule, severity`,
    p,
  );
  const outcomes = evaluateStatRules(db, range, statOptions);
  const statAlerts: StatAlert[] = outcomes.flatMap((o) => o.alerts);
  const statByHospital = new Map<string, number>();
  for (const alert of statAlerts)
    statByHospital.set(alert.hospitalMspId, (statByHospital.get(alert.hospitalMspId) ?? 0) + 1);
  const flagged = all(
    db,
    `SELECT c.hospital_msp_id AS hospital, COUNT(*) AS claims,
            SUM(EXISTS (SELECT 1 FROM alerts a WHERE a.claim_id = c.claim_id)) AS flaggedClaims,
            (SELECT COUNT(*) FROM alerts a WHERE a.hospital_msp_id = c.hospital_msp_id AND ${inRange('a.raised_at')}) AS alerts,
            (SELECT COUNT(*) FROM alerts a WHERE a.hospital_msp_id = c.hospital_msp_id AND a.status = 'open' AND ${inRange('a.raised_at')}) AS open,
            (SELECT COUNT(*) FROM alerts a WHERE a.hospital_msp_id = c.hospital_msp_id AND a.severity = 'hold' AND ${inRange('a.raised_at')}) AS hold
       FROM claims c WHERE c.hospital_msp_id IS NOT NULL AND ${inRange('c.filed_at')}
      GROUP BY c.hospital_msp_id`,
    p,
  )
    .map((r): Row & { statAlerts: number } => ({
      ...r,
      statAlerts: statByHospital.get(String(r.hospital)) ?? 0,
      flaggedShare: num(r.claims) === 0 ? null : num(r.flaggedClaims) / num(r.claims),
    }))
    .sort(
      (a, b) =>
        num(b.alerts) + b.statAlerts - (num(a.alerts) + a.statAlerts) ||
        String(a.hospital).localeCompare(String(b.hospital)),
    );
  const invariants = fundInvariants(db);
  const violations = invariants.filter((r) => r.status !== 'ok').length;
  const openAlerts = alertsByRule.reduce((sum, r) => sum + num(r.open), 0);
  const spendingChart = pivot(spending, 'month', 'hospital', 'paid');
  const monthChart = pivot(alertsByRule, 'month', 'rule', 'alerts');
  const paidTotal = spending.reduce((sum, r) => sum + num(r.paid), 0);
  return {
    dashboard: 'regulator',
    mspId: scope.mspId,
    range,
    indexedHeight: 0,
    figures: [
      {
        id: 'claims-filed',
        label: 'Claims filed',
        value: num(claims.filed),
        kind: 'count',
        drill: { stage: 'filed' },
      },
      { id: 'paid', label: 'Paid out', value: paidTotal, kind: 'amount', drill: { stage: 'paid' } },
      {
        id: 'alerts',
        label: 'Alerts raised',
        value: alertsByRule.reduce((sum, r) => sum + num(r.alerts), 0),
        kind: 'count',
        drill: { flagged: true },
      },
      {
        id: 'open-alerts',
        label: 'Open alerts',
        value: openAlerts,
        kind: 'count',
        tone: openAlerts > 0 ? 'bad' : 'good',
      },
      {
        id: 'stat-alerts',
        label: 'Statistical alerts (R4, R12)',
        value: statAlerts.length,
        kind: 'count',
        tone: statAlerts.length > 0 ? 'bad' : 'neutral',
      },
      {
        id: 'fund-invariant',
        label: 'Fund ledger invariant',
        value: violations === 0 ? 'holds' : `${violations} violated`,
        kind: 'text',
        tone: violations === 0 ? 'good' : 'bad',
        hint: `${invariants.length} insurer fund(s) checked over the whole history`,
      },
    ],
    charts: [
      {
        id: 'spending-by-month',
        title: 'Spending by month and hospital',
        type: 'stacked-bar',
        unit: 'amount',
        ...spendingChart,
        drill: spendingChart.categories.map((month) => ({ month, stage: 'paid' })),
      },
      {
        id: 'alerts-by-month',
        title: 'Alerts by rule over time',
        type: 'stacked-bar',
        unit: 'count',
        ...monthChart,
        drill: monthChart.categories.map((month) => ({ month, flagged: true })),
      },
    ],
    tables: [
      table(
        'spending',
        'Spending by hospital, insurer and month',
        [
          col('month', 'Month'),
          col('hospital', 'Hospital'),
          col('insurer', 'Insurer'),
          col('payments', 'Payments', 'count'),
          col('paid', 'Paid', 'amount'),
        ],
        plainRows(spending, (r) => ({
          hospitalMspId: String(r.hospital),
          insurerMspId: String(r.insurer),
          month: String(r.month),
          stage: 'paid',
        })),
      ),
      table(
        'alerts-by-rule',
        'Alerts by rule and severity over time',
        [
          col('month', 'Month'),
          col('rule', 'Rule'),
          col('severity', 'Severity'),
          col('alerts', 'Alerts', 'count'),
          col('open', 'Open', 'count'),
        ],
        plainRows(alertsByRule, (r) => ({
          ruleId: String(r.rule),
          severity: String(r.severity),
          month: String(r.month),
        })),
      ),
      table(
        'top-flagged-hospitals',
        'Top flagged hospitals',
        [
          col('hospital', 'Hospital'),
          col('claims', 'Claims', 'count'),
          col('flaggedClaims', 'Flagged claims', 'count'),
          col('flaggedShare', 'Flagged share', 'percent'),
          col('alerts', 'Alerts', 'count'),
          col('open', 'Open', 'count'),
          col('hold', 'Hold', 'count'),
          col('statAlerts', 'Statistical alerts', 'count'),
        ],
        plainRows(flagged, (r) => ({ hospitalMspId: String(r.hospital), flagged: true })),
      ),
      table(
        'stat-alerts',
        'Statistical alerts (computed by this console from the index)',
        [
          col('rule', 'Rule'),
          col('severity', 'Severity'),
          col('hospital', 'Hospital'),
          col('period', 'Period'),
          col('summary', 'Finding'),
          col('claims', 'Claims', 'count'),
          col('evidence', 'Evidence', 'json'),
        ],
        statAlerts.map((a) => ({
          cells: {
            rule: a.ruleId,
            severity: a.severity,
            hospital: a.hospitalMspId,
            period: a.period,
            summary: a.summary,
            claims: a.claimIds.length,
            evidence: compactJson(a.evidence),
          },
          drill: { claimIds: a.claimIds },
        })),
        outcomes.flatMap((o) => o.notes.map((n) => `${o.ruleId}: ${n}`)).join('; ') || undefined,
      ),
      table(
        'fund-invariant',
        'Fund ledger invariant per insurer (whole history)',
        [
          col('insurer', 'Insurer'),
          col('deposits', 'Deposits', 'amount'),
          col('settlements', 'Settlements', 'amount'),
          col('computedBalance', 'Balance', 'amount'),
          col('paidClaims', 'Paid claims', 'amount'),
          col('unmatchedPayments', 'Unmatched payments', 'count'),
          col('balanceMismatches', 'Balance mismatches', 'count'),
          col('status', 'Check'),
        ],
        plainRows(invariants),
      ),
    ],
    notes: outcomes.flatMap((o) => o.notes.map((n) => `${o.ruleId}: ${n}`)),
  };
}

/** Off-chain statistical alerts that name a claim (for its trail). */
export function statAlertsForClaim(
  db: Database.Database,
  claimId: string,
  filedAt: string | null,
  statOptions: StatRulesOptions = {},
): StatAlert[] {
  if (filedAt === null) return [];
  // The quarter of filing: R4 scores whole quarters; R12 looks at the same window.
  const year = Number(filedAt.slice(0, 4));
  const firstMonth = Math.floor((Number(filedAt.slice(5, 7)) - 1) / 3) * 3 + 1;
  const from = `${year}-${String(firstMonth).padStart(2, '0')}-01`;
  const to = new Date(Date.UTC(year, firstMonth + 2, 0)).toISOString().slice(0, 10);
  return evaluateStatRules(db, { from, to }, statOptions)
    .flatMap((o) => o.alerts)
    .filter((a) => a.claimIds.includes(claimId));
}
