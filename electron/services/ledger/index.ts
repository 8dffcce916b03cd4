// Ledger index, integrity audit and dashboards (DESIGN §8). No Electron dependency.
export { LedgerIndex, LedgerIndexError, scrubPayload } from './ledger-index';
export type {
  AlertsByRule,
  BlockRow,
  ClaimFunnel,
  ClaimsPerHospitalMonth,
  IndexCheckpoint,
  LedgerIndexOptions,
  SpendingByInsurerMonth,
  TransactionRow,
} from './ledger-index';
export { LedgerIndexer, gatewayBlockSource, peerBlockSource } from './block-indexer';
export type {
  BlockSource,
  BlockStream,
  IndexedBlockEvent,
  IndexerErrorEvent,
  IndexerState,
  IndexerStatus,
  LedgerIndexerEvents,
  LedgerIndexerOptions,
  PeerGatewayProvider,
} from './block-indexer';
export { decodeBlock, decodeEnvelope } from './block-decoder';
export type { DecodedBlock, DecodedEvent, DecodedTransaction, KeyRef } from './block-decoder';
export {
  ChainAuditor,
  auditBlockFiles,
  auditBlocks,
  auditPeerChain,
  compareWithIndex,
} from './integrity-audit';
export type {
  AuditCheck,
  AuditFinding,
  AuditReport,
  AuditedBlock,
  PeerAuditOptions,
  PeerAdminProvider,
} from './integrity-audit';
export { auditReportJson, renderAuditReportHtml, writeAuditReport } from './audit-report';
export { findLedgerFiles, parseBlockFile, readBlockFile, serializeBlockFile } from './block-file';
export { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';
export { rawBlockFromBytes, rawBlockFromProto, type RawBlock } from './raw-block';
export type { ChannelConfigInfo, MspInfo } from './channel-config';
export { DOMAIN_TABLES, LEDGER_TABLES, SCHEMA_VERSION, type LedgerTable } from './schema';
export { formatLedgerBench, runLedgerBench } from './bench-ledger';
export type { LedgerBenchOptions, LedgerBenchResult } from './bench-ledger';
