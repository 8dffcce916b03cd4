import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOrgMaterial } from '../pki';
import { validateProfile, type NetworkProfile, type NodeTopology } from '../runtime/profile';
import { StateLayout } from '../runtime/state-layout';
import type { NodeStatus } from '../runtime/types';
import { ConsoleServices } from './console-services';
import { ConsoleError } from './errors';
import { FakeConsoleRuntime } from './testing/fake-console-runtime';

// Real crypto material on disk (pki), a fake process layer: what the services read and decide
// without Fabric processes. The real network is covered by the Playwright specs.

const profile: NetworkProfile = validateProfile({
  name: 'unit',
  basePort: 7100,
  channel: 'medchannel',
  ordererOrg: {
    name: 'OrdererOrg',
    mspId: 'OrdererMSP',
    domain: 'orderer.unit.local',
    orderers: ['orderer0'],
  },
  peerOrgs: [
    {
      name: 'HospitalOrg',
      mspId: 'HospitalMSP',
      domain: 'hospital.unit.local',
      role: 'hospital',
      peers: ['peer0'],
    },
    {
      name: 'InsurerOrg',
      mspId: 'InsurerMSP',
      domain: 'insurer.unit.local',
      role: 'insurer',
      peers: ['peer0'],
    },
    {
      name: 'RegulatorOrg',
      mspId: 'RegulatorMSP',
      domain: 'regulator.unit.local',
      role: 'regulator',
      peers: ['peer0'],
    },
  ],
});

class FakeRuntime extends FakeConsoleRuntime {
  running = new Set<string>();

  constructor(root: string) {
    super(root, profile);
  }

  override process(id: string): { status(): NodeStatus } | undefined {
    if (!this.running.has(id)) return undefined;
    return {
      status: () => ({
        id,
        kind: 'peer',
        org: '',
        mspId: '',
        state: 'running',
        ports: { listen: 1 },
        restarts: 0,
      }),
    };
  }
}

