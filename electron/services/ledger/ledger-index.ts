// The embedded SQL index of one channel as seen by one peer (better-sqlite3, WAL). Each block is
// written in ONE SQLite transaction together with the checkpoint, so a block is indexed exactly
// once: a crash or a stop leaves either the whole block and the advanced checkpoint or neither, and
// a block delivered twice is recognised by its number and skipped.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DecodedBlock, DecodedTransaction } from './block-decoder';
import { certificateFingerprint, type ChannelConfigInfo } from './channel-config';
import { DomainProjector, isRecord } from './domain-projection';
import { LEDGER_TABLES, SCHEMA_SQL, SCHEMA_VERSION, TABLE_ORDER, type LedgerTable } from './schema';

export type LedgerIndexErrorKind = 'gap' | 'chain-break' | 'channel-mismatch' | 'readonly';

export class LedgerIndexError extends Error {
  constructor(
    readonly kind: LedgerIndexErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerIndexError';
  }
}

export interface LedgerIndexOptions {
  channel: string;
  readonly?: boolean;
  /**
   * Chaincodes whose event payloads are stored as JSON and projected (their payloads carry
   * pseudonyms and hashes only, EVENTS.md). Others keep only the payload's SHA-256. Default medfabric.
   */
  projectChaincodes?: readonly string[];
  /** SQLite page cache per connection, MiB (default 64). */
  cacheMiB?: number;
}

export interface IndexCheckpoint {
  channel: string;
  /** The next block to index = the number of blocks indexed (the height the index has reached). */
  nextBlock: number;
  lastBlockHash: string | null;
  updatedAt: string;
}

export interface BlockRow {
  number: number;
  data_hash: string;
  previous_hash: string;
  header_hash: string;
  tx_count: number;
  valid_tx_count: number;
  timestamp: string | null;
  is_config: number;
  last_config_index: number | null;
  size_bytes: number;
}

export interface TransactionRow {
  block_number: number;
  tx_index: number;
  tx_id: string;
  type: string;
  header_type: number;
  channel_id: string;
  timestamp: string | null;
  creator_msp_id: string | null;
  creator_fingerprint: string | null;
  validation_code: number;
  validation_name: string;
  is_valid: number;
  chaincode_name: string | null;
  chaincode_version: string | null;
  function_name: string | null;
  endorser_msp_ids: string;
  read_keys: string;
  write_keys: string;
  response_status: number | null;
  event_name: string | null;
  decode_error: string | null;
  size_bytes: number;
}

export interface ClaimsPerHospitalMonth {
  hospitalMspId: string | null;
  month: string | null;
  claims: number;
  submittedMinor: number | null;
}

export interface AlertsByRule {
  ruleId: string | null;
  severity: string | null;
  alerts: number;
  open: number;
}

export interface ClaimFunnel {
  filed: number;
  adjudicated: number;
  paid: number;
  byStatus: Record<string, number>;
}

export interface SpendingByInsurerMonth {
  insurerMspId: string | null;
  month: string | null;
  payments: number;
  paidMinor: number | null;
}

/** Payload members never stored even if a payload carried them (defence in depth; EVENTS.md forbids them). */
const SENSITIVE_MEMBERS = new Set([
  'reason',
  'justification',
  'contentLocation',
  'location',
  'ciphertext',
  'ciphertexts',
  'patientId',
  'patientName',
  'name',
  'subject',
  'certificate',
  'certPem',
  'm',
  'rho',
]);

/** `name` is sensitive for patients but not for consortium members and products: keep those. */
const NAME_ALLOWED_EVENTS = new Set(['medfabric.product.created', 'medfabric.consortium.memberRegistered']);

