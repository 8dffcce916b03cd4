// Offline signature collection for a config update: a JSON bundle file carrying the ConfigUpdate
// bytes, a description, the proposer, a deadline and the admins' ConfigSignatures so far. Each
// admin imports the file in their own console, reviews it (verifyBundle, missingSignatures,
// the impact preview) and signs it (signBundle); whoever completes it submits it.
import { createPublicKey, randomBytes, verify as verifySignature } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { common, msp } from '@hyperledger/fabric-protos';
import { z } from 'zod';
import { sha256, withSigner, type SigningIdentity } from '../fabric/proposal';
import { P256_HALF_ORDER, parseDerEcdsaSignature } from '../pki';
import { PUBLIC_FILE_MODE, writeFileAtomically } from '../pki/atomic-fs';
import {
  certFingerprint,
  CertificateCheckError,
  checkMspIdentity,
  parseCertificate,
  subjectOf,
} from './config-certs';
import type { ChannelConfig } from './config-tree';
import { channelOrgMsps, type FabricMspDefinition } from './config-values';
import { decodeConfigUpdate, encodeConfigUpdate, type ConfigUpdateModel } from './update-compute';
import { signatureRequirements, type SignatureRequirements, type VerifiedSigner } from './update-policy';

export const BUNDLE_FORMAT = 'medfabric.config-update-bundle';
export const BUNDLE_FORMAT_VERSION = 1;
const DEFAULT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export class BundleError extends Error {
  override readonly name = 'BundleError';
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length > 0 ? `${message}: ${problems.join('; ')}` : message);
  }
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

const signatureSchema = z
  .object({
    mspId: z.string().min(1),
    certPem: z.string().min(1),
    /** common.SignatureHeader{creator: SerializedIdentity, nonce}, base64. */
    signatureHeader: base64.min(1),
    /** DER ECDSA signature over signatureHeader ‖ configUpdate, base64. */
    signature: base64.min(1),
    signedAt: z.string().optional(),
  })
  .strict();

const bundleSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    channel: z.string().min(1),
    /** common.ConfigUpdate bytes, base64. */
    configUpdate: base64.min(1),
    /** SHA-256 of the ConfigUpdate bytes (hex), recorded at creation; the signatures are what protect it. */
    configUpdateSha256: z.string().regex(/^[0-9a-f]{64}$/),
    description: z.string(),
    /** Plain-language impact lines computed by the proposer (informative; reviewers recompute them). */
    impact: z.array(z.string()).default([]),
    proposer: z
      .object({ mspId: z.string().min(1), certFingerprint: z.string(), subject: z.string().optional() })
      .strict(),
    createdAt: z.iso.datetime(),
    deadline: z.iso.datetime(),
    /** The channel config sequence the update was computed against (informative). */
    baseSequence: z.number().int().nonnegative().optional(),
    signatures: z.array(signatureSchema),
  })
  .strict();

export type BundleSignature = z.output<typeof signatureSchema>;
export type UpdateBundle = z.output<typeof bundleSchema>;

export interface CreateBundleOptions {
  channel: string;
  update: ConfigUpdateModel | Uint8Array;
  description: string;
  impact?: string[];
  proposer: SigningIdentity;
  /** Absolute deadline, or default: 7 days from now. */
  deadline?: Date;
  baseSequence?: number;
  /** The proposer signs the bundle right away (default true). */
  sign?: boolean;
  now?: Date;
}

export function configUpdateBytes(bundle: UpdateBundle): Uint8Array {
  return Buffer.from(bundle.configUpdate, 'base64');
}

/** A ConfigSignature as Fabric expects: SignatureHeader{creator, nonce}; ECDSA-SHA256 (low-S) over header ‖ update. */
export async function createConfigSignature(
  configUpdate: Uint8Array,
  identity: SigningIdentity,
): Promise<common.ConfigSignature> {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(identity.mspId);
  creator.setIdBytes(Buffer.from(identity.certPem));
  const header = new common.SignatureHeader();
  header.setCreator(creator.serializeBinary());
  header.setNonce(randomBytes(24));
  const headerBytes = header.serializeBinary();
  const { signer } = withSigner(identity);
  const signature = new common.ConfigSignature();
  signature.setSignatureHeader(headerBytes);
  signature.setSignature(await signer(sha256(Buffer.concat([headerBytes, configUpdate]))));
  return signature;
}

