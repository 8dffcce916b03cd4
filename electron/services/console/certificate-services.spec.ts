import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AuthorityKeyIdentifierExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CrlGenerator,
} from '@peculiar/x509';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FabricCaError, type Enrollment, type RegisterRequest } from '../ca/fabric-ca-client';
import { normaliseSerial } from '../ca/ca-crypto';
import {
  caKeyName,
  describeCertificate,
  ensureOrgMaterial,
  issueCertificate,
  readLocalMsp,
  type CertificateAuthority,
} from '../pki';
import { validateProfile, type NetworkProfile, type OrgTopology } from '../runtime/profile';
import type { NodeState, NodeStatus, ProgressEvent } from '../runtime/types';
import {
  CertificateServices,
  type CertificateServicesHost,
  type FabricCaHandle,
} from './certificate-services';
import { ConsoleError } from './errors';
import { FakeConsoleRuntime } from './testing/fake-console-runtime';
import type { ProposeUpdateRequest } from './types';

// Real crypto material on disk (pki) and a fake Fabric CA that signs with the org's real CA key:
// what the certificate services read, write and decide without Fabric processes. The real network
// (renewal with a restart, fabric-ca-server) is covered by the Playwright certificates spec.

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
      fabricCa: { port: 7954 },
    },
    {
      name: 'InsurerOrg',
      mspId: 'InsurerMSP',
      domain: 'insurer.unit.local',
      role: 'insurer',
      peers: ['peer0'],
    },
  ],
});

/** fabric-ca in memory: registered identities, enrollments signed by the org CA, revocations. */
class FakeFabricCa implements FabricCaHandle {
  readonly id = 'ca.hospital.unit.local';
  readonly url = 'https://127.0.0.1:7954';
  readonly secrets = new Map<string, { secret: string; role: string }>();
  readonly issued = new Map<string, string[]>();
  readonly revoked: string[] = [];

  constructor(private readonly ca: CertificateAuthority) {}

  private async issue(enrollmentId: string, role: string): Promise<Enrollment> {
    const pair = await issueCertificate(this.ca, {
      kind: 'identity',
      commonName: enrollmentId,
      organization: 'hospital.unit.local',
      nodeOu: 'client',
      attributes: { role },
    });
    const serial = normaliseSerial(describeCertificate(pair.certPem).serialNumber);
    this.issued.set(enrollmentId, [...(this.issued.get(enrollmentId) ?? []), serial]);
    return {
      mspId: 'HospitalMSP',
      enrollmentId,
      certPem: pair.certPem,
      keyPem: pair.keyPem,
      caChainPem: this.ca.certPem,
    };
  }

  readonly client: FabricCaHandle['client'] = {
    caInfo: async () => ({ caName: this.id, caChainPem: this.ca.certPem, version: '1.5.21' }),
    register: async (_registrar, request: RegisterRequest) => {
      if (this.secrets.has(request.enrollmentId)) {
        throw new FabricCaError(`Identity '${request.enrollmentId}' is already registered`, 500, [74]);
      }
      const role = request.attributes?.find((attribute) => attribute.name === 'role')?.value ?? '';
      const secret = `secret-${request.enrollmentId}`;
      this.secrets.set(request.enrollmentId, { secret, role });
      return secret;
    },
    enroll: async (request) => {
      const registered = this.secrets.get(request.enrollmentId);
      if (registered?.secret !== request.secret) throw new FabricCaError('Authentication failure', 401, [20]);
      return this.issue(request.enrollmentId, registered.role);
    },
    reenroll: async (identity) =>
      this.issue(identity.enrollmentId, this.secrets.get(identity.enrollmentId)?.role ?? ''),
    revoke: async (_revoker, request) => {
      const id = 'enrollmentId' in request ? request.enrollmentId : '';
      const serials = this.issued.get(id) ?? [];
      this.revoked.push(...serials);
      return { revoked: serials.map((serial) => ({ serial, aki: 'aa' })) };
    },
    generateCrl: async () => crlFrom(this.ca, this.revoked),
  };