export function scrubPayload(value: unknown, eventName: string): unknown {
  if (Array.isArray(value)) return value.map((item) => scrubPayload(item, eventName));
  if (!isRecord(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (SENSITIVE_MEMBERS.has(key) && !(key === 'name' && NAME_ALLOWED_EVENTS.has(eventName))) continue;
    result[key] = scrubPayload(member, eventName);
  }
  return result;
}

function keysJson(keys: DecodedTransaction['readKeys']): string {
  return JSON.stringify(keys);
}

export class LedgerIndex {
  readonly db: Database.Database;
  readonly channel: string;
  private readonly projectChaincodes: ReadonlySet<string>;
  private projector: DomainProjector | undefined;
  private statements: ReturnType<LedgerIndex['prepareWrites']> | undefined;
  private applyTransaction: Database.Transaction<(block: DecodedBlock) => boolean> | undefined;
  private checkpointQuery:
    | Database.Statement<
        [],
        { channel: string; next_block: number; last_block_hash: string | null; updated_at: string }
      >
    | undefined;

  private constructor(
    readonly file: string,
    db: Database.Database,
    options: LedgerIndexOptions,
  ) {
    this.db = db;
    this.channel = options.channel;
    this.projectChaincodes = new Set(options.projectChaincodes ?? ['medfabric']);
  }

  /** Opens (creating if needed) the index at `file` (':memory:' for a throwaway index). */
  static open(file: string, options: LedgerIndexOptions): LedgerIndex {
    if (file !== ':memory:' && !options.readonly)
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
    try {
      db.pragma('busy_timeout = 5000');
      db.pragma(`cache_size = -${Math.round((options.cacheMiB ?? 64) * 1024)}`);
      db.pragma('temp_store = MEMORY');
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        migrate(db, options.channel);
      }
      const index = new LedgerIndex(file, db, options);
      const checkpoint = index.checkpoint();
      if (checkpoint.channel !== options.channel) {
        throw new LedgerIndexError(
          'channel-mismatch',
          `${file} indexes channel ${checkpoint.channel}, not ${options.channel}`,
        );
      }
      return index;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Refreshes the query planner's statistics where useful (SQLite's PRAGMA optimize). */
  optimize(): void {
    if (this.db.open && !this.db.readonly) this.db.pragma('optimize');
  }

  close(): void {
    if (!this.db.open) return;
    this.optimize();
    this.db.close();
  }

  checkpoint(): IndexCheckpoint {
    // Read once per indexed block and on every status request: prepared once.
    this.checkpointQuery ??= this.db.prepare<
      [],
      { channel: string; next_block: number; last_block_hash: string | null; updated_at: string }
    >('SELECT channel, next_block, last_block_hash, updated_at FROM checkpoint WHERE id = 1');
    const row = this.checkpointQuery.get();
    if (!row) throw new Error(`${this.file} has no checkpoint row`);
    return {
      channel: row.channel,
      nextBlock: row.next_block,
      lastBlockHash: row.last_block_hash,
      updatedAt: row.updated_at,
    };
  }

  /** The next block number to index (= blocks indexed so far). */
  get nextBlock(): number {
    return this.checkpoint().nextBlock;
  }

  private prepareWrites() {
    const db = this.db;
    return {
      checkpoint: db.prepare<[number, string, string]>(
        'UPDATE checkpoint SET next_block = ?, last_block_hash = ?, updated_at = ? WHERE id = 1',
      ),
      block: db.prepare<[BlockRow]>(
        `INSERT INTO blocks (number, data_hash, previous_hash, header_hash, tx_count, valid_tx_count, timestamp,
           is_config, last_config_index, size_bytes)
         VALUES (@number, @data_hash, @previous_hash, @header_hash, @tx_count, @valid_tx_count, @timestamp,
           @is_config, @last_config_index, @size_bytes)`,
      ),
      transaction: db.prepare<[TransactionRow]>(
        `INSERT INTO transactions (block_number, tx_index, tx_id, type, header_type, channel_id, timestamp,
           creator_msp_id, creator_fingerprint, validation_code, validation_name, is_valid, chaincode_name,
           chaincode_version, function_name, endorser_msp_ids, read_keys, write_keys, response_status, event_name,
           decode_error, size_bytes)
         VALUES (@block_number, @tx_index, @tx_id, @type, @header_type, @channel_id, @timestamp, @creator_msp_id,
           @creator_fingerprint, @validation_code, @validation_name, @is_valid, @chaincode_name, @chaincode_version,
           @function_name, @endorser_msp_ids, @read_keys, @write_keys, @response_status, @event_name, @decode_error,
           @size_bytes)`,
      ),
      config: db.prepare<[Record<string, string | number | null>]>(
        `INSERT INTO config_blocks (block_number, tx_id, config_sequence, consensus_type, orderer_msp_ids,
           application_msp_ids, capabilities, msps)
         VALUES (@block_number, @tx_id, @config_sequence, @consensus_type, @orderer_msp_ids, @application_msp_ids,
           @capabilities, @msps)`,
      ),
      event: db.prepare<[Record<string, string | number | null>]>(
        `INSERT INTO chaincode_events (block_number, tx_index, tx_id, chaincode_name, event_name, schema_version,
           payload_sha256, payload, projected, timestamp)
         VALUES (@block_number, @tx_index, @tx_id, @chaincode_name, @event_name, @schema_version, @payload_sha256,
           @payload, @projected, @timestamp)`,
      ),
    };
  }

  /**
   * Indexes one block atomically with the checkpoint. Returns false (and writes nothing) for a block
   * already indexed; throws LedgerIndexError for a gap or a block that does not chain to the last one.
   */
  applyBlock(block: DecodedBlock): boolean {
    if (this.db.readonly) throw new LedgerIndexError('readonly', `${this.file} is open read-only`);
    if (!this.applyTransaction) {
      const statements = (this.statements ??= this.prepareWrites());
      const projector = (this.projector ??= new DomainProjector(this.db));
      this.applyTransaction = this.db.transaction((decoded: DecodedBlock) =>
        this.writeBlock(decoded, statements, projector),
      );
    }
    // IMMEDIATE: take the write lock before reading the checkpoint, so two writers cannot both pass it.
    return this.applyTransaction.immediate(block);
  }

  private writeBlock(
    block: DecodedBlock,
    statements: ReturnType<LedgerIndex['prepareWrites']>,
    projector: DomainProjector,
  ): boolean {
    const checkpoint = this.checkpoint();
    if (block.number < checkpoint.nextBlock) return false;
    if (block.number > checkpoint.nextBlock) {
      throw new LedgerIndexError('gap', `expected block ${checkpoint.nextBlock}, got block ${block.number}`);
    }
    const expectedPrevious = checkpoint.lastBlockHash ?? '';
    if (block.number > 0 && block.previousHash !== expectedPrevious) {
      throw new LedgerIndexError(
        'chain-break',
        `block ${block.number} has previous_hash ${block.previousHash}, but block ${block.number - 1} hashes to ${expectedPrevious}`,
      );
    }
    statements.block.run({
      number: block.number,
      data_hash: block.dataHash,
      previous_hash: block.previousHash,
      header_hash: block.headerHash,
      tx_count: block.txCount,
      valid_tx_count: block.validTxCount,
      timestamp: block.timestamp,
      is_config: block.isConfig ? 1 : 0,
      last_config_index: block.lastConfigIndex,
      size_bytes: block.sizeBytes,
    });
    for (const tx of block.transactions) {
      statements.transaction.run({
        block_number: block.number,
        tx_index: tx.index,
        tx_id: tx.txId,
        type: tx.type,
        header_type: tx.headerType,
        channel_id: tx.channelId,
        timestamp: tx.timestamp,
        creator_msp_id: tx.creatorMspId,
        creator_fingerprint: tx.creatorFingerprint,
        validation_code: tx.validationCode,
        validation_name: tx.validationName,
        is_valid: tx.valid ? 1 : 0,
        chaincode_name: tx.chaincodeName,
        chaincode_version: tx.chaincodeVersion,
        function_name: tx.functionName,
        endorser_msp_ids: JSON.stringify(tx.endorserMspIds),
        read_keys: keysJson(tx.readKeys),
        write_keys: keysJson(tx.writeKeys),
        response_status: tx.responseStatus,
        event_name: tx.event?.name ?? null,
        decode_error: tx.decodeError,
        size_bytes: tx.sizeBytes,
      });
      if (tx.config && (tx.valid || block.number === 0))
        this.writeConfig(block.number, tx.txId, tx.config, statements);
      if (tx.valid && tx.event) this.writeEvent(block.number, tx, tx.event, statements, projector);
    }
    statements.checkpoint.run(block.number + 1, block.headerHash, new Date().toISOString());
    return true;
  }

  private writeConfig(
    blockNumber: number,
    txId: string,
    config: ChannelConfigInfo,
    statements: ReturnType<LedgerIndex['prepareWrites']>,
  ): void {
    statements.config.run({
      block_number: blockNumber,
      tx_id: txId,
      config_sequence: config.sequence,
      consensus_type: config.consensusType,
      orderer_msp_ids: JSON.stringify(config.msps.filter((m) => m.group === 'Orderer').map((m) => m.mspId)),
      application_msp_ids: JSON.stringify(
        config.msps.filter((m) => m.group === 'Application').map((m) => m.mspId),
      ),
      capabilities: JSON.stringify(config.capabilities),
      // Fingerprints of the orgs' CA certificates (the audit reads the certificates from the blocks).
      msps: JSON.stringify(
        config.msps.map((m) => ({
          mspId: m.mspId,
          orgName: m.orgName,
          group: m.group,
          rootCertFingerprints: m.rootCerts.map(certificateFingerprint),
          intermediateCertFingerprints: m.intermediateCerts.map(certificateFingerprint),
        })),
      ),
    });
  }

  private writeEvent(
    blockNumber: number,
    tx: DecodedTransaction,
    event: NonNullable<DecodedTransaction['event']>,
    statements: ReturnType<LedgerIndex['prepareWrites']>,
    projector: DomainProjector,
  ): void {
    let payload: Record<string, unknown> | null = null;
    if (this.projectChaincodes.has(event.chaincodeName)) {
      try {
        const parsed: unknown = JSON.parse(Buffer.from(event.payload).toString('utf8'));
        if (isRecord(parsed)) payload = parsed;
      } catch (error) {
        // A payload that is not JSON is kept as its hash only; nothing to project.
        if (!(error instanceof SyntaxError)) throw error;
      }
    }
    const projected = payload
      ? projector.project({
          txId: tx.txId,
          blockNumber,
          txIndex: tx.index,
          timestamp: tx.timestamp,
          chaincodeName: event.chaincodeName,
          eventName: event.name,
          payload,
        })
      : false;
    const schemaVersion = payload?.schemaVersion;
    statements.event.run({
      block_number: blockNumber,
      tx_index: tx.index,
      tx_id: tx.txId,
      chaincode_name: event.chaincodeName,
      event_name: event.name,
      schema_version:
        typeof schemaVersion === 'number' && Number.isSafeInteger(schemaVersion) ? schemaVersion : null,
      payload_sha256: createHash('sha256').update(event.payload).digest('hex'),
      payload: payload ? JSON.stringify(scrubPayload(payload, event.name)) : null,
      projected: projected ? 1 : 0,
      timestamp: tx.timestamp,
    });
  }

  // ---- reading ------------------------------------------------------------------------------

  counts(): Record<LedgerTable, number> {
    const result = {} as Record<LedgerTable, number>;
    for (const table of LEDGER_TABLES) {
      result[table] = this.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? 0;
    }
    return result;
  }

  /** Every row of a table in primary-key order (replay comparisons, exports). */
  dumpTable(table: LedgerTable): unknown[] {
    if (!LEDGER_TABLES.includes(table)) throw new Error(`unknown table ${table}`);
    return this.db.prepare(`SELECT * FROM ${table} ORDER BY ${TABLE_ORDER[table]}`).all();
  }

  /** Newest first; `before` pages backwards. */
  listBlocks(options: { before?: number; limit?: number } = {}): BlockRow[] {
    return this.db
      .prepare<[number, number], BlockRow>(
        'SELECT * FROM blocks WHERE number < ? ORDER BY number DESC LIMIT ?',
      )
      .all(options.before ?? Number.MAX_SAFE_INTEGER, Math.min(options.limit ?? 50, 1000));
  }

  block(blockNumber: number): { block: BlockRow; transactions: TransactionRow[] } | undefined {
    const block = this.db
      .prepare<[number], BlockRow>('SELECT * FROM blocks WHERE number = ?')
      .get(blockNumber);
    if (!block) return undefined;
    const transactions = this.db
      .prepare<[number], TransactionRow>(
        'SELECT * FROM transactions WHERE block_number = ? ORDER BY tx_index',
      )
      .all(blockNumber);
    return { block, transactions };
  }

  /** A transaction id may occur more than once (a DUPLICATE_TXID is recorded too): all of them. */
  transactionsById(txId: string): TransactionRow[] {
    return this.db
      .prepare<[string], TransactionRow>(
        'SELECT * FROM transactions WHERE tx_id = ? ORDER BY block_number, tx_index',
      )
      .all(txId);
  }

  /** Drill-down from a claim to its adjudications, payments, alerts and transactions. */
  claimTrail(claimId: string): {
    claim: unknown;
    adjudications: unknown[];
    payments: unknown[];
    alerts: unknown[];
    transactions: TransactionRow[];
  } {
    const claim = this.db.prepare<[string]>('SELECT * FROM claims WHERE claim_id = ?').get(claimId);
    const adjudications = this.db
      .prepare<[string]>('SELECT * FROM adjudications WHERE claim_id = ? ORDER BY block_number, tx_index')
      .all(claimId);
    const payments = this.db
      .prepare<[string]>('SELECT * FROM payments WHERE claim_id = ? ORDER BY block_number, tx_index')
      .all(claimId);
    const alerts = this.db
      .prepare<[string]>('SELECT * FROM alerts WHERE claim_id = ? ORDER BY alert_id')
      .all(claimId);
    const txIds = new Set<string>();
    for (const row of [claim, ...adjudications, ...payments, ...alerts]) {
      if (!isRecord(row)) continue;
      for (const key of ['filed_tx_id', 'last_tx_id', 'tx_id', 'raised_tx_id']) {
        const value = row[key];
        if (typeof value === 'string') txIds.add(value);
      }
    }
    const transactions = [...txIds].flatMap((txId) => this.transactionsById(txId));
    transactions.sort((a, b) => a.block_number - b.block_number || a.tx_index - b.tx_index);
    return { claim, adjudications, payments, alerts, transactions };
  }

  // ---- dashboards ---------------------------------------------------------------------------

  /** Claims and submitted amounts per hospital per month (filed_month 'YYYY-MM', bounds inclusive). */
  claimsPerHospitalPerMonth(filter: { fromMonth?: string; toMonth?: string } = {}): ClaimsPerHospitalMonth[] {
    return this.db
      .prepare<[string, string], ClaimsPerHospitalMonth>(
        `SELECT hospital_msp_id AS hospitalMspId, filed_month AS month, COUNT(*) AS claims,
                SUM(total_submitted_minor) AS submittedMinor
           FROM claims
          WHERE filed_month BETWEEN ? AND ?
          GROUP BY hospital_msp_id, filed_month
          ORDER BY hospital_msp_id, filed_month`,
      )
      .all(filter.fromMonth ?? '0000-00', filter.toMonth ?? '9999-99');
  }

  alertsByRuleAndSeverity(): AlertsByRule[] {
    return this.db
      .prepare<[], AlertsByRule>(
        `SELECT rule_id AS ruleId, severity, COUNT(*) AS alerts, SUM(status = 'open') AS open
           FROM alerts GROUP BY rule_id, severity ORDER BY rule_id, severity`,
      )
      .all();
  }

  /** Filed → adjudicated → paid, and the current status of every claim (one covering-index scan). */
  claimFunnel(): ClaimFunnel {
    const funnel: ClaimFunnel = { filed: 0, adjudicated: 0, paid: 0, byStatus: {} };
    for (const row of this.db
      .prepare<[], { status: string | null; n: number; adjudicated: number; paid: number }>(
        `SELECT status, COUNT(*) AS n, SUM(adjudicated_at IS NOT NULL) AS adjudicated, SUM(paid_at IS NOT NULL) AS paid
           FROM claims GROUP BY status`,
      )
      .all()) {
      funnel.byStatus[row.status ?? 'unknown'] = row.n;
      funnel.filed += row.n;
      funnel.adjudicated += row.adjudicated;
      funnel.paid += row.paid;
    }
    return funnel;
  }

  spendingByInsurerPerMonth(): SpendingByInsurerMonth[] {
    return this.db
      .prepare<[], SpendingByInsurerMonth>(
        `SELECT insurer_msp_id AS insurerMspId, settled_month AS month, COUNT(*) AS payments, SUM(amount_minor) AS paidMinor
           FROM payments WHERE status = 'paid'
          GROUP BY insurer_msp_id, settled_month ORDER BY insurer_msp_id, settled_month`,
      )
      .all();
  }
}

function migrate(db: Database.Database, channel: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== 0 && version !== SCHEMA_VERSION) {
    // The index is derived data: a schema change rebuilds it from block 0.
    const tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      )
      .all();
    db.pragma('foreign_keys = OFF');
    for (const { name } of tables) db.exec(`DROP TABLE IF EXISTS "${name}"`);
    db.pragma('foreign_keys = ON');
  }
  db.exec(SCHEMA_SQL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  db.prepare<[string, string]>(
    'INSERT OR IGNORE INTO checkpoint (id, channel, next_block, last_block_hash, updated_at) VALUES (1, ?, 0, NULL, ?)',
  ).run(channel, new Date().toISOString());
}
