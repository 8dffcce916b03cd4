// Submitting a signed config update: ConfigUpdateEnvelope{config_update, signatures} inside a
// CONFIG_UPDATE Envelope signed by the submitter, sent with AtomicBroadcast.Broadcast to an
// orderer (TLS with the orderer org's TLS CA), then waiting until the peers serve the new config
// block. Refused locally, with the missing signatures, when the signatures cannot satisfy the
// modification policies; the orderer's own rejection message is surfaced if it still refuses.
import * as grpc from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import { grpcReason } from '../fabric/peer-admin-client';
import { signedEnvelope, type SigningIdentity } from '../fabric/proposal';
import { LOOPBACK_TLS_OPTIONS } from '../gateway/gateway-client';
import type { NetworkRuntime } from '../runtime/network-runtime';
import { configFromBlock, type ConfigBlockInfo } from './config-tree';
import { checkMspIdentity, CertificateCheckError } from './config-certs';
import {
  bundleConfigSignatures,
  channelMsps,
  configUpdateBytes,
  missingSignatures,
  type MissingSignatures,
  type UpdateBundle,
} from './update-bundle';
import { evaluatePolicy, type VerifiedSigner } from './update-policy';

export class SubmitRefusedError extends Error {
  override readonly name = 'SubmitRefusedError';
  constructor(
    message: string,
    readonly missingOrgs: string[] = [],
    readonly details: string[] = [],
  ) {
    super(details.length > 0 ? `${message}:\n  - ${details.join('\n  - ')}` : message);
  }
}

export class OrdererRejectedError extends Error {
  override readonly name = 'OrdererRejectedError';
  constructor(
    readonly status: number,
    readonly info: string,
    readonly ordererAddress: string,
  ) {
    super(
      `the orderer ${ordererAddress} rejected the config update (status ${status} ${statusName(status)}): ${info || 'no reason given'}`,
    );
  }
}

function statusName(status: number): string {
  const entry = Object.entries(common.Status).find(([, value]) => value === status);
  return entry?.[0] ?? 'UNKNOWN';
}

export interface OrdererTarget {
  /** host:port of the orderer's gRPC listener. */
  address: string;
  /** PEM of the orderer org's TLS CA. */
  tlsRootCertPem: string;
}

export interface ConfigSource {
  label: string;
  getConfigBlock(): Promise<Uint8Array>;
}

export interface SubmitOptions {
  submitter: SigningIdentity;
  orderer: OrdererTarget;
  /** Peers whose config block must move on; the first also supplies the current config. */
  peers: ConfigSource[];
  /** How long to wait for every peer to see the new config (default 60 s). */
  timeoutMs?: number;
  now?: Date;
  /** Skip the local signature check and let the orderer decide (diagnosis only). */
  skipLocalChecks?: boolean;
}

export interface SubmitResult {
  /** Number of the new config block. */
  blockNumber: number;
  sequence: number;
  peers: Array<{ label: string; blockNumber: number }>;
  requirements: MissingSignatures;
}

/** The CONFIG_UPDATE envelope (payload signed by the submitter), as `peer channel update` sends it. */
export async function buildConfigUpdateEnvelope(
  bundle: UpdateBundle,
  submitter: SigningIdentity,
): Promise<common.Envelope> {
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(configUpdateBytes(bundle));
  updateEnvelope.setSignaturesList(bundleConfigSignatures(bundle));

  return signedEnvelope({
    type: common.HeaderType.CONFIG_UPDATE,
    channel: bundle.channel,
    data: updateEnvelope.serializeBinary(),
    identity: submitter,
  });
}

/** AtomicBroadcast.Broadcast of one envelope; resolves on SUCCESS, throws OrdererRejectedError otherwise. */
export async function broadcastEnvelope(
  target: OrdererTarget,
  envelope: common.Envelope,
  deadlineMs = 30_000,
): Promise<void> {
  const client = new orderer.AtomicBroadcastClient(
    target.address,
    grpc.credentials.createSsl(Buffer.from(target.tlsRootCertPem)),
    LOOPBACK_TLS_OPTIONS,
  );
  try {
    const response = await new Promise<orderer.BroadcastResponse>((resolve, reject) => {
      const call = client.broadcast({ deadline: Date.now() + deadlineMs });
      let settled = false;
      call.on('data', (message: orderer.BroadcastResponse) => {
        settled = true;
        resolve(message);
        call.end();
      });
      call.on('error', (error: grpc.ServiceError) => {
        if (!settled) reject(new Error(`broadcast to ${target.address} failed: ${grpcReason(error)}`));
      });
      call.on('end', () => {
        if (!settled)
          reject(new Error(`the orderer ${target.address} closed the broadcast stream without an answer`));
      });
      call.write(envelope);
    });
    if (response.getStatus() !== common.Status.SUCCESS) {
      throw new OrdererRejectedError(response.getStatus(), response.getInfo(), target.address);
    }
  } finally {
    client.close();
  }
}

async function currentConfig(source: ConfigSource): Promise<ConfigBlockInfo> {
  return configFromBlock(await source.getConfigBlock());
}