  async registrar(): Promise<Enrollment> {
    return { mspId: 'HospitalMSP', enrollmentId: 'registrar', certPem: '', keyPem: '', caChainPem: '' };
  }
}

async function crlFrom(ca: CertificateAuthority, serials: string[]): Promise<string> {
  const caCert = new X509Certificate(ca.certPem);
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' }),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const crl = await X509CrlGenerator.create({
    issuer: caCert.subjectName,
    thisUpdate: new Date(),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    signingKey,
    extensions: [
      new AuthorityKeyIdentifierExtension(caCert.getExtension(SubjectKeyIdentifierExtension)?.keyId ?? ''),
    ],
    entries: serials.map((serialNumber) => ({ serialNumber })),
  });
  return `${crl.toString('pem')}\n`;
}

class FakeRuntime extends FakeConsoleRuntime {
  readonly states = new Map<string, NodeState>();
  readonly steps: ProgressEvent[] = [];
  readonly restarted: string[] = [];
  ca: FakeFabricCa | undefined;

  constructor(root: string) {
    super(root, profile);
  }

  override process(id: string): { status(): NodeStatus } | undefined {
    const state = this.states.get(id);
    if (state === undefined) return undefined;
    return {
      status: () => ({ id, kind: 'peer', org: '', mspId: '', state, ports: { listen: 1 }, restarts: 0 }),
    };
  }

  override async restartNode(nodeId: string): Promise<NodeStatus> {
    this.restarted.push(nodeId);
    return {
      id: nodeId,
      kind: 'peer',
      org: '',
      mspId: '',
      state: 'running',
      ports: { listen: 1 },
      restarts: 1,
    };
  }

  override progress(step: string, detail?: string): void {
    this.steps.push({ step, detail });
  }

  override fabricCa(mspId: string): FabricCaHandle | undefined {
    return mspId === 'HospitalMSP' ? this.ca : undefined;
  }
}

class FakeHost implements CertificateServicesHost {
  acting: OrgTopology;
  readonly proposals: ProposeUpdateRequest[] = [];

  constructor(readonly runtime: FakeRuntime) {
    this.acting = this.org('HospitalMSP');
  }

  org(mspId: string): OrgTopology {
    const org = this.runtime.topology.orgs.find((each) => each.mspId === mspId);
    if (!org) throw new Error(`no ${mspId}`);
    return org;
  }

  actingOrg(): OrgTopology {
    return this.acting;
  }

  async readConfigBlock(): Promise<never> {
    throw new ConsoleError('unavailable', 'no peer is running');
  }

  async proposeChannelUpdate(request: ProposeUpdateRequest) {
    this.proposals.push(request);
    return {
      bundleJson: '{}',
      fileName: 'medchannel-update-unsigned.json',
      review: {} as never,
    };
  }
}

let root: string;
let runtime: FakeRuntime;
let host: FakeHost;
let services: CertificateServices;
const HOSPITAL_PEER = 'peer0.hospital.unit.local';

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'medfabric-certificates-'));
  runtime = new FakeRuntime(path.join(root, 'state'));
  for (const org of runtime.topology.orgs) {
    const material = await ensureOrgMaterial(
      runtime.layout.cryptoDir,
      {
        name: org.name,
        mspId: org.mspId,
        domain: org.domain,
        kind: org.role === 'orderer' ? 'orderer' : 'peer',
        nodes: runtime.topology.nodes.filter((node) => node.org === org).map((node) => node.shortName),
        users: [{ name: 'Admin', ou: 'admin' }],
      },
      runtime.keys,
    );
    runtime.material.set(org.mspId, material);
  }
  const hospital = runtime.orgMaterial('HospitalMSP');
  runtime.ca = new FakeFabricCa({
    commonName: 'ca.hospital.unit.local',
    certPem: hospital.caCertPem,
    keyPem: await runtime.keys.get(caKeyName('hospital.unit.local')),
  });
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  host = new FakeHost(runtime);
  services = new CertificateServices(host);
  runtime.states.clear();
});

