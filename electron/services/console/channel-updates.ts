// Consortium administration from the console: the acting org's admin proposes a channel config
// edit (batch settings, anchor peers, adding or removing an org, a capability), reviews a bundle
// file another member sent, signs it, and submits it once the signatures satisfy the channel's
// modification policies. Bundles travel as files the user downloads and uploads: this module
// takes and returns their JSON text, never a path. The Fabric work is the channel services'.
import { CrlPublicationError, withPublishedCrl } from '../ca/crl-publication';
import {
  CertificateCheckError,
  certFingerprint,
  parseCertificate,
  revokedSerials,
} from '../channel/config-certs';
import {
  addApplicationOrg,
  addOrdererOrg,
  addRaftConsenter,
  ConfigEditError,
  removeOrg,
  removeRaftConsenter,
  setAcl,
  setAnchorPeers,
  setBatchSize,
  setBatchTimeout,
  setCapability,
  setPolicy,
} from '../channel/config-edits';
import { decodeChannelConfig } from '../channel/config-model';
import { PolicyError } from '../channel/policy';
import type { ChannelConfig, ConfigBlockInfo } from '../channel/config-tree';
import { ConfigValueError, parseHostPort, type PolicyRule } from '../channel/config-values';
import {
  describeOrgDefinition,
  OrgDefinitionError,
  validateOrgDefinition,
  type OrgDefinition as ChannelOrgDefinition,
} from '../channel/org-definition';
import {
  BundleError,
  channelMsps,
  createBundle,
  parseBundle,
  serializeBundle,
  signBundle,
  verifyBundle,
  type UpdateBundle,
} from '../channel/update-bundle';
import { computeConfigUpdate, NoConfigChangeError } from '../channel/update-compute';
import { previewUpdateImpact, type NodeVersion } from '../channel/update-impact';
import { signatureRequirements, type PolicyRequirement } from '../channel/update-policy';
import {
  OrdererRejectedError,
  submitBundle,
  SubmitRefusedError,
  type ConfigSource,
  type OrdererTarget,
} from '../channel/update-submit';
import type { SigningIdentity } from '../fabric/proposal';
import { ConsoleError, type ConsoleErrorCode } from './errors';
import type {
  BundleFile,
  BundleRefusalDetails,
  BundleReview,
  BundleSubmitResult,
  ChannelEdit,
  OrgDefinitionCheck,
  ProposeUpdateRequest,
  SignatureRequirementView,
} from './types';

const DEFAULT_DEADLINE_MS = 7 * 24 * 60 * 60 * 1000;

/** What the update operations need from the console: all of it bound to the acting org. */
export interface ChannelUpdateContext {
  channel: string;
  /** MSP ID of the acting org: it proposes, signs and submits. */
  acting: string;
  /** The channel's current config, read from a running peer. */
  readConfig(): Promise<ConfigBlockInfo>;
  /** The acting org's admin identity (its key never leaves the services). */
  admin(): SigningIdentity;
  /** Fabric version of every node, for capability warnings (may be empty). */
  nodeVersions(): Promise<NodeVersion[]>;
  /** Where to submit: an orderer and the running peers that must serve the new config. */
  submitTargets(): { orderer: OrdererTarget; peers: ConfigSource[] };
  now?: () => Date;
}

function refused(code: ConsoleErrorCode, message: string, problems: string[], missingOrgs: string[] = []) {
  const details: BundleRefusalDetails = { kind: 'bundle-refused', problems, missingOrgs };
  return new ConsoleError(code, message, details);
}

/** Parses bundle text; a file that is not a bundle is refused with each problem in words. */
export function parseBundleText(text: string): UpdateBundle {
  try {
    return parseBundle(text);
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    throw refused(
      'invalid-argument',
      `This file is not a config update bundle this console can read: ${error.message}`,
      error.problems.length > 0 ? error.problems : [error.message],
    );
  }
}

/** The org group (in Application or Orderer) whose MSP is `mspId`. */
function orgGroupOf(config: ChannelConfig, mspId: string): string {
  const model = decodeChannelConfig(config);
  for (const orgs of [model.application?.orgs ?? {}, model.orderer?.orgs ?? {}]) {
    for (const [name, org] of Object.entries(orgs)) if (org.mspId === mspId || name === mspId) return name;
  }
  throw new ConsoleError('not-found', `${mspId} is not an organization of this channel`);
}

