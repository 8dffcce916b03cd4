// ConfigUpdate computation, a port of Fabric's internal/configtxlator/update (what
// `configtxlator compute_update` runs): the read set pins the versions the update depends on,
// the write set carries new elements (version 0), modified ones (version + 1) and, for a group
// whose membership or mod_policy changes, the group itself at version + 1 with its unchanged
// members at their current versions.
import { common } from '@hyperledger/fabric-protos';
import {
  bytesEqual,
  emptyGroup,
  groupFromProto,
  groupToProto,
  type ChannelConfig,
  type ConfigGroupNode,
  type ConfigPolicyNode,
  type ConfigValueNode,
} from './config-tree';

export interface ConfigUpdateModel {
  channelId: string;
  readSet: ConfigGroupNode;
  writeSet: ConfigGroupNode;
}

export class NoConfigChangeError extends Error {
  override readonly name = 'NoConfigChangeError';
  constructor() {
    super('no differences detected between the original and the updated config');
  }
}

interface MapUpdate<T> {
  readSet: Record<string, T>;
  writeSet: Record<string, T>;
  sameSet: Record<string, T>;
  membersUpdated: boolean;
}

function policiesEqual(a: ConfigPolicyNode, b: ConfigPolicyNode): boolean {
  if (a.modPolicy !== b.modPolicy) return false;
  if (!a.policy || !b.policy) return !a.policy && !b.policy;
  return a.policy.type === b.policy.type && bytesEqual(a.policy.value, b.policy.value);
}

function computePoliciesMapUpdate(
  original: Record<string, ConfigPolicyNode>,
  updated: Record<string, ConfigPolicyNode>,
): MapUpdate<ConfigPolicyNode> {
  const result: MapUpdate<ConfigPolicyNode> = {
    readSet: {},
    writeSet: {},
    sameSet: {},
    membersUpdated: false,
  };
  for (const [name, originalPolicy] of Object.entries(original)) {
    const updatedPolicy = updated[name];
    if (!updatedPolicy) {
      result.membersUpdated = true;
      continue;
    }
    if (policiesEqual(originalPolicy, updatedPolicy)) {
      result.sameSet[name] = { version: originalPolicy.version, modPolicy: '' };
      continue;
    }
    result.writeSet[name] = {
      version: originalPolicy.version + 1,
      modPolicy: updatedPolicy.modPolicy,
      ...(updatedPolicy.policy ? { policy: updatedPolicy.policy } : {}),
    };
  }
  for (const [name, updatedPolicy] of Object.entries(updated)) {
    if (name in original) continue;
    result.membersUpdated = true;
    result.writeSet[name] = {
      version: 0,
      modPolicy: updatedPolicy.modPolicy,
      ...(updatedPolicy.policy ? { policy: updatedPolicy.policy } : {}),
    };
  }
  return result;
}

function computeValuesMapUpdate(
  original: Record<string, ConfigValueNode>,
  updated: Record<string, ConfigValueNode>,
): MapUpdate<ConfigValueNode> {
  const result: MapUpdate<ConfigValueNode> = {
    readSet: {},
    writeSet: {},
    sameSet: {},
    membersUpdated: false,
  };
  for (const [name, originalValue] of Object.entries(original)) {
    const updatedValue = updated[name];
    if (!updatedValue) {
      result.membersUpdated = true;
      continue;
    }
    if (
      originalValue.modPolicy === updatedValue.modPolicy &&
      bytesEqual(originalValue.value, updatedValue.value)
    ) {
      result.sameSet[name] = { version: originalValue.version, modPolicy: '', value: new Uint8Array() };
      continue;
    }
    result.writeSet[name] = {
      version: originalValue.version + 1,
      modPolicy: updatedValue.modPolicy,
      value: updatedValue.value,
    };
  }
  for (const [name, updatedValue] of Object.entries(updated)) {
    if (name in original) continue;
    result.membersUpdated = true;
    result.writeSet[name] = { version: 0, modPolicy: updatedValue.modPolicy, value: updatedValue.value };
  }
  return result;
}

