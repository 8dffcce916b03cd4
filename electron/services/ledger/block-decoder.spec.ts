import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBlock, decodeEnvelope } from './block-decoder';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';
import { certificateFingerprint } from './channel-config';
import { protoFromRawBlock, rawBlockFromBytes, rawBlockFromProto, toHex } from './raw-block';
import { HOSPITAL, medfabricChain, type MedfabricChain } from './spec-fixtures';
import { endorserEnvelope, fakeCertificatePem } from './synthetic-blocks';

let fixture: MedfabricChain;
beforeAll(async () => {
  fixture = await medfabricChain();
});

describe('block hashes', () => {
  it('encodes the header as DER SEQUENCE { INTEGER, OCTET STRING, OCTET STRING } like protoutil.BlockHeaderBytes', () => {
    const dataHash = Buffer.alloc(32, 0xab);
    const genesis = blockHeaderBytes(0, new Uint8Array(), dataHash);
    expect(genesis.subarray(0, 9).toString('hex')).toBe('302702010004000420');
    expect(genesis.subarray(9)).toEqual(dataHash);
    // INTEGER needs a leading 0x00 when the top bit is set, and grows with the number.
    expect(blockHeaderBytes(127, new Uint8Array(), new Uint8Array()).toString('hex')).toBe(
      '300702017f04000400',
    );
    expect(blockHeaderBytes(128, new Uint8Array(), new Uint8Array()).toString('hex')).toBe(
      '30080202008004000400',
    );
    expect(blockHeaderBytes(256, new Uint8Array(), new Uint8Array()).toString('hex')).toBe(
      '30080202010004000400',
    );
    expect(blockHeaderBytes(2n ** 40n, new Uint8Array(), new Uint8Array()).toString('hex')).toBe(
      '300c0206010000000000' + '04000400',
    );
  });

  it('uses the long DER length form for long hashes', () => {
    const bytes = blockHeaderBytes(1, Buffer.alloc(200, 1), Buffer.alloc(32, 2));
    expect(bytes[0]).toBe(0x30);
    expect(bytes[1]).toBe(0x81);
    expect(bytes[2]).toBe(bytes.length - 3);
  });

  it('hashes the data as SHA-256 over the concatenated envelopes', () => {
    const envelopes = [Buffer.from('one'), Buffer.from('two')];
    expect(blockDataHash(envelopes).toString('hex')).toBe(
      createHash('sha256').update('onetwo').digest('hex'),
    );
  });

  it('chains the synthetic blocks: previous_hash of n = header hash of n-1', () => {
    const blocks = fixture.chain.blocks;
    for (let n = 1; n < blocks.length; n++) {
      const previous = blocks[n - 1];
      if (!previous) throw new Error('missing block');
      expect(toHex(blocks[n]?.previousHash ?? new Uint8Array())).toBe(
        toHex(blockHeaderHash(previous.number, previous.previousHash, previous.dataHash)),
      );
    }
  });
});