async function definitionFrom(text: string): Promise<ChannelOrgDefinition> {
  try {
    return await validateOrgDefinition(text);
  } catch (error) {
    if (!(error instanceof OrgDefinitionError)) throw error;
    throw new ConsoleError('invalid-argument', error.message, {
      kind: 'bundle-refused',
      problems: error.problems,
      missingOrgs: [],
    } satisfies BundleRefusalDetails);
  }
}

/** The config with `crlPem` in the org's revocation_list, once the CRL is known to be signed by one of its CAs. */
async function withCheckedCrl(config: ChannelConfig, mspId: string, crlPem: string): Promise<ChannelConfig> {
  const model = decodeChannelConfig(config);
  const group = orgGroupOf(config, mspId);
  const msp = (model.application?.orgs[group] ?? model.orderer?.orgs[group])?.msp;
  if (msp?.type !== 'fabric') {
    throw new ConsoleError('invalid-argument', `${mspId} has no X.509 (fabric) MSP in the channel`);
  }
  const cas = [...msp.rootCerts, ...msp.intermediateCerts].map((pem, index) =>
    parseCertificate(pem, `${mspId} CA certificate ${index + 1}`),
  );
  await revokedSerials([crlPem], cas, mspId);
  return withPublishedCrl(config, mspId, crlPem);
}

/** "ANY|ALL|MAJORITY <sub-policy>" is an implicit-meta rule; anything else a signature rule. */
function policyRuleOf(rule: string): PolicyRule {
  return /^(ANY|ALL|MAJORITY)\s+[A-Za-z][A-Za-z0-9_-]*$/.test(rule)
    ? { type: 'ImplicitMeta', rule: rule.replace(/\s+/, ' ') }
    : { type: 'Signature', rule };
}

/** The config after the edit (the channel services' pure edit functions). */
async function applyEdit(config: ChannelConfig, edit: ChannelEdit): Promise<ChannelConfig> {
  try {
    switch (edit.kind) {
      case 'batch': {
        const timed = setBatchTimeout(config, `${edit.timeoutMs}ms`);
        return edit.maxMessageCount === undefined
          ? timed
          : setBatchSize(timed, { maxMessageCount: edit.maxMessageCount });
      }
      case 'anchor-peers':
        return setAnchorPeers(config, orgGroupOf(config, edit.mspId), edit.endpoints);
      case 'add-org': {
        const definition = await definitionFrom(edit.definition);
        return definition.kind === 'orderer'
          ? addOrdererOrg(config, definition)
          : addApplicationOrg(config, definition);
      }
      case 'remove-org':
        return removeOrg(config, orgGroupOf(config, edit.mspId));
      case 'capability':
        return setCapability(config, edit.level, edit.name, edit.enabled);
      case 'revocation-list':
        return await withCheckedCrl(config, edit.mspId, edit.crl);
      case 'acl':
        return setAcl(config, edit.resource, edit.policy ?? undefined);
      case 'policy': {
        const group =
          edit.level === 'Channel'
            ? []
            : [edit.level, ...(edit.mspId === undefined ? [] : [orgGroupOf(config, edit.mspId)])];
        return setPolicy(config, group, edit.name, edit.rule === null ? undefined : policyRuleOf(edit.rule));
      }
      case 'add-consenter': {
        const { host, port } = parseHostPort(edit.endpoint);
        parseCertificate(edit.clientTlsCert, 'the consenter client TLS certificate');
        parseCertificate(edit.serverTlsCert, 'the consenter server TLS certificate');
        return addRaftConsenter(config, {
          host,
          port,
          clientTlsCert: edit.clientTlsCert,
          serverTlsCert: edit.serverTlsCert,
        });
      }
      case 'remove-consenter':
        return removeRaftConsenter(config, edit.endpoint);
    }
  } catch (error) {
    if (
      error instanceof ConfigEditError ||
      error instanceof ConfigValueError ||
      error instanceof CertificateCheckError ||
      error instanceof CrlPublicationError ||
      error instanceof PolicyError
    ) {
      throw new ConsoleError('invalid-argument', error.message);
    }
    throw error;
  }
}

function requirementView(requirement: PolicyRequirement, summary: string): SignatureRequirementView {
  return {
    policy: requirement.path,
    rule: requirement.rule,
    satisfied: requirement.satisfied,
    ...(requirement.threshold ? { threshold: { ...requirement.threshold } } : {}),
    signedBy: requirement.signedBy,
    candidates: requirement.candidates,
    needMore: Number.isFinite(requirement.needMore) ? requirement.needMore : null,
    guards: requirement.guards,
    summary,
  };
}

