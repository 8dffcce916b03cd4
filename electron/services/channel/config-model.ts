// The readable, editable model of a channel config (orgs and their MSPs, anchor peers, orderer
// endpoints, policies, capabilities, batch settings, Raft consenters, ACLs) and the way back:
// `encodeChannelConfig(model, base)` re-encodes only what changed, so
// `encodeChannelConfig(decodeChannelConfig(c), c)` is byte-identical to `c`.
import { putPolicy, putValue } from './config-edits';
import {
  cloneConfig,
  emptyGroup,
  GROUP_APPLICATION,
  GROUP_ORDERER,
  removeKey,
  type ChannelConfig,
  type ConfigGroupNode,
} from './config-tree';
import {
  decodeAcls,
  decodeAddresses,
  decodeAnchorPeers,
  decodeBatchSize,
  decodeBatchTimeout,
  decodeBlockDataHashingWidth,
  decodeCapabilities,
  decodeChannelRestrictions,
  decodeConsensusType,
  decodeConsortium,
  decodeHashingAlgorithm,
  decodeMsp,
  decodePolicyNode,
  encodeAcls,
  encodeAddresses,
  encodeAnchorPeers,
  encodeBatchSize,
  encodeBatchTimeout,
  encodeBlockDataHashingWidth,
  encodeCapabilities,
  encodeChannelRestrictions,
  encodeConsensusType,
  encodeConsortium,
  encodeHashingAlgorithm,
  encodeMsp,
  parseGoDuration,
  VALUE_KEYS,
  type BatchSizeConfig,
  type ConsensusConfig,
  type HostPort,
  type MspDefinition,
  type PolicyEntry,
} from './config-values';

export interface OrgModel {
  /** The MSP ID ('' for an org without an MSP value). */
  mspId: string;
  msp?: MspDefinition;
  policies: Record<string, PolicyEntry>;
  /** Application orgs; undefined = no AnchorPeers value. */
  anchorPeers?: HostPort[];
  /** Orderer orgs; undefined = no Endpoints value. */
  endpoints?: string[];
  modPolicy: string;
}

interface LevelModel {
  modPolicy: string;
  capabilities: string[];
  policies: Record<string, PolicyEntry>;
}

export interface OrdererModel extends LevelModel {
  batchSize?: BatchSizeConfig;
  batchTimeout?: string;
  consensus?: ConsensusConfig;
  channelRestrictions?: { maxCount: number };
  orgs: Record<string, OrgModel>;
}

export interface ApplicationModel extends LevelModel {
  /** Resource → policy reference. */
  acls: Record<string, string>;
  orgs: Record<string, OrgModel>;
}

export interface ChannelConfigModel {
  sequence: number;
  channel: LevelModel & {
    hashingAlgorithm?: string;
    blockDataHashingWidth?: number;
    /** Legacy global orderer addresses (rejected with channel capability V3_0). */
    ordererAddresses?: string[];
    consortium?: string;
  };
  orderer?: OrdererModel;
  application?: ApplicationModel;
}

function decodeLevel(group: ConfigGroupNode): LevelModel {
  const capabilities = group.values[VALUE_KEYS.capabilities];
  return {
    modPolicy: group.modPolicy,
    capabilities: capabilities ? decodeCapabilities(capabilities.value) : [],
    policies: Object.fromEntries(
      Object.entries(group.policies).map(([name, node]) => [name, decodePolicyNode(node)]),
    ),
  };
}

function decodeOrg(group: ConfigGroupNode): OrgModel {
  const mspValue = group.values[VALUE_KEYS.msp];
  const msp = mspValue ? decodeMsp(mspValue.value) : undefined;
  const anchors = group.values[VALUE_KEYS.anchorPeers];
  const endpoints = group.values[VALUE_KEYS.endpoints];
  return {
    mspId: msp?.type === 'fabric' ? msp.name : '',
    ...(msp ? { msp } : {}),
    policies: Object.fromEntries(
      Object.entries(group.policies).map(([name, node]) => [name, decodePolicyNode(node)]),
    ),
    ...(anchors ? { anchorPeers: decodeAnchorPeers(anchors.value) } : {}),
    ...(endpoints ? { endpoints: decodeAddresses(endpoints.value) } : {}),
    modPolicy: group.modPolicy,
  };
}

function decodeOrgs(group: ConfigGroupNode): Record<string, OrgModel> {
  return Object.fromEntries(
    Object.entries(group.groups)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, org]) => [name, decodeOrg(org)]),
  );
}

export function decodeChannelConfig(config: ChannelConfig): ChannelConfigModel {
  const root = config.channelGroup;
  const value = <T>(group: ConfigGroupNode, key: string, decode: (bytes: Uint8Array) => T): T | undefined => {
    const node = group.values[key];
    return node ? decode(node.value) : undefined;
  };
  const model: ChannelConfigModel = {
    sequence: config.sequence,
    channel: {
      ...decodeLevel(root),
      hashingAlgorithm: value(root, VALUE_KEYS.hashingAlgorithm, decodeHashingAlgorithm),
      blockDataHashingWidth: value(root, VALUE_KEYS.blockDataHashingStructure, decodeBlockDataHashingWidth),
      ordererAddresses: value(root, VALUE_KEYS.ordererAddresses, decodeAddresses),
      consortium: value(root, VALUE_KEYS.consortium, decodeConsortium),
    },
  };
  const ordererGroup = root.groups[GROUP_ORDERER];
  if (ordererGroup) {
    model.orderer = {
      ...decodeLevel(ordererGroup),
      batchSize: value(ordererGroup, VALUE_KEYS.batchSize, decodeBatchSize),
      batchTimeout: value(ordererGroup, VALUE_KEYS.batchTimeout, decodeBatchTimeout),
      consensus: value(ordererGroup, VALUE_KEYS.consensusType, decodeConsensusType),
      channelRestrictions: value(ordererGroup, VALUE_KEYS.channelRestrictions, decodeChannelRestrictions),
      orgs: decodeOrgs(ordererGroup),
    };
  }
  const applicationGroup = root.groups[GROUP_APPLICATION];
  if (applicationGroup) {
    model.application = {
      ...decodeLevel(applicationGroup),
      acls: value(applicationGroup, VALUE_KEYS.acls, decodeAcls) ?? {},
      orgs: decodeOrgs(applicationGroup),
    };
  }
  return stripUndefined(model);
}

