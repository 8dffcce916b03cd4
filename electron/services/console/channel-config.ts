// The Channel page's view of a config block (cscc GetConfigBlock). There is ONE decoder of channel
// configs: services/channel (configFromBlock → decodeChannelConfig, the model the config edits and
// updates work on). This file only shapes that model for the page: certificates summarised with
// their expiry, policies in Fabric's policy language, orgs labelled with the console's roles.
import { common } from '@hyperledger/fabric-protos';
import {
  decodeChannelConfig as decodeChannelModel,
  type ChannelConfigModel,
  type OrgModel,
} from '../channel/config-model';
import {
  configFromBlock,
  ConfigDecodeError,
  GROUP_ORDERER,
  type ChannelConfig,
} from '../channel/config-tree';
import { describeSignaturePolicy, type MspDefinition, type PolicyEntry } from '../channel/config-values';
import type { OrgRole } from '../runtime/types';
import { summarizeCertificate } from './certificates';
import type {
  CertificateSummary,
  ChannelConfigView,
  ChannelOrgView,
  ConsenterView,
  MspView,
  OrdererSettingsView,
  PolicyView,
} from './types';

export { describeSignaturePolicy };

export class ChannelConfigError extends Error {
  override readonly name = 'ChannelConfigError';
}

function policyView(name: string, entry: PolicyEntry): PolicyView {
  const { policy, modPolicy } = entry;
  if (policy.type === 'Signature' || policy.type === 'ImplicitMeta') {
    return { name, type: policy.type, rule: policy.rule, modPolicy };
  }
  if (policy.policyType === common.Policy.PolicyType.MSP) {
    return { name, type: 'MSP', rule: '(MSP policy)', modPolicy };
  }
  return { name, type: 'Unknown', rule: `(policy type ${policy.policyType})`, modPolicy };
}

