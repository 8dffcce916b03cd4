// Projects medfabric chaincode events (chaincode/EVENTS.md) into the domain tables. Tolerant by
// design: every member is optional, only what a payload carries is written, and an upsert never
// replaces a known value with an unknown one. Events it does not know stay in chaincode_events only.
// Runs inside the block's SQLite transaction, for VALID transactions only.
import type Database from 'better-sqlite3';

export interface EventContext {
  txId: string;
  blockNumber: number;
  txIndex: number;
  /** The transaction's channel header timestamp (ISO). */
  timestamp: string | null;
  chaincodeName: string;
  eventName: string;
  payload: Record<string, unknown>;
}

type Row = Record<string, string | number | bigint | null>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(object: Record<string, unknown> | null | undefined, key: string): string | null {
  const value = object?.[key];
  return typeof value === 'string' ? value : null;
}

function int(object: Record<string, unknown> | null | undefined, key: string): number | null {
  const value = object?.[key];
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

function bool(object: Record<string, unknown> | null | undefined, key: string): number | null {
  const value = object?.[key];
  return typeof value === 'boolean' ? (value ? 1 : 0) : null;
}

function obj(
  object: Record<string, unknown> | null | undefined,
  key: string,
): Record<string, unknown> | null {
  const value = object?.[key];
  return isRecord(value) ? value : null;
}

function first<T>(...values: Array<T | null | undefined>): T | null {
  for (const value of values) if (value !== null && value !== undefined) return value;
  return null;
}

/** A minor-unit amount: exact text and, when it fits in 64 bits, an INTEGER for sums. */
export function amountOf(value: unknown): { text: string | null; minor: number | bigint | null } {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' && Number.isSafeInteger(value)
        ? String(value)
        : null;
  if (text === null || !/^-?(0|[1-9][0-9]*)$/.test(text)) return { text: null, minor: null };
  const big = BigInt(text);
  if (big > 9_223_372_036_854_775_807n || big < -9_223_372_036_854_775_808n) return { text, minor: null };
  return { text, minor: Number.isSafeInteger(Number(big)) ? Number(big) : big };
}

function monthOf(timestamp: string | null): string | null {
  return timestamp !== null && /^\d{4}-\d{2}/.test(timestamp) ? timestamp.slice(0, 7) : null;
}

/**
 * INSERT … ON CONFLICT DO UPDATE: `always` columns are overwritten, every other column keeps its
 * stored value when the new one is NULL.
 */
function upsertSql(table: string, key: string[], columns: string[], always: string[]): string {
  const updates = columns
    .filter((column) => !key.includes(column))
    .map((column) =>
      always.includes(column)
        ? `${column} = excluded.${column}`
        : `${column} = COALESCE(excluded.${column}, ${table}.${column})`,
    );
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})
    ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

