// Integrity audit of a channel's chain, independent of the peer's own checks:
//  - header hash chain: previous_hash of block n = SHA-256(DER(number, previous_hash, data_hash)) of n-1
//  - data hash: header.data_hash = SHA-256 of the concatenated envelopes
//  - orderer signatures (metadata SIGNATURES): ECDSA P-256/SHA-256 over value ‖ signature_header ‖
//    header bytes, by a certificate that chains to the CA of an orderer org of the channel config in
//    force at that block (the config of the last config block before it; block 0 carries its own)
//  - the last-config index the orderer signed points at the last config block
// Sources: the peer's chain, fetched block by block (qscc), or Fabric block files (a copy of a peer's
// or orderer's chains/<channel>/blockfile_NNNNNN, or single *.block files). Every break is reported
// with its block number; nothing stops at the first one.
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import type { PeerAdminClient } from '../fabric/peer-admin-client';
import type { NodeTopology } from '../runtime/profile';
import { decodeBlock, type DecodedBlock } from './block-decoder';
import { findLedgerFiles, readBlockFile, readSingleBlockFile, type BlockFileContents } from './block-file';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';
import type { ChannelConfigInfo, MspInfo } from './channel-config';
import type { LedgerIndex } from './ledger-index';
import { rawBlockFromBytes, toHex, type RawBlock } from './raw-block';
import type { AuditCheck, AuditFinding, AuditedBlock, AuditReport } from './audit-types';

export type { AuditCheck, AuditFinding, AuditedBlock, AuditReport } from './audit-types';

export interface ChainAuditorOptions {
  /** Config in force before the first audited block (needed when the audit does not start at block 0). */
  trustedConfig?: ChannelConfigInfo;
  /** Header hash of the block before the first audited one (anchors a partial audit). */
  trustedPreviousHash?: string;
}

function locationOf(block: RawBlock): string | undefined {
  return block.location ? `${block.location.file}@${block.location.offset}` : undefined;
}

interface ChainResult {
  problem: string | null;
  validFrom: number;
  validTo: number;
}

interface ParsedMsp {
  info: MspInfo;
  certificates: X509Certificate[];
  rootFingerprints: Set<string>;
}

/** Checks blocks fed in chain order and accumulates findings; `report()` summarises. */
export class ChainAuditor {
  private readonly findings: AuditFinding[] = [];
  private readonly blocks: AuditedBlock[] = [];
  private readonly configs: AuditReport['configs'] = [];
  private config: { info: ChannelConfigInfo; blockNumber: number } | undefined;
  private lastConfigBlock: number | null = null;
  private previous: { number: number; headerHash: string } | undefined;
  private readonly parsedMsps = new Map<string, ParsedMsp>();
  private readonly chainCache = new Map<string, ChainResult>();
  private readonly startedAt = new Date().toISOString();
  private transactions = 0;
  private errorCount = 0;
  private headerLinksChecked = 0;
  private dataHashesChecked = 0;
  private signedBlocks = 0;
  private signaturesVerified = 0;
  private unsignedBlocks = 0;
  channel: string | null = null;

  constructor(private readonly options: ChainAuditorOptions = {}) {
    if (options.trustedConfig) this.config = { info: options.trustedConfig, blockNumber: -1 };
  }

  addFinding(finding: AuditFinding): void {
    this.findings.push(finding);
    if (finding.severity === 'error') this.errorCount++;
  }

  get height(): number {
    return this.previous ? this.previous.number + 1 : 0;
  }

