// What the console pages show beyond node supervision: identities, org definitions, the decoded
// channel configuration and the chaincode lifecycle. Shared with the API contract and the renderer
// (type-only), so this file has no Node imports.
import type { OrgRole } from '../runtime/types';
import type { ConsoleJoinInfo } from './join-types';

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
  /**
   * Orgs the user can act as: the peer orgs and, in the sandbox, the orderer org (whose admins
   * sign changes to the ordering service settings, such as the batch timeout).
   */
  orgs: ConsoleOrg[];
  profile: string;
  stateDir: string;
  channel: string;
  /** False until the network has been created in this state directory (first run). */
  networkCreated: boolean;
  /** Present when this console joins a consortium whose orderers run elsewhere. */
  join?: ConsoleJoinInfo;
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

/**
 * Everything the consortium needs to add an org to a channel: the channel services' org
 * definition file (`medfabric.org-definition/v1`, see services/channel/org-definition.ts), which
 * `org:import-definition` validates and a `channel:propose-update` add-org edit consumes.
 */
export interface OrgDefinition {
  format: 'medfabric.org-definition/v1';
  mspId: string;
  /** The org's group name in the channel config; defaults to the MSP ID. */
  name?: string;
  kind: 'application' | 'orderer';
  caCerts: string[];
  intermediateCerts: string[];
  tlsCaCerts: string[];
  tlsIntermediateCerts: string[];
  admins: string[];
  revocationList: string[];
  nodeOUs: { enable: boolean; clientOu: string; peerOu: string; adminOu: string; ordererOu: string };
  anchorPeers: Endpoint[];
  ordererEndpoints: string[];
  policies?: Record<string, string>;
}

/** `org:import-definition`: a partner's definition file checked (schema, certificates, policies). */
export interface OrgDefinitionCheck {
  valid: boolean;
  /** The MSP ID the file names (when it names one). */
  mspId?: string;
  kind?: 'application' | 'orderer';
  /** Each problem in words; empty when valid. */
  problems: string[];
  /** When valid: one line per CA (subject, fingerprint), anchor peers / orderer endpoints. */
  summary: string[];
  /** Whether the org is already a member of the channel (then it cannot be added again). */
  alreadyMember: boolean;
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

// ---- consortium administration: channel updates carried as offline-signed bundle files ----------

/** An edit `channel:propose-update` turns into a config update. */
export type ChannelEdit =
  | { kind: 'batch'; timeoutMs: number; maxMessageCount?: number }
  | { kind: 'anchor-peers'; mspId: string; endpoints: string[] }
  /** `definition`: the text of a partner's org definition file. */
  | { kind: 'add-org'; definition: string }
  | { kind: 'remove-org'; mspId: string }
  | { kind: 'capability'; level: 'Channel' | 'Orderer' | 'Application'; name: string; enabled: boolean }
  /** `crl`: a PEM CRL of one of the org's CAs; it replaces that CA's older CRL in the revocation_list. */
  | { kind: 'revocation-list'; mspId: string; crl: string }
  /** `policy`: e.g. /Channel/Application/Writers; null removes the resource's ACL. */
  | { kind: 'acl'; resource: string; policy: string | null }
  /** A policy of the channel, of a level, or (mspId) of an org of that level; `rule` null removes it. */
  | {
      kind: 'policy';
      level: 'Channel' | 'Orderer' | 'Application';
      mspId?: string;
      name: string;
      rule: string | null;
    }
  /** A Raft consenter at its cluster endpoint (host:port) with its TLS certificates (PEM). */
  | { kind: 'add-consenter'; endpoint: string; clientTlsCert: string; serverTlsCert: string }
  | { kind: 'remove-consenter'; endpoint: string };

export interface ProposeUpdateRequest {
  edit: ChannelEdit;
  description: string;
  /** ISO date-time; default: 7 days from now. */
  deadline?: string;
}

/** One signature in a bundle, as this console verified it against the channel's MSPs. */
export interface BundleSignatureView {
  mspId: string;
  subject: string;
  certFingerprint: string;
  signedAt?: string;
  /** A valid admin signature (it counts toward the modification policies). */
  valid: boolean;
  isAdmin: boolean;
  /** Why it does not count. */
  reason?: string;
}

/** One modification policy the update must satisfy. */
export interface SignatureRequirementView {
  /** e.g. /Channel/Orderer/Admins */
  policy: string;
  /** e.g. "MAJORITY Admins" */
  rule: string;
  satisfied: boolean;
  /** ImplicitMeta policies: sub-policies needed, out of, satisfied so far. */
  threshold?: { needed: number; of: number; have: number };
  signedBy: string[];
  /** Orgs whose admins could still sign. */
  candidates: string[];
  /** More signatures needed (null: cannot be satisfied by the channel's orgs). */
  needMore: number | null;
  /** The changed config elements this policy guards. */
  guards: string[];
  /** The whole requirement in one sentence. */
  summary: string;
}

/** What the acting org may do with the bundle. */
export interface BundleActingView {
  mspId: string;
  isMember: boolean;
  hasSigned: boolean;
  /** Its admin's signature would count toward a policy that is not yet satisfied. */
  signatureNeeded: boolean;
  canSign: boolean;
  /** Why signing is refused (already signed, not a member, invalid bundle). */
  signRefusal?: string;
}

/** A bundle reviewed against the channel's current config (what every update screen shows). */
export interface BundleReview {
  channel: string;
  description: string;
  proposer: { mspId: string; subject?: string };
  createdAt: string;
  deadline: string;
  /** Config sequence the update was computed against, and the channel's sequence now. */
  baseSequence?: number;
  currentSequence: number;
  configUpdateSha256: string;
  verification: {
    valid: boolean;
    problems: string[];
    expired: boolean;
    stale: boolean;
    tampered: boolean;
  };
  /** The change in plain language, recomputed by this console from the update bytes. */
  impact: string[];
  /** True when the proposer's own impact lines (in the file) differ from what this console computed. */
  impactDiffers: boolean;
  signatures: BundleSignatureView[];
  requirements: SignatureRequirementView[];
  /** The signatures satisfy every modification policy (and the bundle is valid): it can be submitted. */
  satisfied: boolean;
  /** Orgs whose admins could still sign. */
  missingOrgs: string[];
  acting: BundleActingView;
}

/** `channel:propose-update` and `channel:sign-bundle`: the bundle file to download and its review. */
export interface BundleFile {
  /** The bundle as JSON text: offer it as a download. */
  bundleJson: string;
  /** A suggested file name. */
  fileName: string;
  review: BundleReview;
}

/** `channel:submit-bundle`: the update is in a new config block every running peer serves. */
export interface BundleSubmitResult {
  channel: string;
  blockNumber: number;
  sequence: number;
  peers: Array<{ peerId: string; blockNumber: number }>;
  submittedBy: string;
  description: string;
}

/** Details of a refused bundle (error `details` of review/sign/submit). */
export interface BundleRefusalDetails {
  kind: 'bundle-refused';
  problems: string[];
  missingOrgs: string[];
}