function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// ---- model → config --------------------------------------------------------------------------

function reconcilePolicies(group: ConfigGroupNode, policies: Record<string, PolicyEntry>): void {
  for (const name of Object.keys(group.policies)) if (!(name in policies)) removeKey(group.policies, name);
  for (const [name, entry] of Object.entries(policies)) putPolicy(group, name, entry.policy, entry.modPolicy);
}

function reconcileLevel(group: ConfigGroupNode, level: LevelModel): void {
  group.modPolicy = level.modPolicy;
  if (level.capabilities.length > 0 || group.values[VALUE_KEYS.capabilities]) {
    putValue(group, VALUE_KEYS.capabilities, encodeCapabilities(level.capabilities), decodeCapabilities);
  }
  reconcilePolicies(group, level.policies);
}

function optionalValue<T>(
  group: ConfigGroupNode,
  key: string,
  value: T | undefined,
  encode: (value: T) => Uint8Array,
  decode: (bytes: Uint8Array) => unknown,
): void {
  if (value === undefined) removeKey(group.values, key);
  else putValue(group, key, encode(value), decode);
}

function reconcileOrgs(parent: ConfigGroupNode, orgs: Record<string, OrgModel>): void {
  for (const name of Object.keys(parent.groups)) if (!(name in orgs)) removeKey(parent.groups, name);
  for (const [name, org] of Object.entries(orgs)) {
    const group = (parent.groups[name] ??= emptyGroup(org.modPolicy));
    group.modPolicy = org.modPolicy;
    optionalValue(group, VALUE_KEYS.msp, org.msp, encodeMsp, decodeMsp);
    optionalValue(group, VALUE_KEYS.anchorPeers, org.anchorPeers, encodeAnchorPeers, decodeAnchorPeers);
    optionalValue(group, VALUE_KEYS.endpoints, org.endpoints, encodeAddresses, decodeAddresses);
    reconcilePolicies(group, org.policies);
  }
}

/**
 * Encodes the model back into a channel config. With `base` (the config the model was decoded
 * from), values the model does not cover are kept and unchanged values keep their exact bytes.
 * A section left undefined in the model is left as it is in `base`.
 */
export function encodeChannelConfig(model: ChannelConfigModel, base?: ChannelConfig): ChannelConfig {
  const config: ChannelConfig = base
    ? cloneConfig(base)
    : { sequence: model.sequence, channelGroup: emptyGroup(model.channel.modPolicy) };
  config.sequence = model.sequence;
  const root = config.channelGroup;
  reconcileLevel(root, model.channel);
  optionalValue(
    root,
    VALUE_KEYS.hashingAlgorithm,
    model.channel.hashingAlgorithm,
    encodeHashingAlgorithm,
    decodeHashingAlgorithm,
  );
  optionalValue(
    root,
    VALUE_KEYS.blockDataHashingStructure,
    model.channel.blockDataHashingWidth,
    encodeBlockDataHashingWidth,
    decodeBlockDataHashingWidth,
  );
  optionalValue(
    root,
    VALUE_KEYS.ordererAddresses,
    model.channel.ordererAddresses,
    encodeAddresses,
    decodeAddresses,
  );
  optionalValue(root, VALUE_KEYS.consortium, model.channel.consortium, encodeConsortium, decodeConsortium);

  if (model.orderer) {
    const group = (root.groups[GROUP_ORDERER] ??= emptyGroup(model.orderer.modPolicy));
    reconcileLevel(group, model.orderer);
    optionalValue(group, VALUE_KEYS.batchSize, model.orderer.batchSize, encodeBatchSize, decodeBatchSize);
    optionalValue(group, VALUE_KEYS.batchTimeout, model.orderer.batchTimeout, encodeBatchTimeout, (bytes) =>
      parseGoDuration(decodeBatchTimeout(bytes) || '0s'),
    );
    optionalValue(
      group,
      VALUE_KEYS.consensusType,
      model.orderer.consensus,
      encodeConsensusType,
      decodeConsensusType,
    );
    optionalValue(
      group,
      VALUE_KEYS.channelRestrictions,
      model.orderer.channelRestrictions,
      encodeChannelRestrictions,
      decodeChannelRestrictions,
    );
    reconcileOrgs(group, model.orderer.orgs);
  }
  if (model.application) {
    const group = (root.groups[GROUP_APPLICATION] ??= emptyGroup(model.application.modPolicy));
    reconcileLevel(group, model.application);
    if (Object.keys(model.application.acls).length > 0 || group.values[VALUE_KEYS.acls]) {
      putValue(group, VALUE_KEYS.acls, encodeAcls(model.application.acls), decodeAcls);
    }
    reconcileOrgs(group, model.application.orgs);
  }
  return config;
}

/** Decodes, lets `change` edit the model, and encodes back against the same config. */
export function editChannelConfig(
  config: ChannelConfig,
  change: (model: ChannelConfigModel) => void,
): ChannelConfig {
  const model = decodeChannelConfig(config);
  change(model);
  return encodeChannelConfig(model, config);
}