  add(block: RawBlock): void {
    const n = block.number;
    const location = locationOf(block);
    const errorsBefore = this.errorCount;
    const fail = (
      check: AuditCheck,
      message: string,
      extra: Partial<AuditFinding> = {},
      severity: 'error' | 'warning' = 'error',
    ) =>
      this.addFinding({
        blockNumber: n,
        check,
        severity,
        message,
        ...(location ? { location } : {}),
        ...extra,
      });

    // 1. Sequence and header hash chain.
    const headerHash = toHex(blockHeaderHash(n, block.previousHash, block.dataHash));
    const previousHash = toHex(block.previousHash);
    if (this.previous) {
      if (n !== this.previous.number + 1) {
        fail(
          'sequence',
          `expected block ${this.previous.number + 1} after block ${this.previous.number}, found block ${n}`,
        );
      } else {
        this.headerLinksChecked++;
        if (previousHash !== this.previous.headerHash) {
          fail(
            'previous-hash',
            `previous_hash of block ${n} does not match the header hash of block ${n - 1}`,
            {
              expected: this.previous.headerHash,
              actual: previousHash,
            },
          );
        }
      }
    } else if (n === 0) {
      if (block.previousHash.length !== 0)
        fail('previous-hash', 'the genesis block has a previous_hash', { actual: previousHash });
    } else if (this.options.trustedPreviousHash !== undefined) {
      this.headerLinksChecked++;
      if (previousHash !== this.options.trustedPreviousHash) {
        fail(
          'previous-hash',
          `previous_hash of block ${n} does not match the trusted hash of block ${n - 1}`,
          {
            expected: this.options.trustedPreviousHash,
            actual: previousHash,
          },
        );
      }
    } else {
      fail(
        'sequence',
        `the audit starts at block ${n}: blocks 0–${n - 1} and the link to them were not checked`,
        {},
        'warning',
      );
    }

    // 2. Data hash.
    this.dataHashesChecked++;
    const computed = toHex(blockDataHash(block.data));
    const dataHash = toHex(block.dataHash);
    if (computed !== dataHash) {
      fail(
        'data-hash',
        `the envelopes of block ${n} do not hash to the header's data_hash (block data altered)`,
        {
          expected: dataHash,
          actual: computed,
        },
      );
    }

    // 3. Decode (transaction count, config) — a decoding failure is itself a finding.
    let decoded: DecodedBlock | undefined;
    try {
      decoded = decodeBlock(block);
    } catch (error) {
      fail('decode', `block ${n} cannot be decoded: ${(error as Error).message}`);
    }
    if (decoded) {
      this.transactions += decoded.txCount;
      for (const tx of decoded.transactions) {
        if (tx.decodeError) {
          fail(
            'decode',
            `transaction ${tx.index} of block ${n} cannot be decoded: ${tx.decodeError}`,
            {},
            computed === dataHash ? 'warning' : 'error',
          );
        }
      }
    }

    // 4. Orderer signatures, against the config in force before this block (block 0: its own).
    const isConfig = decoded?.isConfig ?? false;
    if (n === 0 && decoded?.config) this.useConfig(decoded.config, 0);
    const signatures = this.checkSignatures(block, n, decoded?.timestamp ?? null, fail);

    // 5. The signed last-config index must name the last config block.
    if (decoded && decoded.lastConfigIndex !== null) {
      const expected = isConfig ? n : this.lastConfigBlock;
      if (expected !== null && decoded.lastConfigIndex !== expected) {
        fail(
          'last-config',
          `block ${n} names block ${decoded.lastConfigIndex} as the last config block, but it is block ${expected}`,
          {
            expected: String(expected),
            actual: String(decoded.lastConfigIndex),
          },
        );
      }
    }

    if (isConfig) {
      if (decoded?.config) {
        if (n !== 0) this.useConfig(decoded.config, n);
      } else {
        fail('config', `config block ${n} carries no readable channel configuration`);
      }
      this.lastConfigBlock = n;
    }

    this.previous = { number: n, headerHash };
    const errorsAfter = this.errorCount;
    this.blocks.push({
      number: n,
      headerHash,
      previousHash,
      dataHash,
      txCount: decoded?.txCount ?? block.data.length,
      isConfig,
      validSignatures: signatures.valid,
      signers: signatures.signers,
      ok: errorsAfter === errorsBefore,
      ...(location ? { location } : {}),
    });
  }

  private useConfig(info: ChannelConfigInfo, blockNumber: number): void {
    this.config = { info, blockNumber };
    this.configs.push({
      blockNumber,
      sequence: info.sequence,
      ordererMspIds: info.msps.filter((m) => m.group === 'Orderer').map((m) => m.mspId),
      applicationMspIds: info.msps.filter((m) => m.group === 'Application').map((m) => m.mspId),
    });
  }

  private parsedMsp(info: MspInfo): ParsedMsp {
    const key = `${this.config?.blockNumber ?? -1}:${info.mspId}`;
    let parsed = this.parsedMsps.get(key);
    if (!parsed) {
      const certificates: X509Certificate[] = [];
      const rootFingerprints = new Set<string>();
      for (const pem of info.rootCerts) {
        const cert = new X509Certificate(pem);
        certificates.push(cert);
        rootFingerprints.add(cert.fingerprint256);
      }
      for (const pem of info.intermediateCerts) certificates.push(new X509Certificate(pem));
      parsed = { info, certificates, rootFingerprints };
      this.parsedMsps.set(key, parsed);
    }
    return parsed;
  }

