import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate } from '../pki';
import {
  addApplicationOrg,
  addOrdererOrg,
  addRaftConsenter,
  ConfigEditError,
  removeOrg,
  removeRaftConsenter,
  setAcl,
  setAnchorPeers,
  setBatchSize,
  setBatchTimeout,
  setCapability,
  setOrdererEndpoints,
  setPolicy,
} from './config-edits';
import { makeFixtureChannel, makeFixtureOrg, type FixtureChannel } from './config-fixture';
import { decodeChannelConfig } from './config-model';
import { encodeConfig, type ChannelConfig } from './config-tree';
import { ConfigValueError } from './config-values';
import { ORG_DEFINITION_FORMAT, validateOrgDefinition } from './org-definition';
import { canonicalConfigUpdateBytes, computeConfigUpdate, encodeConfigUpdate } from './update-compute';

const execFileAsync = promisify(execFile);
const BIN_DIR = path.resolve(import.meta.dirname, '..', '..', '..', '.fabric', 'bin');
const haveFabric =
  existsSync(path.join(BIN_DIR, 'configtxgen')) && existsSync(path.join(BIN_DIR, 'configtxlator'));

let dir: string;
let fixture: FixtureChannel;

async function sameAsConfigtxlator(original: ChannelConfig, updated: ChannelConfig): Promise<void> {
  const tag = `${Date.now()}-${Math.random()}`;
  const files = ['original', 'updated', 'update'].map((name) => path.join(dir, `${name}-${tag}.pb`));
  const [originalFile = '', updatedFile = '', outputFile = ''] = files;
  await writeFile(originalFile, encodeConfig(original));
  await writeFile(updatedFile, encodeConfig(updated));
  await execFileAsync(path.join(BIN_DIR, 'configtxlator'), [
    'compute_update',
    '--channel_id',
    'medchannel',
    '--original',
    originalFile,
    '--updated',
    updatedFile,
    '--output',
    outputFile,
  ]);
  const theirs = canonicalConfigUpdateBytes(await readFile(outputFile));
  const ours = encodeConfigUpdate(computeConfigUpdate(original, updated, 'medchannel'));
  expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(theirs).toString('hex'));
}

