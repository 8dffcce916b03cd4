// Decodes a channel's config block (cscc GetConfigBlock) into what an administrator reads:
// Block → Envelope → Payload → ConfigEnvelope → the channel ConfigGroup tree, with MSPs,
// policies in Fabric's policy language, capabilities, orderer batch and consensus settings,
// anchor peers and per-org orderer endpoints.
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import type { OrgRole } from '../runtime/types';
import { pemFromBytes, summarizeCertificate } from './certificates';
import type {
  CertificateSummary,
  ChannelConfigView,
  ChannelOrgView,
  ConsenterView,
  MspView,
  OrdererSettingsView,
  PolicyView,
} from './types';

/** Entries of a protobuf map; jspb's toArray() yields raw arrays instead of message objects. */
function entries<V>(map: { forEach(callback: (value: V, key: string) => void): void }): Array<[string, V]> {
  const result: Array<[string, V]> = [];
  map.forEach((value, key) => result.push([key, value]));
  return result;
}

export class ChannelConfigError extends Error {
  override readonly name = 'ChannelConfigError';
}

const ROLE_NAMES: Record<number, string> = {
  [msp.MSPRole.MSPRoleType.MEMBER]: 'member',
  [msp.MSPRole.MSPRoleType.ADMIN]: 'admin',
  [msp.MSPRole.MSPRoleType.CLIENT]: 'client',
  [msp.MSPRole.MSPRoleType.PEER]: 'peer',
  [msp.MSPRole.MSPRoleType.ORDERER]: 'orderer',
};

const IMPLICIT_META_RULES: Record<number, string> = {
  [common.ImplicitMetaPolicy.Rule.ANY]: 'ANY',
  [common.ImplicitMetaPolicy.Rule.ALL]: 'ALL',
  [common.ImplicitMetaPolicy.Rule.MAJORITY]: 'MAJORITY',
};

const CONSENSUS_STATES: Record<number, string> = {
  [orderer.ConsensusType.State.STATE_NORMAL]: 'normal',
  [orderer.ConsensusType.State.STATE_MAINTENANCE]: 'maintenance',
};

function describePrincipal(principal: msp.MSPPrincipal): string {
  const classification = principal.getPrincipalClassification();
  if (classification === msp.MSPPrincipal.Classification.ROLE) {
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    return `'${role.getMspIdentifier()}.${ROLE_NAMES[role.getRole()] ?? `role${role.getRole()}`}'`;
  }
  if (classification === msp.MSPPrincipal.Classification.ORGANIZATION_UNIT) {
    const unit = msp.OrganizationUnit.deserializeBinary(principal.getPrincipal_asU8());
    return `'${unit.getMspIdentifier()}.OU:${unit.getOrganizationalUnitIdentifier()}'`;
  }
  return "'(identity)'";
}

function describeSignatureRule(rule: common.SignaturePolicy | undefined, principals: string[]): string {
  if (!rule) return '(empty)';
  if (rule.getTypeCase() === common.SignaturePolicy.TypeCase.SIGNED_BY) {
    return principals[rule.getSignedBy()] ?? `'(principal ${rule.getSignedBy()})'`;
  }
  const nOutOf = rule.getNOutOf();
  if (!nOutOf) return '(empty)';
  const rules = nOutOf.getRulesList().map((child) => describeSignatureRule(child, principals));
  const n = nOutOf.getN();
  if (n === rules.length && rules.length > 1) return `AND(${rules.join(', ')})`;
  if (n === 1) return `OR(${rules.join(', ')})`;
  return `OutOf(${n}, ${rules.join(', ')})`;
}

/** A SignaturePolicyEnvelope in the language `peer lifecycle --signature-policy` accepts. */
export function describeSignaturePolicy(envelope: common.SignaturePolicyEnvelope): string {
  const principals = envelope.getIdentitiesList().map(describePrincipal);
  return describeSignatureRule(envelope.getRule(), principals);
}