let root: string;
let runtime: FakeRuntime;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'medfabric-console-'));
  runtime = new FakeRuntime(path.join(root, 'state'));
  for (const org of runtime.topology.orgs) {
    const nodes = runtime.topology.nodes
      .filter((node: NodeTopology) => node.org === org)
      .map((node) => node.shortName);
    const material = await ensureOrgMaterial(
      runtime.layout.cryptoDir,
      {
        name: org.name,
        mspId: org.mspId,
        domain: org.domain,
        kind: org.role === 'orderer' ? 'orderer' : 'peer',
        nodes,
        users: [{ name: 'Admin', ou: 'admin' }],
      },
      runtime.keys,
    );
    runtime.material.set(org.mspId, material);
  }
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ConsoleServices', () => {
  it('acts as the hospital by default and lets the sandbox switch', () => {
    const services = new ConsoleServices({ runtime });
    expect(services.context()).toMatchObject({
      mode: 'sandbox',
      canSwitch: true,
      acting: { mspId: 'HospitalMSP', role: 'hospital' },
      networkCreated: false,
      channel: 'medchannel',
    });
    expect(services.context().orgs.map((org) => org.mspId)).toEqual([
      'HospitalMSP',
      'InsurerMSP',
      'RegulatorMSP',
      'OrdererMSP',
    ]);
    expect(services.setActingOrg('RegulatorMSP').acting.role).toBe('regulator');
    expect(() => services.setActingOrg('NopeMSP')).toThrow(ConsoleError);
  });

  it('fixes a member console to its own org', () => {
    const services = new ConsoleServices({ runtime, mode: 'member', actingMspId: 'InsurerMSP' });
    expect(services.context()).toMatchObject({ canSwitch: false, acting: { mspId: 'InsurerMSP' } });
    expect(() => services.setActingOrg('HospitalMSP')).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
  });

  it('shows a hospital its own identities and the regulator everyone’s', async () => {
    const services = new ConsoleServices({ runtime });
    const own = await services.listIdentities();
    expect(own.map((org) => org.mspId)).toEqual(['HospitalMSP']);
    const hospital = own[0];
    expect(hospital?.canIssue).toBe(true);
    expect(hospital?.ca?.subject).toContain('ca.hospital.unit.local');
    expect(hospital?.identities.map((identity) => [identity.name, identity.kind, identity.nodeOu])).toEqual([
      ['Admin', 'user', 'admin'],
      ['peer0.hospital.unit.local', 'node', 'peer'],
    ]);
    expect(hospital?.identities[0]?.certificate.expiry).toBe('valid');
    expect(hospital?.identities[0]?.tlsCertificate?.daysToExpiry).toBeGreaterThan(300);
    await expect(services.listIdentities('InsurerMSP')).rejects.toMatchObject({ code: 'forbidden' });

    services.setActingOrg('RegulatorMSP');
    const all = await services.listIdentities();
    expect(all.map((org) => [org.mspId, org.canIssue])).toEqual([
      ['OrdererMSP', false],
      ['HospitalMSP', false],
      ['InsurerMSP', false],
      ['RegulatorMSP', true],
    ]);
  });

  it('enrolls client identities of the acting org only, never twice, without returning a key', async () => {
    const services = new ConsoleServices({ runtime });
    const issued = await services.issueIdentity({ mspId: 'HospitalMSP', name: 'dr-unit', role: 'doctor' });
    expect(issued).toMatchObject({
      name: 'dr-unit',
      kind: 'user',
      nodeOu: 'client',
      attributes: { role: 'doctor' },
    });
    expect(JSON.stringify(issued)).not.toContain('PRIVATE KEY');
    const patient = await services.issueIdentity({
      mspId: 'HospitalMSP',
      name: 'p-unit',
      role: 'patient',
      patientId: 'P-0001',
    });
    expect(patient.attributes).toEqual({ patientId: 'P-0001', role: 'patient' });
    const listed = (await services.listIdentities('HospitalMSP'))[0]?.identities.map(
      (identity) => identity.name,
    );
    expect(listed).toEqual(['Admin', 'dr-unit', 'p-unit', 'peer0.hospital.unit.local']);

    await expect(
      services.issueIdentity({ mspId: 'HospitalMSP', name: 'dr-unit', role: 'doctor' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(
      services.issueIdentity({ mspId: 'InsurerMSP', name: 'x', role: 'adjuster' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      services.issueIdentity({ mspId: 'NopeMSP', name: 'x', role: 'doctor' }),
    ).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('exports an org definition another consortium can add to a channel', async () => {
    const services = new ConsoleServices({ runtime });
    const definition = await services.exportOrgDefinition('InsurerMSP');
    expect(definition).toMatchObject({
      format: 'medfabric.org-definition/v1',
      mspId: 'InsurerMSP',
      kind: 'application',
      nodeOUs: { enable: true },
      anchorPeers: [{ host: '127.0.0.1', port: 7120 }],
      ordererEndpoints: [],
      policies: { Admins: "OR('InsurerMSP.admin')", Endorsement: "OR('InsurerMSP.peer')" },
    });
    expect(definition.caCerts).toEqual([runtime.orgMaterial('InsurerMSP').caCertPem]);
    expect(definition.tlsCaCerts).toEqual([runtime.orgMaterial('InsurerMSP').tlsCaCertPem]);
    expect(JSON.stringify(definition)).not.toContain('PRIVATE KEY');
    // A partner's console accepts the file as it is.
    await expect(services.importOrgDefinition(JSON.stringify(definition))).resolves.toMatchObject({
      valid: true,
      mspId: 'InsurerMSP',
      kind: 'application',
      problems: [],
    });
    const orderer = await services.exportOrgDefinition('OrdererMSP');
    expect(orderer).toMatchObject({ kind: 'orderer', anchorPeers: [], ordererEndpoints: ['127.0.0.1:7100'] });
  });

  it('explains in words why a partner org definition is refused', async () => {
    const services = new ConsoleServices({ runtime });
    const good = await services.exportOrgDefinition('HospitalMSP');
    const notJson = await services.importOrgDefinition('{ not json');
    expect(notJson).toMatchObject({ valid: false, alreadyMember: false });
    expect(notJson.problems.join('\n')).toMatch(/not JSON/);
    const broken = await services.importOrgDefinition(
      JSON.stringify({
        ...good,
        mspId: 'Hospital2MSP',
        caCerts: ['-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----'],
      }),
    );
    expect(broken.valid).toBe(false);
    expect(broken.mspId).toBe('Hospital2MSP');
    expect(broken.problems.join('\n')).toMatch(/CA certificate 1/);
    expect(broken.problems.join('\n')).toMatch(/does not name Hospital2MSP/);
  });

  it('acts as the orderer org too, so its admin can sign ordering-service changes', () => {
    const services = new ConsoleServices({ runtime });
    expect(services.context().orgs.map((org) => org.mspId)).toEqual([
      'HospitalMSP',
      'InsurerMSP',
      'RegulatorMSP',
      'OrdererMSP',
    ]);
    expect(services.setActingOrg('OrdererMSP').acting).toMatchObject({
      mspId: 'OrdererMSP',
      role: 'orderer',
    });
    expect(() => services.setActingOrg('NopeMSP')).toThrow(ConsoleError);
  });

  it('asks for a running peer before reading the channel or the chaincodes', async () => {
    const services = new ConsoleServices({ runtime });
    await expect(services.channelConfig()).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/no peer is running/),
    });
    await expect(services.chaincodeInfo()).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('opens an existing state directory only when it holds a network and the current one is down', async () => {
    const opened: string[] = [];
    const services = new ConsoleServices({
      runtime,
      openRuntime: (dir) => {
        opened.push(dir);
        return new FakeRuntime(dir);
      },
    });
    await expect(services.openStateDir(path.join(root, 'missing'))).rejects.toMatchObject({
      code: 'conflict',
    });
    await runtime.down();
    await expect(services.openStateDir(path.join(root, 'missing'))).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(services.openStateDir(root)).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/network.json/),
    });
    const existing = path.join(root, 'existing');
    const layout = new StateLayout(existing);
    await mkdir(existing, { recursive: true });
    await writeFile(layout.networkFile, JSON.stringify({ profile }));
    const context = await services.openStateDir(existing);
    expect(opened).toEqual([existing]);
    expect(context.stateDir).toBe(existing);
    expect(services.runtime).not.toBe(runtime);
  });
});
