// Channel config edits as pure functions: each takes a ChannelConfig and returns a new one,
// leaving the input untouched. A value is only re-encoded when its meaning changes, so an edit
// that restates the current setting produces no difference (and no config update).
import {
  cloneConfig,
  GROUP_APPLICATION,
  GROUP_ORDERER,
  removeKey,
  requireGroup,
  type ChannelConfig,
  type ConfigGroupNode,
} from './config-tree';
import {
  channelOrgMsps,
  ConfigValueError,
  decodeAcls,
  decodeAddresses,
  decodeAnchorPeers,
  decodeBatchSize,
  decodeBatchTimeout,
  decodeCapabilities,
  decodeConsensusType,
  decodeMsp,
  decodePolicy,
  encodeAcls,
  encodeAddresses,
  encodeAnchorPeers,
  encodeBatchSize,
  encodeBatchTimeout,
  encodeCapabilities,
  encodeConsensusType,
  encodeMsp,
  encodePolicy,
  parseGoDuration,
  parseHostPort,
  VALUE_KEYS,
  type BatchSizeConfig,
  type HostPort,
  type MspDefinition,
  type PolicyRule,
  type RaftConsenter,
} from './config-values';
import { orgGroupFromDefinition, orgGroupName, type OrgDefinition } from './org-definition';

export class ConfigEditError extends Error {
  override readonly name = 'ConfigEditError';
}

export type ConfigLevel = 'Channel' | 'Orderer' | 'Application';

/** Group path below /Channel for a level. */
export function levelPath(level: ConfigLevel): string[] {
  return level === 'Channel' ? [] : [level];
}

