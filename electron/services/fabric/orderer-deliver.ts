// Reads one block from an orderer with AtomicBroadcast.Deliver (what `peer channel fetch` does):
// a newcomer's console fetches the channel's genesis block this way before joining its peer.
import * as grpc from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import { LOOPBACK_TLS_OPTIONS } from '../gateway/gateway-client';
import { grpcReason } from './peer-admin-client';
import { signedEnvelope, type SigningIdentity } from './proposal';

export interface DeliverTarget {
  /** host:port of the orderer's gRPC listener. */
  address: string;
  tlsRootCertPem: string;
}

export class DeliverError extends Error {
  /** The orderer's refusal (e.g. FORBIDDEN: the identity is no channel reader), when it answered one. */
  constructor(
    message: string,
    readonly status?: string,
  ) {
    super(message);
    this.name = 'DeliverError';
  }
}

/** A block number, or the channel's newest block. */
type BlockPosition = number | 'newest';

async function seekEnvelope(
  channel: string,
  blockNumber: BlockPosition,
  identity: SigningIdentity,
): Promise<common.Envelope> {
  const position = new orderer.SeekPosition();
  if (blockNumber === 'newest') {
    position.setNewest(new orderer.SeekNewest());
  } else {
    const specified = new orderer.SeekSpecified();
    specified.setNumber(blockNumber);
    position.setSpecified(specified);
  }
  const seek = new orderer.SeekInfo();
  seek.setStart(position);
  seek.setStop(position);
  seek.setBehavior(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);

  return signedEnvelope({
    type: common.HeaderType.DELIVER_SEEK_INFO,
    channel,
    data: seek.serializeBinary(),
    identity,
  });
}

/** The serialized block `blockNumber` of `channel`, read as `identity` (a channel reader). */
export async function fetchBlock(
  target: DeliverTarget,
  channel: string,
  blockNumber: number,
  identity: SigningIdentity,
  deadlineMs = 30_000,
): Promise<Uint8Array> {
  return (await deliverOne(target, channel, blockNumber, identity, deadlineMs)).serializeBinary();
}

/** The orderer's height of `channel` (its newest block number + 1), read as `identity`. */
export async function fetchChannelHeight(
  target: DeliverTarget,
  channel: string,
  identity: SigningIdentity,
  deadlineMs = 15_000,
): Promise<number> {
  const block = await deliverOne(target, channel, 'newest', identity, deadlineMs);
  return Number(block.getHeader()?.getNumber() ?? 0) + 1;
}

async function deliverOne(
  target: DeliverTarget,
  channel: string,
  blockNumber: BlockPosition,
  identity: SigningIdentity,
  deadlineMs: number,
): Promise<common.Block> {
  const client = new orderer.AtomicBroadcastClient(
    target.address,
    grpc.credentials.createSsl(Buffer.from(target.tlsRootCertPem)),
    LOOPBACK_TLS_OPTIONS,
  );
  const envelope = await seekEnvelope(channel, blockNumber, identity);
  try {
    return await new Promise<common.Block>((resolve, reject) => {
      const stream = client.deliver({ deadline: Date.now() + deadlineMs });
      let block: common.Block | undefined;
      stream.on('data', (response: orderer.DeliverResponse) => {
        if (response.hasBlock()) {
          block = response.getBlock();
          return;
        }
        const status = response.getStatus();
        if (status === common.Status.SUCCESS && block) resolve(block);
        else {
          const name =
            Object.entries(common.Status).find(([, value]) => value === status)?.[0] ?? String(status);
          reject(
            new DeliverError(
              `orderer ${target.address} refused block ${blockNumber} of ${channel}: ${name}`,
              name,
            ),
          );
        }
        stream.cancel();
      });
      stream.on('error', (error: grpc.ServiceError) => {
        if (error.code !== grpc.status.CANCELLED) {
          reject(
            new DeliverError(
              `fetching block ${blockNumber} of ${channel} from ${target.address}: ${grpcReason(error)}`,
            ),
          );
        }
      });
      stream.write(envelope);
      stream.end();
    });
  } finally {
    client.close();
  }
}