  /** Null when `leaf` chains to a root CA of the MSP and is valid at `at`; else the problem. */
  private chainProblem(leafPem: string, mspInfo: MspInfo, at: string | null): string | null {
    const cacheKey = `${this.config?.blockNumber ?? -1}:${mspInfo.mspId}:${createHash('sha256').update(leafPem).digest('hex')}`;
    let chain = this.chainCache.get(cacheKey);
    if (chain === undefined) {
      chain = this.verifyChain(leafPem, mspInfo);
      this.chainCache.set(cacheKey, chain);
    }
    if (chain.problem !== null || at === null) return chain.problem;
    const time = Date.parse(at);
    if (time < chain.validFrom || time > chain.validTo) {
      return `the certificate was not valid at ${at} (valid ${new Date(chain.validFrom).toISOString()} – ${new Date(chain.validTo).toISOString()})`;
    }
    return null;
  }

  private verifyChain(leafPem: string, mspInfo: MspInfo): ChainResult {
    try {
      const msp = this.parsedMsp(mspInfo);
      const leaf = new X509Certificate(leafPem);
      const validity = { validFrom: Date.parse(leaf.validFrom), validTo: Date.parse(leaf.validTo) };
      let current = leaf;
      for (let depth = 0; depth < 8; depth++) {
        const issuer = msp.certificates.find((ca) => current.checkIssued(ca) && current.verify(ca.publicKey));
        if (!issuer) break;
        if (msp.rootFingerprints.has(issuer.fingerprint256)) return { problem: null, ...validity };
        if (issuer.fingerprint256 === current.fingerprint256) break;
        current = issuer;
      }
      return { problem: `the certificate does not chain to a CA of ${mspInfo.mspId}`, ...validity };
    } catch (error) {
      return { problem: `unreadable certificate: ${(error as Error).message}`, validFrom: 0, validTo: 0 };
    }
  }

  private checkSignatures(
    block: RawBlock,
    n: number,
    timestamp: string | null,
    fail: (
      check: AuditCheck,
      message: string,
      extra?: Partial<AuditFinding>,
      severity?: 'error' | 'warning',
    ) => void,
  ): { valid: number; signers: string[] } {
    const signers: string[] = [];
    const entry = block.metadata[common.BlockMetadataIndex.SIGNATURES];
    let metadata: common.Metadata | undefined;
    try {
      metadata = entry && entry.length > 0 ? common.Metadata.deserializeBinary(entry) : undefined;
    } catch (error) {
      fail('signature', `block ${n}: the SIGNATURES metadata is malformed: ${(error as Error).message}`);
      return { valid: 0, signers };
    }
    const signatures = metadata?.getSignaturesList() ?? [];
    if (signatures.length === 0) {
      this.unsignedBlocks++;
      // configtxgen's genesis block is not signed by an orderer; every later block must be.
      if (n !== 0) fail('signature', `block ${n} carries no orderer signature`);
      return { valid: 0, signers };
    }
    this.signedBlocks++;
    const config = this.config?.info;
    if (!config) {
      fail('signature', `block ${n}: no channel config known to check its signatures against`, {}, 'warning');
      return { valid: 0, signers };
    }
    const value = metadata?.getValue_asU8() ?? new Uint8Array();
    const headerBytes = blockHeaderBytes(n, block.previousHash, block.dataHash);
    const ordererMsps = config.msps.filter((m) => m.group === 'Orderer');
    let valid = 0;
    signatures.forEach((signature, i) => {
      const label = `signature ${i} of block ${n}`;
      try {
        const signatureHeader = signature.getSignatureHeader_asU8();
        const identifierHeader = signature.getIdentifierHeader_asU8();
        let mspId: string;
        let certPem: string;
        let signedHeader: Uint8Array;
        if (signatureHeader.length === 0 && identifierHeader.length > 0) {
          const id = common.IdentifierHeader.deserializeBinary(identifierHeader).getIdentifier();
          const consenter = config.consenters.find((c) => c.id === id);
          if (!consenter) {
            fail('signature', `${label} names consenter ${id}, which is not in the channel config`);
            return;
          }
          mspId = consenter.mspId;
          certPem = consenter.identity;
          signedHeader = identifierHeader;
        } else {
          const creator = msp.SerializedIdentity.deserializeBinary(
            common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8(),
          );
          mspId = creator.getMspid();
          certPem = Buffer.from(creator.getIdBytes_asU8()).toString('utf8');
          signedHeader = signatureHeader;
        }
        const ordererMsp = ordererMsps.find((m) => m.mspId === mspId);
        if (!ordererMsp) {
          fail('signature', `${label} is by ${mspId}, which is not an orderer org of the config in force`, {
            expected: ordererMsps.map((m) => m.mspId).join(', '),
            actual: mspId,
          });
          return;
        }
        const problem = this.chainProblem(certPem, ordererMsp, timestamp);
        if (problem) {
          fail('certificate', `${label} (${mspId}): ${problem}`);
          return;
        }
        const signed = Buffer.concat([value, signedHeader, headerBytes]);
        const key = new X509Certificate(certPem).publicKey;
        if (!verifySignature('sha256', signed, { key, dsaEncoding: 'der' }, signature.getSignature_asU8())) {
          fail('signature', `${label} (${mspId}) does not verify over the block header and metadata`);
          return;
        }
        valid++;
        this.signaturesVerified++;
        if (!signers.includes(mspId)) signers.push(mspId);
      } catch (error) {
        fail('signature', `${label} cannot be checked: ${(error as Error).message}`);
      }
    });
    if (
      valid === 0 &&
      !this.findings.some(
        (f) => f.blockNumber === n && (f.check === 'signature' || f.check === 'certificate'),
      )
    ) {
      fail('signature', `block ${n} has no valid orderer signature`);
    }
    return { valid, signers };
  }

