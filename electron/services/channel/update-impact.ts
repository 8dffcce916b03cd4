// Impact preview of a config update in plain language: organizations that join or leave and what
// that gives or takes away, policy changes and who gains or loses rights, how the admin quorum
// changes (MAJORITY of 3 → 2 signatures; of 4 → 3), capability changes and the nodes whose
// Fabric version may not support a newly required capability, plus every other setting changed.
import { decodeChannelConfig, type ChannelConfigModel, type OrgModel } from './config-model';
import type { NetworkRuntime } from '../runtime/network-runtime';
import type { ChannelConfig } from './config-tree';
import { parseImplicitMetaRule, type PolicyEntry } from './config-values';
import { applyConfigUpdate, type ConfigUpdateModel } from './update-compute';
import { implicitMetaThreshold } from './update-policy';

export interface NodeVersion {
  id: string;
  kind: 'peer' | 'orderer';
  /** Fabric version the node reports, e.g. "3.1.5" or "v2.5.4". */
  version: string;
  /** Set when the version could not be asked from the node itself. */
  note?: string;
}

export interface QuorumChange {
  policy: string;
  rule: string;
  before: { needed: number; of: number };
  after: { needed: number; of: number };
}

export interface PolicyChange {
  path: string;
  before?: string;
  after?: string;
  /** Orgs named by the policy after the change but not before. */
  gained: string[];
  lost: string[];
}

export interface CapabilityChange {
  level: 'Channel' | 'Orderer' | 'Application';
  name: string;
  change: 'enabled' | 'disabled';
}

export interface CapabilityWarning extends CapabilityChange {
  nodeId: string;
  nodeVersion: string;
  requires: string;
}

export interface ImpactReport {
  /** Everything below as plain-language lines, most important first. */
  summary: string[];
  orgsAdded: string[];
  orgsRemoved: string[];
  quorum: QuorumChange[];
  policyChanges: PolicyChange[];
  capabilities: CapabilityChange[];
  capabilityWarnings: CapabilityWarning[];
  /** Other settings: batch, consenters, anchor peers, endpoints, MSPs, ACLs. */
  settings: string[];
}

const LEVELS = ['Channel', 'Orderer', 'Application'] as const;
type Level = (typeof LEVELS)[number];

function levelOf(model: ChannelConfigModel, level: Level) {
  if (level === 'Channel') return model.channel;
  return level === 'Orderer' ? model.orderer : model.application;
}

function orgsOf(model: ChannelConfigModel, level: Level): Record<string, OrgModel> {
  if (level === 'Orderer') return model.orderer?.orgs ?? {};
  if (level === 'Application') return model.application?.orgs ?? {};
  return {};
}

function levelPath(level: Level): string {
  return level === 'Channel' ? '/Channel' : `/Channel/${level}`;
}

function ruleText(entry: PolicyEntry | undefined): string | undefined {
  if (!entry) return undefined;
  return entry.policy.type === 'Other' ? `policy type ${entry.policy.policyType}` : entry.policy.rule;
}

function mspsNamed(rule: string | undefined): Set<string> {
  return new Set([...(rule ?? '').matchAll(/'([^']+)\.[a-zA-Z:]+[^']*'/g)].map((match) => match[1] ?? ''));
}

