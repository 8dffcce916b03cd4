// Ledger index and integrity audit against the real network: the index built from the hospital
// peer's block events matches the ledger; an indexer stopped while consuming and restarted loses and
// duplicates nothing (identical rows to a fresh replay from block 0); the live chain audits clean;
// a copy of the hospital peer's block file audits clean, and a flipped byte names its block.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningIdentity } from '../../electron/services/fabric/proposal';
import { retryWhileDiscovering } from '../../electron/services/gateway/gateway-client';
import {
  auditBlockFiles,
  auditPeerChain,
  LEDGER_TABLES,
  LedgerIndex,
  LedgerIndexer,
  peerBlockSource,
  readBlockFile,
  writeAuditReport,
} from '../../electron/services/ledger';
import type { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import type { NodeTopology } from '../../electron/services/runtime/profile';
import { attachRuntime, networkInfo, repoRoot } from './support/shared-network';
import { peerOrgOf } from '../../electron/services/medfabric/medfabric-client';

type Role = 'hospital' | 'insurer' | 'regulator';
const ROLES: readonly Role[] = ['hospital', 'insurer', 'regulator'];

let runtime: NetworkRuntime;
let workDir: string;
let hospitalPeer: NodeTopology;
let mainIndex: LedgerIndex;
const workload = { recordTxId: '', conflictTxId: '', markerTxId: '', ourTxIds: new Set<string>() };

function peerByRole(role: Role): NodeTopology {
  return runtime.firstPeerOf(peerOrgOf(runtime, role));
}

function mspOf(role: Role): string {
  return peerByRole(role).org.mspId;
}

interface Submitted {
  txId: string;
  code: number;
}

async function endorse(
  role: Role,
  contractName: string,
  fn: string,
  args: string[],
  options: {
    transient?: Record<string, string>;
    endorsingOrganizations?: string[];
    identity?: SigningIdentity;
  } = {},
) {
  const connection = runtime.gateway(peerByRole(role), options.identity);
  const contract = connection.gateway.getNetwork(runtime.channel).getContract('medfabric', contractName);
  const proposal = contract.newProposal(fn, {
    arguments: args,
    ...(options.transient ? { transientData: options.transient } : {}),
    ...(options.endorsingOrganizations ? { endorsingOrganizations: options.endorsingOrganizations } : {}),
  });
  const transaction = await retryWhileDiscovering(() => proposal.endorse()).catch((error: unknown) => {
    connection.close();
    throw error;
  });
  return {
    txId: transaction.getTransactionId(),
    async commit(): Promise<Submitted> {
      try {
        const commit = await transaction.submit();
        const status = await commit.getStatus();
        workload.ourTxIds.add(transaction.getTransactionId());
        return { txId: transaction.getTransactionId(), code: status.code };
      } finally {
        connection.close();
      }
    },
  };
}

async function submit(...args: Parameters<typeof endorse>): Promise<Submitted> {
  return (await endorse(...args)).commit();
}

async function chainHeight(): Promise<number> {
  const client = runtime.peerAdminClient(hospitalPeer);
  try {
    return (await client.chainInfo(runtime.channel)).height;
  } finally {
    client.close();
  }
}

/** Every block fetched through qscc and read with plain protobuf (independent of the indexer's decoder). */
async function fetchBlocks(height: number): Promise<common.Block[]> {
  const client = runtime.peerAdminClient(hospitalPeer);
  try {
    const blocks: common.Block[] = [];
    for (let n = 0; n < height; n++)
      blocks.push(common.Block.deserializeBinary(await client.getBlockByNumber(runtime.channel, n)));
    return blocks;
  } finally {
    client.close();
  }
}

function recordArgs(recordId: string): { args: string[]; transient: Record<string, string> } {
  const encrypted = JSON.stringify({ ciphertexts: ['123456789'], claimKeyId: 'key-1' });
  return {
    args: [
      recordId,
      `pp-${createHash('sha256').update(recordId).digest('hex').slice(0, 16)}`,
      mspOf('hospital'),
      'inpatient',
      '2025-02-01T08:00:00.000Z',
      '2025-02-03T08:00:00.000Z',
      createHash('sha256').update(`bundle:${recordId}`).digest('hex'),
      `fhir://hospital/bundles/${recordId}`,
      createHash('sha256').update('tag:J45').digest('hex'),
      createHash('sha256').update(encrypted).digest('hex'),
    ],
    transient: { encryptedDiagnosis: encrypted },
  };
}

function dump(index: LedgerIndex): Record<string, unknown[]> {
  return Object.fromEntries(LEDGER_TABLES.map((table) => [table, index.dumpTable(table)]));
}

async function indexTo(index: LedgerIndex, height: number): Promise<void> {
  const indexer = new LedgerIndexer({ index, source: peerBlockSource(runtime, hospitalPeer) });
  indexer.start();
  try {
    await indexer.waitForHeight(height, 120_000);
  } finally {
    await indexer.stop();
  }
}

beforeAll(async () => {
  runtime = await attachRuntime();
  hospitalPeer = peerByRole('hospital');
  workDir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-ledger-it-'));
  mainIndex = LedgerIndex.open(path.join(workDir, 'main.sqlite'), { channel: runtime.channel });
});

afterAll(async () => {
  mainIndex?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('ledger index on the real network', () => {
  it('indexes a scripted workload through the hospital peer and matches the ledger', async () => {
    // Workload: concurrent pings from all three orgs (multi-transaction blocks), an encounter record
    // with its private diagnosis, a custodian access, a doctor's break-glass access (an alert), and
    // two filings of the same record id endorsed before either commits (one MVCC_READ_CONFLICT).
    // MEDFABRIC_LEDGER_PINGS scales this up to build a larger real ledger (e.g. for the benchmark).
    const pingCount = Number(process.env.MEDFABRIC_LEDGER_PINGS ?? 24);
    for (let sent = 0; sent < pingCount; sent += 48) {
      const pings = await Promise.all(
        Array.from({ length: Math.min(48, pingCount - sent) }, (_, i) =>
          submit(ROLES[i % 3] ?? 'hospital', 'Diagnostics', 'Ping', []),
        ),
      );
      expect(pings.every((p) => p.code === 0)).toBe(true);
    }

    const recordId = `rec-${Date.now()}`;
    const record = recordArgs(recordId);
    const endorsers = { endorsingOrganizations: [mspOf('hospital'), mspOf('regulator')] };
    const recorded = await submit('hospital', 'Records', 'RecordEncounter', record.args, {
      transient: record.transient,
      ...endorsers,
    });
    expect(recorded.code).toBe(0);
    workload.recordTxId = recorded.txId;
    expect((await submit('hospital', 'Access', 'AccessRecord', [recordId, 'treatment'])).code).toBe(0);

    const twin = recordArgs(`${recordId}-twin`);
    const first = await endorse('hospital', 'Records', 'RecordEncounter', twin.args, {
      transient: twin.transient,
      ...endorsers,
    });
    const second = await endorse('hospital', 'Records', 'RecordEncounter', twin.args, {
      transient: twin.transient,
      ...endorsers,
    });
    const outcomes = [await first.commit(), await second.commit()];
    expect(outcomes.map((o) => o.code).sort()).toEqual([0, 11]);
    workload.conflictTxId = outcomes.find((o) => o.code === 11)?.txId ?? '';

    const doctor = await runtime.issueClient(mspOf('hospital'), `doctor-${Date.now()}`, { role: 'doctor' });
    const emergency = await submit(
      'hospital',
      'Access',
      'EmergencyAccess',
      [recordId, 'unconscious patient in the emergency room'],
      {
        identity: doctor,
      },
    );
    expect(emergency.code).toBe(0);
    workload.markerTxId = emergency.txId;

    const height = await chainHeight();
    await indexTo(mainIndex, height);

    // Blocks and transactions, against the blocks read independently through qscc.
    const blocks = await fetchBlocks(height);
    const counts = mainIndex.counts();
    expect(mainIndex.nextBlock).toBe(height);
    expect(counts.blocks).toBe(height);
    const envelopes = blocks.map((b) => b.getData()?.getDataList().length ?? 0);
    expect(counts.transactions).toBe(envelopes.reduce((a, b) => a + b, 0));
    const validPerBlock = blocks.map((b) => {
      const filter =
        b.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
        new Uint8Array();
      return [...filter].filter((code) => code === 0).length;
    });
    const rows = mainIndex.dumpTable('blocks') as Array<{
      number: number;
      tx_count: number;
      valid_tx_count: number;
      data_hash: string;
    }>;
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: height }, (_, n) => n));
    expect(rows.map((r) => r.tx_count)).toEqual(envelopes);
    expect(rows.map((r) => r.valid_tx_count)).toEqual(validPerBlock);
    expect(rows.map((r) => r.data_hash)).toEqual(
      blocks.map((b) => Buffer.from(b.getHeader()?.getDataHash_asU8() ?? []).toString('hex')),
    );
    expect(counts.config_blocks).toBeGreaterThanOrEqual(1);

    // Our transactions, with their validation codes.
    expect(mainIndex.transactionsById(workload.conflictTxId)).toMatchObject([
      {
        validation_code: 11,
        validation_name: 'MVCC_READ_CONFLICT',
        is_valid: 0,
        function_name: 'Records:RecordEncounter',
      },
    ]);
    expect(mainIndex.transactionsById(recorded.txId)).toMatchObject([
      {
        validation_code: 0,
        chaincode_name: 'medfabric',
        function_name: 'Records:RecordEncounter',
        creator_msp_id: mspOf('hospital'),
        event_name: 'medfabric.record.encountered',
        endorser_msp_ids: JSON.stringify([mspOf('hospital'), mspOf('regulator')].sort()),
      },
    ]);
    const recordedRow = mainIndex.transactionsById(recorded.txId)[0];
    expect(recordedRow?.creator_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(recordedRow?.write_keys).toContain(`medfabric$diagnosis_${mspOf('hospital')}`);

    // Domain tables, against the chaincode events the peer's Gateway delivers for valid transactions.
    const connection = runtime.gateway(hospitalPeer);
    const byName = new Map<string, Array<Record<string, unknown>>>();
    const ordered: Array<{ name: string; payload: Record<string, unknown> }> = [];
    let medfabricEvents = 0;
    try {
      const events = await connection.gateway
        .getNetwork(runtime.channel)
        .getChaincodeEvents('medfabric', { startBlock: 0n });
      try {
        for await (const event of events) {
          medfabricEvents++;
          const payload = JSON.parse(Buffer.from(event.payload).toString('utf8')) as Record<string, unknown>;
          byName.set(event.eventName, [...(byName.get(event.eventName) ?? []), payload]);
          ordered.push({ name: event.eventName, payload });
          if (event.transactionId === workload.markerTxId) break;
        }
      } finally {
        events.close();
      }
    } finally {
      connection.close();
    }
    const distinct = (names: string[], key: string) =>
      new Set(names.flatMap((name) => (byName.get(name) ?? []).map((p) => p[key]))).size;
    const medfabricRows = (
      mainIndex.dumpTable('chaincode_events') as Array<{ chaincode_name: string }>
    ).filter((e) => e.chaincode_name === 'medfabric');
    expect(medfabricRows).toHaveLength(medfabricEvents);
    expect(counts.members).toBe(
      new Set([
        ...(byName.get('medfabric.consortium.initialised') ?? []).map((p) => p.regulatorMspId),
        ...(byName.get('medfabric.consortium.memberRegistered') ?? []).map((p) => p.mspId),
      ]).size,
    );
    // At least the sandbox's three members (other test files may onboard more).
    expect(counts.members).toBeGreaterThanOrEqual(3);
    expect(counts.records).toBe(
      distinct(['medfabric.record.encountered', 'medfabric.record.amended'], 'recordId'),
    );
    expect(counts.access_events).toBe(
      distinct(['medfabric.access.granted', 'medfabric.access.emergency'], 'disclosureId'),
    );
    expect(counts.consents).toBe(
      distinct(
        [
          'medfabric.consent.requested',
          'medfabric.consent.approved',
          'medfabric.consent.rejected',
          'medfabric.consent.revoked',
        ],
        'consentId',
      ),
    );
    // Claims, adjudications, payments, alerts and fund entries (when other files' workloads put
    // claims on this ledger), by the identifiers EVENTS.md documents.
    const claimEvents = [...byName.keys()].filter((name) => name.startsWith('medfabric.claim.'));
    const payloads = (names: string[]) => names.flatMap((name) => byName.get(name) ?? []);
    const ids = (values: unknown[]) => new Set(values.filter((v) => typeof v === 'string')).size;
    const asRecord = (value: unknown) =>
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    expect(counts.claims).toBe(distinct(claimEvents, 'claimId'));
    expect(counts.adjudications).toBe(
      ids(
        payloads(claimEvents)
          .filter((p) => asRecord(p.adjudication).outcome !== undefined)
          .map((p) => p.claimId),
      ),
    );
    expect(counts.payments).toBe(
      ids(payloads(['medfabric.claim.paid', 'medfabric.claim.payable']).map((p) => p.claimId)),
    );
    expect(counts.alerts).toBe(
      ids([
        ...payloads(['medfabric.access.emergency']).map((p) => asRecord(p.alert).alertId),
        ...payloads(claimEvents).flatMap((p) => [
          ...(Array.isArray(p.alerts) ? p.alerts.map((a) => asRecord(a).alertId) : []),
          asRecord(p.alert).alertId,
        ]),
        ...payloads(['medfabric.alert.raised']).map((p) => asRecord(p.alert).alertId),
        ...payloads(['medfabric.alert.cleared', 'medfabric.alert.confirmed']).map((p) => p.alertId),
      ]),
    );
    expect(counts.fund_transfers).toBe(
      ids([
        ...payloads(['medfabric.fund.deposited']).map((p) => p.entryId),
        ...payloads(['medfabric.claim.paid']).map((p) => asRecord(p.settlement).entryId),
      ]),
    );
    expect(mainIndex.claimFunnel().filed).toBe(counts.claims);
    // Each claim's status is the one its latest event reports (claim events, or alert events that
    // hold or release it), in ledger order.
    const lastStatus = new Map<string, unknown>();
    for (const { name, payload: p } of ordered) {
      if (!name.startsWith('medfabric.claim.') && !name.startsWith('medfabric.alert.')) continue;
      const status = name.startsWith('medfabric.claim.')
        ? p.status
        : (asRecord(p.claim).status ?? p.claimStatus);
      if (typeof p.claimId === 'string' && status !== undefined) lastStatus.set(p.claimId, status);
    }
    for (const row of mainIndex.dumpTable('claims') as Array<{ claim_id: string; status: string }>) {
      expect(row.status, row.claim_id).toBe(lastStatus.get(row.claim_id));
    }
    expect(counts.records).toBeGreaterThanOrEqual(2);
    expect(counts.access_events).toBeGreaterThanOrEqual(2);
    expect(mainIndex.dumpTable('alerts')).toContainEqual(
      expect.objectContaining({
        alert_id: workload.markerTxId,
        kind: 'emergency-access',
        severity: 'high',
        status: 'open',
      }),
    );
    // The MVCC-conflicted twin never became a record.
    expect(
      mainIndex.dumpTable('records').filter((r) => (r as { tx_id: string }).tx_id === workload.conflictTxId),
    ).toEqual([]);

    // Nothing in the index reveals a record location, a free-text reason or a certificate.
    const everything = JSON.stringify(dump(mainIndex));
    expect(everything).not.toContain('fhir://hospital/bundles');
    expect(everything).not.toContain('unconscious patient');
    expect(everything).not.toContain('BEGIN CERTIFICATE');
  });

  it('stopped while consuming and restarted, loses and duplicates nothing', async () => {
    const interrupted = LedgerIndex.open(path.join(workDir, 'interrupted.sqlite'), {
      channel: runtime.channel,
    });
    const fresh = LedgerIndex.open(path.join(workDir, 'fresh.sqlite'), { channel: runtime.channel });
    try {
      const startHeight = await chainHeight();
      const stopAt = Math.floor(startHeight / 2);
      const first = new LedgerIndexer({ index: interrupted, source: peerBlockSource(runtime, hospitalPeer) });
      const stopped = new Promise<void>((resolve) => {
        first.on('block', (event) => {
          if (event.number === stopAt) void first.dispose().then(resolve);
        });
      });
      first.start();
      await stopped;
      expect(first.status().state).toBe('stopped');
      const reached = interrupted.nextBlock;
      expect(reached).toBeGreaterThan(0);
      expect(reached).toBeLessThan(startHeight);

      // New blocks arrive while the indexer is down and while the second one catches up.
      const more = Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          submit(i % 2 === 0 ? 'insurer' : 'hospital', 'Diagnostics', 'Ping', []),
        ),
      );
      const second = new LedgerIndexer({
        index: interrupted,
        source: peerBlockSource(runtime, hospitalPeer),
      });
      second.start();
      const results = await more;
      expect(results.every((r) => r.code === 0)).toBe(true);
      const height = await chainHeight();
      await second.waitForHeight(height, 120_000);
      await second.stop();
      expect(second.status().blocksIndexed).toBe(height - reached);

      await indexTo(fresh, height);
      expect(interrupted.nextBlock).toBe(height);
      expect(interrupted.counts()).toEqual(fresh.counts());
      expect(dump(interrupted)).toEqual(dump(fresh));
    } finally {
      interrupted.close();
      fresh.close();
    }
  });

  it("audits the hospital peer's live chain clean, signatures included, and agrees with the index", async () => {
    const report = await auditPeerChain({ runtime, peer: hospitalPeer, index: mainIndex });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    const height = await chainHeight();
    expect(report.summary.blocks).toBeGreaterThanOrEqual(height - 1);
    // The genesis block comes from configtxgen unsigned; every later block carries a valid orderer signature.
    expect(report.summary.unsignedBlocks).toBe(1);
    expect(report.summary.signaturesVerified).toBe(report.summary.blocks - 1);
    expect(report.configs[0]?.ordererMspIds).toEqual([runtime.topology.ordererOrg.mspId]);
    await writeAuditReport(report, {
      jsonFile: path.join(repoRoot, 'test-results', 'ledger-audit', 'peer-chain.json'),
      htmlFile: path.join(repoRoot, 'test-results', 'ledger-audit', 'peer-chain.html'),
    });
  });

  it('audits a copy of the block file clean, and names the block whose data was altered', async () => {
    const { stateDir } = networkInfo();
    const blockfile = path.join(
      stateDir,
      'nodes',
      hospitalPeer.id,
      'data',
      'ledgersData',
      'chains',
      'chains',
      runtime.channel,
      'blockfile_000000',
    );
    expect(existsSync(blockfile)).toBe(true);
    const copyDir = path.join(workDir, 'copy');
    await mkdir(copyDir, { recursive: true });
    const copy = path.join(copyDir, 'blockfile_000000');
    await copyFile(blockfile, copy);
    if (process.env.MEDFABRIC_KEEP_LEDGER_COPY) {
      await mkdir(process.env.MEDFABRIC_KEEP_LEDGER_COPY, { recursive: true });
      await copyFile(blockfile, path.join(process.env.MEDFABRIC_KEEP_LEDGER_COPY, 'blockfile_000000'));
    }

    const clean = await auditBlockFiles(copyDir);
    expect(clean.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(clean.findings.every((f) => f.check === 'truncated-tail')).toBe(true);
    expect(clean.summary.blocks).toBeGreaterThan(10);
    expect(clean.summary.signaturesVerified).toBe(clean.summary.blocks - 1);

    // The orderer's copy of the same chain audits clean too.
    const ordererDir = path.join(
      stateDir,
      'nodes',
      runtime.topology.orderers[0]?.id ?? '',
      'data',
      'ledger',
      'chains',
      runtime.channel,
    );
    const ordererCopy = path.join(workDir, 'orderer-copy', 'blockfile_000000');
    await mkdir(path.dirname(ordererCopy), { recursive: true });
    await copyFile(path.join(ordererDir, 'blockfile_000000'), ordererCopy);
    const ordererReport = await auditBlockFiles(ordererCopy);
    expect(ordererReport.findings.filter((f) => f.severity === 'error')).toEqual([]);

    // Flip one byte in the middle of our encounter transaction's envelope.
    const [row] = mainIndex.transactionsById(workload.recordTxId);
    if (!row) throw new Error('the encounter transaction is not indexed');
    const contents = await readBlockFile(copy);
    const where = contents.blocks.find((b) => b.number === row.block_number)?.location?.dataOffsets[
      row.tx_index
    ];
    if (!where) throw new Error(`block ${row.block_number} not found in the copy`);
    const bytes = await readFile(copy);
    const at = where.offset + Math.floor(where.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    await writeFile(copy, bytes);

    const tampered = await auditBlockFiles(copyDir);
    expect(tampered.ok).toBe(false);
    const errors = tampered.findings.filter((f) => f.severity === 'error');
    expect(new Set(errors.map((f) => f.blockNumber))).toEqual(new Set([row.block_number]));
    expect(errors.map((f) => f.check)).toContain('data-hash');
    expect(tampered.blocks.filter((b) => !b.ok).map((b) => b.number)).toEqual([row.block_number]);
    await writeAuditReport(tampered, {
      jsonFile: path.join(repoRoot, 'test-results', 'ledger-audit', 'tampered-copy.json'),
      htmlFile: path.join(repoRoot, 'test-results', 'ledger-audit', 'tampered-copy.html'),
    });
  });
});
