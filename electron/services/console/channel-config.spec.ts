import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import { signaturePolicyEnvelope } from '../channel/policy';
import { createCertificateAuthority, issueCertificate } from '../pki';
import { ChannelConfigError, decodeChannelConfig, describeSignaturePolicy } from './channel-config';

// A config block built from protobufs the way configtxgen lays it out for the sandbox: orderer
// group with etcdraft metadata and one orderer org, application group with two peer orgs.

function configValue(message: { serializeBinary(): Uint8Array }): common.ConfigValue {
  const value = new common.ConfigValue();
  value.setValue(message.serializeBinary());
  value.setModPolicy('Admins');
  return value;
}

function signaturePolicy(rule: string): common.ConfigPolicy {
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.SIGNATURE);
  policy.setValue(signaturePolicyEnvelope(rule).serializeBinary());
  const configPolicy = new common.ConfigPolicy();
  configPolicy.setPolicy(policy);
  configPolicy.setModPolicy('Admins');
  return configPolicy;
}

function implicitMeta(rule: 0 | 1 | 2, subPolicy: string): common.ConfigPolicy {
  const meta = new common.ImplicitMetaPolicy();
  meta.setRule(rule);
  meta.setSubPolicy(subPolicy);
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.IMPLICIT_META);
  policy.setValue(meta.serializeBinary());
  const configPolicy = new common.ConfigPolicy();
  configPolicy.setPolicy(policy);
  configPolicy.setModPolicy('Admins');
  return configPolicy;
}

function capabilities(...names: string[]): common.Capabilities {
  const result = new common.Capabilities();
  for (const name of names) result.getCapabilitiesMap().set(name, new common.Capability());
  return result;
}

function mspValue(mspId: string, caPem: string, tlsCaPem: string): common.ConfigValue {
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(mspId);
  fabric.setRootCertsList([Buffer.from(caPem)]);
  fabric.setTlsRootCertsList([Buffer.from(tlsCaPem)]);
  const nodeOus = new msp.FabricNodeOUs();
  nodeOus.setEnable(true);
  fabric.setFabricNodeOus(nodeOus);
  const config = new msp.MSPConfig();
  config.setType(0);
  config.setConfig(fabric.serializeBinary());
  return configValue(config);
}

let blockBytes: Uint8Array;
let consenterTlsPem: string;