  report(source: AuditReport['source']): AuditReport {
    if (this.blocks.length === 0 && !this.findings.some((f) => f.check === 'source')) {
      this.findings.push({
        blockNumber: null,
        check: 'source',
        severity: 'error',
        message: `no blocks found in ${source.description}`,
      });
    }
    const errors = this.findings.filter((f) => f.severity === 'error').length;
    const first = this.blocks[0];
    const last = this.blocks[this.blocks.length - 1];
    return {
      format: 'medfabric-ledger-audit',
      version: 1,
      source,
      channel: this.channel,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      ok: errors === 0,
      summary: {
        blocks: this.blocks.length,
        firstBlock: first?.number ?? null,
        lastBlock: last?.number ?? null,
        transactions: this.transactions,
        headerLinksChecked: this.headerLinksChecked,
        dataHashesChecked: this.dataHashesChecked,
        signedBlocks: this.signedBlocks,
        signaturesVerified: this.signaturesVerified,
        unsignedBlocks: this.unsignedBlocks,
        configBlocks: this.configs.length,
        errors,
        warnings: this.findings.length - errors,
      },
      headHash: last?.headerHash ?? null,
      configs: this.configs,
      findings: [...this.findings].sort(
        (a, b) => (a.blockNumber ?? Number.MAX_SAFE_INTEGER) - (b.blockNumber ?? Number.MAX_SAFE_INTEGER),
      ),
      blocks: this.blocks,
    };
  }
}

/** Audits blocks given in chain order (any iterable). */
export async function auditBlocks(
  blocks: AsyncIterable<RawBlock> | Iterable<RawBlock>,
  source: AuditReport['source'],
  options: ChainAuditorOptions = {},
): Promise<AuditReport> {
  const auditor = new ChainAuditor(options);
  for await (const block of blocks) auditor.add(block);
  return auditor.report(source);
}

function fileFindings(auditor: ChainAuditor, contents: BlockFileContents): void {
  const lastNumber = contents.blocks[contents.blocks.length - 1]?.number;
  const next = lastNumber === undefined ? null : lastNumber + 1;
  if (contents.truncatedTail) {
    auditor.addFinding({
      blockNumber: next,
      check: 'truncated-tail',
      severity: 'warning',
      message: `${contents.file} ends with ${contents.truncatedTail.bytes} bytes that are not a whole block (a block being written, or a crash while appending)`,
      location: `${contents.file}@${contents.truncatedTail.offset}`,
    });
  }
  if (contents.error) {
    auditor.addFinding({
      blockNumber: next,
      check: 'file-structure',
      severity: 'error',
      message: `${contents.error.message}; nothing after it could be read`,
      location: `${contents.file}@${contents.error.offset}`,
    });
  }
}

/**
 * Audits Fabric block files: a blockfile_NNNNNN, a *.block file, or a directory holding them (e.g. a
 * copy of a peer's ledgersData/chains/chains/<channel> or an orderer's chains/<channel>).
 */
export async function auditBlockFiles(
  target: string,
  options: ChainAuditorOptions = {},
): Promise<AuditReport> {
  const files = await findLedgerFiles(target);
  const auditor = new ChainAuditor(options);
  const single: RawBlock[] = [];
  for (const { file, kind } of files) {
    const contents = kind === 'blockfile' ? await readBlockFile(file) : await readSingleBlockFile(file);
    if (kind === 'single-block') single.push(...contents.blocks);
    else for (const block of contents.blocks) auditor.add(block);
    fileFindings(auditor, contents);
  }
  for (const block of single.sort((a, b) => a.number - b.number)) auditor.add(block);
  return auditor.report({ kind: 'files', description: target, files: files.map((f) => f.file) });
}

