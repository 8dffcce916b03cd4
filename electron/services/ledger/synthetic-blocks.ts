// Builds small but structurally real Fabric blocks with fabric-protos: envelopes with channel and
// signature headers, endorser transactions (proposal payload, endorsements, rw-sets, chaincode
// event), config envelopes with MSPs, TRANSACTIONS_FILTER and orderer signatures. For unit tests and
// for the benchmark when no real ledger is at hand. Nothing here is used on a live network.
import { createHash, randomBytes, sign } from 'node:crypto';
import { common, ledger, msp, orderer, peer } from '@hyperledger/fabric-protos';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';
import type { ConfigGroupName } from './channel-config';
import type { RawBlock } from './raw-block';

export interface SyntheticIdentity {
  mspId: string;
  certPem: string;
  /** Needed only to sign (orderer signatures). */
  keyPem?: string;
}

export interface SyntheticEndorserTx {
  kind: 'endorser';
  txId?: string;
  channel?: string;
  timestamp: Date;
  creator: SyntheticIdentity;
  chaincode: string;
  chaincodeVersion?: string;
  args: string[];
  endorsers: SyntheticIdentity[];
  reads?: Array<[string, string]>;
  writes?: Array<[string, string]>;
  /** Private data key hashes: [namespace, collection, key]; the key is hashed like Fabric does. */
  privateWrites?: Array<[string, string, string]>;
  event?: { name: string; payload: string | Uint8Array };
}

export interface SyntheticConfigTx {
  kind: 'config';
  txId?: string;
  channel?: string;
  timestamp: Date;
  creator?: SyntheticIdentity;
  sequence: number;
  orgs: Array<{
    orgName: string;
    mspId: string;
    group: ConfigGroupName;
    rootCerts: string[];
    intermediateCerts?: string[];
  }>;
  consensusType?: string;
}

export type SyntheticTx = SyntheticEndorserTx | SyntheticConfigTx;

function serializedIdentity(identity: SyntheticIdentity): Uint8Array {
  const serialized = new msp.SerializedIdentity();
  serialized.setMspid(identity.mspId);
  serialized.setIdBytes(Buffer.from(identity.certPem));
  return serialized.serializeBinary();
}

function timestampOf(date: Date): timestampPb.Timestamp {
  return timestampPb.Timestamp.fromDate(date);
}

export function syntheticTxId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

function envelopeOf(
  type: number,
  txId: string,
  channel: string,
  timestamp: Date,
  creator: SyntheticIdentity | undefined,
  data: Uint8Array,
): Uint8Array {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(type);
  channelHeader.setChannelId(channel);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(timestampOf(timestamp));
  const signatureHeader = new common.SignatureHeader();
  if (creator) signatureHeader.setCreator(serializedIdentity(creator));
  signatureHeader.setNonce(createHash('sha256').update(`nonce:${txId}`).digest().subarray(0, 24));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(data);
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  // Not a real signature: the audit covers block signatures, peers validate creator signatures.
  envelope.setSignature(createHash('sha256').update(`signature:${txId}`).digest());
  return envelope.serializeBinary();
}

function rwSetOf(tx: SyntheticEndorserTx): Uint8Array {
  const byNamespace = new Map<
    string,
    { reads: string[]; writes: string[]; privateWrites: Array<[string, string]> }
  >();
  const entry = (ns: string) => {
    let value = byNamespace.get(ns);
    if (!value) {
      value = { reads: [], writes: [], privateWrites: [] };
      byNamespace.set(ns, value);
    }
    return value;
  };
  for (const [ns, key] of tx.reads ?? []) entry(ns).reads.push(key);
  for (const [ns, key] of tx.writes ?? []) entry(ns).writes.push(key);
  for (const [ns, collection, key] of tx.privateWrites ?? []) entry(ns).privateWrites.push([collection, key]);
  const txRwSet = new ledger.rwset.TxReadWriteSet();
  txRwSet.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  for (const [ns, sets] of byNamespace) {
    const kv = new ledger.rwset.kvrwset.KVRWSet();
    kv.setReadsList(
      sets.reads.map((key) => {
        const read = new ledger.rwset.kvrwset.KVRead();
        read.setKey(key);
        return read;
      }),
    );
    kv.setWritesList(
      sets.writes.map((key) => {
        const write = new ledger.rwset.kvrwset.KVWrite();
        write.setKey(key);
        write.setValue(Buffer.from(`value-of-${key}`));
        return write;
      }),
    );
    const nsRwSet = new ledger.rwset.NsReadWriteSet();
    nsRwSet.setNamespace(ns);
    nsRwSet.setRwset(kv.serializeBinary());
    const collections = new Map<string, string[]>();
    for (const [collection, key] of sets.privateWrites)
      collections.set(collection, [...(collections.get(collection) ?? []), key]);
    nsRwSet.setCollectionHashedRwsetList(
      [...collections].map(([collection, keys]) => {
        const hashed = new ledger.rwset.kvrwset.HashedRWSet();
        hashed.setHashedWritesList(
          keys.map((key) => {
            const write = new ledger.rwset.kvrwset.KVWriteHash();
            write.setKeyHash(createHash('sha256').update(key).digest());
            write.setValueHash(createHash('sha256').update(`value-of-${key}`).digest());
            return write;
          }),
        );
        const set = new ledger.rwset.CollectionHashedReadWriteSet();
        set.setCollectionName(collection);
        set.setHashedRwset(hashed.serializeBinary());
        return set;
      }),
    );
    txRwSet.addNsRwset(nsRwSet);
  }
  return txRwSet.serializeBinary();
}