beforeAll(async () => {
  const ca = await createCertificateAuthority({ commonName: 'ca.example.com', organization: 'example.com' });
  const tlsCa = await createCertificateAuthority({
    commonName: 'tlsca.example.com',
    organization: 'example.com',
  });
  consenterTlsPem = (
    await issueCertificate(tlsCa, {
      kind: 'tls',
      commonName: 'orderer0.example.com',
      organization: 'example.com',
    })
  ).certPem;

  const orgGroup = (mspId: string): common.ConfigGroup => {
    const group = new common.ConfigGroup();
    group.getValuesMap().set('MSP', mspValue(mspId, ca.certPem, tlsCa.certPem));
    group.getPoliciesMap().set('Admins', signaturePolicy(`OR('${mspId}.admin')`));
    group
      .getPoliciesMap()
      .set('Readers', signaturePolicy(`OR('${mspId}.admin', '${mspId}.peer', '${mspId}.client')`));
    return group;
  };

  const ordererOrg = orgGroup('OrdererMSP');
  const endpoints = new common.OrdererAddresses();
  endpoints.setAddressesList(['127.0.0.1:7100']);
  ordererOrg.getValuesMap().set('Endpoints', configValue(endpoints));

  const consenter = new orderer.etcdraft.Consenter();
  consenter.setHost('127.0.0.1');
  consenter.setPort(7100);
  consenter.setClientTlsCert(Buffer.from(consenterTlsPem));
  consenter.setServerTlsCert(Buffer.from(consenterTlsPem));
  const options = new orderer.etcdraft.Options();
  options.setTickInterval('500ms');
  options.setElectionTick(10);
  options.setHeartbeatTick(1);
  options.setMaxInflightBlocks(5);
  options.setSnapshotIntervalSize(16 * 1024 * 1024);
  const metadata = new orderer.etcdraft.ConfigMetadata();
  metadata.setConsentersList([consenter]);
  metadata.setOptions(options);
  const consensus = new orderer.ConsensusType();
  consensus.setType('etcdraft');
  consensus.setMetadata(metadata.serializeBinary());
  const batchSize = new orderer.BatchSize();
  batchSize.setMaxMessageCount(200);
  batchSize.setAbsoluteMaxBytes(10 * 1024 * 1024);
  batchSize.setPreferredMaxBytes(2 * 1024 * 1024);
  const batchTimeout = new orderer.BatchTimeout();
  batchTimeout.setTimeout('500ms');

  const ordererGroup = new common.ConfigGroup();
  ordererGroup.getGroupsMap().set('OrdererMSP', ordererOrg);
  ordererGroup.getValuesMap().set('ConsensusType', configValue(consensus));
  ordererGroup.getValuesMap().set('BatchSize', configValue(batchSize));
  ordererGroup.getValuesMap().set('BatchTimeout', configValue(batchTimeout));
  ordererGroup.getValuesMap().set('Capabilities', configValue(capabilities('V2_0')));
  ordererGroup.getPoliciesMap().set('BlockValidation', implicitMeta(0, 'Writers'));

  const hospital = orgGroup('HospitalMSP');
  const anchors = new peer.AnchorPeers();
  const anchor = new peer.AnchorPeer();
  anchor.setHost('127.0.0.1');
  anchor.setPort(7110);
  anchors.setAnchorPeersList([anchor]);
  hospital.getValuesMap().set('AnchorPeers', configValue(anchors));
  const applicationGroup = new common.ConfigGroup();
  applicationGroup.getGroupsMap().set('HospitalMSP', hospital);
  applicationGroup.getGroupsMap().set('RegulatorMSP', orgGroup('RegulatorMSP'));
  applicationGroup.getValuesMap().set('Capabilities', configValue(capabilities('V2_5')));
  applicationGroup.getPoliciesMap().set('LifecycleEndorsement', implicitMeta(2, 'Endorsement'));
  applicationGroup.getPoliciesMap().set('Admins', implicitMeta(2, 'Admins'));

  const hashing = new common.HashingAlgorithm();
  hashing.setName('SHA256');
  const channelGroup = new common.ConfigGroup();
  channelGroup.getGroupsMap().set('Orderer', ordererGroup);
  channelGroup.getGroupsMap().set('Application', applicationGroup);
  channelGroup.getValuesMap().set('HashingAlgorithm', configValue(hashing));
  channelGroup.getValuesMap().set('Capabilities', configValue(capabilities('V3_0')));
  channelGroup.getPoliciesMap().set('Readers', implicitMeta(0, 'Readers'));

  const config = new common.Config();
  config.setSequence(3);
  config.setChannelGroup(channelGroup);
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId('medchannel');
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const data = new common.BlockData();
  data.setDataList([envelope.serializeBinary()]);
  const blockHeader = new common.BlockHeader();
  blockHeader.setNumber(4);
  const block = new common.Block();
  block.setHeader(blockHeader);
  block.setData(data);
  blockBytes = block.serializeBinary();
});

describe('describeSignaturePolicy', () => {
  it('prints envelopes in the policy language they were written in', () => {
    for (const rule of [
      "OR('HospitalMSP.admin')",
      "AND('RegulatorMSP.peer', OR('HospitalMSP.peer', 'InsurerMSP.peer'))",
      "OutOf(2, 'A.member', 'B.member', 'C.client')",
    ]) {
      expect(describeSignaturePolicy(signaturePolicyEnvelope(rule))).toBe(rule);
    }
  });
});

