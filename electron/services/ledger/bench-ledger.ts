// Ledger index benchmark (`npm run bench -- ledger`):
//  1. indexing throughput: replay a ledger from block 0 into an empty index (decode + SQLite write,
//     one transaction per block, WAL) — a real ledger's block files when given, else a synthetic one;
//  2. dashboard query latency (p50/p95) with 10^5 and 10^6 claims synthesised directly into the
//     domain tables (one SQLite transaction), using the index's own dashboard queries.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeBlock } from './block-decoder';
import { findLedgerFiles, readBlockFile, readSingleBlockFile } from './block-file';
import { LedgerIndex } from './ledger-index';
import type { RawBlock } from './raw-block';
import {
  endorserEnvelope,
  fakeCertificatePem,
  SyntheticChain,
  type SyntheticIdentity,
} from './synthetic-blocks';

export interface LedgerBenchOptions {
  /** A block file or a directory of them (e.g. a copy of a peer's chains/<channel>). */
  blockFiles?: string;
  /** Blocks already in memory (e.g. fetched from a peer). */
  blocks?: RawBlock[];
  /** The synthetic ledger used when neither is given. */
  synthetic?: { blocks: number; txPerBlock: number };
  /** Replays are repeated (into fresh indexes) until this much time has been measured. Default 2 s. */
  minReplaySeconds?: number;
  /** Claims synthesised for the dashboard queries. Default [100_000, 1_000_000]. */
  claimCounts?: number[];
  /** Measured runs per query (after one warm-up). Default 30. */
  queryRuns?: number;
  /** Where the index files go (default a temp dir, removed afterwards). */
  workDir?: string;
  onProgress?: (message: string) => void;
}

export interface QueryTiming {
  name: string;
  runs: number;
  rows: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface LedgerBenchResult {
  indexing: {
    source: string;
    blocks: number;
    transactions: number;
    rounds: number;
    seconds: number;
    blocksPerSecond: number;
    txPerSecond: number;
    /** Share of the time spent decoding protobufs (the rest is SQLite). */
    decodeShare: number;
    indexBytes: number;
  };
  dashboards: Array<{
    claims: number;
    alerts: number;
    adjudications: number;
    payments: number;
    insertSeconds: number;
    indexBytes: number;
    queries: QueryTiming[];
  }>;
  node: string;
  sqlite: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

async function fileSize(file: string): Promise<number> {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    total += await stat(`${file}${suffix}`).then(
      (info) => info.size,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return 0;
        throw error;
      },
    );
  }
  return total;
}

/** Blocks from Fabric block files, in chain order. */
export async function loadBlocks(target: string): Promise<RawBlock[]> {
  const blocks: RawBlock[] = [];
  for (const { file, kind } of await findLedgerFiles(target)) {
    const contents = kind === 'blockfile' ? await readBlockFile(file) : await readSingleBlockFile(file);
    if (contents.error) throw contents.error;
    blocks.push(...contents.blocks);
  }
  return blocks.sort((a, b) => a.number - b.number);
}

