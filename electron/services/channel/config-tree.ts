// A channel configuration as a plain, lossless tree (common.Config ⇄ ConfigGroupNode): values and
// policies keep their exact bytes, so an element nobody edited stays byte-identical and the
// update computation (update-compute.ts) sees only real changes. Also: config blocks in and out.
import { common } from '@hyperledger/fabric-protos';

export interface ConfigValueNode {
  version: number;
  modPolicy: string;
  value: Uint8Array;
}

export interface PolicyBody {
  /** common.Policy.PolicyType: 1 SIGNATURE, 3 IMPLICIT_META. */
  type: number;
  value: Uint8Array;
}

export interface ConfigPolicyNode {
  version: number;
  modPolicy: string;
  /** Absent in read sets and in the "unchanged" members of a write set. */
  policy?: PolicyBody;
}

export interface ConfigGroupNode {
  version: number;
  modPolicy: string;
  groups: Record<string, ConfigGroupNode>;
  values: Record<string, ConfigValueNode>;
  policies: Record<string, ConfigPolicyNode>;
}

/** common.Config: the sequence and the /Channel group. */
export interface ChannelConfig {
  sequence: number;
  channelGroup: ConfigGroupNode;
}

export class ConfigDecodeError extends Error {
  override readonly name = 'ConfigDecodeError';
}

export const GROUP_APPLICATION = 'Application';
export const GROUP_ORDERER = 'Orderer';

export function emptyGroup(modPolicy = ''): ConfigGroupNode {
  return { version: 0, modPolicy, groups: {}, values: {}, policies: {} };
}

// ---- proto ⇄ tree ----------------------------------------------------------------------------

export function groupFromProto(group: common.ConfigGroup): ConfigGroupNode {
  const node = emptyGroup(group.getModPolicy());
  node.version = group.getVersion();
  for (const [key, child] of group.getGroupsMap().entries()) node.groups[key] = groupFromProto(child);
  for (const [key, value] of group.getValuesMap().entries()) {
    node.values[key] = {
      version: value.getVersion(),
      modPolicy: value.getModPolicy(),
      value: value.getValue_asU8(),
    };
  }
  for (const [key, policy] of group.getPoliciesMap().entries()) {
    const body = policy.getPolicy();
    node.policies[key] = {
      version: policy.getVersion(),
      modPolicy: policy.getModPolicy(),
      ...(body ? { policy: { type: body.getType(), value: body.getValue_asU8() } } : {}),
    };
  }
  return node;
}

export function groupToProto(node: ConfigGroupNode): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setVersion(node.version);
  group.setModPolicy(node.modPolicy);
  const groups = group.getGroupsMap();
  for (const [key, child] of Object.entries(node.groups)) groups.set(key, groupToProto(child));
  const values = group.getValuesMap();
  for (const [key, value] of Object.entries(node.values)) {
    const proto = new common.ConfigValue();
    proto.setVersion(value.version);
    proto.setModPolicy(value.modPolicy);
    proto.setValue(value.value);
    values.set(key, proto);
  }
  const policies = group.getPoliciesMap();
  for (const [key, policy] of Object.entries(node.policies)) {
    const proto = new common.ConfigPolicy();
    proto.setVersion(policy.version);
    proto.setModPolicy(policy.modPolicy);
    if (policy.policy) {
      const body = new common.Policy();
      body.setType(policy.policy.type);
      body.setValue(policy.policy.value);
      proto.setPolicy(body);
    }
    policies.set(key, proto);
  }
  return group;
}

export function configFromProto(config: common.Config): ChannelConfig {
  const group = config.getChannelGroup();
  if (!group) throw new ConfigDecodeError('the config has no channel group');
  return { sequence: config.getSequence(), channelGroup: groupFromProto(group) };
}

export function configToProto(config: ChannelConfig): common.Config {
  const proto = new common.Config();
  proto.setSequence(config.sequence);
  proto.setChannelGroup(groupToProto(config.channelGroup));
  return proto;
}

/** Serialized common.Config (map entries sorted by key, like Go's deterministic marshalling). */
export function encodeConfig(config: ChannelConfig): Uint8Array {
  return configToProto(config).serializeBinary();
}

// ---- blocks ----------------------------------------------------------------------------------

export interface ConfigBlockInfo {
  channelId: string;
  blockNumber: number;
  config: ChannelConfig;
  /** The CONFIG_UPDATE envelope that produced this config (absent in a genesis block). */
  lastUpdate?: common.Envelope;
}

/** Block → Envelope → Payload (CONFIG) → ConfigEnvelope → Config. */
export function configFromBlock(blockBytes: Uint8Array): ConfigBlockInfo {
  let block: common.Block;
  try {
    block = common.Block.deserializeBinary(blockBytes);
  } catch (error) {
    throw new ConfigDecodeError(`not a block: ${(error as Error).message}`);
  }
  const data = block.getData()?.getDataList_asU8() ?? [];
  const first = data[0];
  if (data.length !== 1 || !first) {
    throw new ConfigDecodeError(`a config block holds exactly one envelope (this one has ${data.length})`);
  }
  const envelope = common.Envelope.deserializeBinary(first);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader();
  if (!header) throw new ConfigDecodeError('the block envelope has no header');
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  if (channelHeader.getType() !== common.HeaderType.CONFIG) {
    throw new ConfigDecodeError(`block ${block.getHeader()?.getNumber() ?? '?'} is not a config block`);
  }
  const configEnvelope = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8());
  const config = configEnvelope.getConfig();
  if (!config) throw new ConfigDecodeError('the config envelope has no config');
  const lastUpdate = configEnvelope.getLastUpdate();
  return {
    channelId: channelHeader.getChannelId(),
    blockNumber: block.getHeader()?.getNumber() ?? 0,
    config: configFromProto(config),
    ...(lastUpdate ? { lastUpdate } : {}),
  };
}

// ---- helpers ---------------------------------------------------------------------------------

export function cloneGroup(node: ConfigGroupNode): ConfigGroupNode {
  return {
    version: node.version,
    modPolicy: node.modPolicy,
    groups: Object.fromEntries(Object.entries(node.groups).map(([key, child]) => [key, cloneGroup(child)])),
    values: Object.fromEntries(
      Object.entries(node.values).map(([key, value]) => [key, { ...value, value: value.value.slice() }]),
    ),
    policies: Object.fromEntries(
      Object.entries(node.policies).map(([key, policy]) => [
        key,
        {
          version: policy.version,
          modPolicy: policy.modPolicy,
          ...(policy.policy
            ? { policy: { type: policy.policy.type, value: policy.policy.value.slice() } }
            : {}),
        },
      ]),
    ),
  };
}

export function cloneConfig(config: ChannelConfig): ChannelConfig {
  return { sequence: config.sequence, channelGroup: cloneGroup(config.channelGroup) };
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** The group at `path` (names below /Channel, e.g. ['Application', 'HospitalMSP']), if present. */
export function groupAt(config: ChannelConfig, path: readonly string[]): ConfigGroupNode | undefined {
  let node: ConfigGroupNode | undefined = config.channelGroup;
  for (const name of path) {
    if (!node) return undefined;
    node = node.groups[name];
  }
  return node;
}

export function requireGroup(config: ChannelConfig, path: readonly string[]): ConfigGroupNode {
  const node = groupAt(config, path);
  if (!node) throw new ConfigDecodeError(`the channel config has no group /Channel/${path.join('/')}`);
  return node;
}

/** Removes `key` from a record in place (groups, values and policies are keyed by name). */
export function removeKey(record: Record<string, unknown>, key: string): void {
  Reflect.deleteProperty(record, key);
}
