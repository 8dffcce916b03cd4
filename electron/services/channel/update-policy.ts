// Who must sign a config update, as the orderer's configtx validator decides it
// (common/configtx/update.go): the read set must match the current versions, every element of
// the write set whose version changes must be exactly one version ahead, and the mod_policy of
// each modified existing element must be satisfied by the update's signatures. Policies are
// evaluated like Fabric's cauthdsl (signature policies) and implicitmeta (ANY/ALL/MAJORITY over
// the sub-groups' policies).
import { common, msp } from '@hyperledger/fabric-protos';
import type { IdentityRole } from './config-certs';
import { groupAt, type ChannelConfig, type ConfigGroupNode } from './config-tree';
import { decodePolicy, describePrincipal } from './config-values';
import type { ConfigUpdateModel } from './update-compute';

/** A signer whose certificate and signature were verified against the channel's MSPs. */
export interface VerifiedSigner {
  mspId: string;
  certPem: string;
  /** Node OU roles (admin, client, peer, orderer). */
  roles: IdentityRole[];
  isAdmin: boolean;
}

export type ElementKind = 'group' | 'value' | 'policy';

interface FlatElement {
  kind: ElementKind;
  /** Group names from the root: ['Channel', 'Application']. */
  path: string[];
  key: string;
  version: number;
  modPolicy: string;
}

export interface ChangedElement {
  kind: ElementKind;
  /** e.g. /Channel/Application/HospitalMSP/AnchorPeers */
  fullPath: string;
  isNew: boolean;
  /** The policy that must be satisfied (absolute path); absent for new elements. */
  policyPath?: string;
}

export interface UpdateAnalysis {
  changes: ChangedElement[];
  /** Stale read set or impossible versions: the update no longer applies to the current config. */
  problems: string[];
  /** The update was computed against an older config (versions moved on since). */
  stale: boolean;
}

function elementName(element: FlatElement): string {
  return `/${[...element.path, element.key].join('/')}`;
}

function flatten(group: ConfigGroupNode, path: string[], key: string, out: Map<string, FlatElement>): void {
  const element: FlatElement = {
    kind: 'group',
    path,
    key,
    version: group.version,
    modPolicy: group.modPolicy,
  };
  out.set(`[group] ${elementName(element)}`, element);
  const inner = [...path, key];
  for (const [name, value] of Object.entries(group.values)) {
    out.set(`[value] /${[...inner, name].join('/')}`, {
      kind: 'value',
      path: inner,
      key: name,
      version: value.version,
      modPolicy: value.modPolicy,
    });
  }
  for (const [name, policy] of Object.entries(group.policies)) {
    out.set(`[policy] /${[...inner, name].join('/')}`, {
      kind: 'policy',
      path: inner,
      key: name,
      version: policy.version,
      modPolicy: policy.modPolicy,
    });
  }
  for (const [name, child] of Object.entries(group.groups)) flatten(child, inner, name, out);
}

function flattenRoot(group: ConfigGroupNode): Map<string, FlatElement> {
  const out = new Map<string, FlatElement>();
  flatten(group, [], 'Channel', out);
  return out;
}

/** The absolute policy path an element's mod_policy designates (configtx policyForItem). */
export function modPolicyPath(element: {
  kind: ElementKind;
  path: string[];
  key: string;
  modPolicy: string;
}): string {
  if (element.modPolicy.startsWith('/')) return element.modPolicy;
  // The root group (empty path) resolves against /Channel; a group's own key is part of its path.
  const base =
    element.path.length === 0
      ? ['Channel']
      : element.kind === 'group'
        ? [...element.path, element.key]
        : element.path;
  return `/${[...base, element.modPolicy].join('/')}`;
}

