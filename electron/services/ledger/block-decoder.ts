// Decodes a block into what the index stores: header hashes, and for every envelope its type,
// creator (MSP id and certificate fingerprint, never the subject), validation code, chaincode,
// function name, endorsing MSPs, read/write keys and chaincode event. Transaction arguments, write
// values and transient data are never extracted: they may carry clinical data.
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderHash } from './block-hash';
import {
  certificateFingerprint,
  channelConfigFromEnvelopeData,
  type ChannelConfigInfo,
} from './channel-config';
import { rawBlockFromProto, toHex, type RawBlock } from './raw-block';

export const HEADER_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(common.HeaderType).map(([name, code]) => [code, name]),
);
export const VALIDATION_CODE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]),
);
export const VALID = peer.TxValidationCode.VALID;
export const NOT_VALIDATED = peer.TxValidationCode.NOT_VALIDATED;

/** [namespace, key] for public state; [namespace$collection, #keyHashHex] for private data. A third
 *  member `1` marks a delete. */
export type KeyRef = [string, string] | [string, string, 1];

export interface DecodedEvent {
  chaincodeName: string;
  name: string;
  payload: Uint8Array;
}

export interface DecodedTransaction {
  index: number;
  txId: string;
  headerType: number;
  type: string;
  channelId: string;
  /** Channel header timestamp, ISO 8601 UTC with milliseconds; null when absent. */
  timestamp: string | null;
  creatorMspId: string | null;
  creatorFingerprint: string | null;
  validationCode: number;
  validationName: string;
  valid: boolean;
  chaincodeName: string | null;
  chaincodeVersion: string | null;
  functionName: string | null;
  endorserMspIds: string[];
  readKeys: KeyRef[];
  writeKeys: KeyRef[];
  responseStatus: number | null;
  event: DecodedEvent | null;
  /** Set when the envelope could not be decoded completely; what was decoded is kept. */
  decodeError: string | null;
  config: ChannelConfigInfo | null;
  sizeBytes: number;
}

export interface DecodedBlock {
  number: number;
  previousHash: string;
  dataHash: string;
  headerHash: string;
  /** SHA-256 of the envelopes as they are; differs from dataHash only for a corrupt block. */
  computedDataHash: string;
  txCount: number;
  validTxCount: number;
  timestamp: string | null;
  isConfig: boolean;
  lastConfigIndex: number | null;
  sizeBytes: number;
  transactions: DecodedTransaction[];
  config: ChannelConfigInfo | null;
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export function isoTimestamp(seconds: number, nanos: number): string | null {
  const ms = seconds * 1000 + Math.floor(nanos / 1_000_000);
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) && (seconds !== 0 || nanos !== 0) ? date.toISOString() : null;
}

const fingerprintCache = new Map<string, string | null>();

/** SerializedIdentity → MSP id and the SHA-256 fingerprint of its certificate. */
export function identityOf(serialized: Uint8Array): { mspId: string; fingerprint: string | null } | null {
  if (serialized.length === 0) return null;
  const identity = msp.SerializedIdentity.deserializeBinary(serialized);
  const idBytes = identity.getIdBytes_asU8();
  const key = Buffer.from(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength).toString('base64');
  let fingerprint = fingerprintCache.get(key);
  if (fingerprint === undefined) {
    fingerprint = certificateFingerprint(idBytes);
    if (fingerprintCache.size > 1024) fingerprintCache.clear();
    fingerprintCache.set(key, fingerprint);
  }
  return { mspId: identity.getMspid(), fingerprint };
}

/** The function name is the first argument; kept only when it looks like one (printable, short). */
function functionNameOf(args: Uint8Array[]): string | null {
  const first = args[0];
  if (!first || first.length === 0 || first.length > 128) return null;
  const text = utf8(first);
  return /^[\x21-\x7e]+$/.test(text) ? text : null;
}