const MEMBER_COLUMNS = ['msp_id', 'kind', 'display_name', 'tx_id', 'block_number', 'registered_at'];
const RECORD_COLUMNS = [
  'record_id',
  'version',
  'root_record_id',
  'previous_version',
  'patient_pseudonym',
  'hospital_msp_id',
  'encounter_type',
  'admitted_at',
  'discharged_at',
  'content_sha256',
  'diagnosis_tag',
  'encrypted_diagnosis_sha256',
  'event_name',
  'tx_id',
  'block_number',
  'tx_index',
  'recorded_at',
];
const CONSENT_COLUMNS = [
  'consent_id',
  'status',
  'patient_pseudonym',
  'requester_msp_id',
  'requester_role',
  'purpose',
  'scope',
  'period_start',
  'period_end',
  'requested_at',
  'updated_at',
  'last_event',
  'last_tx_id',
  'block_number',
  'tx_index',
];
const ACCESS_COLUMNS = [
  'disclosure_id',
  'record_id',
  'record_version',
  'patient_pseudonym',
  'hospital_msp_id',
  'accessor_msp_id',
  'accessor_role',
  'purpose',
  'basis',
  'consent_id',
  'alert_id',
  'event_name',
  'tx_id',
  'block_number',
  'tx_index',
  'accessed_at',
];
const CLAIM_COLUMNS = [
  'claim_id',
  'record_id',
  'patient_pseudonym',
  'hospital_msp_id',
  'insurer_msp_id',
  'policy_id',
  'product_id',
  'status',
  'reason_code',
  'item_count',
  'total_submitted',
  'total_submitted_minor',
  'total_benefit',
  'total_benefit_minor',
  'filed_at',
  'filed_month',
  'adjudicated_at',
  'paid_at',
  'updated_at',
  'filed_tx_id',
  'last_event',
  'last_tx_id',
  'block_number',
  'tx_index',
];
const ADJUDICATION_COLUMNS = [
  'block_number',
  'tx_index',
  'tx_id',
  'claim_id',
  'outcome',
  'covered',
  'reason_code',
  'total_submitted',
  'total_eligible',
  'total_deductible',
  'total_copay',
  'total_over_limit',
  'total_benefit',
  'total_benefit_minor',
  'adjudicated_at',
  'adjudicator_msp_id',
];
const PAYMENT_COLUMNS = [
  'payment_id',
  'claim_id',
  'status',
  'amount',
  'amount_minor',
  'hospital_msp_id',
  'insurer_msp_id',
  'entry_id',
  'settled_at',
  'settled_month',
  'tx_id',
  'block_number',
  'tx_index',
];
const ALERT_COLUMNS = [
  'alert_id',
  'kind',
  'rule_id',
  'severity',
  'status',
  'claim_id',
  'record_id',
  'patient_pseudonym',
  'hospital_msp_id',
  'insurer_msp_id',
  'regulator_msp_id',
  'params_version',
  'raised_at',
  'resolved_at',
  'raised_tx_id',
  'last_event',
  'last_tx_id',
  'block_number',
  'tx_index',
];
const FUND_COLUMNS = [
  'entry_id',
  'kind',
  'debit_account',
  'credit_account',
  'insurer_msp_id',
  'hospital_msp_id',
  'claim_id',
  'amount',
  'amount_minor',
  'balance',
  'posted_at',
  'event_name',
  'tx_id',
  'block_number',
  'tx_index',
];

const CONSENT_STATUS_BY_EVENT: Record<string, string> = {
  'medfabric.consent.requested': 'proposed',
  'medfabric.consent.approved': 'active',
  'medfabric.consent.rejected': 'rejected',
  'medfabric.consent.revoked': 'inactive',
};

const CLAIM_STATUS_BY_EVENT: Record<string, string> = {
  'medfabric.claim.filed': 'filed',
  'medfabric.claim.held': 'held',
  'medfabric.claim.released': 'filed',
  'medfabric.claim.denied': 'denied',
  'medfabric.claim.adjudicated': 'adjudicated',
  'medfabric.claim.paid': 'paid',
  'medfabric.claim.payable': 'payable',
};

/** The events an adjudication emits, the only ones a medfabric.claims.adjudicated batch may carry. */
const ADJUDICATION_EVENTS = new Set([
  'medfabric.claim.paid',
  'medfabric.claim.payable',
  'medfabric.claim.denied',
  'medfabric.claim.adjudicated',
]);

const ALERT_STATUS_BY_EVENT: Record<string, string> = {
  'medfabric.alert.raised': 'open',
  'medfabric.alert.cleared': 'cleared',
  'medfabric.alert.confirmed': 'confirmed',
};

export class DomainProjector {
  private readonly member: Database.Statement<[Row]>;
  private readonly record: Database.Statement<[Row]>;
  private readonly consent: Database.Statement<[Row]>;
  private readonly access: Database.Statement<[Row]>;
  private readonly claim: Database.Statement<[Row]>;
  private readonly adjudication: Database.Statement<[Row]>;
  private readonly payment: Database.Statement<[Row]>;
  private readonly alert: Database.Statement<[Row]>;
  private readonly fund: Database.Statement<[Row]>;