describe('decodeBlock', () => {
  it('decodes the config block with its MSPs', () => {
    const block = decodeBlock(fixture.chain.blocks[0] ?? fail());
    expect(block.isConfig).toBe(true);
    expect(block.transactions[0]?.type).toBe('CONFIG');
    expect(block.config?.msps.map((m) => [m.mspId, m.group])).toEqual([
      ['OrdererMSP', 'Orderer'],
      ['HospitalMSP', 'Application'],
      ['InsurerMSP', 'Application'],
      ['RegulatorMSP', 'Application'],
    ]);
    expect(block.config?.msps[0]?.rootCerts).toEqual([fixture.pki.caPem]);
    expect(block.config?.consensusType).toBe('etcdraft');
    expect(block.previousHash).toBe('');
  });

  it('decodes endorser transactions: creator, validation code, chaincode, function, endorsers, keys, event', () => {
    const block = decodeBlock(fixture.chain.blocks[4] ?? fail());
    expect(block.txCount).toBe(3);
    expect(block.validTxCount).toBe(2);
    expect(block.lastConfigIndex).toBe(0);
    const [deposit, invalid, filed] = block.transactions;
    expect(invalid?.validationCode).toBe(peer.TxValidationCode.MVCC_READ_CONFLICT);
    expect(invalid?.validationName).toBe('MVCC_READ_CONFLICT');
    expect(invalid?.valid).toBe(false);
    expect(invalid?.txId).toBe(fixture.invalidTxId);
    expect(deposit).toMatchObject({
      type: 'ENDORSER_TRANSACTION',
      channelId: 'medchannel',
      creatorMspId: 'InsurerMSP',
      creatorFingerprint: certificateFingerprint(fakeCertificatePem('insurer-admin')),
      chaincodeName: 'medfabric',
      chaincodeVersion: '1.0',
      functionName: 'Insurance:DepositFunds',
      endorserMspIds: ['InsurerMSP', 'RegulatorMSP'],
      responseStatus: 200,
      valid: true,
      decodeError: null,
    });
    expect(deposit?.readKeys).toEqual([['medfabric', '\u0000medfabric.member\u0000InsurerMSP\u0000']]);
    expect(deposit?.writeKeys).toEqual([
      ['medfabric', '\u0000medfabric.thing\u0000Insurance:DepositFunds\u0000'],
    ]);
    expect(deposit?.event?.name).toBe('medfabric.fund.deposited');
    expect(filed?.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(block.timestamp).toBe(deposit?.timestamp);
  });

  it('never extracts arguments beyond the function name, nor write values', () => {
    const text = JSON.stringify(
      fixture.chain.blocks.map((b) => decodeBlock(b)),
      (_key, value: unknown) => (value instanceof Uint8Array ? '<bytes>' : value),
    );
    expect(text).not.toContain('argument-that-must-not-be-indexed');
    expect(text).not.toContain('value-of-');
  });

  it('records private data writes as key hashes, and deletes', () => {
    const { bytes } = endorserEnvelope({
      kind: 'endorser',
      timestamp: new Date('2025-01-01T00:00:00Z'),
      creator: HOSPITAL,
      chaincode: 'medfabric',
      args: ['Records:RecordEncounter'],
      endorsers: [HOSPITAL],
      privateWrites: [['medfabric', 'diagnosis_HospitalMSP', 'rec-1']],
    });
    const tx = decodeEnvelope(bytes, 0, 0);
    expect(tx.writeKeys).toEqual([
      ['medfabric$diagnosis_HospitalMSP', `#${createHash('sha256').update('rec-1').digest('hex')}`],
    ]);
  });

  it('marks transactions NOT_VALIDATED when the block has no TRANSACTIONS_FILTER (orderer blocks)', () => {
    const raw = fixture.chain.blocks[1] ?? fail();
    const block = decodeBlock({ ...raw, metadata: [raw.metadata[0] ?? new Uint8Array()] });
    expect(block.transactions.map((tx) => tx.validationName)).toEqual(['NOT_VALIDATED', 'NOT_VALIDATED']);
    expect(block.validTxCount).toBe(0);
  });

  it('keeps what it can of an undecodable envelope and reports why', () => {
    const tx = decodeEnvelope(Buffer.from('not a protobuf envelope \xff\xff'), 3, 0);
    expect(tx.index).toBe(3);
    expect(tx.decodeError).toBeTruthy();
    const raw = fixture.chain.blocks[1] ?? fail();
    const block = decodeBlock({ ...raw, data: [Buffer.from([0x0a, 0xff])] });
    expect(block.transactions[0]?.decodeError).toBeTruthy();
    expect(block.computedDataHash).not.toBe(block.dataHash);
  });

  it('accepts protobuf blocks and round-trips raw blocks through common.Block bytes', () => {
    const raw = fixture.chain.blocks[3] ?? fail();
    const proto = protoFromRawBlock(raw);
    expect(proto).toBeInstanceOf(common.Block);
    const again = rawBlockFromBytes(proto.serializeBinary());
    expect(toHex(again.dataHash)).toBe(toHex(raw.dataHash));
    expect(again.data.map(toHex)).toEqual(raw.data.map(toHex));
    expect(decodeBlock(proto)).toEqual(decodeBlock(raw));
    expect(rawBlockFromProto(proto).metadata.map(toHex)).toEqual(raw.metadata.map(toHex));
  });
});

function fail(): never {
  throw new Error('fixture block missing');
}