export function endorserEnvelope(tx: SyntheticEndorserTx): { txId: string; bytes: Uint8Array } {
  const txId =
    tx.txId ??
    syntheticTxId(
      `${tx.creator.mspId}:${tx.timestamp.toISOString()}:${tx.args.join('|')}:${randomBytes(8).toString('hex')}`,
    );
  const channel = tx.channel ?? 'medchannel';
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(tx.chaincode);
  const input = new peer.ChaincodeInput();
  input.setArgsList(tx.args.map((arg) => Buffer.from(arg)));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(invocation.serializeBinary());

  const action = new peer.ChaincodeAction();
  action.setResults(rwSetOf(tx));
  if (tx.event) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(tx.chaincode);
    event.setTxId(txId);
    event.setEventName(tx.event.name);
    event.setPayload(typeof tx.event.payload === 'string' ? Buffer.from(tx.event.payload) : tx.event.payload);
    action.setEvents(event.serializeBinary());
  }
  const response = new peer.Response();
  response.setStatus(200);
  action.setResponse(response);
  const actionChaincodeId = new peer.ChaincodeID();
  actionChaincodeId.setName(tx.chaincode);
  actionChaincodeId.setVersion(tx.chaincodeVersion ?? '1.0');
  action.setChaincodeId(actionChaincodeId);
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setProposalHash(createHash('sha256').update(txId).digest());
  responsePayload.setExtension$(action.serializeBinary());

  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
  endorsed.setEndorsementsList(
    tx.endorsers.map((identity) => {
      const endorsement = new peer.Endorsement();
      endorsement.setEndorser(serializedIdentity(identity));
      endorsement.setSignature(createHash('sha256').update(`${identity.mspId}:${txId}`).digest());
      return endorsement;
    }),
  );
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposalPayload.serializeBinary());
  actionPayload.setAction(endorsed);
  const transactionAction = new peer.TransactionAction();
  transactionAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([transactionAction]);
  return {
    txId,
    bytes: envelopeOf(
      common.HeaderType.ENDORSER_TRANSACTION,
      txId,
      channel,
      tx.timestamp,
      tx.creator,
      transaction.serializeBinary(),
    ),
  };
}

function configValue(value: Uint8Array): common.ConfigValue {
  const configValue = new common.ConfigValue();
  configValue.setValue(value);
  return configValue;
}

export function configEnvelope(tx: SyntheticConfigTx): { txId: string; bytes: Uint8Array } {
  const txId = tx.txId ?? syntheticTxId(`config:${tx.sequence}:${tx.timestamp.toISOString()}`);
  const channelGroup = new common.ConfigGroup();
  for (const groupName of ['Orderer', 'Application'] as const) {
    const group = new common.ConfigGroup();
    for (const org of tx.orgs.filter((o) => o.group === groupName)) {
      const fabric = new msp.FabricMSPConfig();
      fabric.setName(org.mspId);
      fabric.setRootCertsList(org.rootCerts.map((pem) => Buffer.from(pem)));
      fabric.setIntermediateCertsList((org.intermediateCerts ?? []).map((pem) => Buffer.from(pem)));
      const mspConfig = new msp.MSPConfig();
      mspConfig.setType(0);
      mspConfig.setConfig(fabric.serializeBinary());
      const orgGroup = new common.ConfigGroup();
      orgGroup.getValuesMap().set('MSP', configValue(mspConfig.serializeBinary()));
      group.getGroupsMap().set(org.orgName, orgGroup);
    }
    if (groupName === 'Orderer') {
      const consensus = new orderer.ConsensusType();
      consensus.setType(tx.consensusType ?? 'etcdraft');
      group.getValuesMap().set('ConsensusType', configValue(consensus.serializeBinary()));
    }
    channelGroup.getGroupsMap().set(groupName, group);
  }
  const config = new common.Config();
  config.setSequence(tx.sequence);
  config.setChannelGroup(channelGroup);
  const envelope = new common.ConfigEnvelope();
  envelope.setConfig(config);
  return {
    txId,
    bytes: envelopeOf(
      common.HeaderType.CONFIG,
      txId,
      tx.channel ?? 'medchannel',
      tx.timestamp,
      tx.creator,
      envelope.serializeBinary(),
    ),
  };
}