function fileNameFor(bundle: UpdateBundle): string {
  const signers = [...new Set(bundle.signatures.map((signature) => signature.mspId))];
  const tag = signers.length > 0 ? `signed-${signers.join('-')}` : 'unsigned';
  return `${bundle.channel}-update-${bundle.configUpdateSha256.slice(0, 8)}-${tag}.json`;
}

/** Verification, plain-language impact, signatures and what is still needed, against `info`. */
export async function reviewBundle(
  context: ChannelUpdateContext,
  bundle: UpdateBundle,
  info?: ConfigBlockInfo,
): Promise<BundleReview> {
  const current = info ?? (await context.readConfig());
  const now = context.now?.() ?? new Date();
  const verification = await verifyBundle(bundle, current.config, { channel: context.channel, now });
  const update = verification.update;
  const requirements = update
    ? signatureRequirements(update, current.config, verification.signers)
    : undefined;
  let impact: string[] = [];
  if (update && !verification.tampered) {
    try {
      impact = previewUpdateImpact(current.config, update, { nodes: await context.nodeVersions() }).summary;
    } catch (error) {
      impact = [`The change cannot be previewed against the current config: ${(error as Error).message}`];
    }
  }
  const signedAt = new Map<string, string>();
  for (const entry of bundle.signatures) {
    try {
      if (entry.signedAt) signedAt.set(certFingerprint(entry.certPem), entry.signedAt);
    } catch {
      // An unreadable certificate is reported by the verification.
    }
  }
  const signatures = verification.signatures.map((check) => ({
    mspId: check.mspId,
    subject: check.subject,
    certFingerprint: check.certFingerprint,
    ...(signedAt.has(check.certFingerprint) ? { signedAt: signedAt.get(check.certFingerprint) } : {}),
    valid: check.valid,
    isAdmin: check.isAdmin,
    ...(check.reason ? { reason: check.reason } : {}),
  }));
  const acting = context.acting;
  const isMember = channelMsps(current.config).has(acting);
  const hasSigned = signatures.some((signature) => signature.mspId === acting && signature.valid);
  const signatureNeeded =
    requirements?.requirements.some(
      (requirement) => !requirement.satisfied && requirement.candidates.includes(acting),
    ) ?? false;
  let signRefusal: string | undefined;
  if (!isMember) {
    signRefusal = `${acting} is not a member of channel ${context.channel}; only its organizations can sign`;
  } else if (hasSigned) {
    signRefusal = `${acting} has already signed this bundle`;
  } else if (!verification.valid) {
    signRefusal = `This bundle cannot be signed: ${verification.problems.join('; ')}`;
  }
  return {
    channel: bundle.channel,
    description: bundle.description,
    proposer: {
      mspId: bundle.proposer.mspId,
      ...(bundle.proposer.subject ? { subject: bundle.proposer.subject } : {}),
    },
    createdAt: bundle.createdAt,
    deadline: bundle.deadline,
    ...(bundle.baseSequence !== undefined ? { baseSequence: bundle.baseSequence } : {}),
    currentSequence: current.config.sequence,
    configUpdateSha256: bundle.configUpdateSha256,
    verification: {
      valid: verification.valid,
      problems: verification.problems,
      expired: verification.expired,
      stale: verification.stale,
      tampered: verification.tampered,
    },
    impact,
    impactDiffers:
      impact.length > 0 &&
      bundle.impact.length > 0 &&
      JSON.stringify(impact) !== JSON.stringify(bundle.impact),
    signatures,
    requirements: (requirements?.requirements ?? []).map((requirement, index) =>
      requirementView(requirement, requirements?.summary[index] ?? ''),
    ),
    satisfied: verification.valid && (requirements?.satisfied ?? false),
    missingOrgs: requirements?.missingOrgs ?? [],
    acting: {
      mspId: acting,
      isMember,
      hasSigned,
      signatureNeeded,
      canSign: signRefusal === undefined,
      ...(signRefusal ? { signRefusal } : {}),
    },
  };
}

async function bundleFile(context: ChannelUpdateContext, bundle: UpdateBundle, info?: ConfigBlockInfo) {
  const file: BundleFile = {
    bundleJson: serializeBundle(bundle),
    fileName: fileNameFor(bundle),
    review: await reviewBundle(context, bundle, info),
  };
  return file;
}