/** A ledger shaped like the consortium's: a mix of medfabric transactions with events. */
export function syntheticLedger(blockCount: number, txPerBlock: number): RawBlock[] {
  const orgs: SyntheticIdentity[] = ['HospitalMSP', 'InsurerMSP', 'RegulatorMSP'].map((mspId) => ({
    mspId,
    certPem: fakeCertificatePem(mspId),
  }));
  const [hospital, insurer, regulator] = orgs as [SyntheticIdentity, SyntheticIdentity, SyntheticIdentity];
  const chain = new SyntheticChain();
  const start = Date.parse('2025-01-01T00:00:00Z');
  let serial = 0;
  for (let b = 0; b < blockCount; b++) {
    const envelopes: Uint8Array[] = [];
    for (let t = 0; t < txPerBlock; t++) {
      const n = serial++;
      const timestamp = new Date(start + n * 1000);
      const kind = n % 10;
      const claimId = `claim-${Math.floor(n / 10)}`;
      const [fn, eventName, body, creator]: [
        string,
        string | null,
        Record<string, unknown>,
        SyntheticIdentity,
      ] =
        kind < 4
          ? ['Diagnostics:Ping', null, {}, hospital]
          : kind < 6
            ? [
                'Records:RecordEncounter',
                'medfabric.record.encountered',
                {
                  recordId: `rec-${n}`,
                  version: 1,
                  patientPseudonym: `pp-${n % 5000}`,
                  hospitalMspId: 'HospitalMSP',
                  encounterType: 'outpatient',
                  contentSha256: 'a'.repeat(64),
                  diagnosisTag: 'b'.repeat(64),
                },
                hospital,
              ]
            : kind < 7
              ? [
                  'Access:AccessRecord',
                  'medfabric.access.granted',
                  { disclosureId: `d-${n}`, recordId: `rec-${n - 2}`, basis: 'custodian' },
                  hospital,
                ]
              : kind < 9
                ? [
                    'Claims:FileClaim',
                    'medfabric.claim.filed',
                    {
                      claimId,
                      hospitalMspId: 'HospitalMSP',
                      insurerMspId: 'InsurerMSP',
                      patientPseudonym: `pp-${n % 5000}`,
                      totalSubmitted: String(1000 + (n % 9000)),
                      alerts:
                        n % 7 === 0 ? [{ alertId: `${claimId}:R9:0`, ruleId: 'R9', severity: 'warn' }] : [],
                    },
                    hospital,
                  ]
                : [
                    'Claims:Adjudicate',
                    'medfabric.claim.paid',
                    {
                      claimId,
                      status: 'paid',
                      insurerMspId: 'InsurerMSP',
                      adjudication: { outcome: 'approved', covered: true, totalBenefit: '800' },
                      settlement: { amount: '800', entryId: `settle-${n}:0` },
                    },
                    insurer,
                  ];
      const payload = eventName
        ? JSON.stringify({
            ...body,
            event: eventName,
            schemaVersion: 1,
            txId: `tx${n}`,
            timestamp: timestamp.toISOString(),
          })
        : undefined;
      envelopes.push(
        endorserEnvelope({
          kind: 'endorser',
          txId: `${n.toString(16).padStart(64, '0')}`,
          timestamp,
          creator,
          chaincode: 'medfabric',
          args: [fn, 'x'],
          endorsers: [regulator, creator],
          reads: [['medfabric', `\u0000medfabric.member\u0000${creator.mspId}\u0000`]],
          writes: eventName ? [['medfabric', `\u0000medfabric.k\u0000${n}\u0000`]] : [],
          event: eventName && payload ? { name: eventName, payload } : undefined,
        }).bytes,
      );
    }
    chain.append(envelopes);
  }
  return chain.blocks;
}

async function measureIndexing(
  blocks: RawBlock[],
  source: string,
  dir: string,
  minSeconds: number,
  progress: (message: string) => void,
): Promise<LedgerBenchResult['indexing']> {
  const transactions = blocks.reduce((sum, block) => sum + block.data.length, 0);
  let rounds = 0;
  let totalMs = 0;
  let decodeMs = 0;
  let indexBytes = 0;
  while (rounds < 1 || (totalMs < minSeconds * 1000 && rounds < 20)) {
    const file = path.join(dir, `replay-${rounds}.sqlite`);
    const index = LedgerIndex.open(file, { channel: 'medchannel' });
    const started = performance.now();
    for (const block of blocks) {
      const t0 = performance.now();
      const decoded = decodeBlock(block);
      decodeMs += performance.now() - t0;
      index.applyBlock(decoded);
    }
    totalMs += performance.now() - started;
    if (index.nextBlock !== blocks.length)
      throw new Error(`replay indexed ${index.nextBlock} of ${blocks.length} blocks`);
    index.close();
    indexBytes = await fileSize(file);
    rounds++;
    progress(`replay ${rounds}: ${blocks.length} blocks in ${(totalMs / rounds).toFixed(0)} ms on average`);
  }
  const seconds = totalMs / 1000;
  return {
    source,
    blocks: blocks.length,
    transactions,
    rounds,
    seconds: round(seconds),
    blocksPerSecond: round((blocks.length * rounds) / seconds, 1),
    txPerSecond: round((transactions * rounds) / seconds, 1),
    decodeShare: round(decodeMs / totalMs, 2),
    indexBytes,
  };
}

const HOSPITALS = Array.from({ length: 20 }, (_, i) => `Hospital${String(i + 1).padStart(2, '0')}MSP`);
const INSURERS = Array.from({ length: 5 }, (_, i) => `Insurer${i + 1}MSP`);
const RULES = ['R1', 'R3', 'R5', 'R6', 'R7', 'R8', 'R9', 'FUND_SHORT', 'emergency-access'];
const SEVERITIES = ['info', 'warn', 'hold'];
const STATUSES: Array<[string, number]> = [
  ['filed', 0.05],
  ['held', 0.03],
  ['denied', 0.07],
  ['adjudicated', 0.1],
  ['paid', 0.7],
  ['payable', 0.05],
];