export function describePolicy(name: string, configPolicy: common.ConfigPolicy): PolicyView {
  const policy = configPolicy.getPolicy();
  const modPolicy = configPolicy.getModPolicy();
  const value = policy?.getValue_asU8() ?? new Uint8Array();
  switch (policy?.getType()) {
    case common.Policy.PolicyType.SIGNATURE:
      return {
        name,
        type: 'Signature',
        rule: describeSignaturePolicy(common.SignaturePolicyEnvelope.deserializeBinary(value)),
        modPolicy,
      };
    case common.Policy.PolicyType.IMPLICIT_META: {
      const meta = common.ImplicitMetaPolicy.deserializeBinary(value);
      return {
        name,
        type: 'ImplicitMeta',
        rule: `${IMPLICIT_META_RULES[meta.getRule()] ?? '?'} ${meta.getSubPolicy()}`,
        modPolicy,
      };
    }
    case common.Policy.PolicyType.MSP:
      return { name, type: 'MSP', rule: '(MSP policy)', modPolicy };
    default:
      return { name, type: 'Unknown', rule: `(policy type ${policy?.getType() ?? 'missing'})`, modPolicy };
  }
}

function policiesOf(group: common.ConfigGroup): PolicyView[] {
  return entries(group.getPoliciesMap())
    .map(([name, policy]) => describePolicy(name, policy))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function value(group: common.ConfigGroup | undefined, key: string): Uint8Array | undefined {
  return group?.getValuesMap().get(key)?.getValue_asU8();
}

function capabilitiesOf(group: common.ConfigGroup | undefined): string[] {
  const bytes = value(group, 'Capabilities');
  if (!bytes) return [];
  return entries(common.Capabilities.deserializeBinary(bytes).getCapabilitiesMap())
    .map(([name]) => name)
    .sort();
}

function certificates(list: Uint8Array[], now: Date): CertificateSummary[] {
  return list.map((bytes) => summarizeCertificate(pemFromBytes(bytes), now));
}

export function describeMsp(bytes: Uint8Array, now: Date = new Date()): MspView {
  const config = msp.MSPConfig.deserializeBinary(bytes);
  // MSPConfig.type: 0 = FABRIC, 1 = IDEMIX.
  if (config.getType() !== 0) {
    return {
      name:
        config.getType() === 1
          ? msp.IdemixMSPConfig.deserializeBinary(config.getConfig_asU8()).getName()
          : '',
      type: config.getType() === 1 ? 'idemix' : 'unknown',
      rootCerts: [],
      tlsRootCerts: [],
      intermediateCerts: 0,
      admins: 0,
      revocations: 0,
      nodeOUs: false,
    };
  }
  const fabric = msp.FabricMSPConfig.deserializeBinary(config.getConfig_asU8());
  return {
    name: fabric.getName(),
    type: 'fabric',
    rootCerts: certificates(fabric.getRootCertsList_asU8(), now),
    tlsRootCerts: certificates(fabric.getTlsRootCertsList_asU8(), now),
    intermediateCerts: fabric.getIntermediateCertsList().length,
    admins: fabric.getAdminsList().length,
    revocations: fabric.getRevocationListList().length,
    nodeOUs: fabric.getFabricNodeOus()?.getEnable() ?? false,
  };
}

function describeOrg(
  mspId: string,
  group: common.ConfigGroup,
  section: ChannelOrgView['section'],
  roles: Record<string, OrgRole>,
  now: Date,
): ChannelOrgView {
  const mspBytes = value(group, 'MSP');
  const anchorBytes = value(group, 'AnchorPeers');
  const endpointBytes = value(group, 'Endpoints');
  const view: ChannelOrgView = {
    mspId,
    section,
    policies: policiesOf(group),
    anchorPeers: anchorBytes
      ? peer.AnchorPeers.deserializeBinary(anchorBytes)
          .getAnchorPeersList()
          .map((anchor) => `${anchor.getHost()}:${anchor.getPort()}`)
      : [],
    ordererEndpoints: endpointBytes
      ? common.OrdererAddresses.deserializeBinary(endpointBytes).getAddressesList()
      : [],
  };
  if (mspBytes) view.msp = describeMsp(mspBytes, now);
  const role = roles[mspId];
  if (role) view.role = role;
  return view;
}

function tlsSummary(bytes: Uint8Array, now: Date): CertificateSummary | undefined {
  return bytes.length > 0 ? summarizeCertificate(pemFromBytes(bytes), now) : undefined;
}

function describeOrdererSettings(group: common.ConfigGroup | undefined, now: Date): OrdererSettingsView {
  const settings: OrdererSettingsView = { consensusType: '(none)', consensusState: 'normal', consenters: [] };
  const consensusBytes = value(group, 'ConsensusType');
  if (consensusBytes) {
    const consensus = orderer.ConsensusType.deserializeBinary(consensusBytes);
    settings.consensusType = consensus.getType();
    settings.consensusState = CONSENSUS_STATES[consensus.getState()] ?? String(consensus.getState());
    if (consensus.getType() === 'etcdraft' && consensus.getMetadata_asU8().length > 0) {
      const metadata = orderer.etcdraft.ConfigMetadata.deserializeBinary(consensus.getMetadata_asU8());
      settings.consenters = metadata.getConsentersList().map((consenter) => {
        const view: ConsenterView = { host: consenter.getHost(), port: consenter.getPort() };
        const client = tlsSummary(consenter.getClientTlsCert_asU8(), now);
        const server = tlsSummary(consenter.getServerTlsCert_asU8(), now);
        if (client) view.clientTlsCert = client;
        if (server) view.serverTlsCert = server;
        return view;
      });
      const options = metadata.getOptions();
      if (options) {
        settings.raftOptions = {
          tickInterval: options.getTickInterval(),
          electionTick: options.getElectionTick(),
          heartbeatTick: options.getHeartbeatTick(),
          maxInflightBlocks: options.getMaxInflightBlocks(),
          snapshotIntervalSize: options.getSnapshotIntervalSize(),
        };
      }
    }
  }
  // BFT (and V3 channels generally) may carry the consenter set as the Orderers value instead.
  const orderersBytes = value(group, 'Orderers');
  if (orderersBytes && settings.consenters.length === 0) {
    settings.consenters = common.Orderers.deserializeBinary(orderersBytes)
      .getConsenterMappingList()
      .map((consenter) => {
        const view: ConsenterView = {
          host: consenter.getHost(),
          port: consenter.getPort(),
          mspId: consenter.getMspId(),
        };
        const client = tlsSummary(consenter.getClientTlsCert_asU8(), now);
        const server = tlsSummary(consenter.getServerTlsCert_asU8(), now);
        if (client) view.clientTlsCert = client;
        if (server) view.serverTlsCert = server;
        return view;
      });
  }
  const batchSizeBytes = value(group, 'BatchSize');
  if (batchSizeBytes) {
    const batchSize = orderer.BatchSize.deserializeBinary(batchSizeBytes);
    settings.batchSize = {
      maxMessageCount: batchSize.getMaxMessageCount(),
      absoluteMaxBytes: batchSize.getAbsoluteMaxBytes(),
      preferredMaxBytes: batchSize.getPreferredMaxBytes(),
    };
  }
  const batchTimeoutBytes = value(group, 'BatchTimeout');
  if (batchTimeoutBytes)
    settings.batchTimeout = orderer.BatchTimeout.deserializeBinary(batchTimeoutBytes).getTimeout();
  const restrictionsBytes = value(group, 'ChannelRestrictions');
  if (restrictionsBytes)
    settings.maxChannels = orderer.ChannelRestrictions.deserializeBinary(restrictionsBytes).getMaxCount();
  return settings;
}

/** The Config inside a config block (the block's only transaction is a CONFIG envelope). */
export function configFromBlock(blockBytes: Uint8Array): {
  config: common.Config;
  blockNumber: number;
  channel: string;
} {
  const block = common.Block.deserializeBinary(blockBytes);
  const first = block.getData()?.getDataList_asU8()[0];
  if (!first) throw new ChannelConfigError('the config block carries no transaction');
  const envelope = common.Envelope.deserializeBinary(first);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const channelHeaderBytes = payload.getHeader()?.getChannelHeader_asU8();
  const channelHeader = channelHeaderBytes
    ? common.ChannelHeader.deserializeBinary(channelHeaderBytes)
    : undefined;
  if (channelHeader && channelHeader.getType() !== common.HeaderType.CONFIG) {
    throw new ChannelConfigError(
      `block ${block.getHeader()?.getNumber() ?? '?'} is not a config block (header type ${channelHeader.getType()})`,
    );
  }
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  if (!config) throw new ChannelConfigError('the config envelope carries no config');
  return {
    config,
    blockNumber: block.getHeader()?.getNumber() ?? 0,
    channel: channelHeader?.getChannelId() ?? '',
  };
}

/**
 * Decodes the whole channel configuration. `roles` maps MSP IDs to the console's org roles so
 * pages can label the orgs; `readFrom` names the peer the block came from.
 */
export function decodeChannelConfig(
  blockBytes: Uint8Array,
  options: { roles?: Record<string, OrgRole>; readFrom?: string; now?: Date } = {},
): ChannelConfigView {
  const now = options.now ?? new Date();
  const roles = options.roles ?? {};
  const { config, blockNumber, channel } = configFromBlock(blockBytes);
  const root = config.getChannelGroup();
  if (!root) throw new ChannelConfigError('the config has no channel group');
  const ordererGroup = root.getGroupsMap().get('Orderer');
  const applicationGroup = root.getGroupsMap().get('Application');

  const hashingBytes = value(root, 'HashingAlgorithm');
  const widthBytes = value(root, 'BlockDataHashingStructure');
  const aclBytes = value(applicationGroup, 'ACLs');
  const orgsOf = (
    group: common.ConfigGroup | undefined,
    section: ChannelOrgView['section'],
  ): ChannelOrgView[] =>
    (group ? entries(group.getGroupsMap()) : [])
      .map(([mspId, orgGroup]) => describeOrg(mspId, orgGroup, section, roles, now))
      .sort((a, b) => a.mspId.localeCompare(b.mspId));

  const view: ChannelConfigView = {
    channel,
    blockNumber,
    sequence: config.getSequence(),
    readFrom: options.readFrom ?? '',
    capabilities: {
      channel: capabilitiesOf(root),
      orderer: capabilitiesOf(ordererGroup),
      application: capabilitiesOf(applicationGroup),
    },
    policies: {
      channel: policiesOf(root),
      orderer: ordererGroup ? policiesOf(ordererGroup) : [],
      application: applicationGroup ? policiesOf(applicationGroup) : [],
    },
    acls: aclBytes
      ? Object.fromEntries(
          entries(peer.ACLs.deserializeBinary(aclBytes).getAclsMap()).map(([resource, api]) => [
            resource,
            api.getPolicyRef(),
          ]),
        )
      : {},
    orderer: describeOrdererSettings(ordererGroup, now),
    orgs: [...orgsOf(ordererGroup, 'orderer'), ...orgsOf(applicationGroup, 'application')],
  };
  if (hashingBytes) view.hashingAlgorithm = common.HashingAlgorithm.deserializeBinary(hashingBytes).getName();
  if (widthBytes)
    view.blockDataHashingWidth = common.BlockDataHashingStructure.deserializeBinary(widthBytes).getWidth();
  return view;
}