describe('decodeChannelConfig', () => {
  it('decodes orgs, MSPs, anchor peers and per-org orderer endpoints', () => {
    const view = decodeChannelConfig(blockBytes, {
      roles: { HospitalMSP: 'hospital', RegulatorMSP: 'regulator', OrdererMSP: 'orderer' },
      readFrom: 'peer0.hospital',
    });
    expect(view).toMatchObject({
      channel: 'medchannel',
      blockNumber: 4,
      sequence: 3,
      readFrom: 'peer0.hospital',
    });
    expect(view.orgs.map((org) => [org.section, org.mspId, org.role])).toEqual([
      ['orderer', 'OrdererMSP', 'orderer'],
      ['application', 'HospitalMSP', 'hospital'],
      ['application', 'RegulatorMSP', 'regulator'],
    ]);
    const hospital = view.orgs.find((org) => org.mspId === 'HospitalMSP');
    expect(hospital?.anchorPeers).toEqual(['127.0.0.1:7110']);
    expect(hospital?.msp).toMatchObject({ name: 'HospitalMSP', type: 'fabric', nodeOUs: true });
    expect(hospital?.msp?.rootCerts[0]?.subject).toContain('CN=ca.example.com');
    expect(hospital?.msp?.rootCerts[0]?.expiry).toBe('valid');
    expect(hospital?.policies.map((policy) => `${policy.name}: ${policy.rule}`)).toEqual([
      "Admins: OR('HospitalMSP.admin')",
      "Readers: OR('HospitalMSP.admin', 'HospitalMSP.peer', 'HospitalMSP.client')",
    ]);
    expect(view.orgs[0]?.ordererEndpoints).toEqual(['127.0.0.1:7100']);
  });

  it('decodes capabilities, implicit-meta policies and the orderer settings', () => {
    const view = decodeChannelConfig(blockBytes);
    expect(view.capabilities).toEqual({ channel: ['V3_0'], orderer: ['V2_0'], application: ['V2_5'] });
    expect(view.hashingAlgorithm).toBe('SHA256');
    expect(view.policies.application).toEqual([
      { name: 'Admins', type: 'ImplicitMeta', rule: 'MAJORITY Admins', modPolicy: 'Admins' },
      {
        name: 'LifecycleEndorsement',
        type: 'ImplicitMeta',
        rule: 'MAJORITY Endorsement',
        modPolicy: 'Admins',
      },
    ]);
    expect(view.policies.orderer).toEqual([
      { name: 'BlockValidation', type: 'ImplicitMeta', rule: 'ANY Writers', modPolicy: 'Admins' },
    ]);
    expect(view.orderer).toMatchObject({
      consensusType: 'etcdraft',
      consensusState: 'normal',
      batchTimeout: '500ms',
      batchSize: {
        maxMessageCount: 200,
        absoluteMaxBytes: 10 * 1024 * 1024,
        preferredMaxBytes: 2 * 1024 * 1024,
      },
      raftOptions: { tickInterval: '500ms', electionTick: 10, heartbeatTick: 1, maxInflightBlocks: 5 },
    });
    expect(view.orderer.consenters).toHaveLength(1);
    expect(view.orderer.consenters[0]).toMatchObject({ host: '127.0.0.1', port: 7100 });
    expect(view.orderer.consenters[0]?.serverTlsCert?.subject).toContain('CN=orderer0.example.com');
  });

  it('refuses blocks that are not config blocks', () => {
    const header = new common.ChannelHeader();
    header.setType(common.HeaderType.ENDORSER_TRANSACTION);
    const wrapped = new common.Header();
    wrapped.setChannelHeader(header.serializeBinary());
    const payload = new common.Payload();
    payload.setHeader(wrapped);
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    const data = new common.BlockData();
    data.setDataList([envelope.serializeBinary()]);
    const block = new common.Block();
    block.setData(data);
    expect(() => decodeChannelConfig(block.serializeBinary())).toThrow(ChannelConfigError);
    expect(() => decodeChannelConfig(new common.Block().serializeBinary())).toThrow(
      /holds exactly one envelope \(this one has 0\)/,
    );
  });
});