  constructor(db: Database.Database) {
    const base = [
      'tx_id',
      'block_number',
      'tx_index',
      'event_name',
      'last_event',
      'last_tx_id',
      'updated_at',
    ];
    this.member = db.prepare<Row>(
      upsertSql('members', ['msp_id'], MEMBER_COLUMNS, ['tx_id', 'block_number']),
    );
    this.record = db.prepare<Row>(upsertSql('records', ['record_id'], RECORD_COLUMNS, base));
    this.consent = db.prepare<Row>(
      upsertSql('consents', ['consent_id'], CONSENT_COLUMNS, [...base, 'status']),
    );
    this.access = db.prepare<Row>(upsertSql('access_events', ['disclosure_id'], ACCESS_COLUMNS, base));
    this.claim = db.prepare<Row>(upsertSql('claims', ['claim_id'], CLAIM_COLUMNS, [...base, 'status']));
    this.adjudication = db.prepare<Row>(
      `INSERT INTO adjudications (${ADJUDICATION_COLUMNS.join(', ')})
       VALUES (${ADJUDICATION_COLUMNS.map((c) => `@${c}`).join(', ')}) ON CONFLICT (claim_id) DO NOTHING`,
    );

    this.payment = db.prepare<Row>(
      upsertSql('payments', ['payment_id'], PAYMENT_COLUMNS, ['status', ...base]),
    );
    this.alert = db.prepare<Row>(upsertSql('alerts', ['alert_id'], ALERT_COLUMNS, [...base, 'status']));
    this.fund = db.prepare<Row>(upsertSql('fund_transfers', ['entry_id'], FUND_COLUMNS, base));
  }

  /** Writes the event's domain rows; false when the event is not one the index projects. */
  project(ctx: EventContext): boolean {
    const name = ctx.eventName;
    if (name === 'medfabric.consortium.initialised' || name === 'medfabric.consortium.memberRegistered') {
      return this.projectMember(ctx);
    }
    if (name === 'medfabric.record.encountered' || name === 'medfabric.record.amended')
      return this.projectRecord(ctx);
    if (name.startsWith('medfabric.consent.')) return this.projectConsent(ctx);
    if (name === 'medfabric.access.granted' || name === 'medfabric.access.emergency')
      return this.projectAccess(ctx);
    if (name.startsWith('medfabric.claim.')) return this.projectClaim(ctx);
    if (name === 'medfabric.claims.adjudicated') return this.projectClaimBatch(ctx);
    if (name.startsWith('medfabric.alert.')) return this.projectAlertEvent(ctx);
    if (name.startsWith('medfabric.fund.')) return this.projectFund(ctx, ctx.payload, null);
    return false;
  }

  private projectMember(ctx: EventContext): boolean {
    const p = ctx.payload;
    const regulator = ctx.eventName === 'medfabric.consortium.initialised';
    const mspId = regulator ? str(p, 'regulatorMspId') : str(p, 'mspId');
    if (mspId === null) return false;
    this.member.run({
      msp_id: mspId,
      kind: regulator ? 'regulator' : str(p, 'kind'),
      display_name: str(p, 'displayName'),
      tx_id: ctx.txId,
      block_number: ctx.blockNumber,
      registered_at: ctx.timestamp,
    });
    return true;
  }

