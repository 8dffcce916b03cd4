// Codecs for the typed config values and policies of a channel config (the bytes inside
// ConfigValue.value and ConfigPolicy.policy), between their protobufs and plain JSON-friendly
// objects an administrator can read and edit.
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import {
  GROUP_APPLICATION,
  GROUP_ORDERER,
  type ChannelConfig,
  type ConfigPolicyNode,
  type PolicyBody,
} from './config-tree';
import { matchHostPort, type HostPort } from './host-port';
import { signaturePolicyEnvelope } from './policy';

/** Names of the standard config values (configtx/*.go in Fabric). */
export const VALUE_KEYS = {
  msp: 'MSP',
  anchorPeers: 'AnchorPeers',
  endpoints: 'Endpoints',
  capabilities: 'Capabilities',
  acls: 'ACLs',
  batchSize: 'BatchSize',
  batchTimeout: 'BatchTimeout',
  consensusType: 'ConsensusType',
  channelRestrictions: 'ChannelRestrictions',
  hashingAlgorithm: 'HashingAlgorithm',
  blockDataHashingStructure: 'BlockDataHashingStructure',
  ordererAddresses: 'OrdererAddresses',
  consortium: 'Consortium',
} as const;

export class ConfigValueError extends Error {
  override readonly name = 'ConfigValueError';
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

function utf8(value: string): Uint8Array {
  return Buffer.from(value, 'utf8');
}

// ---- policies --------------------------------------------------------------------------------

/** A policy as configtx.yaml writes it: `{Type: Signature, Rule: "OR('A.admin')"}`, `{Type: ImplicitMeta, Rule: "MAJORITY Admins"}`. */
export type PolicyRule =
  | { type: 'Signature'; rule: string }
  | { type: 'ImplicitMeta'; rule: string }
  | { type: 'Other'; policyType: number; valueBase64: string };

export interface PolicyEntry {
  policy: PolicyRule;
  modPolicy: string;
}

export const ROLE_NAMES: Record<number, string> = {
  [msp.MSPRole.MSPRoleType.MEMBER]: 'member',
  [msp.MSPRole.MSPRoleType.ADMIN]: 'admin',
  [msp.MSPRole.MSPRoleType.CLIENT]: 'client',
  [msp.MSPRole.MSPRoleType.PEER]: 'peer',
  [msp.MSPRole.MSPRoleType.ORDERER]: 'orderer',
};

const IMPLICIT_RULES: Record<number, 'ANY' | 'ALL' | 'MAJORITY'> = {
  [common.ImplicitMetaPolicy.Rule.ANY]: 'ANY',
  [common.ImplicitMetaPolicy.Rule.ALL]: 'ALL',
  [common.ImplicitMetaPolicy.Rule.MAJORITY]: 'MAJORITY',
};

export function describePrincipal(principal: msp.MSPPrincipal): string {
  const classification = principal.getPrincipalClassification();
  if (classification === msp.MSPPrincipal.Classification.ROLE) {
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    return `'${role.getMspIdentifier()}.${ROLE_NAMES[role.getRole()] ?? `role${role.getRole()}`}'`;
  }
  if (classification === msp.MSPPrincipal.Classification.ORGANIZATION_UNIT) {
    const unit = msp.OrganizationUnit.deserializeBinary(principal.getPrincipal_asU8());
    return `'${unit.getMspIdentifier()}.OU:${unit.getOrganizationalUnitIdentifier()}'`;
  }
  if (classification === msp.MSPPrincipal.Classification.IDENTITY) {
    const identity = msp.SerializedIdentity.deserializeBinary(principal.getPrincipal_asU8());
    return `'${identity.getMspid()}.identity'`;
  }
  return `'(principal classification ${classification})'`;
}

function describeRule(rule: common.SignaturePolicy | undefined, principals: string[]): string {
  if (!rule) return 'OutOf(0)';
  if (rule.getTypeCase() === common.SignaturePolicy.TypeCase.SIGNED_BY) {
    return principals[rule.getSignedBy()] ?? `'(missing principal ${rule.getSignedBy()})'`;
  }
  const nOutOf = rule.getNOutOf();
  if (!nOutOf) return 'OutOf(0)';
  const rules = nOutOf.getRulesList().map((child) => describeRule(child, principals));
  const n = nOutOf.getN();
  if (n === rules.length && rules.length > 1) return `AND(${rules.join(', ')})`;
  if (n === 1) return `OR(${rules.join(', ')})`;
  return `OutOf(${n}, ${rules.join(', ')})`;
}

/** A SignaturePolicyEnvelope in Fabric's policy language. */
export function describeSignaturePolicy(envelope: common.SignaturePolicyEnvelope): string {
  return describeRule(envelope.getRule(), envelope.getIdentitiesList().map(describePrincipal));
}

export function decodePolicy(body: PolicyBody): PolicyRule {
  if (body.type === common.Policy.PolicyType.SIGNATURE) {
    return {
      type: 'Signature',
      rule: describeSignaturePolicy(common.SignaturePolicyEnvelope.deserializeBinary(body.value)),
    };
  }
  if (body.type === common.Policy.PolicyType.IMPLICIT_META) {
    const meta = common.ImplicitMetaPolicy.deserializeBinary(body.value);
    return {
      type: 'ImplicitMeta',
      rule: `${IMPLICIT_RULES[meta.getRule()] ?? 'ANY'} ${meta.getSubPolicy()}`,
    };
  }
  return { type: 'Other', policyType: body.type, valueBase64: Buffer.from(body.value).toString('base64') };
}

export function parseImplicitMetaRule(rule: string): { rule: 'ANY' | 'ALL' | 'MAJORITY'; subPolicy: string } {
  const match = /^\s*(ANY|ALL|MAJORITY)\s+([A-Za-z0-9_.-]+)\s*$/.exec(rule);
  if (!match?.[1] || !match[2]) {
    throw new ConfigValueError(
      `invalid ImplicitMeta rule "${rule}": expected "ANY|ALL|MAJORITY <SubPolicy>", e.g. "MAJORITY Admins"`,
    );
  }
  return { rule: match[1] as 'ANY' | 'ALL' | 'MAJORITY', subPolicy: match[2] };
}

export function encodePolicy(rule: PolicyRule): PolicyBody {
  switch (rule.type) {
    case 'Signature':
      return {
        type: common.Policy.PolicyType.SIGNATURE,
        value: signaturePolicyEnvelope(rule.rule).serializeBinary(),
      };
    case 'ImplicitMeta': {
      const parsed = parseImplicitMetaRule(rule.rule);
      const meta = new common.ImplicitMetaPolicy();
      meta.setSubPolicy(parsed.subPolicy);
      meta.setRule(common.ImplicitMetaPolicy.Rule[parsed.rule]);
      return { type: common.Policy.PolicyType.IMPLICIT_META, value: meta.serializeBinary() };
    }
    case 'Other':
      return { type: rule.policyType, value: Buffer.from(rule.valueBase64, 'base64') };
  }
}

export function decodePolicyNode(node: ConfigPolicyNode): PolicyEntry {
  return {
    policy: node.policy ? decodePolicy(node.policy) : { type: 'Other', policyType: 0, valueBase64: '' },
    modPolicy: node.modPolicy,
  };
}

// ---- MSP -------------------------------------------------------------------------------------

export interface OuIdentifier {
  /** PEM of the CA certificate the OU is bound to; absent = any of the MSP's CAs. */
  certificate?: string;
  identifier: string;
}

export interface NodeOusConfig {
  enable: boolean;
  client?: OuIdentifier;
  peer?: OuIdentifier;
  admin?: OuIdentifier;
  orderer?: OuIdentifier;
}

export interface FabricMspDefinition {
  type: 'fabric';
  /** The MSP ID. */
  name: string;
  rootCerts: string[];
  intermediateCerts: string[];
  /** Explicit admin certificates (with NodeOUs, admins are usually recognised by their OU instead). */
  admins: string[];
  /** PEM CRLs. */
  revocationList: string[];
  tlsRootCerts: string[];
  tlsIntermediateCerts: string[];
  organizationalUnitIdentifiers: OuIdentifier[];
  nodeOus?: NodeOusConfig;
  cryptoConfig?: { signatureHashFamily: string; identityIdentifierHashFunction: string };
}

/** An MSP this console does not interpret (e.g. idemix): kept as bytes. */
export interface OpaqueMspDefinition {
  type: 'other';
  mspType: number;
  configBase64: string;
}

export type MspDefinition = FabricMspDefinition | OpaqueMspDefinition;

/** An org group of the channel (Application or Orderer section) with its Fabric MSP. */
export interface ChannelOrgMsp {
  groupName: string;
  msp: FabricMspDefinition;
}

/** The channel's org groups that hold a Fabric MSP: the Application section's, then the Orderer's. */
export function channelOrgMsps(config: ChannelConfig): ChannelOrgMsp[] {
  const orgs: ChannelOrgMsp[] = [];
  for (const section of [GROUP_APPLICATION, GROUP_ORDERER]) {
    for (const [groupName, group] of Object.entries(config.channelGroup.groups[section]?.groups ?? {})) {
      const value = group.values[VALUE_KEYS.msp];
      const msp = value ? decodeMsp(value.value) : undefined;
      if (msp?.type === 'fabric') orgs.push({ groupName, msp });
    }
  }
  return orgs;
}

function ouFromProto(ou: msp.FabricOUIdentifier | undefined): OuIdentifier | undefined {
  if (!ou) return undefined;
  const certificate = ou.getCertificate_asU8();
  return {
    ...(certificate.length > 0 ? { certificate: text(certificate) } : {}),
    identifier: ou.getOrganizationalUnitIdentifier(),
  };
}

function ouToProto(ou: OuIdentifier): msp.FabricOUIdentifier {
  const proto = new msp.FabricOUIdentifier();
  if (ou.certificate) proto.setCertificate(utf8(ou.certificate));
  proto.setOrganizationalUnitIdentifier(ou.identifier);
  return proto;
}

export function decodeMsp(bytes: Uint8Array): MspDefinition {
  const config = msp.MSPConfig.deserializeBinary(bytes);
  if (config.getType() !== 0) {
    return { type: 'other', mspType: config.getType(), configBase64: config.getConfig_asB64() };
  }
  const fabric = msp.FabricMSPConfig.deserializeBinary(config.getConfig_asU8());
  const nodeOus = fabric.getFabricNodeOus();
  const crypto = fabric.getCryptoConfig();
  const definition: FabricMspDefinition = {
    type: 'fabric',
    name: fabric.getName(),
    rootCerts: fabric.getRootCertsList_asU8().map(text),
    intermediateCerts: fabric.getIntermediateCertsList_asU8().map(text),
    admins: fabric.getAdminsList_asU8().map(text),
    revocationList: fabric.getRevocationListList_asU8().map(text),
    tlsRootCerts: fabric.getTlsRootCertsList_asU8().map(text),
    tlsIntermediateCerts: fabric.getTlsIntermediateCertsList_asU8().map(text),
    organizationalUnitIdentifiers: fabric
      .getOrganizationalUnitIdentifiersList()
      .map((ou) => ouFromProto(ou) ?? { identifier: '' }),
  };
  if (nodeOus) {
    const ous: NodeOusConfig = { enable: nodeOus.getEnable() };
    const client = ouFromProto(nodeOus.getClientOuIdentifier());
    const peerOu = ouFromProto(nodeOus.getPeerOuIdentifier());
    const admin = ouFromProto(nodeOus.getAdminOuIdentifier());
    const ordererOu = ouFromProto(nodeOus.getOrdererOuIdentifier());
    if (client) ous.client = client;
    if (peerOu) ous.peer = peerOu;
    if (admin) ous.admin = admin;
    if (ordererOu) ous.orderer = ordererOu;
    definition.nodeOus = ous;
  }
  if (crypto) {
    definition.cryptoConfig = {
      signatureHashFamily: crypto.getSignatureHashFamily(),
      identityIdentifierHashFunction: crypto.getIdentityIdentifierHashFunction(),
    };
  }
  return definition;
}

export function encodeMsp(definition: MspDefinition): Uint8Array {
  const config = new msp.MSPConfig();
  if (definition.type === 'other') {
    config.setType(definition.mspType);
    config.setConfig(Buffer.from(definition.configBase64, 'base64'));
    return config.serializeBinary();
  }
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(definition.name);
  fabric.setRootCertsList(definition.rootCerts.map(utf8));
  fabric.setIntermediateCertsList(definition.intermediateCerts.map(utf8));
  fabric.setAdminsList(definition.admins.map(utf8));
  fabric.setRevocationListList(definition.revocationList.map(utf8));
  fabric.setOrganizationalUnitIdentifiersList(definition.organizationalUnitIdentifiers.map(ouToProto));
  if (definition.cryptoConfig) {
    const crypto = new msp.FabricCryptoConfig();
    crypto.setSignatureHashFamily(definition.cryptoConfig.signatureHashFamily);
    crypto.setIdentityIdentifierHashFunction(definition.cryptoConfig.identityIdentifierHashFunction);
    fabric.setCryptoConfig(crypto);
  }
  fabric.setTlsRootCertsList(definition.tlsRootCerts.map(utf8));
  fabric.setTlsIntermediateCertsList(definition.tlsIntermediateCerts.map(utf8));
  if (definition.nodeOus) {
    const ous = new msp.FabricNodeOUs();
    ous.setEnable(definition.nodeOus.enable);
    if (definition.nodeOus.client) ous.setClientOuIdentifier(ouToProto(definition.nodeOus.client));
    if (definition.nodeOus.peer) ous.setPeerOuIdentifier(ouToProto(definition.nodeOus.peer));
    if (definition.nodeOus.admin) ous.setAdminOuIdentifier(ouToProto(definition.nodeOus.admin));
    if (definition.nodeOus.orderer) ous.setOrdererOuIdentifier(ouToProto(definition.nodeOus.orderer));
    fabric.setFabricNodeOus(ous);
  }
  config.setType(0);
  config.setConfig(fabric.serializeBinary());
  return config.serializeBinary();
}

// ---- small values ----------------------------------------------------------------------------

export type { HostPort } from './host-port';

export function decodeAnchorPeers(bytes: Uint8Array): HostPort[] {
  return peer.AnchorPeers.deserializeBinary(bytes)
    .getAnchorPeersList()
    .map((anchor) => ({ host: anchor.getHost(), port: anchor.getPort() }));
}

export function encodeAnchorPeers(anchors: readonly HostPort[]): Uint8Array {
  const proto = new peer.AnchorPeers();
  proto.setAnchorPeersList(
    anchors.map((anchor) => {
      const item = new peer.AnchorPeer();
      item.setHost(anchor.host);
      item.setPort(anchor.port);
      return item;
    }),
  );
  return proto.serializeBinary();
}

/** Orderer org `Endpoints` and the legacy channel-level `OrdererAddresses`. */
export function decodeAddresses(bytes: Uint8Array): string[] {
  return common.OrdererAddresses.deserializeBinary(bytes).getAddressesList();
}

export function encodeAddresses(addresses: readonly string[]): Uint8Array {
  const proto = new common.OrdererAddresses();
  proto.setAddressesList([...addresses]);
  return proto.serializeBinary();
}

/** Capability names, sorted (e.g. ["V2_5"]). */
export function decodeCapabilities(bytes: Uint8Array): string[] {
  return [...common.Capabilities.deserializeBinary(bytes).getCapabilitiesMap().keys()].sort();
}

export function encodeCapabilities(names: readonly string[]): Uint8Array {
  const proto = new common.Capabilities();
  const map = proto.getCapabilitiesMap();
  for (const name of names) map.set(name, new common.Capability());
  return proto.serializeBinary();
}

/** ACLs: resource (e.g. "peer/Propose") → policy reference (e.g. "/Channel/Application/Writers"). */
export function decodeAcls(bytes: Uint8Array): Record<string, string> {
  const entries = [...peer.ACLs.deserializeBinary(bytes).getAclsMap().entries()].map(
    ([resource, api]): [string, string] => [resource, api.getPolicyRef()],
  );
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function encodeAcls(acls: Record<string, string>): Uint8Array {
  const proto = new peer.ACLs();
  const map = proto.getAclsMap();
  for (const [resource, policyRef] of Object.entries(acls)) {
    const api = new peer.APIResource();
    api.setPolicyRef(policyRef);
    map.set(resource, api);
  }
  return proto.serializeBinary();
}

export interface BatchSizeConfig {
  maxMessageCount: number;
  absoluteMaxBytes: number;
  preferredMaxBytes: number;
}

export function decodeBatchSize(bytes: Uint8Array): BatchSizeConfig {
  const proto = orderer.BatchSize.deserializeBinary(bytes);
  return {
    maxMessageCount: proto.getMaxMessageCount(),
    absoluteMaxBytes: proto.getAbsoluteMaxBytes(),
    preferredMaxBytes: proto.getPreferredMaxBytes(),
  };
}

export function encodeBatchSize(size: BatchSizeConfig): Uint8Array {
  const proto = new orderer.BatchSize();
  proto.setMaxMessageCount(size.maxMessageCount);
  proto.setAbsoluteMaxBytes(size.absoluteMaxBytes);
  proto.setPreferredMaxBytes(size.preferredMaxBytes);
  return proto.serializeBinary();
}

export function decodeBatchTimeout(bytes: Uint8Array): string {
  return orderer.BatchTimeout.deserializeBinary(bytes).getTimeout();
}

export function encodeBatchTimeout(timeout: string): Uint8Array {
  const proto = new orderer.BatchTimeout();
  proto.setTimeout(timeout);
  return proto.serializeBinary();
}

export interface RaftConsenter {
  host: string;
  port: number;
  clientTlsCert: string;
  serverTlsCert: string;
}

export interface RaftOptions {
  tickInterval: string;
  electionTick: number;
  heartbeatTick: number;
  maxInflightBlocks: number;
  snapshotIntervalSize: number;
}

export interface ConsensusConfig {
  type: string;
  state: 'normal' | 'maintenance';
  /** Set when type is etcdraft. */
  raft?: { consenters: RaftConsenter[]; options?: RaftOptions };
  /** Metadata of other consensus types, kept as bytes. */
  metadataBase64?: string;
}

export function decodeRaftMetadata(bytes: Uint8Array): NonNullable<ConsensusConfig['raft']> {
  const metadata = orderer.etcdraft.ConfigMetadata.deserializeBinary(bytes);
  const options = metadata.getOptions();
  return {
    consenters: metadata.getConsentersList().map((consenter) => ({
      host: consenter.getHost(),
      port: consenter.getPort(),
      clientTlsCert: text(consenter.getClientTlsCert_asU8()),
      serverTlsCert: text(consenter.getServerTlsCert_asU8()),
    })),
    ...(options
      ? {
          options: {
            tickInterval: options.getTickInterval(),
            electionTick: options.getElectionTick(),
            heartbeatTick: options.getHeartbeatTick(),
            maxInflightBlocks: options.getMaxInflightBlocks(),
            snapshotIntervalSize: options.getSnapshotIntervalSize(),
          },
        }
      : {}),
  };
}

export function encodeRaftMetadata(raft: NonNullable<ConsensusConfig['raft']>): Uint8Array {
  const metadata = new orderer.etcdraft.ConfigMetadata();
  metadata.setConsentersList(
    raft.consenters.map((consenter) => {
      const proto = new orderer.etcdraft.Consenter();
      proto.setHost(consenter.host);
      proto.setPort(consenter.port);
      proto.setClientTlsCert(utf8(consenter.clientTlsCert));
      proto.setServerTlsCert(utf8(consenter.serverTlsCert));
      return proto;
    }),
  );
  if (raft.options) {
    const options = new orderer.etcdraft.Options();
    options.setTickInterval(raft.options.tickInterval);
    options.setElectionTick(raft.options.electionTick);
    options.setHeartbeatTick(raft.options.heartbeatTick);
    options.setMaxInflightBlocks(raft.options.maxInflightBlocks);
    options.setSnapshotIntervalSize(raft.options.snapshotIntervalSize);
    metadata.setOptions(options);
  }
  return metadata.serializeBinary();
}

export function decodeConsensusType(bytes: Uint8Array): ConsensusConfig {
  const proto = orderer.ConsensusType.deserializeBinary(bytes);
  const type = proto.getType();
  const state = proto.getState() === orderer.ConsensusType.State.STATE_MAINTENANCE ? 'maintenance' : 'normal';
  const metadata = proto.getMetadata_asU8();
  if (type === 'etcdraft') return { type, state, raft: decodeRaftMetadata(metadata) };
  return {
    type,
    state,
    ...(metadata.length > 0 ? { metadataBase64: Buffer.from(metadata).toString('base64') } : {}),
  };
}

export function encodeConsensusType(consensus: ConsensusConfig): Uint8Array {
  const proto = new orderer.ConsensusType();
  proto.setType(consensus.type);
  if (consensus.raft) proto.setMetadata(encodeRaftMetadata(consensus.raft));
  else if (consensus.metadataBase64) proto.setMetadata(Buffer.from(consensus.metadataBase64, 'base64'));
  proto.setState(
    consensus.state === 'maintenance'
      ? orderer.ConsensusType.State.STATE_MAINTENANCE
      : orderer.ConsensusType.State.STATE_NORMAL,
  );
  return proto.serializeBinary();
}

export function decodeChannelRestrictions(bytes: Uint8Array): { maxCount: number } {
  return { maxCount: orderer.ChannelRestrictions.deserializeBinary(bytes).getMaxCount() };
}

export function encodeChannelRestrictions(value: { maxCount: number }): Uint8Array {
  const proto = new orderer.ChannelRestrictions();
  proto.setMaxCount(value.maxCount);
  return proto.serializeBinary();
}

export function decodeHashingAlgorithm(bytes: Uint8Array): string {
  return common.HashingAlgorithm.deserializeBinary(bytes).getName();
}

export function encodeHashingAlgorithm(name: string): Uint8Array {
  const proto = new common.HashingAlgorithm();
  proto.setName(name);
  return proto.serializeBinary();
}

export function decodeBlockDataHashingWidth(bytes: Uint8Array): number {
  return common.BlockDataHashingStructure.deserializeBinary(bytes).getWidth();
}

export function encodeBlockDataHashingWidth(width: number): Uint8Array {
  const proto = new common.BlockDataHashingStructure();
  proto.setWidth(width);
  return proto.serializeBinary();
}

export function decodeConsortium(bytes: Uint8Array): string {
  return common.Consortium.deserializeBinary(bytes).getName();
}

export function encodeConsortium(name: string): Uint8Array {
  const proto = new common.Consortium();
  proto.setName(name);
  return proto.serializeBinary();
}

// ---- validation helpers shared by the edit functions ----------------------------------------

/** A Go time.Duration string such as "500ms", "2s", "1m30s". */
export function parseGoDuration(value: string): number {
  const pattern = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) {
    throw new ConfigValueError(`"${value}" is not a duration such as "500ms", "2s" or "1m30s"`);
  }
  let total = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(value); match; match = pattern.exec(value)) {
    total += Number(match[1]) * (units[match[2] ?? 'ms'] ?? 1);
  }
  return total;
}

export function parseHostPort(endpoint: string): HostPort {
  const hostPort = matchHostPort(endpoint.trim());
  if (!hostPort) throw new ConfigValueError(`"${endpoint}" is not host:port with a port between 1 and 65535`);
  return hostPort;
}