/** What a live audit needs from the runtime (NetworkRuntime satisfies it). */
export interface PeerAdminProvider {
  readonly channel: string;
  peerAdminClient(node: NodeTopology): PeerAdminClient;
}

export interface PeerAuditOptions {
  runtime: PeerAdminProvider;
  peer: NodeTopology;
  channel?: string;
  fromBlock?: number;
  /** Inclusive; default the peer's height - 1. */
  toBlock?: number;
  /** Blocks fetched in parallel. */
  concurrency?: number;
  /** Also compare the index's stored header hashes with the chain. */
  index?: LedgerIndex;
}

/** Audits the chain held by `peer`, fetching each block with qscc GetBlockByNumber. */
export async function auditPeerChain(options: PeerAuditOptions): Promise<AuditReport> {
  const channel = options.channel ?? options.runtime.channel;
  const client = options.runtime.peerAdminClient(options.peer);
  const description = `${options.peer.id} (${options.peer.org.mspId}), channel ${channel}`;
  try {
    const info = await client.chainInfo(channel);
    const from = options.fromBlock ?? 0;
    const to = Math.min(options.toBlock ?? info.height - 1, info.height - 1);
    const fetch = async (n: number): Promise<RawBlock> =>
      rawBlockFromBytes(await client.getBlockByNumber(channel, n));

    const anchor: ChainAuditorOptions = {};
    if (from > 0) {
      // A partial audit trusts the block before it and the config it names.
      const before = await fetch(from - 1);
      anchor.trustedPreviousHash = toHex(
        blockHeaderHash(before.number, before.previousHash, before.dataHash),
      );
      const lastConfig = decodeBlock(before).lastConfigIndex ?? 0;
      const configBlock = decodeBlock(lastConfig === before.number ? before : await fetch(lastConfig));
      if (configBlock.config) anchor.trustedConfig = configBlock.config;
    }
    const auditor = new ChainAuditor(anchor);
    auditor.channel = channel;
    const concurrency = Math.max(1, options.concurrency ?? 8);
    const pending = new Map<number, Promise<RawBlock>>();
    for (let n = from; n <= to; n++) {
      for (let m = n; m <= Math.min(to, n + concurrency - 1); m++)
        if (!pending.has(m)) pending.set(m, fetch(m));
      const block = await pending.get(n);
      pending.delete(n);
      if (block) auditor.add(block);
    }
    const report = auditor.report({ kind: 'peer', description, files: [] });
    if (to === info.height - 1 && report.headHash !== null && report.headHash !== info.currentBlockHash) {
      report.findings.push({
        blockNumber: to,
        check: 'head',
        severity: 'error',
        message: `the peer reports current block hash ${info.currentBlockHash}, but its block ${to} hashes to ${report.headHash}`,
        expected: info.currentBlockHash,
        actual: report.headHash,
      });
    }
    if (options.index) compareWithIndex(report, options.index);
    return finalise(report);
  } finally {
    client.close();
  }
}

/** Adds a finding for every block whose hashes in the index differ from the audited chain. */
export function compareWithIndex(report: AuditReport, index: LedgerIndex): AuditReport {
  for (const block of report.blocks) {
    const stored = index.block(block.number)?.block;
    if (!stored) continue;
    if (stored.header_hash !== block.headerHash || stored.data_hash !== block.dataHash) {
      report.findings.push({
        blockNumber: block.number,
        check: 'index',
        severity: 'error',
        message: `the index holds different hashes for block ${block.number} than the chain`,
        expected: block.headerHash,
        actual: stored.header_hash,
      });
    }
  }
  return finalise(report);
}

function finalise(report: AuditReport): AuditReport {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  report.summary.errors = errors;
  report.summary.warnings = report.findings.length - errors;
  report.ok = errors === 0;
  report.findings.sort(
    (a, b) => (a.blockNumber ?? Number.MAX_SAFE_INTEGER) - (b.blockNumber ?? Number.MAX_SAFE_INTEGER),
  );
  const failed = new Set(report.findings.filter((f) => f.severity === 'error').map((f) => f.blockNumber));
  for (const block of report.blocks) if (failed.has(block.number)) block.ok = false;
  return report;
}