  private projectRecord(ctx: EventContext): boolean {
    const p = ctx.payload;
    const recordId = str(p, 'recordId');
    if (recordId === null) return false;
    this.record.run({
      record_id: recordId,
      version: int(p, 'version'),
      root_record_id: str(p, 'rootRecordId'),
      previous_version: str(p, 'previousVersion'),
      patient_pseudonym: str(p, 'patientPseudonym'),
      hospital_msp_id: str(p, 'hospitalMspId'),
      encounter_type: str(p, 'encounterType'),
      admitted_at: str(p, 'admittedAt'),
      discharged_at: str(p, 'dischargedAt'),
      content_sha256: str(p, 'contentSha256'),
      diagnosis_tag: str(p, 'diagnosisTag'),
      encrypted_diagnosis_sha256: str(p, 'encryptedDiagnosisSha256'),
      event_name: ctx.eventName,
      tx_id: ctx.txId,
      block_number: ctx.blockNumber,
      tx_index: ctx.txIndex,
      recorded_at: first(str(p, 'timestamp'), ctx.timestamp),
    });
    return true;
  }

  private projectConsent(ctx: EventContext): boolean {
    const p = ctx.payload;
    const consentId = str(p, 'consentId');
    if (consentId === null) return false;
    const scope = obj(p, 'scope');
    this.consent.run({
      consent_id: consentId,
      status: first(str(p, 'status'), CONSENT_STATUS_BY_EVENT[ctx.eventName]),
      patient_pseudonym: str(p, 'patientPseudonym'),
      requester_msp_id: str(p, 'requesterMspId'),
      requester_role: str(p, 'requesterRole'),
      purpose: str(p, 'purpose'),
      scope: scope ? JSON.stringify(scope) : null,
      period_start: str(p, 'periodStart'),
      period_end: str(p, 'periodEnd'),
      requested_at: ctx.eventName === 'medfabric.consent.requested' ? ctx.timestamp : null,
      updated_at: ctx.timestamp,
      last_event: ctx.eventName,
      last_tx_id: ctx.txId,
      block_number: ctx.blockNumber,
      tx_index: ctx.txIndex,
    });
    return true;
  }

  private projectAccess(ctx: EventContext): boolean {
    const p = ctx.payload;
    const disclosureId = first(str(p, 'disclosureId'), ctx.txId);
    const alert = obj(p, 'alert');
    this.access.run({
      disclosure_id: disclosureId,
      record_id: str(p, 'recordId'),
      record_version: int(p, 'recordVersion'),
      patient_pseudonym: str(p, 'patientPseudonym'),
      hospital_msp_id: str(p, 'hospitalMspId'),
      accessor_msp_id: str(p, 'accessorMspId'),
      accessor_role: str(p, 'accessorRole'),
      purpose: str(p, 'purpose'),
      basis: first(str(p, 'basis'), ctx.eventName === 'medfabric.access.emergency' ? 'emergency' : null),
      consent_id: str(p, 'consentId'),
      alert_id: str(alert, 'alertId'),
      event_name: ctx.eventName,
      tx_id: ctx.txId,
      block_number: ctx.blockNumber,
      tx_index: ctx.txIndex,
      accessed_at: ctx.timestamp,
    });
    if (alert) {
      this.projectAlerts(ctx, [alert], {
        record_id: str(p, 'recordId'),
        patient_pseudonym: str(p, 'patientPseudonym'),
        hospital_msp_id: str(p, 'hospitalMspId'),
      });
    }
    return true;
  }