function readWriteKeys(results: Uint8Array): { reads: KeyRef[]; writes: KeyRef[] } {
  const reads: KeyRef[] = [];
  const writes: KeyRef[] = [];
  if (results.length === 0) return { reads, writes };
  const txRwSet = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  for (const nsRwSet of txRwSet.getNsRwsetList()) {
    const namespace = nsRwSet.getNamespace();
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(nsRwSet.getRwset_asU8());
    for (const read of kv.getReadsList()) reads.push([namespace, read.getKey()]);
    for (const range of kv.getRangeQueriesInfoList()) {
      for (const read of range.getRawReads()?.getKvReadsList() ?? []) reads.push([namespace, read.getKey()]);
    }
    for (const write of kv.getWritesList()) {
      writes.push(write.getIsDelete() ? [namespace, write.getKey(), 1] : [namespace, write.getKey()]);
    }
    for (const collection of nsRwSet.getCollectionHashedRwsetList()) {
      const where = `${namespace}$${collection.getCollectionName()}`;
      const hashed = ledger.rwset.kvrwset.HashedRWSet.deserializeBinary(collection.getHashedRwset_asU8());
      for (const read of hashed.getHashedReadsList())
        reads.push([where, `#${toHex(read.getKeyHash_asU8())}`]);
      for (const write of hashed.getHashedWritesList()) {
        const key = `#${toHex(write.getKeyHash_asU8())}`;
        writes.push(write.getIsDelete() ? [where, key, 1] : [where, key]);
      }
    }
  }
  return { reads, writes };
}

function decodeEndorserTransaction(data: Uint8Array, tx: DecodedTransaction): void {
  const transaction = peer.Transaction.deserializeBinary(data);
  const endorsers = new Set<string>();
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
      actionPayload.getChaincodeProposalPayload_asU8(),
    );
    const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(proposalPayload.getInput_asU8());
    const spec = invocation.getChaincodeSpec();
    tx.chaincodeName ??= spec?.getChaincodeId()?.getName() || null;
    tx.functionName ??= functionNameOf(spec?.getInput()?.getArgsList_asU8() ?? []);

    const endorsed = actionPayload.getAction();
    if (!endorsed) continue;
    for (const endorsement of endorsed.getEndorsementsList()) {
      const endorser = identityOf(endorsement.getEndorser_asU8());
      if (endorser) endorsers.add(endorser.mspId);
    }
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
      endorsed.getProposalResponsePayload_asU8(),
    );
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
    const chaincodeId = chaincodeAction.getChaincodeId();
    tx.chaincodeName ??= chaincodeId?.getName() || null;
    tx.chaincodeVersion ??= chaincodeId?.getVersion() || null;
    tx.responseStatus ??= chaincodeAction.getResponse()?.getStatus() ?? null;
    const { reads, writes } = readWriteKeys(chaincodeAction.getResults_asU8());
    tx.readKeys.push(...reads);
    tx.writeKeys.push(...writes);
    const eventBytes = chaincodeAction.getEvents_asU8();
    if (eventBytes.length > 0 && tx.event === null) {
      const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
      if (event.getEventName()) {
        tx.event = {
          chaincodeName: event.getChaincodeId() || tx.chaincodeName || '',
          name: event.getEventName(),
          payload: event.getPayload_asU8(),
        };
      }
    }
  }
  tx.endorserMspIds = [...endorsers].sort();
}