function sameMeaning(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Sets `key` in `group` to `bytes` unless the current value already means the same
 * (`decode(old)` equals `decode(new)`); new values get mod_policy "Admins".
 */
export function putValue(
  group: ConfigGroupNode,
  key: string,
  bytes: Uint8Array,
  decode: (bytes: Uint8Array) => unknown,
  modPolicy = 'Admins',
): void {
  const existing = group.values[key];
  if (existing) {
    if (sameMeaning(decode(existing.value), decode(bytes))) return;
    existing.value = bytes;
    return;
  }
  group.values[key] = { version: 0, modPolicy, value: bytes };
}

export function putPolicy(group: ConfigGroupNode, name: string, rule: PolicyRule, modPolicy?: string): void {
  const body = encodePolicy(rule);
  const existing = group.policies[name];
  if (existing) {
    if (modPolicy !== undefined) existing.modPolicy = modPolicy;
    if (existing.policy && sameMeaning(decodePolicy(existing.policy), decodePolicy(body))) return;
    existing.policy = body;
    return;
  }
  group.policies[name] = { version: 0, modPolicy: modPolicy ?? 'Admins', policy: body };
}

function edit(config: ChannelConfig, mutate: (copy: ChannelConfig) => void): ChannelConfig {
  const copy = cloneConfig(config);
  mutate(copy);
  return copy;
}

function ordererGroup(config: ChannelConfig): ConfigGroupNode {
  return requireGroup(config, [GROUP_ORDERER]);
}

function applicationGroup(config: ChannelConfig): ConfigGroupNode {
  return requireGroup(config, [GROUP_APPLICATION]);
}

/** The org group named `orgName` in the Application or Orderer group. */
export function findOrg(
  config: ChannelConfig,
  orgName: string,
): { section: 'Application' | 'Orderer'; group: ConfigGroupNode } | undefined {
  const application = config.channelGroup.groups[GROUP_APPLICATION]?.groups[orgName];
  if (application) return { section: 'Application', group: application };
  const ordererOrg = config.channelGroup.groups[GROUP_ORDERER]?.groups[orgName];
  if (ordererOrg) return { section: 'Orderer', group: ordererOrg };
  return undefined;
}

function requireOrg(
  config: ChannelConfig,
  orgName: string,
): { section: 'Application' | 'Orderer'; group: ConfigGroupNode } {
  const found = findOrg(config, orgName);
  if (!found) throw new ConfigEditError(`the channel has no organization ${orgName}`);
  return found;
}

// ---- orderer settings ------------------------------------------------------------------------

export function setBatchTimeout(config: ChannelConfig, timeout: string): ChannelConfig {
  const ms = parseGoDuration(timeout);
  if (ms <= 0) throw new ConfigEditError(`BatchTimeout must be positive (got "${timeout}")`);
  if (ms > 60_000)
    throw new ConfigEditError(
      `BatchTimeout "${timeout}" is over a minute; transactions would wait that long`,
    );
  return edit(config, (copy) =>
    // "0.5s" and "500ms" mean the same: compare durations, not text.
    putValue(ordererGroup(copy), VALUE_KEYS.batchTimeout, encodeBatchTimeout(timeout), (bytes) =>
      parseGoDuration(decodeBatchTimeout(bytes) || '0s'),
    ),
  );
}

export function setBatchSize(config: ChannelConfig, size: Partial<BatchSizeConfig>): ChannelConfig {
  return edit(config, (copy) => {
    const group = ordererGroup(copy);
    const current = group.values[VALUE_KEYS.batchSize];
    const merged: BatchSizeConfig = {
      ...(current
        ? decodeBatchSize(current.value)
        : { maxMessageCount: 500, absoluteMaxBytes: 10 * 1024 * 1024, preferredMaxBytes: 2 * 1024 * 1024 }),
      ...size,
    };
    for (const [field, value] of Object.entries(merged)) {
      if (!Number.isInteger(value) || value <= 0)
        throw new ConfigEditError(`BatchSize.${field} must be a positive integer (got ${value})`);
    }
    if (merged.preferredMaxBytes > merged.absoluteMaxBytes) {
      throw new ConfigEditError(
        `BatchSize.preferredMaxBytes (${merged.preferredMaxBytes}) cannot exceed absoluteMaxBytes (${merged.absoluteMaxBytes})`,
      );
    }
    putValue(group, VALUE_KEYS.batchSize, encodeBatchSize(merged), decodeBatchSize);
  });
}

function raftConsensus(group: ConfigGroupNode) {
  const value = group.values[VALUE_KEYS.consensusType];
  if (!value) throw new ConfigEditError('the orderer group has no ConsensusType');
  const consensus = decodeConsensusType(value.value);
  if (!consensus.raft)
    throw new ConfigEditError(`the channel uses ${consensus.type} consensus, not etcdraft`);
  return { consensus, raft: consensus.raft };
}

export function addRaftConsenter(config: ChannelConfig, consenter: RaftConsenter): ChannelConfig {
  if (!Number.isInteger(consenter.port) || consenter.port < 1 || consenter.port > 65_535) {
    throw new ConfigEditError(`consenter port ${consenter.port} is not between 1 and 65535`);
  }
  for (const [field, pem] of [
    ['clientTlsCert', consenter.clientTlsCert],
    ['serverTlsCert', consenter.serverTlsCert],
  ] as const) {
    if (!pem.includes('-----BEGIN CERTIFICATE-----'))
      throw new ConfigEditError(`consenter ${field} must be a PEM certificate`);
  }
  return edit(config, (copy) => {
    const group = ordererGroup(copy);
    const { consensus, raft } = raftConsensus(group);
    if (raft.consenters.some((c) => c.host === consenter.host && c.port === consenter.port)) {
      throw new ConfigEditError(`${consenter.host}:${consenter.port} is already a consenter`);
    }
    raft.consenters.push(consenter);
    putValue(group, VALUE_KEYS.consensusType, encodeConsensusType(consensus), decodeConsensusType);
  });
}

export function removeRaftConsenter(config: ChannelConfig, endpoint: string | HostPort): ChannelConfig {
  const { host, port } = typeof endpoint === 'string' ? parseHostPort(endpoint) : endpoint;
  return edit(config, (copy) => {
    const group = ordererGroup(copy);
    const { consensus, raft } = raftConsensus(group);
    const remaining = raft.consenters.filter((c) => !(c.host === host && c.port === port));
    if (remaining.length === raft.consenters.length)
      throw new ConfigEditError(`${host}:${port} is not a consenter`);
    if (remaining.length === 0) throw new ConfigEditError('cannot remove the last Raft consenter');
    raft.consenters = remaining;
    putValue(group, VALUE_KEYS.consensusType, encodeConsensusType(consensus), decodeConsensusType);
  });
}

// ---- organizations ---------------------------------------------------------------------------

function toHostPort(endpoint: string | HostPort): HostPort {
  if (typeof endpoint === 'string') return parseHostPort(endpoint);
  if (!endpoint.host || !Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65_535) {
    throw new ConfigValueError(`anchor peer ${endpoint.host}:${endpoint.port} is not a valid host:port`);
  }
  return { host: endpoint.host, port: endpoint.port };
}

/** Replaces the org's anchor peers; an empty list removes the AnchorPeers value. */
export function setAnchorPeers(
  config: ChannelConfig,
  orgName: string,
  endpoints: ReadonlyArray<string | HostPort>,
): ChannelConfig {
  const anchors = endpoints.map(toHostPort);
  return edit(config, (copy) => {
    const { section, group } = requireOrg(copy, orgName);
    if (section !== 'Application')
      throw new ConfigEditError(`${orgName} is an orderer org; anchor peers are for peer orgs`);
    if (anchors.length === 0) removeKey(group.values, VALUE_KEYS.anchorPeers);
    else putValue(group, VALUE_KEYS.anchorPeers, encodeAnchorPeers(anchors), decodeAnchorPeers);
  });
}

/** Replaces an orderer org's endpoints (its `Endpoints` value). */
export function setOrdererEndpoints(
  config: ChannelConfig,
  orgName: string,
  endpoints: readonly string[],
): ChannelConfig {
  for (const endpoint of endpoints) parseHostPort(endpoint);
  if (endpoints.length === 0)
    throw new ConfigEditError('an orderer org needs at least one endpoint with V3_0');
  return edit(config, (copy) => {
    const { section, group } = requireOrg(copy, orgName);
    if (section !== 'Orderer') throw new ConfigEditError(`${orgName} is not an orderer org`);
    putValue(group, VALUE_KEYS.endpoints, encodeAddresses(endpoints), decodeAddresses);
  });
}

function assertNewOrg(config: ChannelConfig, definition: OrgDefinition): void {
  const name = orgGroupName(definition);
  if (findOrg(config, name)) throw new ConfigEditError(`${name} is already an organization of the channel`);
  const holder = channelOrgMsps(config).find((org) => org.msp.name === definition.mspId);
  if (holder) {
    throw new ConfigEditError(
      `MSP ID ${definition.mspId} is already used by organization ${holder.groupName}`,
    );
  }
}

/** Adds an org (validated definition, see org-definition.ts) to the Application group. */
export function addApplicationOrg(config: ChannelConfig, definition: OrgDefinition): ChannelConfig {
  if (definition.kind !== 'application')
    throw new ConfigEditError(`${definition.mspId} is not an application org definition`);
  assertNewOrg(config, definition);
  return edit(config, (copy) => {
    applicationGroup(copy).groups[orgGroupName(definition)] = orgGroupFromDefinition(definition);
  });
}

/** Adds an orderer org (validated definition) to the Orderer group. */
export function addOrdererOrg(config: ChannelConfig, definition: OrgDefinition): ChannelConfig {
  if (definition.kind !== 'orderer')
    throw new ConfigEditError(`${definition.mspId} is not an orderer org definition`);
  assertNewOrg(config, definition);
  return edit(config, (copy) => {
    ordererGroup(copy).groups[orgGroupName(definition)] = orgGroupFromDefinition(definition);
  });
}

/** Removes an org from the Application (or Orderer) group. */
export function removeOrg(config: ChannelConfig, orgName: string): ChannelConfig {
  return edit(config, (copy) => {
    const { section } = requireOrg(copy, orgName);
    const parent = requireGroup(copy, [section]);
    if (Object.keys(parent.groups).length === 1) {
      throw new ConfigEditError(
        `${orgName} is the last ${section.toLowerCase()} organization; it cannot be removed`,
      );
    }
    removeKey(parent.groups, orgName);
  });
}

// ---- capabilities, ACLs, policies ------------------------------------------------------------

export function setCapability(
  config: ChannelConfig,
  level: ConfigLevel,
  name: string,
  enabled: boolean,
): ChannelConfig {
  if (!/^V\d+_\d+(_\d+)?$/.test(name))
    throw new ConfigEditError(`"${name}" is not a capability name such as V2_5`);
  return edit(config, (copy) => {
    const group = requireGroup(copy, levelPath(level));
    const current = group.values[VALUE_KEYS.capabilities];
    const names = new Set(current ? decodeCapabilities(current.value) : []);
    if (enabled) names.add(name);
    else names.delete(name);
    putValue(group, VALUE_KEYS.capabilities, encodeCapabilities([...names]), decodeCapabilities);
  });
}

/** Sets (or with `policyRef` undefined removes) the ACL of a resource such as "qscc/GetChainInfo". */
export function setAcl(
  config: ChannelConfig,
  resource: string,
  policyRef: string | undefined,
): ChannelConfig {
  if (!/^[A-Za-z0-9_]+\/[A-Za-z0-9_]+$/.test(resource)) {
    throw new ConfigEditError(
      `"${resource}" is not an ACL resource such as "peer/Propose" or "qscc/GetChainInfo"`,
    );
  }
  if (policyRef !== undefined && !/^(\/Channel(\/[A-Za-z0-9._-]+)+|[A-Za-z0-9._-]+)$/.test(policyRef)) {
    throw new ConfigEditError(
      `"${policyRef}" is not a policy reference such as "/Channel/Application/Writers"`,
    );
  }
  return edit(config, (copy) => {
    const group = applicationGroup(copy);
    const current = group.values[VALUE_KEYS.acls];
    const acls = current ? decodeAcls(current.value) : {};
    if (policyRef === undefined) {
      if (!(resource in acls)) throw new ConfigEditError(`no ACL is set for ${resource}`);
      removeKey(acls, resource);
    } else acls[resource] = policyRef;
    putValue(group, VALUE_KEYS.acls, encodeAcls(acls), decodeAcls);
  });
}

/**
 * Sets (or with `rule` undefined removes) the policy `name` of the group at `groupPath`
 * (below /Channel, e.g. [] for the channel, ['Application'], ['Application', 'HospitalMSP']).
 */
export function setPolicy(
  config: ChannelConfig,
  groupPath: readonly string[],
  name: string,
  rule: PolicyRule | undefined,
  modPolicy?: string,
): ChannelConfig {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) throw new ConfigEditError(`"${name}" is not a policy name`);
  const body = rule ? encodePolicy(rule) : undefined; // validates the rule text up front
  return edit(config, (copy) => {
    const group = requireGroup(copy, groupPath);
    if (!rule || !body) {
      if (!group.policies[name])
        throw new ConfigEditError(`/Channel/${[...groupPath, name].join('/')} does not exist`);
      if (name === 'Admins')
        throw new ConfigEditError('the Admins policy guards the group itself and cannot be removed');
      removeKey(group.policies, name);
      return;
    }
    putPolicy(group, name, rule, modPolicy);
  });
}

/** Replaces an org's MSP definition (root CAs, TLS CAs, NodeOUs, CRLs…); the MSP ID cannot change. */
export function setOrgMsp(config: ChannelConfig, orgName: string, definition: MspDefinition): ChannelConfig {
  return edit(config, (copy) => {
    const { group } = requireOrg(copy, orgName);
    const current = group.values[VALUE_KEYS.msp];
    const currentMsp = current ? decodeMsp(current.value) : undefined;
    if (
      currentMsp?.type === 'fabric' &&
      definition.type === 'fabric' &&
      currentMsp.name !== definition.name
    ) {
      throw new ConfigEditError(
        `the MSP ID of ${orgName} is ${currentMsp.name}; it cannot be renamed to ${definition.name}`,
      );
    }
    putValue(group, VALUE_KEYS.msp, encodeMsp(definition), decodeMsp);
  });
}