  /**
   * medfabric.claim.* (EVENTS.md part 2): the claim members at the top level (or under `claim`), plus
   * `alerts` (filing), `adjudication`, `settlement` and `alert` (FUND_SHORT) as the event carries them.
   */
  private projectClaim(ctx: EventContext): boolean {
    const p = ctx.payload;
    const claim = obj(p, 'claim') ?? p;
    const claimId = first(str(claim, 'claimId'), str(p, 'claimId'));
    if (claimId === null) return false;
    const adjudication = first(obj(p, 'adjudication'), obj(claim, 'adjudication'));
    const outcome = str(adjudication, 'outcome');
    const settlement = first(obj(p, 'settlement'), obj(claim, 'settlement'));
    const paid = ctx.eventName === 'medfabric.claim.paid';
    const payable = ctx.eventName === 'medfabric.claim.payable';
    // FileClaim emits claim.filed, or claim.held when a rule raised a hold alert.
    const filing = ctx.eventName === 'medfabric.claim.filed' || ctx.eventName === 'medfabric.claim.held';
    const settledAt = paid ? first(str(settlement, 'settledAt'), ctx.timestamp) : null;
    const hospital = str(claim, 'hospitalMspId');
    const insurer = str(claim, 'insurerMspId');
    this.writeClaim(ctx, claimId, claim, {
      status: CLAIM_STATUS_BY_EVENT[ctx.eventName] ?? null,
      filedAt: filing ? first(str(claim, 'filedAt'), ctx.timestamp) : str(claim, 'filedAt'),
      filedTxId: filing ? ctx.txId : null,
      adjudicatedAt: outcome !== null ? first(str(adjudication, 'adjudicatedAt'), ctx.timestamp) : null,
      paidAt: settledAt,
      totalBenefit: adjudication?.totalBenefit,
      reasonCode: first(str(adjudication, 'reasonCode'), str(p, 'reasonCode')),
    });

    // A claim is adjudicated once; SettleClaim's claim.paid repeats the adjudication: keep the first.
    if (adjudication && outcome !== null) {
      const total = amountOf(adjudication.totalBenefit);
      this.adjudication.run({
        block_number: ctx.blockNumber,
        tx_index: ctx.txIndex,
        tx_id: ctx.txId,
        claim_id: claimId,
        outcome,
        covered: bool(adjudication, 'covered'),
        reason_code: str(adjudication, 'reasonCode'),
        total_submitted: amountOf(adjudication.totalSubmitted).text,
        total_eligible: amountOf(adjudication.totalEligible).text,
        total_deductible: amountOf(adjudication.totalDeductible).text,
        total_copay: amountOf(adjudication.totalCopay).text,
        total_over_limit: amountOf(adjudication.totalOverLimit).text,
        total_benefit: total.text,
        total_benefit_minor: total.minor,
        adjudicated_at: first(str(adjudication, 'adjudicatedAt'), ctx.timestamp),
        adjudicator_msp_id: first(str(adjudication, 'adjudicatorMspId'), str(p, 'adjudicatorMspId'), insurer),
      });
    }

    // One payment per claim: payable (owed, fund short) until SettleClaim pays it.
    if (paid || payable) {
      const amount = amountOf(
        first(settlement?.amount, p.amount, adjudication?.totalBenefit, claim.totalBenefit),
      );
      const entryId = first(str(settlement, 'entryId'), str(p, 'entryId'));
      this.payment.run({
        payment_id: claimId,
        claim_id: claimId,
        status: paid ? 'paid' : 'payable',
        amount: amount.text,
        amount_minor: amount.minor,
        hospital_msp_id: hospital,
        insurer_msp_id: insurer,
        entry_id: entryId,
        settled_at: settledAt,
        settled_month: monthOf(settledAt),
        tx_id: ctx.txId,
        block_number: ctx.blockNumber,
        tx_index: ctx.txIndex,
      });
      if (paid && entryId !== null) {
        this.projectFund(
          ctx,
          {
            entryId,
            kind: 'settlement',
            amount: amount.text,
            insurerMspId: insurer,
            hospitalMspId: hospital,
            claimId,
            debitAccount: first(str(settlement, 'debitAccount'), insurer),
            creditAccount: first(str(settlement, 'creditAccount'), hospital),
            postedAt: settledAt,
          },
          claimId,
        );
      }
    }
    this.projectAlerts(ctx, alertsIn(p, false), {
      claim_id: claimId,
      patient_pseudonym: str(claim, 'patientPseudonym'),
      hospital_msp_id: hospital,
      insurer_msp_id: insurer,
    });
    return true;
  }

