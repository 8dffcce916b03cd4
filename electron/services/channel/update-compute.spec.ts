import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addApplicationOrg,
  removeOrg,
  setAcl,
  setAnchorPeers,
  setBatchSize,
  setBatchTimeout,
  setCapability,
  setPolicy,
} from './config-edits';
import { makeFixtureChannel, makeFixtureOrg, type FixtureChannel } from './config-fixture';
import { decodeChannelConfig, encodeChannelConfig, editChannelConfig } from './config-model';
import { encodeConfig, type ChannelConfig } from './config-tree';
import { orgDefinitionFromMaterial, validateOrgDefinition } from './org-definition';
import {
  canonicalConfigUpdateBytes,
  computeConfigUpdate,
  decodeConfigUpdate,
  encodeConfigUpdate,
  NoConfigChangeError,
} from './update-compute';

const execFileAsync = promisify(execFile);
const BIN_DIR = path.resolve(import.meta.dirname, '..', '..', '..', '.fabric', 'bin');
const haveFabric =
  existsSync(path.join(BIN_DIR, 'configtxgen')) && existsSync(path.join(BIN_DIR, 'configtxlator'));

let dir: string;
let fixture: FixtureChannel;

async function configtxlatorUpdate(original: ChannelConfig, updated: ChannelConfig): Promise<Uint8Array> {
  const originalFile = path.join(dir, `original-${Math.random()}.pb`);
  const updatedFile = path.join(dir, `updated-${Math.random()}.pb`);
  const outputFile = path.join(dir, `update-${Math.random()}.pb`);
  await writeFile(originalFile, encodeConfig(original));
  await writeFile(updatedFile, encodeConfig(updated));
  await execFileAsync(path.join(BIN_DIR, 'configtxlator'), [
    'compute_update',
    '--channel_id',
    fixture.channelId,
    '--original',
    originalFile,
    '--updated',
    updatedFile,
    '--output',
    outputFile,
  ]);
  return readFile(outputFile);
}

