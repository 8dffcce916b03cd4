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
  constructor(message: string) {
    super(message);
    this.name = 'DeliverError';
  }
}

async function seekEnvelope(
  channel: string,
  blockNumber: number,
  identity: SigningIdentity,
): Promise<common.Envelope> {
  const position = new orderer.SeekPosition();
  const specified = new orderer.SeekSpecified();
  specified.setNumber(blockNumber);
  position.setSpecified(specified);
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
  const client = new orderer.AtomicBroadcastClient(
    target.address,
    grpc.credentials.createSsl(Buffer.from(target.tlsRootCertPem)),
    LOOPBACK_TLS_OPTIONS,
  );
  const envelope = await seekEnvelope(channel, blockNumber, identity);
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      const stream = client.deliver({ deadline: Date.now() + deadlineMs });
      let block: Uint8Array | undefined;
      stream.on('data', (response: orderer.DeliverResponse) => {
        if (response.hasBlock()) {
          block = response.getBlock()?.serializeBinary();
          return;
        }
        const status = response.getStatus();
        if (status === common.Status.SUCCESS && block) resolve(block);
        else {
          const name =
            Object.entries(common.Status).find(([, value]) => value === status)?.[0] ?? String(status);
          reject(
            new DeliverError(`orderer ${target.address} refused block ${blockNumber} of ${channel}: ${name}`),
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
