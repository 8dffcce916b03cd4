// What the Certificates page shows and sends: the expiry radar over the local MSPs and the channel
// configuration, renewal of a local node's certificates, and the acting org's Fabric CA. Shared with
// the API contract and the renderer (type-only), so this file has no Node imports.
import type { NodeState } from '../runtime/types';
import type { BundleFile, CertificateSummary, IdentitySummary } from './types';

export type CertificateStatus = 'ok' | 'warn' | 'critical' | 'expired';

/** What a certificate is used for, from where it was found. */
export type CertificateRole =
  | 'ca'
  | 'tls-ca'
  | 'intermediate-ca'
  | 'tls-intermediate-ca'
  | 'signing'
  | 'admin'
  | 'tls-server'
  | 'tls-client'
  | 'other';

/** Where the radar found a certificate: this console's crypto dir, or the channel's config block. */
export type CertificateOrigin = 'local' | 'channel';

/** One distinct certificate (by SHA-256 fingerprint) of one origin, with every place it was found. */
export interface CertificateRow {
  origin: CertificateOrigin;
  /** The org it belongs to, when known. */
  mspId?: string;
  /** Who holds it: a node, a user, the org's CAs, or a Raft consenter (host:port). */
  holder: string;
  role: CertificateRole;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  status: CertificateStatus;
  isCa: boolean;
  fingerprintSha256: string;
  /** Files relative to the crypto dir, or positions in the channel config. */
  sources: string[];
}

export interface CertificateProblem {
  source: string;
  message: string;
}

/** A certificate in brief, for renewal: before and after. */
export interface CertificateBrief {
  serialNumber: string;
  notAfter: string;
  daysLeft: number;
  status: CertificateStatus;
}

export type RenewalTarget = 'tls' | 'enrollment';

/** A node this console runs, with the two certificates it can renew. */
export interface LocalNodeCertificates {
  nodeId: string;
  kind: 'peer' | 'orderer';
  mspId: string;
  state: NodeState | 'not-started';
  tls?: CertificateBrief;
  enrollment?: CertificateBrief;
  /** Why the acting org may not renew it (another org's node); absent when it may. */
  renewRefusal?: string;
}

export interface CertificateInventoryView {
  generatedAt: string;
  thresholds: { warnDays: number; criticalDays: number };
  /** Distinct certificates (both origins together) per status. */
  summary: Record<CertificateStatus, number>;
  rows: CertificateRow[];
  problems: CertificateProblem[];
  /** The channel whose config was read, and from which peer (absent when it could not be read). */
  channel: { name: string; blockNumber?: number; readFrom?: string };
  nodes: LocalNodeCertificates[];
}

export interface RenewNodeRequest {
  nodeId: string;
  target: RenewalTarget;
}

/** `certificates:renew-node`: the certificate before and after, and the node's ledger around the restart. */
export interface NodeRenewalResult {
  nodeId: string;
  target: RenewalTarget;
  previous: CertificateBrief & { fingerprintSha256: string };
  current: CertificateBrief & { fingerprintSha256: string };
  keyReused: boolean;
  /** The validity was shortened to the issuing CA's own expiry. */
  cappedByCa: boolean;
  /** Restarted so it loads the new certificate (a stopped node picks it up when started). */
  restarted: boolean;
  state: NodeState | 'not-started';
  /** Peers only: block height before the restart and after it. */
  ledgerHeightBefore?: number;
  ledgerHeightAfter?: number;
}

// ---- Fabric CA of the acting org -------------------------------------------------------------

/** An identity of the org's users folder that the Fabric CA enrolled. */
export interface CaEnrolledIdentity {
  enrollmentId: string;
  attributes: Record<string, string>;
  certificate: CertificateSummary;
  /** Its current certificate is on the CA's certificate revocation list. */
  revoked: boolean;
}

export interface FabricCaStatus {
  mspId: string;
  orgName: string;
  /** The profile gives the org a Fabric CA. */
  enabled: boolean;
  /** When not enabled: how to enable it. */
  howToEnable?: string;
  nodeId?: string;
  state?: NodeState | 'not-started';
  url?: string;
  version?: string;
  caCertificate?: CertificateSummary;
  /** Serials (lower-case hex) on the CA's current CRL. */
  revokedSerials: string[];
  identities: CaEnrolledIdentity[];
  /** Why the CA could not be asked (stopped, unreachable). */
  problem?: string;
}

export interface CaRegisterRequest {
  enrollmentId: string;
  role: string;
  patientId?: string;
}

/** The enrollment secret: hand it to whoever enrolls (shown once; the CA keeps only its hash). */
export interface CaRegistration {
  enrollmentId: string;
  secret: string;
}

export interface CaEnrollRequest {
  enrollmentId: string;
  secret: string;
}

export interface CaReenrollResult {
  identity: IdentitySummary;
  previous: CertificateSummary;
}

export type CaRevocationReason =
  | 'unspecified'
  | 'keycompromise'
  | 'affiliationchanged'
  | 'superseded'
  | 'cessationofoperation'
  | 'privilegewithdrawn';

export interface CaRevokeRequest {
  enrollmentId: string;
  reason: CaRevocationReason;
}

export interface CaRevokeResult {
  enrollmentId: string;
  /** Serials (lower-case hex) of every certificate of the identity the CA revoked. */
  revokedSerials: string[];
}

/**
 * `ca:publish-crl`: the CA's current CRL and a channel update bundle putting it in the org's MSP
 * revocation_list, proposed and signed by the acting org's admin (sign and submit it on the Channel
 * updates page; the org's Admins policy guards its own MSP).
 */
export interface CrlPublication {
  crl: { issuer: string; thisUpdate: string; nextUpdate?: string; revokedSerials: string[] };
  bundle: BundleFile;
}
