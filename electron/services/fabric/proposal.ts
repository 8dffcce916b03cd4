// Signed proposals for the peer's system chaincodes (cscc, qscc, _lifecycle install/query), which
// the Gateway does not cover: built with @hyperledger/fabric-protos and signed with
// fabric-gateway's low-S signer.
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { signers, type Signer } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';

export interface SigningIdentity {
  mspId: string;
  certPem: string;
  keyPem: string;
}

export interface IdentityWithSigner extends SigningIdentity {
  signer: Signer;
}

export function withSigner(identity: SigningIdentity): IdentityWithSigner {
  return { ...identity, signer: signers.newPrivateKeySigner(createPrivateKey(identity.keyPem)) };
}

export function serializedIdentity(identity: SigningIdentity): Uint8Array {
  const id = new msp.SerializedIdentity();
  id.setMspid(identity.mspId);
  id.setIdBytes(Buffer.from(identity.certPem));
  return id.serializeBinary();
}

export function sha256(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest();
}

export interface ProposalInput {
  channel: string;
  chaincode: string;
  args: Array<string | Uint8Array>;
  identity: IdentityWithSigner;
  transient?: Record<string, Uint8Array>;
}

export async function buildSignedProposal(
  input: ProposalInput,
): Promise<{ signed: peer.SignedProposal; txId: string }> {
  const creator = serializedIdentity(input.identity);
  const nonce = randomBytes(24);
  const txId = Buffer.from(sha256(Buffer.concat([nonce, creator]))).toString('hex');

  const extension = new peer.ChaincodeHeaderExtension();
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(input.chaincode);
  extension.setChaincodeId(chaincodeId);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(input.channel);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(timestampPb.Timestamp.fromDate(new Date()));
  channelHeader.setExtension$(extension.serializeBinary());

  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creator);
  signatureHeader.setNonce(nonce);

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const chaincodeInput = new peer.ChaincodeInput();
  chaincodeInput.setArgsList(input.args.map((arg) => (typeof arg === 'string' ? Buffer.from(arg) : arg)));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.GOLANG);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(chaincodeInput);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  if (input.transient) {
    const map = payload.getTransientmapMap();
    for (const [key, value] of Object.entries(input.transient)) map.set(key, value);
  }

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();

  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  signed.setSignature(await input.identity.signer(sha256(proposalBytes)));
  return { signed, txId };
}

/**
 * A signed Envelope for the orderer (Broadcast, Deliver): payload = header(type, channel, now,
 * creator, nonce) + data, signed by `identity` with the low-S signer.
 */
export async function signedEnvelope(input: {
  type: common.HeaderTypeMap[keyof common.HeaderTypeMap];
  channel: string;
  data: Uint8Array;
  identity: SigningIdentity;
}): Promise<common.Envelope> {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(input.type);
  channelHeader.setVersion(0);
  channelHeader.setChannelId(input.channel);
  channelHeader.setEpoch(0);
  channelHeader.setTimestamp(timestampPb.Timestamp.fromDate(new Date()));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(serializedIdentity(input.identity));
  signatureHeader.setNonce(randomBytes(24));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(input.data);
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(await withSigner(input.identity).signer(sha256(payloadBytes)));
  return envelope;
}