export interface SyntheticBlockOptions {
  number: number;
  previousHash: Uint8Array;
  envelopes: Uint8Array[];
  /** One per envelope; default all VALID (0). */
  validationCodes?: number[];
  /** Signs the block as an orderer does (Metadata SIGNATURES); omit for an unsigned genesis block. */
  signer?: SyntheticIdentity;
  lastConfigIndex?: number;
}

/** Signs value ‖ signature_header ‖ BlockHeaderBytes with the signer's key (ECDSA, DER). */
export function signatureMetadata(
  header: { number: number; previousHash: Uint8Array; dataHash: Uint8Array },
  signer: SyntheticIdentity | undefined,
  lastConfigIndex: number,
): Uint8Array {
  const blockMetadata = new common.OrdererBlockMetadata();
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(lastConfigIndex);
  blockMetadata.setLastConfig(lastConfig);
  const metadata = new common.Metadata();
  const value = blockMetadata.serializeBinary();
  metadata.setValue(value);
  if (signer) {
    if (!signer.keyPem) throw new Error('the signer needs a private key');
    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(serializedIdentity(signer));
    signatureHeader.setNonce(
      createHash('sha256').update(`block-nonce:${header.number}`).digest().subarray(0, 24),
    );
    const signatureHeaderBytes = signatureHeader.serializeBinary();
    const signed = Buffer.concat([
      value,
      signatureHeaderBytes,
      blockHeaderBytes(header.number, header.previousHash, header.dataHash),
    ]);
    const signature = new common.MetadataSignature();
    signature.setSignatureHeader(signatureHeaderBytes);
    signature.setSignature(sign('sha256', signed, signer.keyPem));
    metadata.addSignatures(signature);
  }
  return metadata.serializeBinary();
}

export function buildBlock(options: SyntheticBlockOptions): RawBlock {
  const dataHash = blockDataHash(options.envelopes);
  const header = { number: options.number, previousHash: options.previousHash, dataHash };
  const codes = options.validationCodes ?? options.envelopes.map(() => 0);
  return {
    ...header,
    data: options.envelopes,
    metadata: [
      signatureMetadata(header, options.signer, options.lastConfigIndex ?? 0),
      new Uint8Array(),
      Uint8Array.from(codes),
      new Uint8Array(),
      new Uint8Array(),
    ],
  };
}

/** Appends blocks with a correct hash chain. */
export class SyntheticChain {
  readonly blocks: RawBlock[] = [];
  private lastConfigIndex = 0;

  constructor(private readonly signer?: SyntheticIdentity) {}

  get height(): number {
    return this.blocks.length;
  }

  append(
    envelopes: Uint8Array[],
    options: { validationCodes?: number[]; isConfig?: boolean; unsigned?: boolean } = {},
  ): RawBlock {
    const previous = this.blocks[this.blocks.length - 1];
    const number = this.blocks.length;
    if (options.isConfig) this.lastConfigIndex = number;
    const block = buildBlock({
      number,
      previousHash: previous
        ? blockHeaderHash(previous.number, previous.previousHash, previous.dataHash)
        : new Uint8Array(),
      envelopes,
      validationCodes: options.validationCodes,
      signer: options.unsigned || number === 0 ? undefined : this.signer,
      lastConfigIndex: this.lastConfigIndex,
    });
    this.blocks.push(block);
    return block;
  }
}

/** A PEM-shaped certificate stand-in for creators whose signatures nobody checks (fingerprints only). */
export function fakeCertificatePem(seed: string): string {
  const der = createHash('sha512').update(seed).digest();
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
}