/** The acting org's admin proposes an edit: the update, its impact, and a bundle it has signed. */
export async function proposeUpdate(
  context: ChannelUpdateContext,
  request: ProposeUpdateRequest,
): Promise<BundleFile> {
  const info = await context.readConfig();
  const now = context.now?.() ?? new Date();
  const deadline = request.deadline
    ? new Date(request.deadline)
    : new Date(now.getTime() + DEFAULT_DEADLINE_MS);
  if (deadline.getTime() <= now.getTime()) {
    throw new ConsoleError('invalid-argument', `the deadline ${deadline.toISOString()} is not in the future`);
  }
  const updated = await applyEdit(info.config, request.edit);
  let update;
  try {
    update = computeConfigUpdate(info.config, updated, context.channel);
  } catch (error) {
    if (error instanceof NoConfigChangeError) {
      throw new ConsoleError(
        'invalid-argument',
        'This edit changes nothing: the channel already has that setting. Choose a different value.',
      );
    }
    throw error;
  }
  const impact = previewUpdateImpact(info.config, update, { nodes: await context.nodeVersions() });
  const bundle = await createBundle({
    channel: context.channel,
    update,
    description: request.description,
    impact: impact.summary,
    proposer: context.admin(),
    deadline,
    baseSequence: info.config.sequence,
    now,
  });
  return bundleFile(context, bundle, info);
}

/** Reviews a bundle file's text against the channel's current config. */
export async function reviewBundleText(context: ChannelUpdateContext, text: string): Promise<BundleReview> {
  return reviewBundle(context, parseBundleText(text));
}

/** The acting org's admin signs the bundle; refused when it already signed, is not a member, or the bundle is invalid. */
export async function signBundleText(context: ChannelUpdateContext, text: string): Promise<BundleFile> {
  const bundle = parseBundleText(text);
  const info = await context.readConfig();
  const review = await reviewBundle(context, bundle, info);
  if (!review.acting.canSign) {
    const code: ConsoleErrorCode = !review.acting.isMember
      ? 'forbidden'
      : review.acting.hasSigned
        ? 'conflict'
        : 'invalid-argument';
    throw refused(
      code,
      review.acting.signRefusal ?? 'This bundle cannot be signed',
      review.verification.problems,
      review.missingOrgs,
    );
  }
  try {
    const signed = await signBundle(bundle, context.admin(), context.now?.() ?? new Date());
    return await bundleFile(context, signed, info);
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    throw refused(
      'invalid-argument',
      error.message,
      error.problems.length > 0 ? error.problems : [error.message],
    );
  }
}

/** Submits the bundle through the orderer as the acting org's admin; waits for the running peers. */
export async function submitBundleText(
  context: ChannelUpdateContext,
  text: string,
): Promise<BundleSubmitResult> {
  const bundle = parseBundleText(text);
  if (bundle.channel !== context.channel) {
    throw refused(
      'invalid-argument',
      `This bundle is for channel ${bundle.channel}, not ${context.channel}`,
      [`the bundle names channel ${bundle.channel}`],
    );
  }
  const { orderer, peers } = context.submitTargets();
  try {
    const result = await submitBundle(bundle, {
      submitter: context.admin(),
      orderer,
      peers,
      now: context.now?.(),
    });
    return {
      channel: bundle.channel,
      blockNumber: result.blockNumber,
      sequence: result.sequence,
      peers: result.peers.map((peer) => ({ peerId: peer.label, blockNumber: peer.blockNumber })),
      submittedBy: context.acting,
      description: bundle.description,
    };
  } catch (error) {
    if (error instanceof SubmitRefusedError) {
      const [headline] = error.message.split(':\n');
      throw refused(
        'conflict',
        `Submission refused: ${headline ?? error.message}`,
        error.details,
        error.missingOrgs,
      );
    }
    if (error instanceof OrdererRejectedError) throw refused('conflict', error.message, [error.message]);
    throw error;
  }
}

/** Validates a partner's org definition file; never throws for a bad file. */
export async function checkOrgDefinition(
  text: string,
  readConfig?: () => Promise<ConfigBlockInfo>,
): Promise<OrgDefinitionCheck> {
  try {
    const definition = await validateOrgDefinition(text);
    let alreadyMember = false;
    if (readConfig) {
      try {
        alreadyMember = channelMsps((await readConfig()).config).has(definition.mspId);
      } catch (error) {
        // No running peer: the file is still checked; membership is reported when the network is up.
        if (!(error instanceof ConsoleError)) throw error;
      }
    }
    return {
      valid: true,
      mspId: definition.mspId,
      kind: definition.kind,
      problems: [],
      summary: describeOrgDefinition(definition).map((line) => line.trim()),
      alreadyMember,
    };
  } catch (error) {
    if (!(error instanceof OrgDefinitionError)) throw error;
    return {
      valid: false,
      ...(error.mspId ? { mspId: error.mspId } : {}),
      problems: error.problems,
      summary: [],
      alreadyMember: false,
    };
  }
}
