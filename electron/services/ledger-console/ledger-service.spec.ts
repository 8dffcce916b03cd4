import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { common } from '@hyperledger/fabric-protos';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { BlockSource, BlockStream } from '../ledger/block-indexer';
import { blockHeaderHash } from '../ledger/block-hash';
import type { AuditReport as LedgerAuditReport } from '../ledger/integrity-audit';
import { protoFromRawBlock, toHex, type RawBlock } from '../ledger/raw-block';
import { medfabricChain, type MedfabricChain } from '../ledger/spec-fixtures';
import type { NodeTopology } from '../runtime/profile';
import type { NodeState, NodeStatus, OrgRole, RuntimeEvents } from '../runtime/types';
import { LedgerService, type LedgerHost, type LedgerRuntime } from './ledger-service';
import type { AuditReport, LedgerBlockEvent } from './types';

let fixture: MedfabricChain;
let root: string;
beforeAll(async () => {
  fixture = await medfabricChain();
  root = await mkdtemp(path.join(tmpdir(), 'medfabric-ledger-service-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Replays the fixture chain from the start block, then waits until closed. */
function fixtureSource(blocks: RawBlock[]): BlockSource {
  return {
    description: 'fixture peer',
    async open(startBlock): Promise<BlockStream> {
      let closed = false;
      let wake: (() => void) | undefined;
      let next = Number(startBlock);
      return {
        close: () => {
          closed = true;
          wake?.();
        },
        [Symbol.asyncIterator]: () => ({
          next: async (): Promise<IteratorResult<common.Block>> => {
            const block = blocks[next];
            if (!closed && block) {
              next++;
              return { value: protoFromRawBlock(block), done: false };
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
              if (closed) resolve();
            });
            throw new Error('CANCELLED: stream closed');
          },
        }),
      };
    },
  };
}

const ORGS: Array<{ mspId: string; role: OrgRole; peer: string }> = [
  { mspId: 'HospitalMSP', role: 'hospital', peer: 'peer0.hospital' },
  { mspId: 'InsurerMSP', role: 'insurer', peer: 'peer0.insurer' },
  { mspId: 'RegulatorMSP', role: 'regulator', peer: 'peer0.regulator' },
  { mspId: 'OrdererMSP', role: 'orderer', peer: '' },
];

class FakeHost implements LedgerHost {
  readonly events = new EventEmitter();
  readonly states = new Map<string, NodeState>();
  acting = ORGS[0] as (typeof ORGS)[number];
  readonly runtime: LedgerRuntime;

  constructor(dir: string, blocks: RawBlock[]) {
    const peers = ORGS.filter((o) => o.peer).map(
      (o) => ({ id: o.peer, kind: 'peer', org: { mspId: o.mspId } }) as unknown as NodeTopology,
    );
    for (const peer of peers) this.states.set(peer.id, 'running');
    const last = blocks[blocks.length - 1] as RawBlock;
    this.runtime = {
      channel: 'medchannel',
      layout: { root: dir },
      topology: { peers } as unknown as LedgerRuntime['topology'],
      process: (id: string) => {
        const state = this.states.get(id);
        return state ? { status: () => ({ id, state }) as NodeStatus } : undefined;
      },
      gateway: () => {
        throw new Error('not used: the spec injects the block source');
      },
      peerAdminClient: () =>
        ({
          chainInfo: async () => ({
            height: blocks.length,
            currentBlockHash: toHex(blockHeaderHash(last.number, last.previousHash, last.dataHash)),
            previousBlockHash: '',
          }),
          getBlockByNumber: async (_channel: string, n: number) => {
            const block = blocks[n];
            if (!block) throw new Error(`no block ${n}`);
            return protoFromRawBlock(block).serializeBinary();
          },
          close: () => undefined,
        }) as unknown as ReturnType<LedgerRuntime['peerAdminClient']>,
    };
  }

  context() {
    return { acting: { mspId: this.acting.mspId, role: this.acting.role } };
  }

  readonly controller = {
    on: <E extends keyof RuntimeEvents>(event: E, listener: (payload: RuntimeEvents[E]) => void) => {
      this.events.on(event, listener);
      return { dispose: () => this.events.off(event, listener) };
    },
  };

  actAs(mspId: string): void {
    this.acting = ORGS.find((o) => o.mspId === mspId) as (typeof ORGS)[number];
  }

  setState(peer: string, state: NodeState): void {
    this.states.set(peer, state);
    this.events.emit('node-state', { id: peer, state } as NodeStatus);
  }
}

const services: LedgerService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.dispose();
});

async function started(
  name: string,
): Promise<{ host: FakeHost; ledger: LedgerService; blocks: LedgerBlockEvent[] }> {
  const host = new FakeHost(path.join(root, name), fixture.chain.blocks);
  const ledger = new LedgerService(host, { blockSource: () => fixtureSource(fixture.chain.blocks) });
  services.push(ledger);
  const blocks: LedgerBlockEvent[] = [];
  ledger.onBlock((event) => blocks.push(event));
  ledger.attach();
  await ledger.waitForHeight(fixture.chain.height, 10_000);
  return { host, ledger, blocks };
}

function today(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
const RANGE = { from: today(-3), to: today(3) };

describe('LedgerService', () => {
  it("keeps the audit report type in step with the integrity audit's", () => {
    expectTypeOf<AuditReport>().toEqualTypeOf<LedgerAuditReport>();
  });

  it("indexes the acting org's peer into <stateDir>/index/<peer>-<channel>.sqlite and pushes ledger:block", async () => {
    const { ledger, blocks } = await started('follow');
    expect(existsSync(path.join(root, 'follow', 'index', 'peer0.hospital-medchannel.sqlite'))).toBe(true);
    expect(blocks.map((b) => b.height)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(blocks[5]).toMatchObject({ channel: 'medchannel', peerId: 'peer0.hospital', number: 5 });
    expect(await ledger.status()).toMatchObject({
      peerId: 'peer0.hospital',
      mspId: 'HospitalMSP',
      state: 'following',
      indexedHeight: 6,
      peerHeight: 6,
      lastError: null,
    });
  });

  it('stops following when the peer stops, resumes from the checkpoint when it runs again', async () => {
    const { host, ledger } = await started('pause');
    host.setState('peer0.hospital', 'stopped');
    await vi.waitFor(async () =>
      expect(await ledger.status()).toMatchObject({ state: 'stopped', indexedHeight: 6, peerHeight: null }),
    );
    // Read while the network is down: the index, never the ledger.
    expect((await ledger.blocks({ limit: 2 })).blocks.map((b) => b.number)).toEqual([5, 4]);
    host.setState('peer0.hospital', 'running');
    await vi.waitFor(async () => expect((await ledger.status()).state).toBe('following'));
  });

  it('pages blocks newest first and details blocks and transactions', async () => {
    const { ledger } = await started('browse');
    const first = await ledger.blocks({ limit: 4 });
    expect(first.blocks.map((b) => b.number)).toEqual([5, 4, 3, 2]);
    expect(first.nextBefore).toBe(2);
    const second = await ledger.blocks({ before: 2, limit: 4 });
    expect(second.blocks.map((b) => b.number)).toEqual([1, 0]);
    expect(second.nextBefore).toBeNull();
    const block4 = await ledger.block(4);
    expect(block4.transactions.map((t) => t.validationName)).toEqual([
      'VALID',
      'MVCC_READ_CONFLICT',
      'VALID',
    ]);
    await expect(ledger.block(99)).rejects.toMatchObject({ code: 'not-found' });

    const filing = block4.transactions[2];
    const detail = await ledger.transaction(filing?.txId ?? '');
    expect(detail).toMatchObject({
      functionName: 'Claims:FileClaim',
      creatorMspId: 'HospitalMSP',
      valid: true,
    });
    expect([...detail.endorserMspIds].sort()).toEqual(['HospitalMSP', 'RegulatorMSP']);
    expect(detail.readKeys[0]?.key).toBe('␀medfabric.member␀HospitalMSP␀');
    expect(detail.event?.name).toBe('medfabric.claim.held');
    expect(detail.event?.payload).toMatchObject({ claimId: 'claim-1' });
    // The insurer's deposit does not concern the hospital: hash only.
    const deposit = await ledger.transaction(block4.transactions[0]?.txId ?? '');
    expect(deposit.event?.payload).toBeNull();
    expect(deposit.event?.withheld).toMatch(/HospitalMSP sees its hash only/);
    await expect(ledger.transaction('0'.repeat(64))).rejects.toMatchObject({ code: 'not-found' });
  });

  it('searches by block number, transaction id, claim id and record id within the role', async () => {
    const { host, ledger } = await started('search');
    expect((await ledger.search('3')).matches).toEqual([{ kind: 'block', blockNumber: 3, label: 'Block 3' }]);
    const tx = fixture.invalidTxId;
    expect((await ledger.search(tx.slice(0, 12))).matches[0]).toMatchObject({
      kind: 'transaction',
      txId: tx,
      blockNumber: 4,
    });
    expect((await ledger.search('claim-1')).matches).toEqual([
      expect.objectContaining({ kind: 'claim', claimId: 'claim-1' }),
    ]);
    expect((await ledger.search('claim')).matches.map((m) => m.kind === 'claim' && m.claimId)).toEqual([
      'claim-1',
      'claim-2',
      'claim-3',
    ]);
    expect((await ledger.search('rec-1')).matches).toEqual([
      expect.objectContaining({ kind: 'record', recordId: 'rec-1', blockNumber: 2 }),
    ]);
    expect((await ledger.search('no-such-thing')).matches).toEqual([]);
    host.actAs('InsurerMSP');
    await ledger.waitForHeight(6, 10_000);
    expect((await ledger.search('claim-2')).matches).toHaveLength(1);
  });

  it('serves each role its own dashboard only, and switches to the acting org’s peer index', async () => {
    const { host, ledger } = await started('roles');
    const hospital = await ledger.dashboard('hospital', RANGE);
    const figure = (view: typeof hospital, id: string) => view.figures.find((f) => f.id === id)?.value;
    expect(figure(hospital, 'encounters')).toBe(1);
    expect(figure(hospital, 'accesses')).toBe(2);
    expect(figure(hospital, 'emergency-accesses')).toBe(1);
    expect(figure(hospital, 'claims-filed')).toBe(3);
    expect(hospital.tables.find((t) => t.id === 'consents-by-status')?.rows).toEqual([
      { cells: { status: 'active', requests: 1 } },
    ]);
    expect(hospital.tables.find((t) => t.id === 'accesses-by-org')?.rows.map((r) => r.cells)).toEqual([
      { accessor: 'HospitalMSP', purpose: 'treatment', basis: 'emergency', accesses: 1 },
      { accessor: 'InsurerMSP', purpose: 'payment', basis: 'consent', accesses: 1 },
    ]);
    await expect(ledger.dashboard('regulator', RANGE)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(
        /acts as HospitalMSP \(hospital\); the regulator dashboard is for the regulator/,
      ),
    });
    await expect(ledger.dashboard('insurer', RANGE)).rejects.toMatchObject({ code: 'forbidden' });

    host.actAs('InsurerMSP');
    await ledger.waitForHeight(6, 10_000);
    expect((await ledger.status()).indexFile).toBe(
      path.join(root, 'roles', 'index', 'peer0.insurer-medchannel.sqlite'),
    );
    const insurer = await ledger.dashboard('insurer', RANGE);
    expect(
      insurer.tables.find((t) => t.id === 'claim-funnel')?.rows.map((r) => [r.cells.stage, r.cells.claims]),
    ).toEqual([
      ['Filed', 3],
      ['Held for review', 2],
      ['Approved', 2],
      ['Denied', 1],
      ['Paid', 2],
    ]);
    expect(figure(insurer, 'automatic-rate')).toBeCloseTo(1 / 3);
    expect(figure(insurer, 'fund-balance')).toBe(1_000_000 - 40_000 - 30_000);
    expect(figure(insurer, 'payment-p50')).toEqual(expect.any(Number));
    expect(figure(insurer, 'review-queue')).toBe(0);

    host.actAs('RegulatorMSP');
    await ledger.waitForHeight(6, 10_000);
    const regulator = await ledger.dashboard('regulator', RANGE);
    expect(figure(regulator, 'fund-invariant')).toBe('holds');
    expect(figure(regulator, 'paid')).toBe(70_000);
    expect(regulator.tables.find((t) => t.id === 'fund-invariant')?.rows[0]?.cells).toMatchObject({
      insurer: 'InsurerMSP',
      deposits: 1_000_000,
      settlements: 70_000,
      computedBalance: 930_000,
      status: 'ok',
    });
    const byRule = regulator.tables.find((t) => t.id === 'alerts-by-rule');
    expect(byRule?.rows.map((r) => `${r.cells.rule}:${r.cells.severity}`).sort()).toEqual([
      'FUND_SHORT:warn',
      'R1:hold',
      'R7:hold',
      'emergency-access:high',
    ]);
    expect(regulator.notes.join(' ')).toMatch(/R12: 1 hospital/);

    host.actAs('OrdererMSP');
    await expect(ledger.dashboard('regulator', RANGE)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('drills down from a figure to its claims and from a claim to its alerts, evidence and transactions', async () => {
    const { host, ledger } = await started('drill');
    host.actAs('RegulatorMSP');
    await ledger.waitForHeight(6, 10_000);
    const held = await ledger.claims({ stage: 'held' }, RANGE);
    expect(held.rows.map((r) => r.cells.claim)).toEqual(['claim-1', 'claim-3']);
    const r7 = await ledger.claims({ ruleId: 'R7', severity: 'hold' }, RANGE);
    expect(r7.rows.map((r) => r.cells.claim)).toEqual(['claim-3']);
    const trail = await ledger.claim('claim-1');
    expect(trail.alerts).toEqual([
      expect.objectContaining({
        alert_id: 'claim-1:R1:0',
        status: 'cleared',
        evidence: { claims: ['claim-0'] },
      }),
    ]);
    expect(trail.transactions.map((t) => t.functionName)).toEqual([
      'Claims:FileClaim',
      'Supervision:ClearAlert',
      'Claims:AdjudicateClaim',
    ]);
    expect(trail.transactions[0]?.blockNumber).toBe(4);
    host.actAs('InsurerMSP');
    await ledger.waitForHeight(6, 10_000);
    expect((await ledger.claim('claim-2')).claimId).toBe('claim-2');
    await expect(ledger.claim('nope')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('exports exactly the rows a dashboard table shows as CSV', async () => {
    const { host, ledger } = await started('csv');
    host.actAs('RegulatorMSP');
    await ledger.waitForHeight(6, 10_000);
    const view = await ledger.dashboard('regulator', RANGE);
    const shown = view.tables.find((t) => t.id === 'alerts-by-rule');
    const csv = await ledger.exportCsv({ dashboard: 'regulator', table: 'alerts-by-rule', ...RANGE });
    expect(csv.fileName).toBe(`regulator-alerts-by-rule-${RANGE.from}-to-${RANGE.to}.csv`);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Month,Rule,Severity,Alerts,Open');
    expect(lines.slice(1)).toEqual(
      shown?.rows.map((r) =>
        [r.cells.month, r.cells.rule, r.cells.severity, r.cells.alerts, r.cells.open].join(','),
      ),
    );
    expect(csv.rows).toBe(shown?.rows.length);
    await expect(ledger.exportCsv({ dashboard: 'regulator', table: 'nope', ...RANGE })).rejects.toMatchObject(
      {
        code: 'not-found',
      },
    );
    await expect(
      ledger.exportCsv({ dashboard: 'hospital', table: 'encounters-per-day', ...RANGE }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('audits the live chain of its peer and offers the report as JSON and HTML', async () => {
    const { host, ledger } = await started('audit');
    expect(() => ledger.auditReport()).toThrow(/no audit has run/);
    const { report, blocksShown } = await ledger.runAudit();
    expect(report).toMatchObject({ ok: true, channel: 'medchannel' });
    expect(report.summary).toMatchObject({ blocks: 6, errors: 0 });
    expect(blocksShown).toBe(6);
    const download = ledger.auditReport();
    expect(JSON.parse(download.json)).toMatchObject({ format: 'medfabric-ledger-audit', ok: true });
    expect(download.html).toMatch(/<html/);
    expect(download.baseName).toMatch(/^ledger-audit-medchannel-/);
    host.setState('peer0.hospital', 'stopped');
    await expect(ledger.runAudit()).rejects.toMatchObject({ code: 'unavailable' });
  });
});
