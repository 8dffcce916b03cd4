// Fabric Gateway connections: one gRPC connection per peer, per-call deadlines, and errors turned
// into messages that name the peer, the org and what went wrong.
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  EndorseError,
  CommitError,
  CommitStatusError,
  GatewayError,
  hash,
  type Gateway,
} from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { withSigner, type SigningIdentity } from '../fabric/proposal';

export interface PeerEndpoint {
  /** host:port */
  address: string;
  tlsRootCertPem: string;
  /** For messages: e.g. peer0.hospital.medfabric.local (HospitalMSP). */
  label: string;
}

export interface CallDeadlines {
  evaluateMs: number;
  endorseMs: number;
  submitMs: number;
  commitStatusMs: number;
}

export const DEFAULT_DEADLINES: CallDeadlines = {
  evaluateMs: 30_000,
  endorseMs: 60_000,
  submitMs: 30_000,
  commitStatusMs: 120_000,
};

export class FabricCallError extends Error {
  constructor(
    message: string,
    readonly grpcCode?: number,
    readonly transactionId?: string,
    /** The peer's validation code when the transaction was ordered but not committed. */
    readonly validationCode?: number,
  ) {
    super(message);
    this.name = 'FabricCallError';
  }
}

export interface GatewayConnection {
  gateway: Gateway;
  endpoint: PeerEndpoint;
  close(): void;
}

/**
 * Nodes listen on 127.0.0.1 and their TLS certificates name localhost too: verifying against
 * "localhost" avoids sending an IP address as TLS server name (RFC 6066 forbids it).
 */
export const LOOPBACK_TLS_OPTIONS = {
  'grpc.ssl_target_name_override': 'localhost',
  'grpc.default_authority': 'localhost',
} as const;

export function newGrpcClient(endpoint: PeerEndpoint): grpc.Client {
  return new grpc.Client(endpoint.address, grpc.credentials.createSsl(Buffer.from(endpoint.tlsRootCertPem)), {
    ...LOOPBACK_TLS_OPTIONS,
    'grpc.max_receive_message_length': 100 * 1024 * 1024,
    'grpc.keepalive_time_ms': 120_000,
  });
}

/** Opens a Gateway session for `identity` through `endpoint`. Close it when done. */
export function connectGateway(
  endpoint: PeerEndpoint,
  identity: SigningIdentity,
  deadlines: CallDeadlines = DEFAULT_DEADLINES,
): GatewayConnection {
  const client = newGrpcClient(endpoint);
  const { signer } = withSigner(identity);
  const gateway = connect({
    client,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certPem) },
    signer,
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + deadlines.evaluateMs }),
    endorseOptions: () => ({ deadline: Date.now() + deadlines.endorseMs }),
    submitOptions: () => ({ deadline: Date.now() + deadlines.submitMs }),
    commitStatusOptions: () => ({ deadline: Date.now() + deadlines.commitStatusMs }),
  });
  return {
    gateway,
    endpoint,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/** Turns a Gateway error into one readable message with the peer's details. */
export function describeFabricError(error: unknown, endpoint: PeerEndpoint, action: string): FabricCallError {
  if (error instanceof EndorseError || error instanceof CommitStatusError) {
    const details = error.details.map((d) => `    ${d.address} (${d.mspId}): ${d.message}`).join('\n');
    const code = grpc.status[error.code] ?? String(error.code);
    return new FabricCallError(
      `${action} via ${endpoint.label} failed (${code}): ${error.message}${details ? `\n${details}` : ''}`,
      error.code,
      error.transactionId,
    );
  }
  if (error instanceof CommitError) {
    const name =
      Object.entries(peer.TxValidationCode).find(([, value]) => value === error.code)?.[0] ?? 'unknown';
    return new FabricCallError(
      `${action}: transaction ${error.transactionId} was not committed (validation code ${error.code} ${name})`,
      undefined,
      error.transactionId,
      error.code,
    );
  }
  if (error instanceof GatewayError) {
    const code = grpc.status[error.code] ?? String(error.code);
    const unreachable = error.code === grpc.status.UNAVAILABLE ? ` (is ${endpoint.address} running?)` : '';
    const details = error.details.map((d) => `    ${d.address} (${d.mspId}): ${d.message}`).join('\n');
    return new FabricCallError(
      `${action} via ${endpoint.label} failed (${code})${unreachable}: ${error.message}${details ? `\n${details}` : ''}`,
      error.code,
    );
  }
  return new FabricCallError(`${action} via ${endpoint.label} failed: ${(error as Error).message}`);
}

/**
 * Transient start-up conditions: gossip needs a few seconds after a peer joins before other orgs'
 * gateways can plan endorsements, and Raft needs a leader after an orderer (re)starts.
 */
export function isDiscoveryWarmingUp(error: unknown): boolean {
  return (
    error instanceof Error &&
    /failed to find any endorsing peers|no endorsement plan|no peers available|no combination of peers can be derived|no Raft leader/i.test(
      error.message,
    )
  );
}

/**
 * Runs `action`, repeating it while the network is still learning its peers (a readiness probe,
 * polled every `intervalMs`), and gives up with the last error after `timeoutMs`.
 */
export async function retryWhileDiscovering<T>(
  action: () => Promise<T>,
  timeoutMs = 90_000,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (!isDiscoveryWarmingUp(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/**
 * Endorsers returned different results because they read different states: one of them had not yet
 * committed the block the other had (Fabric: "ProposalResponsePayloads do not match"). Transient:
 * peers commit the same block within milliseconds of each other.
 */
export function isEndorsementMismatch(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const texts = [
    error.message,
    ...(error instanceof GatewayError ? error.details.map((d) => d.message) : []),
  ];
  return texts.some((text) => text.includes('ProposalResponsePayloads do not match'));
}

/**
 * Resubmits a transaction that lost a race with another one: an MVCC read conflict (it read keys
 * that changed before it committed), or endorsers at different heights (isEndorsementMismatch).
 * Only for transactions that are safe to repeat, e.g. keyed by an id the caller chose, since the
 * losing attempt wrote nothing.
 */
export async function retryOnReadConflict<T>(
  action: () => Promise<T>,
  attempts = 3,
  backoffMs = 100,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      const readConflict =
        error instanceof FabricCallError && error.validationCode === peer.TxValidationCode.MVCC_READ_CONFLICT;
      const mismatch = isEndorsementMismatch(error);
      if (!(readConflict || mismatch) || attempt >= attempts) throw error;
      // A lagging endorser needs to commit the block the other one read: back off, then endorse again.
      if (mismatch) await new Promise((resolve) => setTimeout(resolve, backoffMs * attempt));
    }
  }
}
