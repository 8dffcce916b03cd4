// What the console pages show beyond node supervision: identities, org definitions, the decoded
// channel configuration and the chaincode lifecycle. Shared with the API contract and the renderer
// (type-only), so this file has no Node imports.
import type { OrgRole } from '../runtime/types';

/** Who the console acts as: a real member runs one org; the sandbox holds every org's keys. */
export type ConsoleMode = 'sandbox' | 'member';

export interface ConsoleOrg {
  name: string;
  mspId: string;
  role: OrgRole;
}

export interface ConsoleContext {
  mode: ConsoleMode;
  /** In the sandbox the user may act as any peer org; a member console is fixed to its own org. */
  canSwitch: boolean;
  acting: ConsoleOrg;
  /** Orgs the user can act as (peer orgs of the network). */
  orgs: ConsoleOrg[];
  profile: string;
  stateDir: string;
  channel: string;
  /** False until the network has been created in this state directory (first run). */
  networkCreated: boolean;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  /** Whole days until notAfter (negative once expired). */
  daysToExpiry: number;
  expiry: 'valid' | 'expiring' | 'expired';
}

export interface IdentitySummary {
  name: string;
  /** A user enrolled with the org CA, or a node (peer, orderer) of the org. */
  kind: 'user' | 'node';
  /** Fabric node OU: client, admin, peer or orderer. */
  nodeOu?: string;
  /** Enrollment attributes such as role and patientId (fabric-ca extension). */
  attributes: Record<string, string>;
  certificate: CertificateSummary;
  tlsCertificate?: CertificateSummary;
}

export interface OrgIdentities {
  name: string;
  mspId: string;
  role: OrgRole;
  domain: string;
  ca?: CertificateSummary;
  tlsCa?: CertificateSummary;
  identities: IdentitySummary[];
  /** The acting org may enroll new client identities of its own org. */
  canIssue: boolean;
}

export interface IssueIdentityRequest {
  mspId: string;
  name: string;
  role: string;
  patientId?: string;
}

export interface Endpoint {
  host: string;
  port: number;
}

/** Everything another consortium needs to add this org to a channel (configtx Organization). */
export interface OrgDefinition {
  format: 'medfabric-org-definition/v1';
  name: string;
  mspId: string;
  role: OrgRole;
  domain: string;
  caCertPem: string;
  tlsCaCertPem: string;
  nodeOUs: boolean;
  anchorPeers: Endpoint[];
  peerEndpoints: Array<Endpoint & { id: string; tlsHostOverride: string }>;
  ordererEndpoints: Array<Endpoint & { id: string; tlsHostOverride: string }>;
  policies: Record<string, string>;
  exportedAt: string;
}

export interface PolicyView {
  name: string;
  type: 'Signature' | 'ImplicitMeta' | 'MSP' | 'Unknown';
  /** Fabric's policy language, e.g. `OR('HospitalMSP.admin')` or `MAJORITY Admins`. */
  rule: string;
  modPolicy: string;
}

export interface MspView {
  name: string;
  type: 'fabric' | 'idemix' | 'unknown';
  rootCerts: CertificateSummary[];
  tlsRootCerts: CertificateSummary[];
  intermediateCerts: number;
  admins: number;
  revocations: number;
  nodeOUs: boolean;
}

export interface ChannelOrgView {
  mspId: string;
  /** The topology's role of this MSP, when the console knows it. */
  role?: OrgRole;
  section: 'orderer' | 'application';
  msp?: MspView;
  policies: PolicyView[];
  anchorPeers: string[];
  ordererEndpoints: string[];
}

export interface ConsenterView {
  host: string;
  port: number;
  mspId?: string;
  clientTlsCert?: CertificateSummary;
  serverTlsCert?: CertificateSummary;
}

export interface OrdererSettingsView {
  consensusType: string;
  consensusState: string;
  batchSize?: { maxMessageCount: number; absoluteMaxBytes: number; preferredMaxBytes: number };
  batchTimeout?: string;
  maxChannels?: number;
  consenters: ConsenterView[];
  raftOptions?: {
    tickInterval: string;
    electionTick: number;
    heartbeatTick: number;
    maxInflightBlocks: number;
    snapshotIntervalSize: number;
  };
}

export interface ChannelConfigView {
  channel: string;
  /** Number of the last config block and the config sequence it carries. */
  blockNumber: number;
  sequence: number;
  readFrom: string;
  hashingAlgorithm?: string;
  blockDataHashingWidth?: number;
  capabilities: { channel: string[]; orderer: string[]; application: string[] };
  policies: { channel: PolicyView[]; orderer: PolicyView[]; application: PolicyView[] };
  acls: Record<string, string>;
  orderer: OrdererSettingsView;
  orgs: ChannelOrgView[];
}

export interface ChaincodeApprovals {
  /** MSP ID → approved the committed definition. */
  approvals: Record<string, boolean>;
  approved: number;
  /** Approvals the channel's LifecycleEndorsement (MAJORITY Endorsement) needs. */
  required: number;
  ready: boolean;
}

export interface ChaincodeInfo {
  name: string;
  committed?: { version: string; sequence: number; collections: string[] } & ChaincodeApprovals;
  /** What this console deployed (package, policy, source folder). */
  deployed?: {
    version: string;
    sequence: number;
    packageId: string;
    endorsementPolicy: string;
    collections: string[];
    path: string;
  };
}

export interface InstalledPackages {
  peerId: string;
  mspId: string;
  packages: Array<{ packageId: string; label: string }>;
  /** Why the peer could not be asked (stopped, unreachable). */
  error?: string;
}

export interface ChaincodeOverview {
  channel: string;
  readFrom: string;
  chaincodes: ChaincodeInfo[];
  installed: InstalledPackages[];
}