function computeGroupsMapUpdate(
  original: Record<string, ConfigGroupNode>,
  updated: Record<string, ConfigGroupNode>,
): MapUpdate<ConfigGroupNode> {
  const result: MapUpdate<ConfigGroupNode> = {
    readSet: {},
    writeSet: {},
    sameSet: {},
    membersUpdated: false,
  };
  for (const [name, originalGroup] of Object.entries(original)) {
    const updatedGroup = updated[name];
    if (!updatedGroup) {
      result.membersUpdated = true;
      continue;
    }
    const group = computeGroupUpdate(originalGroup, updatedGroup);
    if (!group.updated) {
      result.sameSet[name] = group.readSet;
      continue;
    }
    result.readSet[name] = group.readSet;
    result.writeSet[name] = group.writeSet;
  }
  for (const [name, updatedGroup] of Object.entries(updated)) {
    if (name in original) continue;
    result.membersUpdated = true;
    const { writeSet } = computeGroupUpdate(emptyGroup(), updatedGroup);
    result.writeSet[name] = {
      version: 0,
      modPolicy: updatedGroup.modPolicy,
      policies: writeSet.policies,
      values: writeSet.values,
      groups: writeSet.groups,
    };
  }
  return result;
}

function computeGroupUpdate(
  original: ConfigGroupNode,
  updated: ConfigGroupNode,
): { readSet: ConfigGroupNode; writeSet: ConfigGroupNode; updated: boolean } {
  const policies = computePoliciesMapUpdate(original.policies, updated.policies);
  const values = computeValuesMapUpdate(original.values, updated.values);
  const groups = computeGroupsMapUpdate(original.groups, updated.groups);

  const membershipChanged =
    policies.membersUpdated ||
    values.membersUpdated ||
    groups.membersUpdated ||
    original.modPolicy !== updated.modPolicy;
  if (!membershipChanged) {
    const nothingModified =
      Object.keys(policies.readSet).length === 0 &&
      Object.keys(policies.writeSet).length === 0 &&
      Object.keys(values.readSet).length === 0 &&
      Object.keys(values.writeSet).length === 0 &&
      Object.keys(groups.readSet).length === 0 &&
      Object.keys(groups.writeSet).length === 0;
    if (nothingModified) {
      return {
        readSet: { ...emptyGroup(), version: original.version },
        writeSet: { ...emptyGroup(), version: original.version },
        updated: false,
      };
    }
    return {
      readSet: {
        version: original.version,
        modPolicy: '',
        policies: policies.readSet,
        values: values.readSet,
        groups: groups.readSet,
      },
      writeSet: {
        version: original.version,
        modPolicy: '',
        policies: policies.writeSet,
        values: values.writeSet,
        groups: groups.writeSet,
      },
      updated: true,
    };
  }
  return {
    readSet: {
      version: original.version,
      modPolicy: '',
      policies: { ...policies.readSet, ...policies.sameSet },
      values: { ...values.readSet, ...values.sameSet },
      groups: { ...groups.readSet, ...groups.sameSet },
    },
    writeSet: {
      version: original.version + 1,
      modPolicy: updated.modPolicy,
      policies: { ...policies.writeSet, ...policies.sameSet },
      values: { ...values.writeSet, ...values.sameSet },
      groups: { ...groups.writeSet, ...groups.sameSet },
    },
    updated: true,
  };
}

/** configtxlator compute_update: throws NoConfigChangeError when the configs do not differ. */
export function computeConfigUpdate(
  original: ChannelConfig,
  updated: ChannelConfig,
  channelId: string,
): ConfigUpdateModel {
  const result = computeGroupUpdate(original.channelGroup, updated.channelGroup);
  if (!result.updated) throw new NoConfigChangeError();
  return { channelId, readSet: result.readSet, writeSet: result.writeSet };
}