  /**
   * medfabric.claims.adjudicated (AdjudicateClaims): Fabric keeps one event per transaction, so each
   * entry of `claims` is the event its claim's own AdjudicateClaim would have emitted, named by
   * `event`. Each is projected as that event in this transaction; malformed entries are skipped.
   */
  private projectClaimBatch(ctx: EventContext): boolean {
    const entries = ctx.payload.claims;
    if (!Array.isArray(entries)) return false;
    let projected = false;
    for (const entry of entries) {
      if (!isRecord(entry)) continue;
      const eventName = str(entry, 'event');
      if (eventName === null || !ADJUDICATION_EVENTS.has(eventName)) continue;
      const payload = { ...entry };
      delete payload.event;
      if (this.projectClaim({ ...ctx, eventName, payload })) projected = true;
    }
    return projected;
  }

  /** Upserts a claim row: what the event says, keeping stored values for members it does not carry. */
  private writeClaim(
    ctx: EventContext,
    claimId: string,
    claim: Record<string, unknown>,
    derived: {
      status: string | null;
      filedAt?: string | null;
      filedTxId?: string | null;
      adjudicatedAt?: string | null;
      paidAt?: string | null;
      totalBenefit?: unknown;
      reasonCode?: string | null;
    },
  ): void {
    const submitted = amountOf(first(claim.totalSubmitted, claim.total));
    const benefit = amountOf(first(claim.totalBenefit, derived.totalBenefit));
    const items = claim.items;
    const filedAt = derived.filedAt ?? null;
    this.claim.run({
      claim_id: claimId,
      record_id: str(claim, 'recordId'),
      patient_pseudonym: str(claim, 'patientPseudonym'),
      hospital_msp_id: str(claim, 'hospitalMspId'),
      insurer_msp_id: str(claim, 'insurerMspId'),
      policy_id: str(claim, 'policyId'),
      product_id: str(claim, 'productId'),
      status: first(str(claim, 'status'), str(claim, 'claimStatus'), derived.status),
      reason_code: derived.reasonCode ?? null,
      item_count: first(int(claim, 'itemCount'), Array.isArray(items) ? items.length : null),
      total_submitted: submitted.text,
      total_submitted_minor: submitted.minor,
      total_benefit: benefit.text,
      total_benefit_minor: benefit.minor,
      filed_at: filedAt,
      filed_month: monthOf(filedAt),
      adjudicated_at: derived.adjudicatedAt ?? null,
      paid_at: derived.paidAt ?? null,
      updated_at: ctx.timestamp,
      filed_tx_id: derived.filedTxId ?? null,
      last_event: ctx.eventName,
      last_tx_id: ctx.txId,
      block_number: ctx.blockNumber,
      tx_index: ctx.txIndex,
    });
  }

  /**
   * medfabric.alert.raised `{ alert, claimId, claimStatus, hospitalMspId, insurerMspId }` and
   * alert.cleared/confirmed `{ alertId, ruleId, severity, status, claimId, claimReleased, claim }`:
   * the alert, and the claim's new status when the event carries it.
   */
  private projectAlertEvent(ctx: EventContext): boolean {
    const p = ctx.payload;
    const claimId = str(p, 'claimId');
    const projected = this.projectAlerts(ctx, alertsIn(p, true), {
      claim_id: claimId,
      hospital_msp_id: str(p, 'hospitalMspId'),
      insurer_msp_id: str(p, 'insurerMspId'),
    });
    const claim = obj(p, 'claim');
    if (claim && (str(claim, 'claimId') ?? claimId) !== null) {
      this.writeClaim(ctx, str(claim, 'claimId') ?? claimId ?? '', claim, { status: null });
    } else if (claimId !== null && str(p, 'claimStatus') !== null) {
      this.writeClaim(ctx, claimId, { claimStatus: str(p, 'claimStatus') }, { status: null });
    }
    return projected;
  }