describe.skipIf(!haveFabric)('channel config model and update computation (against configtxlator)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-config-'));
    fixture = await makeFixtureChannel(dir, BIN_DIR);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes the genesis config into a readable model', () => {
    const model = decodeChannelConfig(fixture.config);
    expect(model.channel.capabilities).toEqual(['V3_0']);
    expect(model.channel.policies.Admins?.policy).toEqual({ type: 'ImplicitMeta', rule: 'MAJORITY Admins' });
    expect(model.orderer?.batchTimeout).toBe('500ms');
    expect(model.orderer?.batchSize?.maxMessageCount).toBe(200);
    expect(model.orderer?.consensus?.type).toBe('etcdraft');
    expect(model.orderer?.consensus?.raft?.consenters).toHaveLength(1);
    expect(model.orderer?.orgs.OrdererMSP?.endpoints).toEqual([fixture.topology.orderers[0]?.address]);
    expect(Object.keys(model.application?.orgs ?? {})).toEqual(['HospitalMSP', 'InsurerMSP', 'RegulatorMSP']);
    const hospital = model.application?.orgs.HospitalMSP;
    expect(hospital?.mspId).toBe('HospitalMSP');
    expect(hospital?.anchorPeers).toEqual([
      { host: '127.0.0.1', port: fixture.topology.peers[0]?.listenPort },
    ]);
    expect(hospital?.policies.Admins?.policy).toEqual({ type: 'Signature', rule: "OR('HospitalMSP.admin')" });
    expect(hospital?.msp?.type === 'fabric' && hospital.msp.nodeOus?.admin?.identifier).toBe('admin');
    expect(hospital?.msp?.type === 'fabric' && hospital.msp.rootCerts[0]).toBe(
      fixture.orgs.HospitalMSP?.ca.certPem,
    );
    expect(model.application?.capabilities).toEqual(['V2_5']);
  });

  it('round-trips config → model → config byte for byte, and re-encodes from scratch to the same meaning', () => {
    const model = decodeChannelConfig(fixture.config);
    const back = encodeChannelConfig(model, fixture.config);
    expect(Buffer.from(encodeConfig(back)).equals(Buffer.from(encodeConfig(fixture.config)))).toBe(true);
    const fresh = encodeChannelConfig(model);
    expect(decodeChannelConfig(fresh)).toEqual(model);
  });

  it('refuses an update without differences, like configtxlator', () => {
    expect(() =>
      computeConfigUpdate(fixture.config, setBatchTimeout(fixture.config, '0.5s'), 'medchannel'),
    ).toThrow(NoConfigChangeError);
  });

  const cases: Array<[string, (config: ChannelConfig) => Promise<ChannelConfig> | ChannelConfig]> = [
    ['batch timeout', (c) => setBatchTimeout(c, '400ms')],
    ['batch size', (c) => setBatchSize(c, { maxMessageCount: 50 })],
    [
      'anchor peer added',
      (c) =>
        setAnchorPeers(c, 'HospitalMSP', [
          `127.0.0.1:${fixture.topology.peers[0]?.listenPort}`,
          'peer1.hospital.example:7051',
        ]),
    ],
    [
      'new org added to Application',
      async (c) => {
        const org = await makeFixtureOrg('Hospital2MSP', 'hospital2.example.com');
        const definition = await validateOrgDefinition(
          orgDefinitionFromMaterial(
            {
              spec: {
                name: 'Hospital2',
                mspId: 'Hospital2MSP',
                domain: 'hospital2.example.com',
                kind: 'peer',
                nodes: [],
                users: [],
              },
              root: dir,
              caCertPem: org.ca.certPem,
              tlsCaCertPem: org.tlsCa.certPem,
              channelMspDir: dir,
              nodes: {},
              users: {},
            },
            { anchorPeers: [{ host: '127.0.0.1', port: 9051 }] },
          ),
        );
        return addApplicationOrg(c, definition);
      },
    ],
    ['org removed', (c) => removeOrg(c, 'RegulatorMSP')],
    ['ACL change', (c) => setAcl(c, 'qscc/GetChainInfo', '/Channel/Application/Writers')],
    ['capability change', (c) => setCapability(c, 'Application', 'V2_0', true)],
    [
      'policy change',
      (c) => setPolicy(c, ['Application'], 'Endorsement', { type: 'ImplicitMeta', rule: 'ANY Endorsement' }),
    ],
    [
      'model edit (several at once)',
      (c) =>
        editChannelConfig(c, (model) => {
          if (model.orderer) model.orderer.batchTimeout = '1s';
          if (model.application) model.application.acls['peer/Propose'] = '/Channel/Application/Admins';
        }),
    ],
  ];

  for (const [name, change] of cases) {
    it(`computes the same update as configtxlator compute_update: ${name}`, async () => {
      const updated = await change(fixture.config);
      const ours = encodeConfigUpdate(computeConfigUpdate(fixture.config, updated, fixture.channelId));
      const theirs = await configtxlatorUpdate(fixture.config, updated);
      expect(Buffer.from(ours).toString('hex')).toBe(
        Buffer.from(canonicalConfigUpdateBytes(theirs)).toString('hex'),
      );
      expect(decodeConfigUpdate(ours).channelId).toBe(fixture.channelId);
    });
  }

  it('bumps a group version only when its members change and pins unchanged members in the read set', async () => {
    const update = computeConfigUpdate(
      fixture.config,
      removeOrg(fixture.config, 'RegulatorMSP'),
      'medchannel',
    );
    const application = update.writeSet.groups.Application;
    expect(application?.version).toBe(1);
    expect(application?.modPolicy).toBe('Admins');
    expect(Object.keys(application?.groups ?? {}).sort()).toEqual(['HospitalMSP', 'InsurerMSP']);
    expect(update.readSet.groups.Application?.groups.HospitalMSP?.version).toBe(0);
    const timeout = computeConfigUpdate(
      fixture.config,
      setBatchTimeout(fixture.config, '400ms'),
      'medchannel',
    );
    expect(timeout.writeSet.groups.Orderer?.version).toBe(0);
    expect(timeout.writeSet.groups.Orderer?.values.BatchTimeout?.version).toBe(1);
    expect(timeout.readSet.groups.Orderer?.values).toEqual({});
  });
});
