// The integrity audit's report: types only (no Node imports), so the renderer can use them too.

export type AuditCheck =
  | 'sequence'
  | 'previous-hash'
  | 'data-hash'
  | 'signature'
  | 'certificate'
  | 'last-config'
  | 'config'
  | 'decode'
  | 'file-structure'
  | 'truncated-tail'
  | 'head'
  | 'index'
  | 'source';

export interface AuditFinding {
  /** null when the finding is not about one block (e.g. an empty source). */
  blockNumber: number | null;
  check: AuditCheck;
  severity: 'error' | 'warning';
  message: string;
  expected?: string;
  actual?: string;
  /** file@offset for block files. */
  location?: string;
}

export interface AuditedBlock {
  number: number;
  headerHash: string;
  previousHash: string;
  dataHash: string;
  txCount: number;
  isConfig: boolean;
  validSignatures: number;
  signers: string[];
  ok: boolean;
  location?: string;
}

export interface AuditReport {
  format: 'medfabric-ledger-audit';
  version: 1;
  source: { kind: 'peer' | 'files'; description: string; files: string[] };
  channel: string | null;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  summary: {
    blocks: number;
    firstBlock: number | null;
    lastBlock: number | null;
    transactions: number;
    headerLinksChecked: number;
    dataHashesChecked: number;
    signedBlocks: number;
    signaturesVerified: number;
    unsignedBlocks: number;
    configBlocks: number;
    errors: number;
    warnings: number;
  };
  /** Header hash of the last block audited. */
  headHash: string | null;
  configs: Array<{
    blockNumber: number;
    sequence: number;
    ordererMspIds: string[];
    applicationMspIds: string[];
  }>;
  findings: AuditFinding[];
  blocks: AuditedBlock[];
}
