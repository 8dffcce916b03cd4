import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlock } from './block-decoder';
import { auditReportJson, renderAuditReportHtml, writeAuditReport } from './audit-report';
import { parseBlockFile, serializeBlockFile } from './block-file';
import { blockHeaderHash } from './block-hash';
import { auditBlockFiles, auditBlocks, type AuditReport } from './integrity-audit';
import type { RawBlock } from './raw-block';
import {
  blockAt,
  HOSPITAL,
  medfabricChain,
  medfabricTx,
  ordererPki,
  REGULATOR,
  type MedfabricChain,
} from './spec-fixtures';
import { buildBlock, configEnvelope, signatureMetadata, SyntheticChain } from './synthetic-blocks';

let fixture: MedfabricChain;
let dir: string;
beforeAll(async () => {
  fixture = await medfabricChain();
  dir = await mkdtemp(path.join(tmpdir(), 'medfabric-audit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SOURCE: AuditReport['source'] = { kind: 'files', description: 'synthetic', files: [] };

function errorsOf(report: AuditReport): Array<[number | null, string]> {
  return report.findings.filter((f) => f.severity === 'error').map((f) => [f.blockNumber, f.check]);
}

function headerHashOf(block: RawBlock): Buffer {
  return blockHeaderHash(block.number, block.previousHash, block.dataHash);
}

describe('integrity audit', () => {
  it('passes an intact chain: hash links, data hashes and every orderer signature', async () => {
    const report = await auditBlocks(fixture.chain.blocks, SOURCE);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary).toMatchObject({
      blocks: 6,
      firstBlock: 0,
      lastBlock: 5,
      headerLinksChecked: 5,
      dataHashesChecked: 6,
      signedBlocks: 5,
      signaturesVerified: 5,
      unsignedBlocks: 1,
      configBlocks: 1,
    });
    expect(report.blocks.every((b) => b.ok)).toBe(true);
    expect(report.blocks[1]?.signers).toEqual(['OrdererMSP']);
  });

  it('names the block whose envelope bytes were altered in a copied block file', async () => {
    const file = path.join(dir, 'blockfile_000000');
    const bytes = serializeBlockFile(fixture.chain.blocks);
    await writeFile(file, bytes);
    expect((await auditBlockFiles(file)).ok).toBe(true);

    const clean = await auditBlockFiles(file);
    expect(clean.blocks[3]?.location).toMatch(/blockfile_000000@\d+/);
    const target = parseBlockFile(bytes, file).blocks[3]?.location?.dataOffsets[1];
    if (!target) throw new Error('no envelope location');
    const tampered = Buffer.from(await readFile(file));
    const at = target.offset + Math.floor(target.length / 2);
    tampered[at] = (tampered[at] ?? 0) ^ 0x20;
    await writeFile(file, tampered);
    const report = await auditBlockFiles(file);
    expect(report.ok).toBe(false);
    expect(new Set(errorsOf(report).map(([n]) => n))).toEqual(new Set([3]));
    expect(errorsOf(report)).toContainEqual([3, 'data-hash']);
    expect(report.blocks.filter((b) => !b.ok).map((b) => b.number)).toEqual([3]);
  });

  it('reports a rewritten block at the next block (previous_hash) and at itself (signature)', async () => {
    const blocks = [...fixture.chain.blocks];
    const original = blocks[2];
    if (!original) throw new Error('missing block');
    // Re-hash the altered data so the data hash matches: the header changes, so the link and the
    // orderer signature break.
    const forged = buildBlock({
      number: 2,
      previousHash: original.previousHash,
      envelopes: [
        medfabricTx('Records:RecordEncounter', 'medfabric.record.encountered', { recordId: 'forged' }).bytes,
      ],
    });
    blocks[2] = { ...forged, metadata: original.metadata };
    const report = await auditBlocks(blocks, SOURCE);
    expect(errorsOf(report)).toEqual([
      [2, 'signature'],
      [3, 'previous-hash'],
    ]);
  });

  it('rejects signatures from a CA outside the channel config, from non-orderer orgs, and missing ones', async () => {
    const chain = new SyntheticChain(fixture.pki.signer);
    for (const block of fixture.chain.blocks.slice(0, 2)) chain.blocks.push(block);
    const tail = chain.blocks[1];
    if (!tail) throw new Error('missing block');
    const next = (number: number, previous: RawBlock, signer: Parameters<typeof signatureMetadata>[1]) => {
      const block = buildBlock({
        number,
        previousHash: headerHashOf(previous),
        envelopes: [medfabricTx('Diagnostics:Ping', null, { n: number }).bytes],
        signer,
      });
      return block;
    };
    const rogue = next(2, tail, fixture.pki.rogue);
    const member = next(3, rogue, {
      ...REGULATOR,
      certPem: fixture.pki.signer.certPem,
      keyPem: fixture.pki.signer.keyPem,
    });
    const unsigned = next(4, member, undefined);
    const badValue = next(5, unsigned, fixture.pki.signer);
    // Change the signed metadata value after signing: the signature no longer verifies.
    const metadata = common.Metadata.deserializeBinary(badValue.metadata[0] ?? new Uint8Array());
    metadata.setValue(Buffer.from('tampered'));
    badValue.metadata[0] = metadata.serializeBinary();
    const report = await auditBlocks([...chain.blocks, rogue, member, unsigned, badValue], SOURCE);
    expect(errorsOf(report)).toEqual([
      [2, 'certificate'],
      [3, 'signature'],
      [4, 'signature'],
      [5, 'signature'],
    ]);
    expect(report.findings.find((f) => f.blockNumber === 3)?.message).toMatch(
      /RegulatorMSP, which is not an orderer org/,
    );
  });

  it('checks each block against the config in force: a CA rotation takes effect after the config block', async () => {
    const newPki = await ordererPki();
    const chain = new SyntheticChain(fixture.pki.signer);
    chain.blocks.push(...fixture.chain.blocks.slice(0, 2));
    const last = (): RawBlock =>
      chain.blocks[chain.blocks.length - 1] ??
      (() => {
        throw new Error('empty');
      })();
    const rotate = configEnvelope({
      kind: 'config',
      timestamp: new Date(Date.now() + 3_600_000),
      sequence: 1,
      orgs: [
        { orgName: 'OrdererOrg', mspId: 'OrdererMSP', group: 'Orderer', rootCerts: [newPki.caPem] },
        { orgName: 'HospitalOrg', mspId: 'HospitalMSP', group: 'Application', rootCerts: [HOSPITAL.certPem] },
      ],
    });
    // The config block itself is signed under the config before it (old CA).
    chain.blocks.push(
      buildBlock({
        number: 2,
        previousHash: headerHashOf(last()),
        envelopes: [rotate.bytes],
        signer: fixture.pki.signer,
        lastConfigIndex: 2,
      }),
    );
    chain.blocks.push(
      buildBlock({
        number: 3,
        previousHash: headerHashOf(last()),
        envelopes: [medfabricTx('Diagnostics:Ping', null, { a: 1 }).bytes],
        signer: newPki.signer,
        lastConfigIndex: 2,
      }),
    );
    chain.blocks.push(
      buildBlock({
        number: 4,
        previousHash: headerHashOf(last()),
        envelopes: [medfabricTx('Diagnostics:Ping', null, { a: 2 }).bytes],
        signer: fixture.pki.signer,
        lastConfigIndex: 2,
      }),
    );
    // Block 5 claims the wrong last config block.
    chain.blocks.push(
      buildBlock({
        number: 5,
        previousHash: headerHashOf(last()),
        envelopes: [medfabricTx('Diagnostics:Ping', null, { a: 3 }).bytes],
        signer: newPki.signer,
        lastConfigIndex: 0,
      }),
    );
    const report = await auditBlocks(chain.blocks, SOURCE);
    expect(errorsOf(report)).toEqual([
      [4, 'certificate'],
      [5, 'last-config'],
    ]);
    expect(report.configs.map((c) => c.blockNumber)).toEqual([0, 2]);
  });

  it('reports gaps, and warns when a partial audit has no anchor', async () => {
    const blocks = fixture.chain.blocks;
    const gap = await auditBlocks(
      [blocks[0], blocks[1], blocks[3]].filter((b): b is RawBlock => b !== undefined),
      SOURCE,
    );
    expect(errorsOf(gap)).toContainEqual([3, 'sequence']);
    const partial = await auditBlocks(blocks.slice(2), SOURCE);
    expect(partial.findings.find((f) => f.blockNumber === 2)?.severity).toBe('warning');
    // Without a config to check against, signatures are only warnings.
    expect(errorsOf(partial)).toEqual([]);
    const anchored = await auditBlocks(blocks.slice(2), SOURCE, {
      trustedPreviousHash: headerHashOf(blockAt(blocks, 1)).toString('hex'),
      trustedConfig: decodeBlock(blockAt(blocks, 0)).config ?? undefined,
    });
    expect(anchored.findings).toEqual([]);
    expect(anchored.summary.signaturesVerified).toBe(4);
  });

  it('exports JSON and a self-contained HTML report that escapes what it shows', async () => {
    const report = await auditBlocks(fixture.chain.blocks.slice(0, 3), {
      kind: 'files',
      description: '<script>alert(1)</script>',
      files: [],
    });
    report.findings.push({ blockNumber: 2, check: 'data-hash', severity: 'error', message: 'x <b>bold</b>' });
    const html = renderAuditReportHtml(report);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('x &lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toMatch(/<link|src=|https?:\/\//);
    const embedded = /<script type="application\/json" id="audit-report">([\s\S]*?)<\/script>/.exec(
      html,
    )?.[1];
    expect(JSON.parse(embedded ?? '{}')).toEqual(JSON.parse(auditReportJson(report)));
    await writeAuditReport(report, {
      jsonFile: path.join(dir, 'out', 'a.json'),
      htmlFile: path.join(dir, 'out', 'a.html'),
    });
    expect(JSON.parse(await readFile(path.join(dir, 'out', 'a.json'), 'utf8'))).toMatchObject({
      format: 'medfabric-ledger-audit',
      ok: report.ok,
    });
  });

  it('reports an empty source', async () => {
    const report = await auditBlocks([], SOURCE);
    expect(report.ok).toBe(false);
    expect(report.findings[0]?.check).toBe('source');
  });
});
