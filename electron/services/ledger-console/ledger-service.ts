// The console's long-lived ledger indexer and everything that reads it: one LedgerIndex per
// (state directory, peer, channel) at <stateDir>/index/<peerId>-<channel>.sqlite, for the ACTING
// org's own peer (DESIGN §8), followed by a LedgerIndexer with the index's persisted checkpoint
// while that peer runs: it starts when the network comes up (or the peer starts) and stops when
// the peer stops (network down). Switching the acting org (sandbox) or opening another state
// directory moves to that org's peer and its own index file. The index stays open while the network
// is down: the block browser and the dashboards read the index, never the ledger.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { renderAuditReportHtml, auditReportJson } from '../ledger/audit-report';
import {
  LedgerIndexer,
  peerBlockSource,
  type BlockSource,
  type PeerGatewayProvider,
} from '../ledger/block-indexer';
import { auditPeerChain, type PeerAdminProvider } from '../ledger/integrity-audit';
import { LedgerIndex, type BlockRow, type TransactionRow } from '../ledger/ledger-index';
import type { StatRulesOptions } from '../ledger/stat-rules';
import type { NodeTopology, Topology } from '../runtime/profile';
import type { Disposable, NodeStatus, OrgRole, RuntimeEvents } from '../runtime/types';
import { ConsoleError } from '../console/errors';
import { csvFileName, tableToCsv } from './csv';
import {
  alertEvidence,
  claimsTable,
  hospitalDashboard,
  insurerDashboard,
  regulatorDashboard,
  statAlertsForClaim,
  type DashboardScope,
} from './dashboards';
import type {
  AuditDownload,
  AuditReport,
  AuditRunSummary,
  BlockDetail,
  BlockPage,
  BlockSummary,
  ClaimFilter,
  ClaimTrail,
  CsvExport,
  DashboardKind,
  DashboardTable,
  DashboardView,
  DateRange,
  KeyAccess,
  LedgerBlockEvent,
  LedgerStatus,
  SearchMatch,
  SearchResult,
  TransactionDetail,
  TransactionSummary,
} from './types';

/** What the ledger service needs from the runtime (NetworkRuntime provides all of it). */
export interface LedgerRuntime extends PeerGatewayProvider, PeerAdminProvider {
  readonly topology: Topology;
  readonly layout: { readonly root: string };
  readonly channel: string;
  process(id: string): { status(): NodeStatus } | undefined;
}

/** What it needs from the console (ConsoleServices provides it): the runtime, the acting org, events. */
export interface LedgerHost<R extends LedgerRuntime = LedgerRuntime> {
  readonly runtime: R;
  context(): { acting: { mspId: string; role: OrgRole } };
  readonly controller: {
    on<E extends keyof RuntimeEvents>(event: E, listener: (payload: RuntimeEvents[E]) => void): Disposable;
  };
}

export interface LedgerServiceOptions {
  /** Backoff of the indexer's reconnects (defaults 250 ms … 5 s: a console waits for its own peer). */
  retryMinMs?: number;
  retryMaxMs?: number;
  statRules?: StatRulesOptions;
  /** How long `ledger:status` waits for the peer's height. */
  peerQueryTimeoutMs?: number;
  /** Where blocks come from (default: the peer's Deliver service through the Gateway). */
  blockSource?: (runtime: LedgerRuntime, peer: NodeTopology) => BlockSource;
}

export const MAX_BLOCK_PAGE = 100;
export const MAX_AUDIT_BLOCKS_SHOWN = 500;
const MAX_SEARCH_MATCHES = 20;

interface Session {
  key: string;
  runtime: LedgerRuntime;
  peer: NodeTopology;
  index: LedgerIndex;
  indexer: LedgerIndexer | undefined;
  subscriptions: Disposable[];
}