export function configUpdateToProto(update: ConfigUpdateModel): common.ConfigUpdate {
  const proto = new common.ConfigUpdate();
  proto.setChannelId(update.channelId);
  proto.setReadSet(groupToProto(update.readSet));
  proto.setWriteSet(groupToProto(update.writeSet));
  return proto;
}

/** common.ConfigUpdate bytes (map entries in key order, as Go's deterministic marshalling). */
export function encodeConfigUpdate(update: ConfigUpdateModel): Uint8Array {
  return configUpdateToProto(update).serializeBinary();
}

export function decodeConfigUpdate(bytes: Uint8Array): ConfigUpdateModel {
  const proto = common.ConfigUpdate.deserializeBinary(bytes);
  const readSet = proto.getReadSet();
  const writeSet = proto.getWriteSet();
  return {
    channelId: proto.getChannelId(),
    readSet: readSet ? groupFromProto(readSet) : emptyGroup(),
    writeSet: writeSet ? groupFromProto(writeSet) : emptyGroup(),
  };
}

/** Re-encodes ConfigUpdate bytes in canonical (sorted map) order, e.g. configtxlator's output. */
export function canonicalConfigUpdateBytes(bytes: Uint8Array): Uint8Array {
  return encodeConfigUpdate(decodeConfigUpdate(bytes));
}

// ---- applying an update (what the orderer does when it accepts it) ----------------------------

type Element =
  | { kind: 'group'; node: ConfigGroupNode }
  | { kind: 'value'; node: ConfigValueNode }
  | { kind: 'policy'; node: ConfigPolicyNode };

function flattenElements(group: ConfigGroupNode, path: string, out: Map<string, Element>): void {
  out.set(`g:${path}`, { kind: 'group', node: group });
  for (const [name, value] of Object.entries(group.values))
    out.set(`v:${path}/${name}`, { kind: 'value', node: value });
  for (const [name, policy] of Object.entries(group.policies))
    out.set(`p:${path}/${name}`, { kind: 'policy', node: policy });
  for (const [name, child] of Object.entries(group.groups)) flattenElements(child, `${path}/${name}`, out);
}

function rebuildGroup(path: string, elements: Map<string, Element>): ConfigGroupNode {
  const element = elements.get(`g:${path}`);
  if (element?.kind !== 'group') throw new Error(`config update leaves no group at ${path}`);
  const group = element.node;
  const result: ConfigGroupNode = {
    version: group.version,
    modPolicy: group.modPolicy,
    groups: {},
    values: {},
    policies: {},
  };
  for (const name of Object.keys(group.values)) {
    const value = elements.get(`v:${path}/${name}`);
    if (value?.kind !== 'value') throw new Error(`config update leaves no value at ${path}/${name}`);
    result.values[name] = { ...value.node };
  }
  for (const name of Object.keys(group.policies)) {
    const policy = elements.get(`p:${path}/${name}`);
    if (policy?.kind !== 'policy') throw new Error(`config update leaves no policy at ${path}/${name}`);
    result.policies[name] = { ...policy.node };
  }
  for (const name of Object.keys(group.groups))
    result.groups[name] = rebuildGroup(`${path}/${name}`, elements);
  return result;
}

/**
 * The config the channel would have once the orderer accepts `update` (configtx
 * computeUpdateResult): the write set's changed elements (version differs from the read set)
 * replace or join the current ones; a re-versioned group's member list is authoritative.
 * Version checks are update-policy.ts's job; this only merges.
 */
export function applyConfigUpdate(current: ChannelConfig, update: ConfigUpdateModel): ChannelConfig {
  const elements = new Map<string, Element>();
  flattenElements(current.channelGroup, '/Channel', elements);
  const read = new Map<string, Element>();
  flattenElements(update.readSet, '/Channel', read);
  const written = new Map<string, Element>();
  flattenElements(update.writeSet, '/Channel', written);
  for (const [key, element] of written) {
    const before = read.get(key);
    if (before && before.node.version === element.node.version) continue;
    elements.set(key, element);
  }
  return { sequence: current.sequence + 1, channelGroup: rebuildGroup('/Channel', elements) };
}
