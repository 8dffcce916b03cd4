// Direct Endorser calls to one peer, for the admin operations the Gateway does not offer:
// join a channel (cscc), list channels, chain info (qscc), install and query chaincode packages.
import * as grpc from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import { LOOPBACK_TLS_OPTIONS } from '../gateway/gateway-client';
import { buildSignedProposal, type IdentityWithSigner } from './proposal';

export class PeerCallError extends Error {
  constructor(
    readonly peerAddress: string,
    readonly operation: string,
    message: string,
  ) {
    super(`${operation} on peer ${peerAddress} failed: ${message}`);
    this.name = 'PeerCallError';
  }
}

export interface ChainInfo {
  height: number;
  currentBlockHash: string;
  previousBlockHash: string;
}

export interface InstalledChaincode {
  packageId: string;
  label: string;
}

const DEFAULT_DEADLINE_MS = 60_000;

export class PeerAdminClient {
  private readonly client: peer.EndorserClient;

  constructor(
    readonly address: string,
    tlsRootCertPem: string,
    private readonly identity: IdentityWithSigner,
  ) {
    this.client = new peer.EndorserClient(address, grpc.credentials.createSsl(Buffer.from(tlsRootCertPem)), {
      ...LOOPBACK_TLS_OPTIONS,
      'grpc.max_receive_message_length': 100 * 1024 * 1024,
      'grpc.max_send_message_length': 100 * 1024 * 1024,
    });
  }

  close(): void {
    this.client.close();
  }

  /** Sends a proposal and returns the chaincode response payload; throws on any non-200 answer. */
  async invoke(
    operation: string,
    channel: string,
    chaincode: string,
    args: Array<string | Uint8Array>,
    deadlineMs = DEFAULT_DEADLINE_MS,
  ): Promise<Uint8Array> {
    const { signed } = await buildSignedProposal({ channel, chaincode, args, identity: this.identity });
    const response = await new Promise<peer.ProposalResponse>((resolve, reject) => {
      this.client.processProposal(signed, { deadline: Date.now() + deadlineMs }, (error, value) => {
        if (error) reject(new PeerCallError(this.address, operation, grpcReason(error)));
        else if (!value) reject(new PeerCallError(this.address, operation, 'empty response'));
        else resolve(value);
      });
    });
    const result = response.getResponse();
    if (!result || result.getStatus() !== 200) {
      throw new PeerCallError(
        this.address,
        operation,
        `status ${result?.getStatus() ?? '?'}: ${result?.getMessage() || 'no message'}`,
      );
    }
    return result.getPayload_asU8();
  }

  /** cscc JoinChain with the channel's genesis (or latest config) block. Needs a peer admin. */
  async joinChannel(blockBytes: Uint8Array): Promise<void> {
    await this.invoke('join channel', '', 'cscc', ['JoinChain', blockBytes], 120_000);
  }

  async listChannels(): Promise<string[]> {
    const payload = await this.invoke('list channels', '', 'cscc', ['GetChannels']);
    const response = peer.ChannelQueryResponse.deserializeBinary(payload);
    return response.getChannelsList().map((info) => info.getChannelId());
  }

  async chainInfo(channel: string): Promise<ChainInfo> {
    const payload = await this.invoke('get chain info', '', 'qscc', ['GetChainInfo', channel]);
    const info = common.BlockchainInfo.deserializeBinary(payload);
    return {
      height: info.getHeight(),
      currentBlockHash: Buffer.from(info.getCurrentblockhash_asU8()).toString('hex'),
      previousBlockHash: Buffer.from(info.getPreviousblockhash_asU8()).toString('hex'),
    };
  }

  async getConfigBlock(channel: string): Promise<Uint8Array> {
    return this.invoke('get config block', '', 'cscc', ['GetConfigBlock', channel]);
  }

  async getBlockByNumber(channel: string, blockNumber: number): Promise<Uint8Array> {
    return this.invoke('get block', '', 'qscc', ['GetBlockByNumber', channel, String(blockNumber)]);
  }

  /** _lifecycle InstallChaincode; the peer runs the external builder's detect/build here. */
  async installChaincode(packageBytes: Uint8Array): Promise<InstalledChaincode> {
    const args = new peer.lifecycle.InstallChaincodeArgs();
    args.setChaincodeInstallPackage(packageBytes);
    const payload = await this.invoke(
      'install chaincode',
      '',
      '_lifecycle',
      ['InstallChaincode', args.serializeBinary()],
      300_000,
    );
    const result = peer.lifecycle.InstallChaincodeResult.deserializeBinary(payload);
    return { packageId: result.getPackageId(), label: result.getLabel() };
  }

  async queryInstalled(): Promise<InstalledChaincode[]> {
    const args = new peer.lifecycle.QueryInstalledChaincodesArgs();
    const payload = await this.invoke('query installed chaincodes', '', '_lifecycle', [
      'QueryInstalledChaincodes',
      args.serializeBinary(),
    ]);
    const result = peer.lifecycle.QueryInstalledChaincodesResult.deserializeBinary(payload);
    return result
      .getInstalledChaincodesList()
      .map((cc) => ({ packageId: cc.getPackageId(), label: cc.getLabel() }));
  }
}

export function grpcReason(error: grpc.ServiceError | Error): string {
  if ('code' in error && typeof error.code === 'number') {
    const name = grpc.status[error.code] ?? String(error.code);
    return `${name}: ${error.details || error.message}`;
  }
  return error.message;
}