function orgList(names: string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Minimum Fabric release for a capability: V2_5 → 2.5.0, V1_4_3 → 1.4.3. */
export function capabilityMinimumVersion(name: string): string | undefined {
  const match = /^V(\d+)_(\d+)(?:_(\d+))?$/.exec(name);
  if (!match) return undefined;
  return `${match[1]}.${match[2]}.${match[3] ?? '0'}`;
}

function compareVersions(a: string, b: string): number {
  const parse = (value: string) =>
    (/(\d+)\.(\d+)(?:\.(\d+))?/.exec(value) ?? []).slice(1, 4).map((part) => Number(part ?? 0));
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function describeMspChanges(name: string, before: OrgModel, after: OrgModel): string[] {
  const lines: string[] = [];
  const a = before.msp;
  const b = after.msp;
  if (same(a, b)) return lines;
  if (a?.type !== 'fabric' || b?.type !== 'fabric') return [`${name}: its MSP definition changes`];
  const listChange = (label: string, x: string[], y: string[], consequence: string) => {
    const added = y.filter((item) => !x.includes(item)).length;
    const removed = x.filter((item) => !y.includes(item)).length;
    if (added || removed)
      lines.push(
        `${name}: ${label} ${added ? `+${added}` : ''}${added && removed ? ' ' : ''}${removed ? `-${removed}` : ''}${removed ? consequence : ''}`,
      );
  };
  listChange(
    'root CA certificates',
    a.rootCerts,
    b.rootCerts,
    ' (identities issued by a removed CA lose all access)',
  );
  listChange(
    'intermediate CA certificates',
    a.intermediateCerts,
    b.intermediateCerts,
    ' (identities under a removed intermediate lose access)',
  );
  listChange(
    'TLS root CA certificates',
    a.tlsRootCerts,
    b.tlsRootCerts,
    ' (nodes with TLS certificates from a removed CA can no longer connect)',
  );
  listChange('admin certificates', a.admins, b.admins, ' (those identities stop being admins)');
  if (!same(a.revocationList, b.revocationList)) {
    lines.push(
      `${name}: revocation list changes (${a.revocationList.length} → ${b.revocationList.length} CRLs); revoked identities lose all access`,
    );
  }
  if (!same(a.nodeOus, b.nodeOus))
    lines.push(`${name}: NodeOUs (how client, peer, admin and orderer identities are recognised) change`);
  return lines.length > 0 ? lines : [`${name}: its MSP definition changes`];
}

/** Compares two channel configs (before → after) in plain language. */
export function previewImpact(
  original: ChannelConfig,
  updated: ChannelConfig,
  options: { nodes?: NodeVersion[] } = {},
): ImpactReport {
  const before = decodeChannelConfig(original);
  const after = decodeChannelConfig(updated);
  const report: ImpactReport = {
    summary: [],
    orgsAdded: [],
    orgsRemoved: [],
    quorum: [],
    policyChanges: [],
    capabilities: [],
    capabilityWarnings: [],
    settings: [],
  };
  const rights: string[] = [];

  // Organizations.
  for (const level of ['Application', 'Orderer'] as const) {
    const x = orgsOf(before, level);
    const y = orgsOf(after, level);
    const levelPolicies = levelOf(after, level)?.policies ?? {};
    for (const name of Object.keys(y).filter((n) => !(n in x))) {
      report.orgsAdded.push(name);
      const takesPart = Object.entries(levelPolicies)
        .filter(([, entry]) => entry.policy.type === 'ImplicitMeta')
        .filter(
          ([, entry]) => parseImplicitMetaRule(ruleText(entry) ?? '').subPolicy in (y[name]?.policies ?? {}),
        )
        .map(([policy]) => policy);
      rights.push(
        `${name} joins the ${level.toLowerCase()} organizations${
          takesPart.length > 0
            ? `: it takes part in ${takesPart.map((p) => `${levelPath(level)}/${p}`).join(', ')}`
            : ''
        }${level === 'Application' ? ' (its members can read the ledger and submit transactions as the ACLs allow; its admins count in the admin quorum)' : ' (its orderers may deliver blocks and its admins count in the orderer admin quorum)'}`,
      );
    }
    for (const name of Object.keys(x).filter((n) => !(n in y))) {
      report.orgsRemoved.push(name);
      rights.push(
        `${name} leaves the ${level.toLowerCase()} organizations: its members lose every right on the channel (reading, submitting, endorsing, administering)`,
      );
    }
    for (const name of Object.keys(y).filter((n) => n in x)) {
      const orgBefore = x[name];
      const orgAfter = y[name];
      if (!orgBefore || !orgAfter) continue;
      report.settings.push(...describeMspChanges(name, orgBefore, orgAfter));
      if (!same(orgBefore.anchorPeers, orgAfter.anchorPeers)) {
        const text = (list?: Array<{ host: string; port: number }>) =>
          (list ?? []).map((a) => `${a.host}:${a.port}`).join(', ') || 'none';
        report.settings.push(
          `${name} anchor peers: ${text(orgBefore.anchorPeers)} → ${text(orgAfter.anchorPeers)}`,
        );
      }
      if (!same(orgBefore.endpoints, orgAfter.endpoints)) {
        report.settings.push(
          `${name} orderer endpoints: ${(orgBefore.endpoints ?? []).join(', ') || 'none'} → ${(orgAfter.endpoints ?? []).join(', ') || 'none'}`,
        );
      }
    }
  }

  // Policies (every level and org) and quorum sizes of ImplicitMeta policies.
  const policyMaps = (model: ChannelConfigModel): Map<string, PolicyEntry> => {
    const map = new Map<string, PolicyEntry>();
    for (const level of LEVELS) {
      const section = levelOf(model, level);
      for (const [name, entry] of Object.entries(section?.policies ?? {}))
        map.set(`${levelPath(level)}/${name}`, entry);
      for (const [orgName, org] of Object.entries(orgsOf(model, level))) {
        for (const [name, entry] of Object.entries(org.policies))
          map.set(`${levelPath(level)}/${orgName}/${name}`, entry);
      }
    }
    return map;
  };
  const policiesBefore = policyMaps(before);
  const policiesAfter = policyMaps(after);
  const addedOrgPaths = [...report.orgsAdded, ...report.orgsRemoved];
  for (const path of new Set([...policiesBefore.keys(), ...policiesAfter.keys()])) {
    const x = ruleText(policiesBefore.get(path));
    const y = ruleText(policiesAfter.get(path));
    const modX = policiesBefore.get(path)?.modPolicy;
    const modY = policiesAfter.get(path)?.modPolicy;
    // An added or removed org's own policies are covered by the org lines above.
    if (addedOrgPaths.some((org) => path.includes(`/${org}/`))) continue;
    if (x === y && modX === modY) continue;
    const namedBefore = mspsNamed(x);
    const namedAfter = mspsNamed(y);
    const change: PolicyChange = {
      path,
      ...(x !== undefined ? { before: x } : {}),
      ...(y !== undefined ? { after: y } : {}),
      gained: [...namedAfter].filter((m) => !namedBefore.has(m)).sort(),
      lost: [...namedBefore].filter((m) => !namedAfter.has(m)).sort(),
    };
    report.policyChanges.push(change);
    let line = `policy ${path}: ${x ?? '(none)'} → ${y ?? '(removed)'}`;
    if (modX !== modY && x === y) line = `policy ${path}: mod_policy ${modX ?? '-'} → ${modY ?? '-'}`;
    if (change.gained.length > 0)
      line += `; ${orgList(change.gained)} gain${change.gained.length === 1 ? 's' : ''} a say`;
    if (change.lost.length > 0)
      line += `; ${orgList(change.lost)} lose${change.lost.length === 1 ? 's' : ''} it`;
    rights.push(line);
  }
  for (const level of LEVELS) {
    const groupsBefore =
      level === 'Channel'
        ? ['Orderer', 'Application'].filter((g) => levelOf(before, g as Level))
        : Object.keys(orgsOf(before, level));
    const groupsAfter =
      level === 'Channel'
        ? ['Orderer', 'Application'].filter((g) => levelOf(after, g as Level))
        : Object.keys(orgsOf(after, level));
    for (const [name, entry] of Object.entries(levelOf(after, level)?.policies ?? {})) {
      if (entry.policy.type !== 'ImplicitMeta') continue;
      const previous = levelOf(before, level)?.policies[name];
      if (previous?.policy.type !== 'ImplicitMeta') continue;
      const ruleBefore = parseImplicitMetaRule(previous.policy.rule);
      const ruleAfter = parseImplicitMetaRule(entry.policy.rule);
      const b = {
        needed: implicitMetaThreshold(ruleBefore.rule, groupsBefore.length),
        of: groupsBefore.length,
      };
      const a = { needed: implicitMetaThreshold(ruleAfter.rule, groupsAfter.length), of: groupsAfter.length };
      if (same(a, b)) continue;
      const path = `${levelPath(level)}/${name}`;
      report.quorum.push({ policy: path, rule: entry.policy.rule, before: b, after: a });
      const what =
        name === 'Admins' ? 'admin signatures (org admins)' : `satisfied ${ruleAfter.subPolicy} policies`;
      report.summary.push(
        `${path} (${entry.policy.rule}) will need ${a.needed} of ${a.of} ${what} instead of ${b.needed} of ${b.of}`,
      );
    }
  }

  // Capabilities.
  for (const level of LEVELS) {
    const x = new Set(levelOf(before, level)?.capabilities ?? []);
    const y = new Set(levelOf(after, level)?.capabilities ?? []);
    for (const name of [...y].filter((c) => !x.has(c)))
      report.capabilities.push({ level, name, change: 'enabled' });
    for (const name of [...x].filter((c) => !y.has(c)))
      report.capabilities.push({ level, name, change: 'disabled' });
  }
  for (const change of report.capabilities) {
    report.summary.push(`${change.level} capability ${change.name} ${change.change}`);
    const requires = capabilityMinimumVersion(change.name);
    if (change.change !== 'enabled' || !requires) continue;
    const affected = (options.nodes ?? []).filter(
      (node) =>
        (change.level === 'Channel' ||
          (change.level === 'Orderer' && node.kind === 'orderer') ||
          (change.level === 'Application' && node.kind === 'peer')) &&
        compareVersions(node.version, requires) < 0,
    );
    for (const node of affected) {
      report.capabilityWarnings.push({ ...change, nodeId: node.id, nodeVersion: node.version, requires });
      report.summary.push(
        `warning: ${node.id} runs Fabric ${node.version}, older than ${requires} which ${change.level} capability ${change.name} requires; it would stop processing the channel`,
      );
    }
  }

  // Orderer settings and ACLs.
  const ob = before.orderer;
  const oa = after.orderer;
  if (ob && oa) {
    if (ob.batchTimeout !== oa.batchTimeout)
      report.settings.push(`orderer BatchTimeout: ${ob.batchTimeout ?? '-'} → ${oa.batchTimeout ?? '-'}`);
    if (!same(ob.batchSize, oa.batchSize))
      report.settings.push(
        `orderer BatchSize: ${JSON.stringify(ob.batchSize)} → ${JSON.stringify(oa.batchSize)}`,
      );
    const consenters = (model: typeof ob) =>
      (model.consensus?.raft?.consenters ?? []).map((c) => `${c.host}:${c.port}`);
    const cb = consenters(ob);
    const ca = consenters(oa);
    for (const added of ca.filter((c) => !cb.includes(c)))
      report.settings.push(`Raft consenter added: ${added}`);
    for (const removed of cb.filter((c) => !ca.includes(c)))
      report.settings.push(`Raft consenter removed: ${removed}`);
    if (!same(ob.consensus?.raft?.options, oa.consensus?.raft?.options))
      report.settings.push('Raft options change');
    if (ob.consensus?.state !== oa.consensus?.state)
      report.settings.push(`consensus state: ${ob.consensus?.state ?? '-'} → ${oa.consensus?.state ?? '-'}`);
    if (ob.consensus?.type !== oa.consensus?.type)
      report.settings.push(`consensus type: ${ob.consensus?.type ?? '-'} → ${oa.consensus?.type ?? '-'}`);
  }
  const aclsBefore = before.application?.acls ?? {};
  const aclsAfter = after.application?.acls ?? {};
  for (const resource of [...new Set([...Object.keys(aclsBefore), ...Object.keys(aclsAfter)])].sort()) {
    if (aclsBefore[resource] === aclsAfter[resource]) continue;
    report.settings.push(
      `ACL ${resource}: ${aclsBefore[resource] ?? '(default)'} → ${aclsAfter[resource] ?? '(default)'}`,
    );
  }
  if (!same(before.channel.ordererAddresses, after.channel.ordererAddresses))
    report.settings.push('channel OrdererAddresses change');

  report.summary = [...rights, ...report.summary, ...report.settings];
  if (report.summary.length === 0) report.summary.push('no visible change');
  return report;
}

/** The impact of applying `update` to the current config (what a reviewer of a bundle sees). */
export function previewUpdateImpact(
  current: ChannelConfig,
  update: ConfigUpdateModel,
  options: { nodes?: NodeVersion[] } = {},
): ImpactReport {
  return previewImpact(current, applyConfigUpdate(current, update), options);
}

/**
 * The Fabric version each node of the runtime reports on its operations endpoint (/version),
 * falling back to the installed binaries' version when a node does not answer.
 */
export async function runtimeNodeVersions(runtime: NetworkRuntime): Promise<NodeVersion[]> {
  return Promise.all(
    runtime.topology.nodes.map(async (node) => {
      let version = runtime.fabric.version;
      try {
        const response = await fetch(`http://127.0.0.1:${node.operationsPort}/version`, {
          signal: AbortSignal.timeout(2_000),
        });
        if (response.ok) {
          const body = (await response.json()) as { Version?: unknown };
          if (typeof body.Version === 'string' && body.Version) version = body.Version;
        }
      } catch (error) {
        // Node down or endpoint unreachable: assume the installation's version, and say so.
        return {
          id: node.id,
          kind: node.kind,
          version,
          note: `operations endpoint not reachable (${(error as Error).message}); assumed the installed ${version}`,
        };
      }
      return { id: node.id, kind: node.kind, version };
    }),
  );
}