export async function createBundle(options: CreateBundleOptions): Promise<UpdateBundle> {
  const bytes = options.update instanceof Uint8Array ? options.update : encodeConfigUpdate(options.update);
  const update = decodeConfigUpdate(bytes);
  if (update.channelId !== options.channel) {
    throw new BundleError(`the update is for channel "${update.channelId}", not "${options.channel}"`);
  }
  const now = options.now ?? new Date();
  const deadline = options.deadline ?? new Date(now.getTime() + DEFAULT_TTL_MS);
  if (deadline.getTime() <= now.getTime()) throw new BundleError('the deadline must be in the future');
  const bundle: UpdateBundle = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    channel: options.channel,
    configUpdate: Buffer.from(bytes).toString('base64'),
    configUpdateSha256: Buffer.from(sha256(bytes)).toString('hex'),
    description: options.description,
    impact: options.impact ?? [],
    proposer: {
      mspId: options.proposer.mspId,
      certFingerprint: certFingerprint(options.proposer.certPem),
      subject: subjectOf(parseCertificate(options.proposer.certPem, 'proposer certificate')),
    },
    createdAt: now.toISOString(),
    deadline: deadline.toISOString(),
    ...(options.baseSequence !== undefined ? { baseSequence: options.baseSequence } : {}),
    signatures: [],
  };
  return options.sign === false ? bundle : signBundle(bundle, options.proposer, now);
}

export function serializeBundle(bundle: UpdateBundle): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