/** Deterministic pseudo-random numbers (mulberry32) so every run builds the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inserts `count` claims with their adjudications, payments and alerts in one transaction. */
export function synthesiseClaims(
  index: LedgerIndex,
  count: number,
): { alerts: number; adjudications: number; payments: number } {
  const db = index.db;
  const next = random(count);
  const claim = db.prepare(
    `INSERT INTO claims (claim_id, record_id, patient_pseudonym, hospital_msp_id, insurer_msp_id, policy_id, status, item_count,
       total_submitted, total_submitted_minor, total_benefit, total_benefit_minor, filed_at, filed_month, adjudicated_at, paid_at,
       updated_at, filed_tx_id, last_event, last_tx_id, block_number, tx_index)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const adjudication = db.prepare(
    `INSERT INTO adjudications (block_number, tx_index, tx_id, claim_id, outcome, covered, total_submitted, total_benefit,
       total_benefit_minor, adjudicated_at, adjudicator_msp_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const payment = db.prepare(
    `INSERT INTO payments (payment_id, claim_id, status, amount, amount_minor, hospital_msp_id, insurer_msp_id, entry_id,
       settled_at, settled_month, tx_id, block_number, tx_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const alert = db.prepare(
    `INSERT INTO alerts (alert_id, kind, rule_id, severity, status, claim_id, patient_pseudonym, hospital_msp_id, insurer_msp_id,
       params_version, raised_at, raised_tx_id, last_event, last_tx_id, block_number, tx_index)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const start = Date.parse('2024-01-01T00:00:00Z');
  const span = 730 * 86_400_000;
  let alerts = 0;
  let adjudications = 0;
  let payments = 0;
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const claimId = `claim-${i}`;
      const txId = i.toString(16).padStart(64, '0');
      const filedAt = new Date(start + Math.floor(next() * span)).toISOString();
      const month = filedAt.slice(0, 7);
      const hospital = HOSPITALS[Math.floor(next() * HOSPITALS.length)] ?? 'Hospital01MSP';
      const insurer = INSURERS[Math.floor(next() * INSURERS.length)] ?? 'Insurer1MSP';
      const patient = `pp-${Math.floor(next() * count * 0.3)}`;
      const submitted = 1_000 + Math.floor(next() * 500_000);
      let roll = next();
      let status = 'filed';
      for (const [candidate, share] of STATUSES) {
        if (roll < share) {
          status = candidate;
          break;
        }
        roll -= share;
      }
      const benefit = status === 'denied' ? 0 : Math.floor(submitted * 0.8);
      const block = 10 + Math.floor(i / 10);
      const adjudicated =
        status === 'adjudicated' || status === 'paid' || status === 'payable' || status === 'denied';
      claim.run(
        claimId,
        `rec-${i}`,
        patient,
        hospital,
        insurer,
        `pol-${i % 5000}`,
        status,
        1 + (i % 5),
        String(submitted),
        submitted,
        String(benefit),
        benefit,
        filedAt,
        month,
        adjudicated ? filedAt : null,
        status === 'paid' ? filedAt : null,
        filedAt,
        txId,
        `medfabric.claim.${status}`,
        txId,
        block,
        i % 10,
      );
      if (adjudicated) {
        adjudication.run(
          block,
          i % 10,
          txId,
          claimId,
          status === 'denied' ? 'denied' : 'approved',
          status === 'denied' ? 0 : 1,
          String(submitted),
          String(benefit),
          benefit,
          filedAt,
          insurer,
        );
        adjudications++;
      }
      if (status === 'paid' || status === 'payable') {
        payment.run(
          txId,
          claimId,
          status,
          String(benefit),
          benefit,
          hospital,
          insurer,
          `${txId}:0`,
          filedAt,
          month,
          txId,
          block,
          i % 10,
        );
        payments++;
      }
      if (next() < 0.15) {
        const rule = RULES[Math.floor(next() * RULES.length)] ?? 'R1';
        alert.run(
          `${claimId}:${rule}:0`,
          rule === 'emergency-access' ? rule : 'supervision',
          rule,
          SEVERITIES[Math.floor(next() * SEVERITIES.length)] ?? 'warn',
          next() < 0.6 ? 'open' : 'cleared',
          claimId,
          patient,
          hospital,
          insurer,
          1,
          filedAt,
          txId,
          'medfabric.claim.filed',
          txId,
          block,
          i % 10,
        );
        alerts++;
      }
    }
  })();
  return { alerts, adjudications, payments };
}

function timeQuery(name: string, runs: number, query: () => unknown[] | object): QueryTiming {
  const result = query(); // warm-up (statement preparation, page cache)
  const rows = Array.isArray(result) ? result.length : 1;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    query();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    runs,
    rows,
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    maxMs: round(times[times.length - 1] ?? 0),
  };
}