function blockSummary(row: BlockRow): BlockSummary {
  return {
    number: row.number,
    dataHash: row.data_hash,
    previousHash: row.previous_hash,
    headerHash: row.header_hash,
    txCount: row.tx_count,
    validTxCount: row.valid_tx_count,
    timestamp: row.timestamp,
    isConfig: row.is_config === 1,
    sizeBytes: row.size_bytes,
  };
}

function txSummary(row: TransactionRow): TransactionSummary {
  return {
    blockNumber: row.block_number,
    txIndex: row.tx_index,
    txId: row.tx_id,
    type: row.type,
    timestamp: row.timestamp,
    creatorMspId: row.creator_msp_id,
    validationCode: row.validation_code,
    validationName: row.validation_name,
    valid: row.is_valid === 1,
    chaincodeName: row.chaincode_name,
    functionName: row.function_name,
    eventName: row.event_name,
  };
}

function keyAccesses(json: string): KeyAccess[] {
  try {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((entry): entry is unknown[] => Array.isArray(entry) && entry.length >= 2)
      .map((entry) => ({
        namespace: String(entry[0]),
        key: String(entry[1]).replaceAll(String.fromCharCode(0), '␀'),
        hashed: entry[2] === 1,
      }));
  } catch {
    return [];
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export class LedgerService {
  private readonly events = new EventEmitter();
  private session: Session | undefined;
  private switching: Promise<Session> | undefined;
  private lastAudit: AuditReport | undefined;
  private readonly subscriptions: Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly host: LedgerHost,
    private readonly options: LedgerServiceOptions = {},
  ) {
    this.events.setMaxListeners(0);
  }

  /** Follows the runtime: index when the network is up or the indexed peer starts, pause when it stops. */
  attach(): this {
    this.subscriptions.push(
      this.host.controller.on('progress', (event) => {
        if (event.step === 'Network up') void this.sync().catch(() => undefined);
      }),
      this.host.controller.on('node-state', (status) => {
        const peer = this.session?.peer;
        if (!peer || status.id !== peer.id) {
          if (status.state === 'running') void this.sync().catch(() => undefined);
          return;
        }
        if (status.state === 'running') void this.sync().catch(() => undefined);
        else if (status.state === 'stopping' || status.state === 'stopped') void this.pause();
      }),
    );
    void this.sync().catch(() => undefined);
    return this;
  }

  onBlock(listener: (event: LedgerBlockEvent) => void): Disposable {
    this.events.on('block', listener);
    return { dispose: () => this.events.off('block', listener) };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    await this.close();
  }

  // ---- session: which peer, which index ---------------------------------------------------------

  private acting(): { mspId: string; role: OrgRole } {
    return this.host.context().acting;
  }

  /** The acting org's first peer; an org without peers (the orderer org) reads the first peer's chain. */
  private targetPeer(runtime: LedgerRuntime): NodeTopology {
    const { mspId } = this.acting();
    const peer = runtime.topology.peers.find((node) => node.org.mspId === mspId) ?? runtime.topology.peers[0];
    if (!peer) throw new ConsoleError('unavailable', 'this network has no peer whose chain could be indexed');
    return peer;
  }

  indexFile(runtime: LedgerRuntime, peer: NodeTopology): string {
    return path.join(runtime.layout.root, 'index', `${peer.id}-${runtime.channel}.sqlite`);
  }

  private isRunning(runtime: LedgerRuntime, peer: NodeTopology): boolean {
    return runtime.process(peer.id)?.status().state === 'running';
  }

  /** Opens the right index (switching when the acting org or the runtime changed) and follows the peer if it runs. */
  async sync(): Promise<Session> {
    if (this.disposed) throw new ConsoleError('unavailable', 'the ledger service has been stopped');
    while (this.switching) await this.switching.catch(() => undefined);
    const runtime = this.host.runtime;
    const peer = this.targetPeer(runtime);
    const file = this.indexFile(runtime, peer);
    const key = `${file}`;
    let session = this.session;
    if (!session || session.key !== key) {
      const switching = (async () => {
        await this.close();
        const index = LedgerIndex.open(file, { channel: runtime.channel });
        const opened: Session = { key, runtime, peer, index, indexer: undefined, subscriptions: [] };
        this.session = opened;
        return opened;
      })();
      this.switching = switching;
      try {
        session = await switching;
      } finally {
        this.switching = undefined;
      }
    }
    if (!session.indexer && this.isRunning(runtime, peer)) this.follow(session);
    return session;
  }

  private follow(session: Session): void {
    const indexer = new LedgerIndexer({
      index: session.index,
      source: (this.options.blockSource ?? peerBlockSource)(session.runtime, session.peer),
      retryMinMs: this.options.retryMinMs ?? 250,
      retryMaxMs: this.options.retryMaxMs ?? 5_000,
    });
    session.subscriptions.push(
      indexer.on('block', (block) => {
        const event: LedgerBlockEvent = {
          channel: session.runtime.channel,
          peerId: session.peer.id,
          number: block.number,
          height: block.number + 1,
          txCount: block.txCount,
          validTxCount: block.validTxCount,
        };
        this.events.emit('block', event);
      }),
      // Errors are kept in the indexer's status (ledger:status shows them); listening keeps them quiet.
      indexer.on('error', () => undefined),
    );
    session.indexer = indexer;
    indexer.start();
  }

  /** Stops following (the peer stopped); the index stays open for reading. */
  async pause(): Promise<void> {
    const session = this.session;
    const indexer = session?.indexer;
    if (!session || !indexer) return;
    session.indexer = undefined;
    for (const subscription of session.subscriptions.splice(0)) subscription.dispose();
    await indexer.stop();
  }

  private async close(): Promise<void> {
    const session = this.session;
    if (!session) return;
    await this.pause();
    this.session = undefined;
    if (session.index.db.open) session.index.close();
  }

  /** Resolves once the index holds `height` blocks (tests, and callers that just wrote a transaction). */
  async waitForHeight(height: number, timeoutMs = 60_000): Promise<void> {
    const session = await this.sync();
    if (!session.indexer) {
      if (session.index.nextBlock >= height) return;
      throw new ConsoleError(
        'unavailable',
        `${session.peer.id} is not running; the index holds ${session.index.nextBlock} blocks`,
      );
    }
    await session.indexer.waitForHeight(height, timeoutMs);
  }

  // ---- status and the block browser -------------------------------------------------------------

  async status(): Promise<LedgerStatus> {
    const session = await this.sync();
    const checkpoint = session.index.checkpoint();
    const indexer = session.indexer?.status();
    let peerHeight: number | null = null;
    let peerError: string | null = null;
    if (this.isRunning(session.runtime, session.peer)) {
      const client = session.runtime.peerAdminClient(session.peer);
      try {
        const info = await withTimeout(
          client.chainInfo(session.runtime.channel),
          this.options.peerQueryTimeoutMs ?? 5_000,
          session.peer.id,
        );
        peerHeight = info.height;
      } catch (error) {
        peerError = (error as Error).message;
      } finally {
        client.close();
      }
    }
    return {
      channel: session.runtime.channel,
      peerId: session.peer.id,
      mspId: session.peer.org.mspId,
      indexFile: session.index.file,
      state: indexer?.state ?? 'stopped',
      indexedHeight: checkpoint.nextBlock,
      peerHeight,
      lastError: indexer?.lastError ?? peerError,
      updatedAt: checkpoint.updatedAt,
    };
  }

  async blocks(request: { before?: number; limit: number }): Promise<BlockPage> {
    const { index } = await this.sync();
    const limit = Math.min(Math.max(1, request.limit), MAX_BLOCK_PAGE);
    const rows = index.listBlocks({ before: request.before, limit });
    const last = rows[rows.length - 1];
    return {
      blocks: rows.map(blockSummary),
      nextBefore: last && last.number > 0 && rows.length === limit ? last.number : null,
      height: index.nextBlock,
    };
  }

  async block(blockNumber: number): Promise<BlockDetail> {
    const { index } = await this.sync();
    const found = index.block(blockNumber);
    if (!found) {
      throw new ConsoleError(
        'not-found',
        `block ${blockNumber} is not in the index (it holds blocks 0 to ${index.nextBlock - 1})`,
      );
    }
    return {
      block: blockSummary(found.block),
      lastConfigIndex: found.block.last_config_index,
      transactions: found.transactions.map(txSummary),
    };
  }

  /** Whether the acting org may read an event payload: the regulator always; others when it names them. */
  private payloadVisible(payload: string, creator: string | null): boolean {
    const acting = this.acting();
    return acting.role === 'regulator' || creator === acting.mspId || payload.includes(`"${acting.mspId}"`);
  }

  async transaction(txId: string): Promise<TransactionDetail> {
    const { index } = await this.sync();
    const rows = index.transactionsById(txId);
    // The valid one when a DUPLICATE_TXID was recorded too.
    const row = rows.find((r) => r.is_valid === 1) ?? rows[0];
    if (!row) throw new ConsoleError('not-found', `no transaction ${txId} in the index`);
    const event = index.db
      .prepare<
        [number, number],
        { event_name: string; chaincode_name: string; payload_sha256: string; payload: string | null }
      >(
        'SELECT event_name, chaincode_name, payload_sha256, payload FROM chaincode_events WHERE block_number = ? AND tx_index = ?',
      )
      .get(row.block_number, row.tx_index);
    let eventView: TransactionDetail['event'] = null;
    if (event) {
      const visible = event.payload !== null && this.payloadVisible(event.payload, row.creator_msp_id);
      let payload: unknown = null;
      if (visible && event.payload !== null) {
        try {
          payload = JSON.parse(event.payload);
        } catch {
          payload = null;
        }
      }
      eventView = {
        name: event.event_name,
        chaincodeName: event.chaincode_name,
        payloadSha256: event.payload_sha256,
        payload,
        withheld:
          event.payload === null
            ? 'only the payload hash is indexed for this chaincode'
            : visible
              ? null
              : `the payload concerns other members; ${this.acting().mspId} sees its hash only`,
      };
    }
    return {
      ...txSummary(row),
      headerType: row.header_type,
      channelId: row.channel_id,
      creatorFingerprint: row.creator_fingerprint,
      chaincodeVersion: row.chaincode_version,
      endorserMspIds: (() => {
        try {
          const parsed: unknown = JSON.parse(row.endorser_msp_ids);
          return Array.isArray(parsed) ? parsed.map(String) : [];
        } catch {
          return [];
        }
      })(),
      readKeys: keyAccesses(row.read_keys),
      writeKeys: keyAccesses(row.write_keys),
      responseStatus: row.response_status,
      decodeError: row.decode_error,
      sizeBytes: row.size_bytes,
      event: eventView,
      duplicates: rows
        .filter((r) => r !== row)
        .map((r) => ({
          blockNumber: r.block_number,
          txIndex: r.tx_index,
          validationName: r.validation_name,
        })),
    };
  }

  // ---- role scope -------------------------------------------------------------------------------

  private scope(): DashboardScope {
    const acting = this.acting();
    if (acting.role === 'orderer') {
      throw new ConsoleError(
        'forbidden',
        `${acting.mspId} runs the ordering service; dashboards belong to hospitals, insurers and the regulator`,
      );
    }
    return { role: acting.role, mspId: acting.mspId };
  }

  private claimVisible(
    scope: DashboardScope,
    claim: { hospital_msp_id?: unknown; insurer_msp_id?: unknown },
  ): boolean {
    if (scope.role === 'regulator') return true;
    return scope.role === 'hospital'
      ? claim.hospital_msp_id === scope.mspId
      : claim.insurer_msp_id === scope.mspId;
  }

  async search(query: string): Promise<SearchResult> {
    const { index } = await this.sync();
    const db = index.db;
    const text = query.trim();
    const matches: SearchMatch[] = [];
    if (/^\d{1,15}$/.test(text)) {
      const number = Number(text);
      if (index.block(number)) matches.push({ kind: 'block', blockNumber: number, label: `Block ${number}` });
    }
    if (/^[0-9a-fA-F]{8,64}$/.test(text)) {
      const rows = db
        .prepare<
          [string],
          { tx_id: string; block_number: number; tx_index: number; function_name: string | null }
        >(
          `SELECT tx_id, block_number, tx_index, function_name FROM transactions WHERE tx_id GLOB ? ORDER BY block_number, tx_index LIMIT ${MAX_SEARCH_MATCHES}`,
        )
        .all(`${text.toLowerCase()}*`);
      for (const row of rows) {
        matches.push({
          kind: 'transaction',
          txId: row.tx_id,
          blockNumber: row.block_number,
          txIndex: row.tx_index,
          label: `Transaction ${row.tx_id.slice(0, 16)}… in block ${row.block_number}${row.function_name ? ` (${row.function_name})` : ''}`,
        });
      }
    }
    const scope = this.acting().role === 'orderer' ? undefined : this.scope();
    if (scope) {
      const prefix = `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const claims = db
        .prepare<
          [string, string, string],
          {
            claim_id: string;
            block_number: number;
            status: string | null;
            hospital_msp_id: string | null;
            insurer_msp_id: string | null;
          }
        >(
          `SELECT claim_id, block_number, status, hospital_msp_id, insurer_msp_id FROM claims
            WHERE claim_id = ? OR claim_id LIKE ? ESCAPE '\\' ORDER BY claim_id = ? DESC, claim_id LIMIT ${MAX_SEARCH_MATCHES}`,
        )
        .all(text, prefix, text);
      for (const claim of claims.filter((c) => this.claimVisible(scope, c))) {
        matches.push({
          kind: 'claim',
          claimId: claim.claim_id,
          blockNumber: claim.block_number,
          label: `Claim ${claim.claim_id} (${claim.status ?? 'unknown'})`,
        });
      }
      const recordScope =
        scope.role === 'regulator'
          ? '1 = 1'
          : scope.role === 'hospital'
            ? 'r.hospital_msp_id = @me'
            : 'EXISTS (SELECT 1 FROM claims c WHERE c.record_id = r.record_id AND c.insurer_msp_id = @me)';
      const records = db
        .prepare(
          `SELECT r.record_id, r.block_number, r.tx_id, r.hospital_msp_id FROM records r
            WHERE (r.record_id = @text OR r.record_id LIKE @prefix ESCAPE '\\') AND ${recordScope}
            ORDER BY r.record_id = @text DESC, r.record_id LIMIT ${MAX_SEARCH_MATCHES}`,
        )
        .all({ text, prefix, me: scope.mspId }) as Array<{
        record_id: string;
        block_number: number;
        tx_id: string;
        hospital_msp_id: string | null;
      }>;
      for (const record of records) {
        matches.push({
          kind: 'record',
          recordId: record.record_id,
          blockNumber: record.block_number,
          txId: record.tx_id,
          label: `Record ${record.record_id} (${record.hospital_msp_id ?? 'unknown hospital'})`,
        });
      }
    }
    return { query: text, matches };
  }

  async claim(claimId: string): Promise<ClaimTrail> {
    const { index } = await this.sync();
    const scope = this.scope();
    const trail = index.claimTrail(claimId);
    const claim = trail.claim as Record<string, unknown> | undefined;
    if (!claim) throw new ConsoleError('not-found', `no claim ${claimId} in the index`);
    if (!this.claimVisible(scope, claim)) {
      throw new ConsoleError(
        'forbidden',
        `${scope.mspId} (${scope.role}) cannot see claim ${claimId}: it is between ${String(claim.hospital_msp_id)} and ${String(claim.insurer_msp_id)}`,
      );
    }
    const alerts = (trail.alerts as Array<Record<string, unknown>>).map((alert) => ({
      ...alert,
      evidence: alertEvidence(
        index.db,
        String(alert.alert_id),
        typeof alert.raised_tx_id === 'string' ? alert.raised_tx_id : null,
      ),
    }));
    const statAlerts =
      scope.role === 'regulator'
        ? statAlertsForClaim(
            index.db,
            claimId,
            typeof claim.filed_at === 'string' ? claim.filed_at : null,
            this.options.statRules,
          ).map((a) => ({ alertId: a.alertId, ruleId: a.ruleId, severity: a.severity, summary: a.summary }))
        : [];
    return {
      claimId,
      claim,
      adjudications: trail.adjudications as Array<Record<string, unknown>>,
      payments: trail.payments as Array<Record<string, unknown>>,
      alerts,
      statAlerts,
      transactions: trail.transactions.map(txSummary),
    };
  }

  // ---- dashboards ---------------------------------------------------------------------------------

  async dashboard(kind: DashboardKind, range: DateRange): Promise<DashboardView> {
    const { index } = await this.sync();
    const scope = this.scope();
    if (scope.role !== kind) {
      throw new ConsoleError(
        'forbidden',
        `the console acts as ${scope.mspId} (${scope.role}); the ${kind} dashboard is for ${kind === 'regulator' ? 'the regulator' : `an ${kind === 'insurer' ? 'insurer' : 'hospital'}`}`,
      );
    }
    const view =
      kind === 'hospital'
        ? hospitalDashboard(index.db, scope, range)
        : kind === 'insurer'
          ? insurerDashboard(index.db, scope, range)
          : regulatorDashboard(index.db, scope, range, this.options.statRules);
    view.indexedHeight = index.nextBlock;
    return view;
  }

  async claims(filter: ClaimFilter, range: DateRange): Promise<DashboardTable> {
    const { index } = await this.sync();
    return claimsTable(index.db, this.scope(), range, filter);
  }

  async exportCsv(request: { dashboard: DashboardKind; table: string } & DateRange): Promise<CsvExport> {
    const range = { from: request.from, to: request.to };
    const view = await this.dashboard(request.dashboard, range);
    const table = view.tables.find((t) => t.id === request.table);
    if (!table) {
      throw new ConsoleError(
        'not-found',
        `the ${request.dashboard} dashboard has no table "${request.table}"; it has ${view.tables.map((t) => t.id).join(', ')}`,
      );
    }
    return {
      fileName: csvFileName(request.dashboard, table.id, range),
      text: tableToCsv(table),
      rows: table.rows.length,
    };
  }

  // ---- integrity audit ----------------------------------------------------------------------------

  async runAudit(): Promise<AuditRunSummary> {
    const session = await this.sync();
    if (!this.isRunning(session.runtime, session.peer)) {
      throw new ConsoleError(
        'unavailable',
        `${session.peer.id} is not running: the live audit reads the chain from the peer; bring the network up first`,
      );
    }
    const report = await auditPeerChain({
      runtime: session.runtime,
      peer: session.peer,
      index: session.index,
    });
    this.lastAudit = report;
    return {
      report: { ...report, blocks: report.blocks.slice(-MAX_AUDIT_BLOCKS_SHOWN) },
      blocksShown: Math.min(report.blocks.length, MAX_AUDIT_BLOCKS_SHOWN),
    };
  }

  auditReport(): AuditDownload {
    const report = this.lastAudit;
    if (!report) throw new ConsoleError('not-found', 'no audit has run in this console yet: run one first');
    const stamp = report.finishedAt.replace(/[:.]/g, '-');
    return {
      baseName: `ledger-audit-${report.channel ?? 'channel'}-${stamp}`,
      json: auditReportJson(report),
      html: renderAuditReportHtml(report),
    };
  }
}