  private projectAlerts(
    ctx: EventContext,
    alerts: Array<Record<string, unknown>>,
    defaults: Row | null,
  ): boolean {
    let projected = false;
    for (const alert of alerts) {
      const alertId = str(alert, 'alertId');
      if (alertId === null) continue;
      const resolving =
        ctx.eventName === 'medfabric.alert.cleared' || ctx.eventName === 'medfabric.alert.confirmed';
      this.alert.run({
        alert_id: alertId,
        kind: first(str(alert, 'kind'), str(alert, 'ruleId') !== null ? 'supervision' : null),
        // Break-glass alerts have no rule id: their kind stands in, so dashboards group them too.
        rule_id: first(str(alert, 'ruleId'), str(alert, 'kind')),
        severity: str(alert, 'severity'),
        status: first(str(alert, 'status'), ALERT_STATUS_BY_EVENT[ctx.eventName], 'open'),
        claim_id: first(str(alert, 'claimId'), defaults?.claim_id as string | null | undefined),
        record_id: first(str(alert, 'recordId'), defaults?.record_id as string | null | undefined),
        patient_pseudonym: first(
          str(alert, 'patientPseudonym'),
          defaults?.patient_pseudonym as string | null | undefined,
        ),
        hospital_msp_id: first(
          str(alert, 'hospitalMspId'),
          defaults?.hospital_msp_id as string | null | undefined,
        ),
        insurer_msp_id: first(
          str(alert, 'insurerMspId'),
          defaults?.insurer_msp_id as string | null | undefined,
        ),
        regulator_msp_id: str(alert, 'regulatorMspId'),
        params_version: int(alert, 'paramsVersion'),
        raised_at: first(str(alert, 'raisedAt'), resolving ? null : ctx.timestamp),
        resolved_at: first(str(alert, 'resolvedAt'), resolving ? ctx.timestamp : null),
        raised_tx_id: resolving ? null : ctx.txId,
        last_event: ctx.eventName,
        last_tx_id: ctx.txId,
        block_number: ctx.blockNumber,
        tx_index: ctx.txIndex,
      });
      projected = true;
    }
    return projected;
  }

  private projectFund(ctx: EventContext, p: Record<string, unknown>, claimId: string | null): boolean {
    const amount = amountOf(p.amount);
    if (amount.text === null) return false;
    const kind = first(
      str(p, 'kind'),
      ctx.eventName === 'medfabric.fund.deposited' ? 'deposit' : ctx.eventName.split('.').pop(),
    );
    const insurer = str(p, 'insurerMspId');
    this.fund.run({
      entry_id: first(str(p, 'entryId'), `${ctx.txId}:0`),
      kind,
      debit_account: first(str(p, 'debitAccount'), kind === 'deposit' ? insurer : null),
      credit_account: first(
        str(p, 'creditAccount'),
        kind === 'deposit' && insurer !== null ? `external.${insurer}` : null,
      ),
      insurer_msp_id: insurer,
      hospital_msp_id: str(p, 'hospitalMspId'),
      claim_id: first(str(p, 'claimId'), claimId),
      amount: amount.text,
      amount_minor: amount.minor,
      balance: amountOf(p.balance).text,
      posted_at: first(str(p, 'postedAt'), ctx.timestamp),
      event_name: ctx.eventName,
      tx_id: ctx.txId,
      block_number: ctx.blockNumber,
      tx_index: ctx.txIndex,
    });
    return true;
  }
}

/** The alert objects of a payload: `alerts: [...]`, `alert: {...}`, or (for alert events) the payload itself. */
function alertsIn(payload: Record<string, unknown>, selfIfAlert: boolean): Array<Record<string, unknown>> {
  const list = payload.alerts;
  if (Array.isArray(list)) return list.filter(isRecord);
  const single = obj(payload, 'alert');
  if (single) return [single];
  return selfIfAlert && str(payload, 'alertId') !== null ? [payload] : [];
}