export async function runLedgerBench(options: LedgerBenchOptions = {}): Promise<LedgerBenchResult> {
  const progress = options.onProgress ?? (() => undefined);
  const ownDir = options.workDir === undefined;
  const dir = options.workDir ?? (await mkdtemp(path.join(tmpdir(), 'medfabric-ledger-bench-')));
  try {
    let blocks: RawBlock[];
    let source: string;
    if (options.blocks) {
      blocks = options.blocks;
      source = `${blocks.length} blocks given`;
    } else if (options.blockFiles) {
      blocks = await loadBlocks(options.blockFiles);
      source = options.blockFiles;
    } else {
      const synthetic = options.synthetic ?? { blocks: 2000, txPerBlock: 10 };
      progress(
        `building a synthetic ledger of ${synthetic.blocks} blocks × ${synthetic.txPerBlock} transactions`,
      );
      blocks = syntheticLedger(synthetic.blocks, synthetic.txPerBlock);
      source = `synthetic ledger (${synthetic.blocks} blocks × ${synthetic.txPerBlock} tx)`;
    }
    if (blocks.length === 0) throw new Error(`no blocks to replay from ${source}`);
    const indexing = await measureIndexing(blocks, source, dir, options.minReplaySeconds ?? 2, progress);

    const dashboards: LedgerBenchResult['dashboards'] = [];
    const runs = options.queryRuns ?? 30;
    for (const claims of options.claimCounts ?? [100_000, 1_000_000]) {
      const file = path.join(dir, `dashboards-${claims}.sqlite`);
      const index = LedgerIndex.open(file, { channel: 'medchannel' });
      try {
        progress(`synthesising ${claims} claims`);
        const started = performance.now();
        const counts = synthesiseClaims(index, claims);
        // As the indexer's periodic maintenance would: planner statistics for the new rows.
        index.optimize();
        const insertSeconds = round((performance.now() - started) / 1000);
        index.db.pragma('wal_checkpoint(TRUNCATE)');
        progress(`querying ${claims} claims (${runs} runs per query)`);
        const probe = `claim-${Math.floor(claims / 2)}`;
        const queries = [
          timeQuery('claims per hospital per month', runs, () => index.claimsPerHospitalPerMonth()),
          timeQuery('claims per hospital per month (one quarter)', runs, () =>
            index.claimsPerHospitalPerMonth({ fromMonth: '2025-10', toMonth: '2025-12' }),
          ),
          timeQuery('alerts by rule and severity', runs, () => index.alertsByRuleAndSeverity()),
          timeQuery('claim funnel', runs, () => index.claimFunnel()),
          timeQuery('paid per insurer per month', runs, () => index.spendingByInsurerPerMonth()),
          timeQuery('claim drill-down', runs, () => index.claimTrail(probe)),
        ];
        dashboards.push({ claims, ...counts, insertSeconds, indexBytes: await fileSize(file), queries });
      } finally {
        index.close();
      }
    }
    const scratch = LedgerIndex.open(':memory:', { channel: 'medchannel' });
    const sqlite =
      scratch.db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()?.v ?? 'unknown';
    scratch.close();
    return { indexing, dashboards, node: process.version, sqlite };
  } finally {
    if (ownDir) await rm(dir, { recursive: true, force: true });
  }
}

/** Plain-text figures for the console. */
export function formatLedgerBench(result: LedgerBenchResult): string {
  const i = result.indexing;
  const lines = [
    `Ledger index (Node ${result.node}, SQLite ${result.sqlite})`,
    `  indexing: ${i.blocks} blocks / ${i.transactions} tx from ${i.source}, ${i.rounds} replay(s) from block 0:`,
    `    ${i.blocksPerSecond} blocks/s, ${i.txPerSecond} tx/s (decode ${Math.round(i.decodeShare * 100)} % of the time), index ${(i.indexBytes / 1e6).toFixed(1)} MB`,
  ];
  for (const d of result.dashboards) {
    lines.push(
      `  dashboards at ${d.claims} claims (${d.alerts} alerts, ${d.adjudications} adjudications, ${d.payments} payments; inserted in ${d.insertSeconds} s, ${(d.indexBytes / 1e6).toFixed(0)} MB):`,
    );
    for (const q of d.queries)
      lines.push(`    ${q.name.padEnd(46)} p50 ${q.p50Ms} ms  p95 ${q.p95Ms} ms  (${q.rows} rows)`);
  }
  return lines.join('\n');
}