function policiesView(policies: Record<string, PolicyEntry> | undefined): PolicyView[] {
  return Object.entries(policies ?? {})
    .map(([name, entry]) => policyView(name, entry))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function summaries(pems: readonly string[], now: Date): CertificateSummary[] {
  return pems.map((pem) => summarizeCertificate(pem, now));
}

function mspView(definition: MspDefinition, now: Date): MspView {
  if (definition.type !== 'fabric') {
    return {
      name: '',
      type: definition.mspType === 1 ? 'idemix' : 'unknown',
      rootCerts: [],
      tlsRootCerts: [],
      intermediateCerts: 0,
      admins: 0,
      revocations: 0,
      nodeOUs: false,
    };
  }
  return {
    name: definition.name,
    type: 'fabric',
    rootCerts: summaries(definition.rootCerts, now),
    tlsRootCerts: summaries(definition.tlsRootCerts, now),
    intermediateCerts: definition.intermediateCerts.length,
    admins: definition.admins.length,
    revocations: definition.revocationList.length,
    nodeOUs: definition.nodeOus?.enable ?? false,
  };
}

function orgView(
  groupName: string,
  org: OrgModel,
  section: ChannelOrgView['section'],
  roles: Record<string, OrgRole>,
  now: Date,
): ChannelOrgView {
  const mspId = org.mspId || groupName;
  const view: ChannelOrgView = {
    mspId,
    section,
    policies: policiesView(org.policies),
    anchorPeers: (org.anchorPeers ?? []).map((anchor) => `${anchor.host}:${anchor.port}`),
    ordererEndpoints: org.endpoints ?? [],
  };
  if (org.msp) view.msp = mspView(org.msp, now);
  const role = roles[mspId];
  if (role) view.role = role;
  return view;
}

function certificateOrUndefined(pem: string, now: Date): CertificateSummary | undefined {
  return pem.trim() ? summarizeCertificate(pem, now) : undefined;
}

/** BFT channels (and some V3 ones) list the consenters in the Orderer group's `Orderers` value. */
function consenterMapping(config: ChannelConfig, now: Date): ConsenterView[] {
  const value = config.channelGroup.groups[GROUP_ORDERER]?.values.Orderers;
  if (!value) return [];
  return common.Orderers.deserializeBinary(value.value)
    .getConsenterMappingList()
    .map((consenter) => {
      const view: ConsenterView = {
        host: consenter.getHost(),
        port: consenter.getPort(),
        mspId: consenter.getMspId(),
      };
      const client = certificateOrUndefined(Buffer.from(consenter.getClientTlsCert_asU8()).toString(), now);
      const server = certificateOrUndefined(Buffer.from(consenter.getServerTlsCert_asU8()).toString(), now);
      if (client) view.clientTlsCert = client;
      if (server) view.serverTlsCert = server;
      return view;
    });
}

function ordererView(model: ChannelConfigModel, config: ChannelConfig, now: Date): OrdererSettingsView {
  const orderer = model.orderer;
  const consensus = orderer?.consensus;
  const view: OrdererSettingsView = {
    consensusType: consensus?.type ?? '(none)',
    consensusState: consensus?.state ?? 'normal',
    consenters: (consensus?.raft?.consenters ?? []).map((consenter) => {
      const entry: ConsenterView = { host: consenter.host, port: consenter.port };
      const client = certificateOrUndefined(consenter.clientTlsCert, now);
      const server = certificateOrUndefined(consenter.serverTlsCert, now);
      if (client) entry.clientTlsCert = client;
      if (server) entry.serverTlsCert = server;
      return entry;
    }),
  };
  if (view.consenters.length === 0) view.consenters = consenterMapping(config, now);
  if (consensus?.raft?.options) view.raftOptions = { ...consensus.raft.options };
  if (orderer?.batchSize) view.batchSize = { ...orderer.batchSize };
  if (orderer?.batchTimeout !== undefined) view.batchTimeout = orderer.batchTimeout;
  if (orderer?.channelRestrictions) view.maxChannels = orderer.channelRestrictions.maxCount;
  return view;
}

/** The page's view of a decoded config (the channel services' model). */
export function channelConfigView(
  config: ChannelConfig,
  block: { channel: string; blockNumber: number },
  options: { roles?: Record<string, OrgRole>; readFrom?: string; now?: Date } = {},
): ChannelConfigView {
  const now = options.now ?? new Date();
  const roles = options.roles ?? {};
  const model = decodeChannelModel(config);
  const orgsOf = (orgs: Record<string, OrgModel> | undefined, section: ChannelOrgView['section']) =>
    Object.entries(orgs ?? {})
      .map(([name, org]) => orgView(name, org, section, roles, now))
      .sort((a, b) => a.mspId.localeCompare(b.mspId));
  const view: ChannelConfigView = {
    channel: block.channel,
    blockNumber: block.blockNumber,
    sequence: model.sequence,
    readFrom: options.readFrom ?? '',
    capabilities: {
      channel: [...model.channel.capabilities].sort(),
      orderer: [...(model.orderer?.capabilities ?? [])].sort(),
      application: [...(model.application?.capabilities ?? [])].sort(),
    },
    policies: {
      channel: policiesView(model.channel.policies),
      orderer: policiesView(model.orderer?.policies),
      application: policiesView(model.application?.policies),
    },
    acls: model.application?.acls ?? {},
    orderer: ordererView(model, config, now),
    orgs: [...orgsOf(model.orderer?.orgs, 'orderer'), ...orgsOf(model.application?.orgs, 'application')],
  };
  if (model.channel.hashingAlgorithm !== undefined) view.hashingAlgorithm = model.channel.hashingAlgorithm;
  if (model.channel.blockDataHashingWidth !== undefined)
    view.blockDataHashingWidth = model.channel.blockDataHashingWidth;
  return view;
}

/**
 * Decodes a config block for the Channel page. `roles` maps MSP IDs to the console's org roles so
 * pages can label the orgs; `readFrom` names the peer the block came from.
 */
export function decodeChannelConfig(
  blockBytes: Uint8Array,
  options: { roles?: Record<string, OrgRole>; readFrom?: string; now?: Date } = {},
): ChannelConfigView {
  let info;
  try {
    info = configFromBlock(blockBytes);
  } catch (error) {
    if (error instanceof ConfigDecodeError) throw new ChannelConfigError(error.message);
    throw error;
  }
  return channelConfigView(info.config, { channel: info.channelId, blockNumber: info.blockNumber }, options);
}