async function submitterSigner(submitter: SigningIdentity, info: ConfigBlockInfo): Promise<VerifiedSigner> {
  const definition = channelMsps(info.config).get(submitter.mspId);
  if (!definition)
    throw new SubmitRefusedError(
      `the submitter's organization ${submitter.mspId} is not a member of channel ${info.channelId}`,
    );
  try {
    const identity = await checkMspIdentity(submitter.certPem, definition, 'submitter certificate');
    return {
      mspId: submitter.mspId,
      certPem: submitter.certPem,
      roles: identity.roles,
      isAdmin: identity.isAdmin,
    };
  } catch (error) {
    if (!(error instanceof CertificateCheckError)) throw error;
    throw new SubmitRefusedError(`the submitter cannot be used: ${error.message}`);
  }
}

/**
 * Checks the bundle against the current config, broadcasts it and waits until every peer's
 * config block number has increased. Throws SubmitRefusedError (bundle invalid, signatures
 * missing: `missingOrgs`), OrdererRejectedError (the orderer's status and message), or a
 * timeout error naming the peers that did not catch up.
 */
export async function submitBundle(bundle: UpdateBundle, options: SubmitOptions): Promise<SubmitResult> {
  const [first] = options.peers;
  if (!first) throw new Error('submitBundle needs at least one peer to read the channel config from');
  const before = await currentConfig(first);
  if (before.channelId !== bundle.channel) {
    throw new SubmitRefusedError(
      `the bundle is for channel ${bundle.channel}, the peers serve ${before.channelId}`,
    );
  }
  const requirements = await missingSignatures(bundle, before.config, {
    now: options.now,
    channel: before.channelId,
  });
  if (!options.skipLocalChecks) {
    const verification = requirements.verification;
    if (!verification.valid) {
      throw new SubmitRefusedError('the config update bundle is refused', [], verification.problems);
    }
    if (!requirements.satisfied) {
      throw new SubmitRefusedError(
        `not enough signatures: still needed from ${requirements.missingOrgs.join(', ') || '(no channel organization can satisfy it)'}`,
        requirements.missingOrgs,
        [
          ...requirements.problems,
          ...requirements.summary.filter((_, i) => !requirements.requirements[i]?.satisfied),
        ],
      );
    }
    const writer = evaluatePolicy(before.config, '/Channel/Writers', [
      await submitterSigner(options.submitter, before),
    ]);
    if (!writer.satisfied) {
      throw new SubmitRefusedError(
        `${options.submitter.mspId}'s identity does not satisfy /Channel/Writers, so the orderer would not accept its envelope`,
      );
    }
  }
  const beforeNumbers = await Promise.all(
    options.peers.map(async (peer) => ({
      label: peer.label,
      blockNumber: (await currentConfig(peer)).blockNumber,
    })),
  );
  const envelope = await buildConfigUpdateEnvelope(bundle, options.submitter);
  await broadcastEnvelope(options.orderer, envelope);

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const after = new Map<string, ConfigBlockInfo>();
  for (;;) {
    for (const [index, peer] of options.peers.entries()) {
      if (after.has(peer.label)) continue;
      const info = await currentConfig(peer);
      if (info.blockNumber > (beforeNumbers[index]?.blockNumber ?? 0)) after.set(peer.label, info);
    }
    if (after.size === options.peers.length) break;
    if (Date.now() > deadline) {
      const lagging = options.peers.filter((peer) => !after.has(peer.label)).map((peer) => peer.label);
      throw new Error(
        `the orderer accepted the update, but ${lagging.join(', ')} did not serve a new config block within ${options.timeoutMs ?? 60_000} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const firstAfter = after.get(first.label);
  return {
    blockNumber: firstAfter?.blockNumber ?? 0,
    sequence: firstAfter?.config.sequence ?? 0,
    peers: options.peers.map((peer) => ({
      label: peer.label,
      blockNumber: after.get(peer.label)?.blockNumber ?? 0,
    })),
    requirements,
  };
}

// ---- runtime glue ----------------------------------------------------------------------------

/** Config sources for every peer of the runtime (cscc GetConfigBlock as each peer's org admin). */
export function runtimeConfigSources(runtime: NetworkRuntime): ConfigSource[] {
  return runtime.topology.peers.map((node) => ({
    label: node.id,
    getConfigBlock: async () => {
      const client = runtime.peerAdminClient(node);
      try {
        return await client.getConfigBlock(runtime.channel);
      } finally {
        client.close();
      }
    },
  }));
}

/** The first orderer of the runtime, with the orderer org's TLS CA. */
export function runtimeOrdererTarget(runtime: NetworkRuntime): OrdererTarget {
  const node = runtime.topology.orderers[0];
  if (!node) throw new Error('the network has no orderer');
  return { address: node.address, tlsRootCertPem: runtime.orgMaterial(node.org.mspId).tlsCaCertPem };
}

/** The channel's current config as one peer serves it. */
export async function fetchChannelConfig(runtime: NetworkRuntime): Promise<ConfigBlockInfo> {
  const [source] = runtimeConfigSources(runtime);
  if (!source) throw new Error('the network has no peer');
  return configFromBlock(await source.getConfigBlock());
}

/** submitBundle on the runtime's network, submitted by `submitterMspId`'s admin. */
export async function submitBundleWithRuntime(
  runtime: NetworkRuntime,
  bundle: UpdateBundle,
  submitterMspId: string,
  options: Partial<Omit<SubmitOptions, 'submitter' | 'orderer' | 'peers'>> = {},
): Promise<SubmitResult> {
  return submitBundle(bundle, {
    ...options,
    submitter: runtime.adminIdentity(submitterMspId),
    orderer: runtimeOrdererTarget(runtime),
    peers: runtimeConfigSources(runtime),
  });
}