export function decodeEnvelope(bytes: Uint8Array, index: number, validationCode: number): DecodedTransaction {
  const tx: DecodedTransaction = {
    index,
    txId: '',
    headerType: -1,
    type: 'UNKNOWN',
    channelId: '',
    timestamp: null,
    creatorMspId: null,
    creatorFingerprint: null,
    validationCode,
    validationName: VALIDATION_CODE_NAMES[validationCode] ?? `CODE_${validationCode}`,
    valid: validationCode === VALID,
    chaincodeName: null,
    chaincodeVersion: null,
    functionName: null,
    endorserMspIds: [],
    readKeys: [],
    writeKeys: [],
    responseStatus: null,
    event: null,
    decodeError: null,
    config: null,
    sizeBytes: bytes.length,
  };
  try {
    const envelope = common.Envelope.deserializeBinary(bytes);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = payload.getHeader();
    if (!header) throw new Error('payload has no header');
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    tx.headerType = channelHeader.getType();
    tx.type = HEADER_TYPE_NAMES[tx.headerType] ?? `TYPE_${tx.headerType}`;
    tx.txId = channelHeader.getTxId();
    tx.channelId = channelHeader.getChannelId();
    const timestamp = channelHeader.getTimestamp();
    tx.timestamp = timestamp ? isoTimestamp(timestamp.getSeconds(), timestamp.getNanos()) : null;
    const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    const creator = identityOf(signatureHeader.getCreator_asU8());
    tx.creatorMspId = creator?.mspId ?? null;
    tx.creatorFingerprint = creator?.fingerprint ?? null;
    if (tx.headerType === common.HeaderType.ENDORSER_TRANSACTION) {
      decodeEndorserTransaction(payload.getData_asU8(), tx);
    } else if (tx.headerType === common.HeaderType.CONFIG) {
      tx.config = channelConfigFromEnvelopeData(payload.getData_asU8());
    }
  } catch (error) {
    tx.decodeError = error instanceof Error ? error.message : String(error);
  }
  return tx;
}

/** OrdererBlockMetadata.last_config (Fabric ≥ 2.x), else the legacy LAST_CONFIG entry. */
function lastConfigIndexOf(metadata: Uint8Array[]): number | null {
  try {
    const signatures = metadata[common.BlockMetadataIndex.SIGNATURES];
    if (signatures && signatures.length > 0) {
      const value = common.Metadata.deserializeBinary(signatures).getValue_asU8();
      if (value.length > 0) {
        const lastConfig = common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig();
        if (lastConfig) return lastConfig.getIndex();
      }
    }
    const legacy = metadata[common.BlockMetadataIndex.LAST_CONFIG];
    if (legacy && legacy.length > 0) {
      const value = common.Metadata.deserializeBinary(legacy).getValue_asU8();
      if (value.length > 0) return common.LastConfig.deserializeBinary(value).getIndex();
    }
  } catch (error) {
    // Malformed metadata is the audit's business (signature check); the index just omits the value.
    if (!(error instanceof Error)) throw error;
  }
  return null;
}

/** The validation code of each transaction from TRANSACTIONS_FILTER; NOT_VALIDATED when absent. */
export function validationCodesOf(block: RawBlock): number[] {
  const filter = block.metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
  return block.data.map((_, index) =>
    index < filter.length ? (filter[index] ?? NOT_VALIDATED) : NOT_VALIDATED,
  );
}

function isProtoBlock(input: RawBlock | common.Block): input is common.Block {
  return typeof (input as Partial<common.Block>).getHeader === 'function';
}

export function decodeBlock(input: RawBlock | common.Block): DecodedBlock {
  // Structural check rather than instanceof: a Block from another copy of fabric-protos is still a Block.
  const block = isProtoBlock(input) ? rawBlockFromProto(input) : input;
  const codes = validationCodesOf(block);
  const transactions = block.data.map((bytes, index) =>
    decodeEnvelope(bytes, index, codes[index] ?? NOT_VALIDATED),
  );
  const configTx = transactions.find((tx) => tx.headerType === common.HeaderType.CONFIG);
  const sizeBytes =
    block.data.reduce((sum, bytes) => sum + bytes.length, 0) +
    block.metadata.reduce((sum, bytes) => sum + bytes.length, 0);
  return {
    number: block.number,
    previousHash: toHex(block.previousHash),
    dataHash: toHex(block.dataHash),
    headerHash: toHex(blockHeaderHash(block.number, block.previousHash, block.dataHash)),
    computedDataHash: toHex(blockDataHash(block.data)),
    txCount: transactions.length,
    validTxCount: transactions.filter((tx) => tx.valid).length,
    timestamp: transactions.find((tx) => tx.timestamp !== null)?.timestamp ?? null,
    isConfig: configTx !== undefined,
    lastConfigIndex: lastConfigIndexOf(block.metadata),
    sizeBytes,
    transactions,
    config: configTx?.config ?? null,
  };
}