export function analyseUpdate(update: ConfigUpdateModel, current: ChannelConfig): UpdateAnalysis {
  const currentMap = flattenRoot(current.channelGroup);
  const readMap = flattenRoot(update.readSet);
  const writeMap = flattenRoot(update.writeSet);
  const problems: string[] = [];
  let stale = false;
  for (const [key, read] of readMap) {
    const existing = currentMap.get(key);
    if (!existing) {
      problems.push(`the update depends on ${elementName(read)}, which the current config does not have`);
    } else if (existing.version !== read.version) {
      stale = true;
      problems.push(
        `the update was computed against an older config: ${elementName(read)} is now at version ${existing.version}, the update expects version ${read.version}`,
      );
    }
  }
  const changes: ChangedElement[] = [];
  for (const [key, written] of writeMap) {
    const read = readMap.get(key);
    if (read && read.version === written.version) continue;
    const existing = currentMap.get(key);
    const fullPath = elementName(written);
    if (!written.modPolicy) problems.push(`${fullPath} has an empty mod_policy`);
    if (!existing) {
      if (written.version !== 0) {
        problems.push(
          `${fullPath} does not exist, so it must be written at version 0 (the update says ${written.version})`,
        );
      }
      changes.push({ kind: written.kind, fullPath, isNew: true });
      continue;
    }
    if (written.version !== existing.version + 1) {
      stale = true;
      problems.push(
        `the update was computed against an older config: it sets ${fullPath} to version ${written.version}, but it is at version ${existing.version}`,
      );
    }
    changes.push({ kind: written.kind, fullPath, isNew: false, policyPath: modPolicyPath(existing) });
  }
  if (changes.length === 0) problems.push('the update changes nothing');
  return { changes, problems, stale };
}

// ---- policy evaluation -----------------------------------------------------------------------

export interface PolicyRequirement {
  /** Absolute policy path, e.g. /Channel/Application/Admins. */
  path: string;
  /** The rule in words: "MAJORITY Admins", "OR('HospitalMSP.admin')". */
  rule: string;
  satisfied: boolean;
  /** ImplicitMeta: how many sub-policies must be satisfied, out of how many, and how many are. */
  threshold?: { needed: number; of: number; have: number };
  /** Orgs whose signatures counted. */
  signedBy: string[];
  /** Orgs whose admins could still sign to help satisfy the policy. */
  candidates: string[];
  /** At least this many more signatures (from distinct orgs, usually) are needed. */
  needMore: number;
  /** The changed elements guarded by this policy. */
  guards: string[];
  /** Sub-requirements of an ImplicitMeta policy, one per sub-group. */
  parts?: PolicyRequirement[];
}

interface Evaluation {
  satisfied: boolean;
  needMore: number;
  candidates: Set<string>;
  signedBy: Set<string>;
}

function principalSatisfied(principal: msp.MSPPrincipal, signer: VerifiedSigner): boolean {
  const classification = principal.getPrincipalClassification();
  if (classification === msp.MSPPrincipal.Classification.ROLE) {
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    if (role.getMspIdentifier() !== signer.mspId) return false;
    switch (role.getRole()) {
      case msp.MSPRole.MSPRoleType.MEMBER:
        return true;
      case msp.MSPRole.MSPRoleType.ADMIN:
        return signer.isAdmin;
      case msp.MSPRole.MSPRoleType.CLIENT:
        return signer.roles.includes('client');
      case msp.MSPRole.MSPRoleType.PEER:
        return signer.roles.includes('peer');
      case msp.MSPRole.MSPRoleType.ORDERER:
        return signer.roles.includes('orderer');
      default:
        return false;
    }
  }
  if (classification === msp.MSPPrincipal.Classification.IDENTITY) {
    const identity = msp.SerializedIdentity.deserializeBinary(principal.getPrincipal_asU8());
    return (
      identity.getMspid() === signer.mspId &&
      Buffer.from(identity.getIdBytes_asU8()).toString() === signer.certPem
    );
  }
  return false;
}

function principalMsp(principal: msp.MSPPrincipal): string | undefined {
  const text = describePrincipal(principal).replace(/^'|'$/g, '');
  const dot = text.lastIndexOf('.');
  return dot > 0 ? text.slice(0, dot) : undefined;
}