/** Parses and schema-checks a bundle (text or parsed JSON). Signatures are checked by verifyBundle. */
export function parseBundle(input: unknown): UpdateBundle {
  let data = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input) as unknown;
    } catch (error) {
      throw new BundleError(`the update bundle is not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = bundleSchema.safeParse(data);
  if (!parsed.success) {
    throw new BundleError(
      'not a valid config update bundle',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

export async function writeBundleFile(file: string, bundle: UpdateBundle): Promise<void> {
  await writeFileAtomically(file, serializeBundle(bundle), PUBLIC_FILE_MODE);
}

export async function readBundleFile(file: string): Promise<UpdateBundle> {
  return parseBundle(await readFile(file, 'utf8'));
}

function assertNotExpired(bundle: UpdateBundle, now: Date): void {
  if (new Date(bundle.deadline).getTime() < now.getTime()) {
    throw new BundleError(
      `the bundle expired on ${bundle.deadline} (deadline passed); ask ${bundle.proposer.mspId} to propose the update again`,
    );
  }
}

/**
 * Adds the identity's ConfigSignature (replacing an earlier one by the same certificate).
 * Refuses an expired bundle or one whose update bytes no longer match the recorded digest.
 */
export async function signBundle(
  bundle: UpdateBundle,
  identity: SigningIdentity,
  now = new Date(),
): Promise<UpdateBundle> {
  const checked = parseBundle(bundle);
  assertNotExpired(checked, now);
  const bytes = configUpdateBytes(checked);
  if (Buffer.from(sha256(bytes)).toString('hex') !== checked.configUpdateSha256) {
    throw new BundleError(
      'refusing to sign: the ConfigUpdate bytes do not match the digest recorded in the bundle (the file was altered)',
    );
  }
  if (decodeConfigUpdate(bytes).channelId !== checked.channel) {
    throw new BundleError('refusing to sign: the ConfigUpdate names a different channel than the bundle');
  }
  const signature = await createConfigSignature(bytes, identity);
  const fingerprint = certFingerprint(identity.certPem);
  return {
    ...checked,
    signatures: [
      ...checked.signatures.filter((existing) => !sameCert(existing.certPem, fingerprint)),
      {
        mspId: identity.mspId,
        certPem: identity.certPem,
        signatureHeader: signature.getSignatureHeader_asB64(),
        signature: signature.getSignature_asB64(),
        signedAt: now.toISOString(),
      },
    ],
  };
}

function sameCert(certPem: string, fingerprint: string): boolean {
  try {
    return certFingerprint(certPem) === fingerprint;
  } catch (error) {
    if (error instanceof CertificateCheckError) return false;
    throw error;
  }
}

/** The bundle's signatures as protobufs, for the ConfigUpdateEnvelope. */
export function bundleConfigSignatures(bundle: UpdateBundle): common.ConfigSignature[] {
  return bundle.signatures.map((entry) => {
    const signature = new common.ConfigSignature();
    signature.setSignatureHeader(Buffer.from(entry.signatureHeader, 'base64'));
    signature.setSignature(Buffer.from(entry.signature, 'base64'));
    return signature;
  });
}

// ---- verification ----------------------------------------------------------------------------

export interface SignatureCheck {
  mspId: string;
  subject: string;
  certFingerprint: string;
  valid: boolean;
  isAdmin: boolean;
  /** Why the signature does not count. */
  reason?: string;
}

export interface BundleVerification {
  valid: boolean;
  /** Everything wrong with the bundle, in words. */
  problems: string[];
  expired: boolean;
  /** The update no longer applies to the current config (read set versions moved on). */
  stale: boolean;
  tampered: boolean;
  signatures: SignatureCheck[];
  /** Signers whose signatures verify against the channel's MSPs (admins and non-admins). */
  signers: VerifiedSigner[];
  update?: ConfigUpdateModel;
}

/** The org MSPs of the channel (application and orderer orgs), by MSP ID. */
export function channelMsps(config: ChannelConfig): Map<string, FabricMspDefinition> {
  return new Map(channelOrgMsps(config).map((org) => [org.msp.name, org.msp]));
}

function isLowS(signature: Uint8Array): boolean {
  try {
    return parseDerEcdsaSignature(signature).s <= P256_HALF_ORDER;
  } catch (error) {
    if (error instanceof Error) return false;
    throw error;
  }
}

async function checkSignature(
  entry: BundleSignature,
  index: number,
  bytes: Uint8Array,
  config: ChannelConfig,
  channel: string,
  now: Date,
): Promise<{ check: SignatureCheck; signer?: VerifiedSigner; tampered: boolean }> {
  const label = `signature ${index + 1} (${entry.mspId})`;
  let subject = '?';
  let fingerprint = '';
  try {
    const cert = parseCertificate(entry.certPem, `${label} certificate`);
    subject = subjectOf(cert);
    fingerprint = certFingerprint(entry.certPem);
  } catch (error) {
    if (!(error instanceof CertificateCheckError)) throw error;
  }
  const fail = (reason: string, tampered = false) => ({
    check: {
      mspId: entry.mspId,
      subject,
      certFingerprint: fingerprint,
      valid: false,
      isAdmin: false,
      reason,
    },
    tampered,
  });
  if (!fingerprint) return fail(`${label}: the certificate is not readable`);

  let creator: msp.SerializedIdentity;
  try {
    const header = common.SignatureHeader.deserializeBinary(Buffer.from(entry.signatureHeader, 'base64'));
    creator = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
  } catch (error) {
    return fail(
      `${label}: the signature header is not a SignatureHeader (${(error as Error).message})`,
      true,
    );
  }
  if (
    creator.getMspid() !== entry.mspId ||
    Buffer.from(creator.getIdBytes_asU8()).toString() !== entry.certPem
  ) {
    return fail(
      `${label}: the signature header names another identity than the bundle entry (the file was altered)`,
      true,
    );
  }
  const definition = channelMsps(config).get(entry.mspId);
  if (!definition) {
    return fail(
      `${label} by ${subject}: ${entry.mspId} is not a member of channel ${channel}; only its organizations can sign`,
    );
  }
  let identity;
  try {
    identity = await checkMspIdentity(entry.certPem, definition, `${label} certificate`, now);
  } catch (error) {
    if (!(error instanceof CertificateCheckError)) throw error;
    return fail(`${label}: ${error.message}`);
  }
  const signature = Buffer.from(entry.signature, 'base64');
  const data = Buffer.concat([Buffer.from(entry.signatureHeader, 'base64'), bytes]);
  const publicKey = createPublicKey(identity.cert.publicKey.export({ type: 'spki', format: 'pem' }));
  let verified: boolean;
  try {
    verified = verifySignature('sha256', data, publicKey, signature);
  } catch (error) {
    return fail(`${label}: the signature is not a DER ECDSA signature (${(error as Error).message})`, true);
  }
  if (!verified) {
    return fail(
      `${label} by ${subject} does not match the ConfigUpdate bytes: the update was changed after it was signed, or the signature is corrupt`,
      true,
    );
  }
  if (!isLowS(signature)) return fail(`${label}: the signature is not low-S; Fabric rejects it`);
  const signer: VerifiedSigner = {
    mspId: entry.mspId,
    certPem: entry.certPem,
    roles: identity.roles,
    isAdmin: identity.isAdmin,
  };
  if (!identity.isAdmin) {
    return {
      check: {
        mspId: entry.mspId,
        subject,
        certFingerprint: fingerprint,
        valid: false,
        isAdmin: false,
        reason: `${label} by ${subject} is valid but not from an admin of ${entry.mspId} (node OU ${identity.roles.join(', ') || 'none'}); config updates need admin signatures`,
      },
      signer,
      tampered: false,
    };
  }
  return {
    check: { mspId: entry.mspId, subject, certFingerprint: fingerprint, valid: true, isAdmin: true },
    signer,
    tampered: false,
  };
}

export interface VerifyOptions {
  now?: Date;
  /** The channel the config belongs to; defaults to the bundle's. */
  channel?: string;
}

/**
 * Checks a bundle against the channel's current config: format, digest, channel, deadline,
 * read-set versions, and every signature (chains to its org's root CA in the config, admin by
 * NodeOU or admin list, ECDSA over header ‖ update, low-S). Never throws for a bad bundle: the
 * result lists the problems.
 */
export async function verifyBundle(
  input: UpdateBundle,
  currentConfig: ChannelConfig,
  options: VerifyOptions = {},
): Promise<BundleVerification> {
  const now = options.now ?? new Date();
  const result: BundleVerification = {
    valid: false,
    problems: [],
    expired: false,
    stale: false,
    tampered: false,
    signatures: [],
    signers: [],
  };
  let bundle: UpdateBundle;
  try {
    bundle = parseBundle(input);
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    result.problems.push(error.message);
    return result;
  }
  const channel = options.channel ?? bundle.channel;
  const bytes = configUpdateBytes(bundle);
  if (Buffer.from(sha256(bytes)).toString('hex') !== bundle.configUpdateSha256) {
    result.tampered = true;
    result.problems.push(
      'the ConfigUpdate bytes do not match the digest recorded when the bundle was created (the file was altered)',
    );
  }
  let update: ConfigUpdateModel;
  try {
    update = decodeConfigUpdate(bytes);
  } catch (error) {
    result.tampered = true;
    result.problems.push(`the ConfigUpdate bytes do not decode: ${(error as Error).message}`);
    return result;
  }
  result.update = update;
  if (update.channelId !== bundle.channel || bundle.channel !== channel) {
    result.problems.push(
      `the update is for channel "${update.channelId}", the bundle says "${bundle.channel}", this channel is "${channel}"`,
    );
  }
  if (new Date(bundle.deadline).getTime() < now.getTime()) {
    result.expired = true;
    result.problems.push(
      `the bundle expired on ${bundle.deadline} (deadline passed); the update must be proposed again`,
    );
  }
  const requirements = signatureRequirements(update, currentConfig, []);
  if (requirements.problems.length > 0) {
    result.stale = requirements.stale;
    result.problems.push(...requirements.problems);
  }
  const seen = new Set<string>();
  for (const [index, entry] of bundle.signatures.entries()) {
    const outcome = await checkSignature(entry, index, bytes, currentConfig, channel, now);
    if (outcome.check.certFingerprint && seen.has(outcome.check.certFingerprint)) {
      result.problems.push(`signature ${index + 1}: ${outcome.check.subject} signed twice`);
      continue;
    }
    seen.add(outcome.check.certFingerprint);
    result.signatures.push(outcome.check);
    if (outcome.tampered) result.tampered = true;
    if (outcome.signer) result.signers.push(outcome.signer);
    if (outcome.check.reason) result.problems.push(outcome.check.reason);
  }
  result.valid = result.problems.length === 0;
  return result;
}

export interface MissingSignatures extends SignatureRequirements {
  verification: BundleVerification;
}

/**
 * Evaluates the modification policies the update touches with the bundle's valid admin
 * signatures and tells which orgs still need to sign.
 */
export async function missingSignatures(
  bundle: UpdateBundle,
  currentConfig: ChannelConfig,
  options: VerifyOptions = {},
): Promise<MissingSignatures> {
  const verification = await verifyBundle(bundle, currentConfig, options);
  if (!verification.update) {
    throw new BundleError('the config update bundle cannot be evaluated', verification.problems);
  }
  // Every cryptographically valid signer counts, as in Fabric; the policies themselves decide
  // whether a non-admin signature helps (it does not for the usual Admins policies).
  const requirements = signatureRequirements(verification.update, currentConfig, verification.signers);
  return { ...requirements, verification };
}