describe.skipIf(!haveFabric)('config edits', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'medfabric-edits-'));
    fixture = await makeFixtureChannel(dir, BIN_DIR);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds and removes a Raft consenter (same update as configtxlator)', async () => {
    const ordererOrg = fixture.orgs.OrdererMSP;
    if (!ordererOrg) throw new Error('no orderer org');
    const tls = await issueCertificate(ordererOrg.tlsCa, {
      kind: 'tls',
      commonName: 'orderer1.orderer.medfabric.local',
      organization: 'OrdererMSP',
    });
    const added = addRaftConsenter(fixture.config, {
      host: '127.0.0.1',
      port: 7150,
      clientTlsCert: tls.certPem,
      serverTlsCert: tls.certPem,
    });
    expect(decodeChannelConfig(added).orderer?.consensus?.raft?.consenters.map((c) => c.port)).toContain(
      7150,
    );
    await sameAsConfigtxlator(fixture.config, added);
    const removed = removeRaftConsenter(added, '127.0.0.1:7150');
    expect(decodeChannelConfig(removed).orderer?.consensus).toEqual(
      decodeChannelConfig(fixture.config).orderer?.consensus,
    );
    expect(() => removeRaftConsenter(fixture.config, '127.0.0.1:1')).toThrow(/is not a consenter/);
    const only = decodeChannelConfig(fixture.config).orderer?.consensus?.raft?.consenters[0];
    expect(() => removeRaftConsenter(fixture.config, `${only?.host}:${only?.port}`)).toThrow(
      /last Raft consenter/,
    );
  });

  it('adds an orderer org with its endpoints and changes endpoints (same update as configtxlator)', async () => {
    const org = await makeFixtureOrg('Orderer2MSP', 'orderer2.example.com');
    const definition = await validateOrgDefinition({
      format: ORG_DEFINITION_FORMAT,
      mspId: 'Orderer2MSP',
      kind: 'orderer',
      caCerts: [org.ca.certPem],
      tlsCaCerts: [org.tlsCa.certPem],
      ordererEndpoints: ['127.0.0.1:7250'],
    });
    const added = addOrdererOrg(fixture.config, definition);
    expect(decodeChannelConfig(added).orderer?.orgs.Orderer2MSP?.endpoints).toEqual(['127.0.0.1:7250']);
    await sameAsConfigtxlator(fixture.config, added);
    const moved = setOrdererEndpoints(fixture.config, 'OrdererMSP', ['127.0.0.1:7999']);
    await sameAsConfigtxlator(fixture.config, moved);
    expect(() => addApplicationOrg(fixture.config, definition)).toThrow(/not an application org definition/);
  });

  it('leaves the input untouched and restating the current value changes nothing', () => {
    const before = Buffer.from(encodeConfig(fixture.config));
    setBatchTimeout(fixture.config, '1s');
    removeOrg(fixture.config, 'HospitalMSP');
    expect(Buffer.from(encodeConfig(fixture.config)).equals(before)).toBe(true);
    const restated = setBatchSize(setCapability(fixture.config, 'Application', 'V2_5', true), {
      maxMessageCount: 200,
    });
    expect(Buffer.from(encodeConfig(restated)).equals(before)).toBe(true);
  });

  it('refuses invalid edits with a clear reason', async () => {
    expect(() => setBatchTimeout(fixture.config, 'soon')).toThrow(ConfigValueError);
    expect(() => setBatchTimeout(fixture.config, '0s')).toThrow(/must be positive/);
    expect(() => setBatchSize(fixture.config, { preferredMaxBytes: 100 * 1024 * 1024 })).toThrow(
      /cannot exceed absoluteMaxBytes/,
    );
    expect(() => setAnchorPeers(fixture.config, 'OrdererMSP', ['127.0.0.1:1'])).toThrow(/orderer org/);
    expect(() => setAnchorPeers(fixture.config, 'HospitalMSP', ['no-port'])).toThrow(/host:port/);
    expect(() => setAnchorPeers(fixture.config, 'NobodyMSP', ['a:1'])).toThrow(/no organization NobodyMSP/);
    expect(() => setAcl(fixture.config, 'nonsense', '/Channel/Application/Writers')).toThrow(
      /not an ACL resource/,
    );
    expect(() => setAcl(fixture.config, 'peer/Propose', undefined)).toThrow(/no ACL is set/);
    expect(() => setCapability(fixture.config, 'Channel', 'latest', true)).toThrow(/not a capability name/);
    expect(() => setPolicy(fixture.config, ['Application'], 'Admins', undefined)).toThrow(
      /cannot be removed/,
    );
    expect(() =>
      setPolicy(fixture.config, ['Application'], 'Endorsement', {
        type: 'Signature',
        rule: "OR('A.nobody')",
      }),
    ).toThrow(/role member, admin/);
    expect(() =>
      setPolicy(fixture.config, ['Application'], 'X', { type: 'ImplicitMeta', rule: 'SOME Admins' }),
    ).toThrow(/ANY\|ALL\|MAJORITY/);
    const org = await makeFixtureOrg('HospitalMSP', 'dup.example.com');
    const duplicate = await validateOrgDefinition({
      format: ORG_DEFINITION_FORMAT,
      mspId: 'HospitalMSP',
      name: 'Hospital2',
      kind: 'application',
      caCerts: [org.ca.certPem],
      tlsCaCerts: [org.tlsCa.certPem],
    });
    expect(() => addApplicationOrg(fixture.config, duplicate)).toThrow(ConfigEditError);
    expect(() => addApplicationOrg(fixture.config, duplicate)).toThrow(
      /already used by organization HospitalMSP/,
    );
  });
});