/** cauthdsl: each signer is used at most once; an NOutOf keeps the signers its satisfied branches used. */
function evaluateSignatureRule(
  rule: common.SignaturePolicy | undefined,
  principals: msp.MSPPrincipal[],
  signers: VerifiedSigner[],
  used: boolean[],
): Evaluation {
  const result: Evaluation = { satisfied: false, needMore: 0, candidates: new Set(), signedBy: new Set() };
  if (!rule) return result;
  if (rule.getTypeCase() === common.SignaturePolicy.TypeCase.SIGNED_BY) {
    const principal = principals[rule.getSignedBy()];
    if (!principal) return { ...result, needMore: Infinity };
    const index = signers.findIndex((signer, i) => !used[i] && principalSatisfied(principal, signer));
    const signer = signers[index];
    if (signer) {
      used[index] = true;
      return { ...result, satisfied: true, signedBy: new Set([signer.mspId]) };
    }
    const mspId = principalMsp(principal);
    return { ...result, needMore: 1, candidates: new Set(mspId ? [mspId] : []) };
  }
  const nOutOf = rule.getNOutOf();
  if (!nOutOf) return result;
  const children: Evaluation[] = [];
  for (const child of nOutOf.getRulesList()) {
    const trial = [...used];
    const evaluation = evaluateSignatureRule(child, principals, signers, trial);
    if (evaluation.satisfied) trial.forEach((value, i) => (used[i] = value));
    children.push(evaluation);
  }
  return combine(children, nOutOf.getN());
}

function combine(children: Evaluation[], needed: number): Evaluation {
  const satisfiedCount = children.filter((child) => child.satisfied).length;
  const signedBy = new Set(children.filter((c) => c.satisfied).flatMap((c) => [...c.signedBy]));
  if (satisfiedCount >= needed) return { satisfied: true, needMore: 0, candidates: new Set(), signedBy };
  const unsatisfied = children.filter((child) => !child.satisfied);
  const cheapest = unsatisfied.map((child) => child.needMore).sort((a, b) => a - b);
  const needMore = cheapest.slice(0, needed - satisfiedCount).reduce((sum, n) => sum + n, 0);
  const candidates = new Set(unsatisfied.flatMap((child) => [...child.candidates]));
  for (const mspId of signedBy) candidates.delete(mspId);
  return { satisfied: false, needMore, candidates, signedBy };
}

function policyAt(
  config: ChannelConfig,
  path: string,
): { group: ConfigGroupNode; groupPath: string[]; name: string } | undefined {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts[0] !== 'Channel' || parts.length < 2) return undefined;
  const groupPath = parts.slice(1, -1);
  const name = parts[parts.length - 1] ?? '';
  const group = groupAt(config, groupPath);
  return group ? { group, groupPath, name } : undefined;
}

const IMPLICIT_NAMES: Record<number, string> = {
  [common.ImplicitMetaPolicy.Rule.ANY]: 'ANY',
  [common.ImplicitMetaPolicy.Rule.ALL]: 'ALL',
  [common.ImplicitMetaPolicy.Rule.MAJORITY]: 'MAJORITY',
};

/** The number of sub-policies an ImplicitMeta rule needs out of `count`. */
export function implicitMetaThreshold(rule: 'ANY' | 'ALL' | 'MAJORITY', count: number): number {
  if (count === 0) return 0;
  if (rule === 'ANY') return 1;
  if (rule === 'ALL') return count;
  return Math.floor(count / 2) + 1;
}