describe('certificate inventory', () => {
  it('lists the local certificates by holder and org, and says why the channel ones are missing', async () => {
    const inventory = await services.inventory();
    expect(inventory.rows.every((row) => row.origin === 'local')).toBe(true);
    const peerTls = inventory.rows.find((row) => row.holder === HOSPITAL_PEER && row.role === 'tls-server');
    expect(peerTls).toMatchObject({ mspId: 'HospitalMSP', status: 'ok' });
    expect(peerTls?.sources).toEqual([`crypto:hospital.unit.local/nodes/${HOSPITAL_PEER}/tls/server.crt`]);
    // The org CA sits in many MSP folders: one row, every place listed, counted once.
    const hospitalCa = inventory.rows.find(
      (row) => row.isCa && row.mspId === 'HospitalMSP' && row.role === 'ca',
    );
    expect(hospitalCa?.sources.length).toBeGreaterThan(3);
    const distinct = new Set(inventory.rows.map((row) => row.fingerprintSha256)).size;
    expect(inventory.summary).toEqual({ ok: distinct, warn: 0, critical: 0, expired: 0 });
    expect(inventory.problems).toEqual([
      expect.objectContaining({
        source: 'channel:medchannel',
        message: expect.stringContaining('only local certificates are shown: no peer is running'),
      }),
    ]);
  });

  it('offers renewal of the acting org nodes only', async () => {
    const { nodes } = await services.inventory();
    expect(nodes.map((node) => node.nodeId).sort()).toEqual([
      'orderer0.orderer.unit.local',
      HOSPITAL_PEER,
      'peer0.insurer.unit.local',
    ]);
    const hospital = nodes.find((node) => node.nodeId === HOSPITAL_PEER);
    expect(hospital).toMatchObject({ mspId: 'HospitalMSP', state: 'not-started' });
    expect(hospital?.renewRefusal).toBeUndefined();
    expect(hospital?.tls?.status).toBe('ok');
    expect(nodes.find((node) => node.nodeId === 'peer0.insurer.unit.local')?.renewRefusal).toMatch(
      /belongs to InsurerMSP; the console acts as HospitalMSP/,
    );
  });
});

