import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlock, type DecodedBlock } from './block-decoder';
import { LedgerIndex, LedgerIndexError, scrubPayload } from './ledger-index';
import type { RawBlock } from './raw-block';
import { LEDGER_TABLES } from './schema';
import {
  adjudicationBody,
  claimBody,
  event,
  INSURER,
  medfabricChain,
  medfabricTx,
  type MedfabricChain,
} from './spec-fixtures';
import { syntheticTxId } from './synthetic-blocks';

let fixture: MedfabricChain;
let decoded: DecodedBlock[];
let dir: string;
beforeAll(async () => {
  fixture = await medfabricChain();
  decoded = fixture.chain.blocks.map((block: RawBlock) => decodeBlock(block));
  dir = await mkdtemp(path.join(tmpdir(), 'medfabric-index-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fullIndex(file = ':memory:'): LedgerIndex {
  const index = LedgerIndex.open(file, { channel: 'medchannel' });
  for (const block of decoded) index.applyBlock(block);
  return index;
}

function dumpAll(index: LedgerIndex): Record<string, unknown[]> {
  return Object.fromEntries(LEDGER_TABLES.map((table) => [table, index.dumpTable(table)]));
}

describe('LedgerIndex', () => {
  it('indexes blocks, transactions, config and events, and projects the domain tables', () => {
    const index = fullIndex();
    try {
      expect(index.checkpoint()).toMatchObject({
        channel: 'medchannel',
        nextBlock: 6,
        lastBlockHash: decoded[5]?.headerHash,
      });
      expect(index.counts()).toEqual({
        blocks: 6,
        transactions: 1 + 2 + 2 + 3 + 3 + 11,
        config_blocks: 1,
        // Every VALID transaction with an event: Ping has none, the MVCC-conflicted filing is excluded.
        chaincode_events: 2 + 2 + 3 + 2 + 10,
        members: 2,
        records: 1,
        consents: 1,
        access_events: 2,
        claims: 3,
        adjudications: 2,
        payments: 2,
        alerts: 4,
        fund_transfers: 3,
      });
      const block4 = index.block(4);
      expect(block4?.block).toMatchObject({ tx_count: 3, valid_tx_count: 2, is_config: 0 });
      expect(block4?.transactions.map((t) => [t.validation_name, t.function_name, t.is_valid])).toEqual([
        ['VALID', 'Insurance:DepositFunds', 1],
        ['MVCC_READ_CONFLICT', 'Claims:FileClaim', 0],
        ['VALID', 'Claims:FileClaim', 1],
      ]);
      expect(index.transactionsById(fixture.invalidTxId)[0]).toMatchObject({
        validation_code: 11,
        event_name: 'medfabric.claim.filed',
      });
      expect(index.db.prepare("SELECT COUNT(*) AS n FROM claims WHERE claim_id = 'claim-X'").get()).toEqual({
        n: 0,
      });

      expect(index.dumpTable('members')).toMatchObject([
        { msp_id: 'HospitalMSP', kind: 'hospital', display_name: 'HospitalOrg' },
        { msp_id: 'RegulatorMSP', kind: 'regulator' },
      ]);
      expect(index.dumpTable('consents')).toMatchObject([
        { consent_id: 'consent-1', status: 'active', requester_msp_id: 'InsurerMSP', purpose: 'payment' },
      ]);
      expect(index.dumpTable('records')).toMatchObject([
        { record_id: 'rec-1', patient_pseudonym: 'pp-1', encounter_type: 'inpatient', version: 1 },
      ]);
      expect(index.dumpTable('access_events')).toMatchObject([
        { disclosure_id: 'd-1', basis: 'consent', consent_id: 'consent-1', alert_id: null },
        { disclosure_id: 'd-2', basis: 'emergency', alert_id: 'alert-e1' },
      ]);
      expect(index.dumpTable('claims')).toMatchObject([
        {
          claim_id: 'claim-1',
          status: 'paid',
          hospital_msp_id: 'HospitalMSP',
          insurer_msp_id: 'InsurerMSP',
          item_count: 2,
          total_submitted: '50000',
          total_submitted_minor: 50000,
          total_benefit_minor: 40000,
          filed_at: expect.any(String),
          filed_month: expect.stringMatching(/^\d{4}-\d{2}$/),
          adjudicated_at: expect.any(String),
          paid_at: expect.any(String),
          last_event: 'medfabric.claim.paid',
        },
        { claim_id: 'claim-2', status: 'paid', total_benefit_minor: 30000, paid_at: expect.any(String) },
        {
          claim_id: 'claim-3',
          status: 'denied',
          reason_code: 'SUPERVISION_DENIED',
          adjudicated_at: null,
          paid_at: null,
        },
      ]);
      const claims = index.dumpTable('claims') as Array<{
        filed_tx_id: string | null;
        filed_at: string | null;
      }>;
      expect(claims.every((c) => c.filed_tx_id !== null && c.filed_at !== null)).toBe(true);
      // SettleClaim repeats claim-2's adjudication: it stays the one from AdjudicateClaim.
      expect(index.dumpTable('adjudications')).toMatchObject([
        { claim_id: 'claim-1', outcome: 'approved', covered: 1, total_benefit: '40000' },
        { claim_id: 'claim-2', outcome: 'approved', total_benefit_minor: 30000 },
      ]);
      expect(index.claimTrail('claim-2').adjudications).toMatchObject([
        {
          tx_id: index
            .claimTrail('claim-2')
            .transactions.find((t) => t.function_name === 'Claims:AdjudicateClaim')?.tx_id,
        },
      ]);
      // claim-2 was payable (fund short), then settled: one payment row, now paid.
      expect(index.dumpTable('payments')).toMatchObject([
        {
          payment_id: 'claim-1',
          status: 'paid',
          amount_minor: 40000,
          entry_id: 'settle-1:0',
          settled_at: expect.any(String),
        },
        { payment_id: 'claim-2', status: 'paid', amount_minor: 30000, entry_id: 'settle-2:0' },
      ]);
      expect(index.dumpTable('alerts')).toMatchObject([
        {
          alert_id: 'alert-e1',
          kind: 'emergency-access',
          rule_id: 'emergency-access',
          severity: 'high',
          status: 'open',
          patient_pseudonym: 'pp-1',
        },
        {
          alert_id: 'claim-1:R1:0',
          rule_id: 'R1',
          severity: 'hold',
          status: 'cleared',
          claim_id: 'claim-1',
          raised_at: expect.any(String),
          resolved_at: expect.any(String),
        },
        {
          alert_id: 'claim-2:FUND_SHORT:0',
          rule_id: 'FUND_SHORT',
          severity: 'warn',
          status: 'open',
          hospital_msp_id: 'HospitalMSP',
        },
        {
          alert_id: 'claim-3:R7:0',
          rule_id: 'R7',
          severity: 'hold',
          status: 'open',
          insurer_msp_id: 'InsurerMSP',
        },
      ]);
      expect(index.dumpTable('fund_transfers')).toMatchObject([
        {
          entry_id: 'dep-1:0',
          kind: 'deposit',
          debit_account: 'InsurerMSP',
          credit_account: 'external.InsurerMSP',
          amount_minor: 1000000,
        },
        {
          entry_id: 'settle-1:0',
          kind: 'settlement',
          debit_account: 'InsurerMSP',
          credit_account: 'HospitalMSP',
          claim_id: 'claim-1',
        },
        { entry_id: 'settle-2:0', kind: 'settlement', amount_minor: 30000, claim_id: 'claim-2' },
      ]);
      const events = index.dumpTable('chaincode_events') as Array<{
        event_name: string;
        projected: number;
        payload: string | null;
      }>;
      expect(events.filter((e) => e.projected === 0).map((e) => e.event_name)).toEqual([
        'medfabric.product.created',
        'probe.event',
      ]);
      expect(events.find((e) => e.event_name === 'probe.event')?.payload).toBeNull();
    } finally {
      index.close();
    }
  });

  it('projects each claim of an AdjudicateClaims batch event as its own event of that transaction', async () => {
    const batchChain = (await medfabricChain()).chain;
    const batchTxId = syntheticTxId('Claims:AdjudicateClaims batch');
    const at = '2025-03-02T10:00:00.000Z';
    // Each entry is the payload the claim's own AdjudicateClaim would have emitted (EVENTS.md).
    const entry = (name: string, body: Record<string, unknown>): unknown =>
      JSON.parse(event(name, body, batchTxId, at));
    const malformedOnlyTxId = syntheticTxId('Claims:AdjudicateClaims malformed');
    batchChain.append([
      medfabricTx('Claims:FileClaim', 'medfabric.claim.filed', {
        ...claimBody('claim-4', 'filed'),
        alerts: [],
      }).bytes,
      medfabricTx('Claims:FileClaim', 'medfabric.claim.filed', {
        ...claimBody('claim-5', 'filed'),
        alerts: [],
      }).bytes,
      medfabricTx(
        'Claims:AdjudicateClaims',
        'medfabric.claims.adjudicated',
        {
          claims: [
            entry('medfabric.claim.paid', {
              ...claimBody('claim-4', 'paid'),
              adjudication: adjudicationBody('40000'),
              settlement: { amount: '40000', entryId: `${batchTxId}:0`, settledAt: at, txId: batchTxId },
              alert: null,
            }),
            entry('medfabric.claim.denied', {
              ...claimBody('claim-5', 'denied'),
              adjudication: {
                ...adjudicationBody('0'),
                covered: false,
                outcome: 'denied',
                reasonCode: 'NOT_COVERED',
              },
              settlement: null,
              alert: null,
            }),
            // Skipped: not an object, no claim id, not an adjudication's event.
            42,
            { event: 'medfabric.claim.paid', adjudication: adjudicationBody('1') },
            entry('medfabric.claim.filed', claimBody('claim-9', 'filed')),
          ],
        },
        { creator: INSURER, txId: batchTxId },
      ).bytes,
      medfabricTx(
        'Claims:AdjudicateClaims',
        'medfabric.claims.adjudicated',
        { claims: [{ claimId: 'claim-10' }, 'claim-11'] },
        { creator: INSURER, txId: malformedOnlyTxId },
      ).bytes,
    ]);
    const index = LedgerIndex.open(':memory:', { channel: 'medchannel' });
    try {
      for (const block of batchChain.blocks) index.applyBlock(decodeBlock(block));
      expect(index.dumpTable('claims')).toMatchObject([
        { claim_id: 'claim-1' },
        { claim_id: 'claim-2' },
        { claim_id: 'claim-3' },
        {
          claim_id: 'claim-4',
          status: 'paid',
          total_benefit_minor: 40000,
          adjudicated_at: expect.any(String),
          paid_at: at,
          filed_tx_id: expect.any(String),
          last_event: 'medfabric.claim.paid',
          last_tx_id: batchTxId,
          block_number: 6,
          tx_index: 2,
        },
        {
          claim_id: 'claim-5',
          status: 'denied',
          reason_code: 'NOT_COVERED',
          paid_at: null,
          last_event: 'medfabric.claim.denied',
          last_tx_id: batchTxId,
        },
      ]);
      expect(index.dumpTable('adjudications').slice(2)).toMatchObject([
        {
          claim_id: 'claim-4',
          outcome: 'approved',
          covered: 1,
          total_benefit_minor: 40000,
          tx_id: batchTxId,
        },
        { claim_id: 'claim-5', outcome: 'denied', covered: 0, reason_code: 'NOT_COVERED', tx_id: batchTxId },
      ]);
      expect(index.dumpTable('payments').slice(2)).toMatchObject([
        { payment_id: 'claim-4', status: 'paid', amount_minor: 40000, entry_id: `${batchTxId}:0` },
      ]);
      const transfers = index.dumpTable('fund_transfers') as Array<{ claim_id: string | null }>;
      expect(transfers.filter((t) => t.claim_id === 'claim-4')).toMatchObject([
        {
          entry_id: `${batchTxId}:0`,
          kind: 'settlement',
          debit_account: 'InsurerMSP',
          credit_account: 'HospitalMSP',
          claim_id: 'claim-4',
          event_name: 'medfabric.claim.paid',
          tx_id: batchTxId,
        },
      ]);
      const batchEvents = (
        index.dumpTable('chaincode_events') as Array<{ tx_id: string; event_name: string; projected: number }>
      ).filter((e) => e.event_name === 'medfabric.claims.adjudicated');
      expect(batchEvents.map((e) => [e.tx_id, e.projected])).toEqual([
        [batchTxId, 1],
        [malformedOnlyTxId, 0],
      ]);
      expect(
        index
          .claimTrail('claim-4')
          .transactions.map((t) => [t.function_name, t.tx_id === batchTxId])
          .at(-1),
      ).toEqual(['Claims:AdjudicateClaims', true]);
    } finally {
      index.close();
    }
  });

  it('stores no argument, no free text and no certificate subject', () => {
    const index = fullIndex();
    try {
      const text = JSON.stringify(dumpAll(index));
      expect(text).not.toContain('argument-that-must-not-be-indexed');
      expect(text).not.toContain('must never be indexed');
      expect(text).not.toContain('free text');
      expect(text).not.toContain('BEGIN CERTIFICATE');
    } finally {
      index.close();
    }
    expect(scrubPayload({ a: { reason: 'x', keep: 1 }, list: [{ contentLocation: 'y' }] }, 'e')).toEqual({
      a: { keep: 1 },
      list: [{}],
    });
  });

  it('indexes a block exactly once: duplicates are skipped, gaps and chain breaks refused', () => {
    const index = LedgerIndex.open(':memory:', { channel: 'medchannel' });
    try {
      const [b0, b1, b2] = decoded;
      if (!b0 || !b1 || !b2) throw new Error('fixture');
      expect(index.applyBlock(b0)).toBe(true);
      expect(index.applyBlock(b0)).toBe(false);
      expect(() => index.applyBlock(b2)).toThrow(LedgerIndexError);
      expect(() => index.applyBlock({ ...b1, previousHash: '00'.repeat(32) })).toThrow(/previous_hash/);
      expect(index.applyBlock(b1)).toBe(true);
      expect(index.counts().blocks).toBe(2);
    } finally {
      index.close();
    }
  });

  it('rolls a failing block back completely: no partial rows, checkpoint unchanged', () => {
    const index = LedgerIndex.open(':memory:', { channel: 'medchannel' });
    try {
      const [b0, , , b3] = decoded;
      const b1 = decoded[1];
      if (!b0 || !b1 || !b3) throw new Error('fixture');
      index.applyBlock(b0);
      // Two transactions with the same index: the second insert fails after the block row, the first
      // transaction and its event and domain rows were written.
      const broken: DecodedBlock = {
        ...b1,
        transactions: [
          b1.transactions[0],
          { ...b1.transactions[1], index: 0 },
        ] as DecodedBlock['transactions'],
      };
      expect(() => index.applyBlock(broken)).toThrow();
      expect(index.counts()).toMatchObject({ blocks: 1, transactions: 1, chaincode_events: 0, members: 0 });
      expect(index.nextBlock).toBe(1);
      expect(index.applyBlock(b1)).toBe(true);
      expect(index.counts()).toMatchObject({ blocks: 2, members: 2 });
    } finally {
      index.close();
    }
  });

  it('resumes at its checkpoint after a reopen and ends with the same rows as one uninterrupted replay', () => {
    const file = path.join(dir, 'resume.sqlite');
    const first = LedgerIndex.open(file, { channel: 'medchannel' });
    for (const block of decoded.slice(0, 3)) first.applyBlock(block);
    first.close();
    const second = LedgerIndex.open(file, { channel: 'medchannel' });
    expect(second.nextBlock).toBe(3);
    // Redelivering from an earlier block is harmless.
    for (const block of decoded.slice(1)) second.applyBlock(block);
    const fresh = fullIndex();
    try {
      expect(dumpAll(second)).toEqual(dumpAll(fresh));
      expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      second.close();
      fresh.close();
    }
  });

  it('refuses another channel, and rebuilds an index written by another schema version', () => {
    const file = path.join(dir, 'schema.sqlite');
    fullIndex(file).close();
    expect(() => LedgerIndex.open(file, { channel: 'otherchannel' })).toThrow(/indexes channel medchannel/);
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    const rebuilt = LedgerIndex.open(file, { channel: 'medchannel' });
    try {
      expect(rebuilt.nextBlock).toBe(0);
      expect(rebuilt.counts().blocks).toBe(0);
    } finally {
      rebuilt.close();
    }
    const readonly = LedgerIndex.open(file, { channel: 'medchannel', readonly: true });
    try {
      expect(() => readonly.applyBlock(decoded[0] as DecodedBlock)).toThrow(/read-only/);
    } finally {
      readonly.close();
    }
  });

  it('answers the dashboard and drill-down queries', () => {
    const index = fullIndex();
    try {
      const month = (index.dumpTable('claims')[0] as { filed_month: string }).filed_month;
      expect(index.claimsPerHospitalPerMonth()).toEqual([
        { hospitalMspId: 'HospitalMSP', month, claims: 3, submittedMinor: 150000 },
      ]);
      expect(index.claimsPerHospitalPerMonth({ fromMonth: '9000-01' })).toEqual([]);
      expect(index.alertsByRuleAndSeverity()).toEqual([
        { ruleId: 'FUND_SHORT', severity: 'warn', alerts: 1, open: 1 },
        { ruleId: 'R1', severity: 'hold', alerts: 1, open: 0 },
        { ruleId: 'R7', severity: 'hold', alerts: 1, open: 1 },
        { ruleId: 'emergency-access', severity: 'high', alerts: 1, open: 1 },
      ]);
      expect(index.claimFunnel()).toEqual({
        filed: 3,
        adjudicated: 2,
        paid: 2,
        byStatus: { denied: 1, paid: 2 },
      });
      expect(index.spendingByInsurerPerMonth()).toEqual([
        { insurerMspId: 'InsurerMSP', month: expect.any(String), payments: 2, paidMinor: 70000 },
      ]);
      const trail = index.claimTrail('claim-1');
      expect(trail.transactions.map((t) => t.function_name)).toEqual([
        'Claims:FileClaim',
        'Supervision:ClearAlert',
        'Claims:AdjudicateClaim',
      ]);
      expect(index.listBlocks({ limit: 2 }).map((b) => b.number)).toEqual([5, 4]);
      expect(index.listBlocks({ before: 2 }).map((b) => b.number)).toEqual([1, 0]);
    } finally {
      index.close();
    }
  });
});