/** Evaluates the policy at `path` (e.g. /Channel/Application/Admins) for the verified signers. */
export function evaluatePolicy(
  config: ChannelConfig,
  path: string,
  signers: VerifiedSigner[],
): PolicyRequirement {
  const located = policyAt(config, path);
  const node = located?.group.policies[located.name];
  const base: PolicyRequirement = {
    path,
    rule: '(missing policy)',
    satisfied: false,
    signedBy: [],
    candidates: [],
    needMore: Infinity,
    guards: [],
  };
  if (!located || !node?.policy) return base;
  const body = node.policy;
  if (body.type === common.Policy.PolicyType.SIGNATURE) {
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(body.value);
    const evaluation = evaluateSignatureRule(
      envelope.getRule(),
      envelope.getIdentitiesList(),
      signers,
      signers.map(() => false),
    );
    const decoded = decodePolicy(body);
    return {
      ...base,
      rule: decoded.type === 'Signature' ? decoded.rule : 'signature policy',
      satisfied: evaluation.satisfied,
      signedBy: [...evaluation.signedBy].sort(),
      candidates: [...evaluation.candidates].sort(),
      needMore: evaluation.needMore,
    };
  }
  if (body.type === common.Policy.PolicyType.IMPLICIT_META) {
    const meta = common.ImplicitMetaPolicy.deserializeBinary(body.value);
    const ruleName = (IMPLICIT_NAMES[meta.getRule()] ?? 'ANY') as 'ANY' | 'ALL' | 'MAJORITY';
    const subPaths = Object.keys(located.group.groups)
      .sort()
      .map((sub) => `/${['Channel', ...located.groupPath, sub, meta.getSubPolicy()].join('/')}`);
    const parts = subPaths.map((subPath) => evaluatePolicy(config, subPath, signers));
    const needed = implicitMetaThreshold(ruleName, parts.length);
    const combined = combine(
      parts.map((part) => ({
        satisfied: part.satisfied,
        needMore: part.needMore,
        candidates: new Set(part.candidates),
        signedBy: new Set(part.signedBy),
      })),
      needed,
    );
    return {
      ...base,
      rule: `${ruleName} ${meta.getSubPolicy()}`,
      satisfied: combined.satisfied,
      threshold: { needed, of: parts.length, have: parts.filter((part) => part.satisfied).length },
      signedBy: [...combined.signedBy].sort(),
      candidates: [...combined.candidates].sort(),
      needMore: combined.needMore,
      parts,
    };
  }
  return { ...base, rule: `unsupported policy type ${body.type}` };
}

export interface SignatureRequirements {
  satisfied: boolean;
  /** One entry per distinct policy the update must satisfy. */
  requirements: PolicyRequirement[];
  /** Orgs whose admins could still sign (union over the unsatisfied policies). */
  missingOrgs: string[];
  /** Plain-language lines, e.g. "/Channel/Application/Admins (MAJORITY Admins): 1 more signature from an admin of InsurerMSP or RegulatorMSP". */
  summary: string[];
  /** The update no longer applies (stale read set…); signing cannot fix these. */
  problems: string[];
  stale: boolean;
}

function orList(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

export function describeRequirement(requirement: PolicyRequirement): string {
  const threshold = requirement.threshold
    ? `, ${requirement.threshold.needed} of ${requirement.threshold.of} needed, ${requirement.threshold.have} satisfied`
    : '';
  const head = `${requirement.path} (${requirement.rule}${threshold})`;
  if (requirement.satisfied)
    return `${head}: satisfied by ${requirement.signedBy.join(', ') || 'no signature needed'}`;
  if (!Number.isFinite(requirement.needMore) || requirement.candidates.length === 0) {
    return `${head}: cannot be satisfied by admin signatures of the channel's organizations`;
  }
  const count = requirement.needMore;
  return `${head}: ${count} more signature${count === 1 ? '' : 's'} needed from ${
    count === 1 ? 'an admin of' : 'admins of'
  } ${orList(requirement.candidates)}`;
}

/** Which policies the update must satisfy, and which orgs still have to sign. */
export function signatureRequirements(
  update: ConfigUpdateModel,
  current: ChannelConfig,
  signers: VerifiedSigner[],
): SignatureRequirements {
  const analysis = analyseUpdate(update, current);
  const byPolicy = new Map<string, string[]>();
  for (const change of analysis.changes) {
    if (!change.policyPath) continue;
    const guards = byPolicy.get(change.policyPath) ?? [];
    guards.push(`${change.kind} ${change.fullPath}`);
    byPolicy.set(change.policyPath, guards);
  }
  const requirements = [...byPolicy.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, guards]) => ({ ...evaluatePolicy(current, path, signers), guards }));
  const unsatisfied = requirements.filter((requirement) => !requirement.satisfied);
  return {
    satisfied: unsatisfied.length === 0 && analysis.problems.length === 0,
    requirements,
    missingOrgs: [...new Set(unsatisfied.flatMap((requirement) => requirement.candidates))].sort(),
    summary: requirements.map(describeRequirement),
    problems: analysis.problems,
    stale: analysis.stale,
  };
}