describe('node renewal', () => {
  it('renews a running peer TLS certificate and restarts it', async () => {
    runtime.states.set(HOSPITAL_PEER, 'running');
    const before = (await services.inventory()).nodes.find((node) => node.nodeId === HOSPITAL_PEER);
    const result = await services.renewNode({ nodeId: HOSPITAL_PEER, target: 'tls' });
    expect(result.previous.serialNumber).toBe(before?.tls?.serialNumber);
    expect(result.current.serialNumber).not.toBe(result.previous.serialNumber);
    expect(result).toMatchObject({ restarted: true, state: 'running', keyReused: false, target: 'tls' });
    expect(runtime.restarted).toContain(HOSPITAL_PEER);
    expect(runtime.steps.map((step) => step.step)).toEqual(
      expect.arrayContaining(['Renewing certificate', 'Restarting node', 'Certificate renewed']),
    );
    const after = (await services.inventory()).nodes.find((node) => node.nodeId === HOSPITAL_PEER);
    expect(after?.tls?.serialNumber).toBe(result.current.serialNumber);
  });

  it('refuses another org node and an unknown node', async () => {
    await expect(
      services.renewNode({ nodeId: 'peer0.insurer.unit.local', target: 'tls' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      services.renewNode({ nodeId: 'peer9.hospital.unit.local', target: 'tls' }),
    ).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('renews a stopped node without restarting it', async () => {
    const restarts = runtime.restarted.length;
    const result = await services.renewNode({ nodeId: HOSPITAL_PEER, target: 'enrollment' });
    expect(result).toMatchObject({ restarted: false, state: 'not-started', target: 'enrollment' });
    expect(runtime.restarted).toHaveLength(restarts);
  });
});

describe('Fabric CA', () => {
  it('explains how to enable a CA for an org whose profile has none, and refuses its actions', async () => {
    host.acting = host.org('InsurerMSP');
    const status = await services.caStatus();
    expect(status.problem).toBeUndefined();
    expect(status).toMatchObject({ mspId: 'InsurerMSP', enabled: false });
    expect(status.howToEnable).toMatch(/fabricCa: \{ port: 7054 \}/);
    await expect(services.caRegister({ enrollmentId: 'x', role: 'doctor' })).rejects.toMatchObject({
      code: 'unavailable',
    });
  });

  it('says the CA is not running before the network is up', async () => {
    await expect(services.caStatus()).resolves.toMatchObject({ enabled: true, state: 'not-started' });
    await expect(services.caRegister({ enrollmentId: 'x', role: 'doctor' })).rejects.toThrow(/not running/);
  });

  it('registers, enrolls (writing an MSP), re-enrolls, revokes and proposes the CRL', async () => {
    runtime.states.set('ca.hospital.unit.local', 'running');
    const { secret } = await services.caRegister({ enrollmentId: 'nurse-ca', role: 'nurse' });
    await expect(services.caEnroll({ enrollmentId: 'nurse-ca', secret: 'wrong' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const identity = await services.caEnroll({ enrollmentId: 'nurse-ca', secret });
    expect(identity).toMatchObject({
      name: 'nurse-ca',
      kind: 'user',
      nodeOu: 'client',
      attributes: { role: 'nurse' },
    });
    const msp = await readLocalMsp(
      path.join(runtime.layout.cryptoDir, 'hospital.unit.local/users/nurse-ca@hospital.unit.local/msp'),
      {
        mspId: 'HospitalMSP',
      },
    );
    expect(msp.caCertPem.trim()).toBe(runtime.orgMaterial('HospitalMSP').caCertPem.trim());
    await expect(services.caEnroll({ enrollmentId: 'nurse-ca', secret })).rejects.toMatchObject({
      code: 'conflict',
    });

    const reenrolled = await services.caReenroll({ enrollmentId: 'nurse-ca' });
    expect(reenrolled.previous.serialNumber).toBe(identity.certificate.serialNumber);
    expect(reenrolled.identity.certificate.serialNumber).not.toBe(identity.certificate.serialNumber);

    const revoked = await services.caRevoke({ enrollmentId: 'nurse-ca', reason: 'keycompromise' });
    expect(revoked.revokedSerials).toEqual(runtime.ca?.issued.get('nurse-ca'));
    expect(runtime.ca?.revoked).toEqual(revoked.revokedSerials);
    const status = await services.caStatus();
    expect(status.problem).toBeUndefined();
    expect(status).toMatchObject({ state: 'running', version: '1.5.21' });
    expect(status.caCertificate?.subject).toContain('hospital');
    // Reading revoked serials out of a real CRL is covered by the browser test on fabric-ca-server.
    expect(status.identities).toEqual([
      expect.objectContaining({ enrollmentId: 'nurse-ca', attributes: { role: 'nurse' } }),
    ]);

    const publication = await services.caPublishCrl();
    expect(publication.crl.issuer).toBe(
      describeCertificate(runtime.orgMaterial('HospitalMSP').caCertPem).subject,
    );
    const [proposal] = host.proposals;
    expect(proposal?.edit).toMatchObject({ kind: 'revocation-list', mspId: 'HospitalMSP' });
    expect(proposal?.edit.kind === 'revocation-list' && proposal.edit.crl).toMatch(
      /-----BEGIN (X509 )?CRL-----/,
    );
    expect(proposal?.description).toContain(`Publish the CRL of HospitalMSP's Fabric CA`);
  });

  it('re-enrolls only identities the CA enrolled', async () => {
    runtime.states.set('ca.hospital.unit.local', 'running');
    await runtime.issueClient('HospitalMSP', 'dr-console', { role: 'doctor' });
    await expect(services.caReenroll({ enrollmentId: 'dr-console' })).rejects.toThrow(
      /issued by the console, not enrolled with the Fabric CA/,
    );
    await expect(services.caReenroll({ enrollmentId: 'nobody' })).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(services.caRegister({ enrollmentId: 'dr-console', role: 'doctor' })).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});
