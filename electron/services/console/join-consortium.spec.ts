import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../api/handlers';
import { validateOrgDefinition } from '../channel/org-definition';
import { createCertificateAuthority, issueCertificate } from '../pki';
import type { FabricInstallation } from '../runtime/fabric-installer';
import { NetworkRuntime } from '../runtime/network-runtime';
import { loadProfile, validateProfile, type NetworkProfile } from '../runtime/profile';
import { StateLayout } from '../runtime/state-layout';
import type { ProgressEvent } from '../runtime/types';
import { ConsoleServices } from './console-services';
import type { JoinRequest } from './join-types';

// A real NetworkRuntime and real crypto material: preparing a join creates identities and the
// network record only, so no Fabric binary runs here (the e2e onboarding spec joins for real).

const FABRIC: FabricInstallation = {
  binDir: '/nonexistent/fabric/bin',
  configDir: '/nonexistent/fabric/config',
  version: 'unit-test',
  source: 'cache',
  caAvailable: false,
  notes: [],
};

let root: string;
let ordererTlsCa: string;
let leafCertificate: string;
let sandbox: NetworkProfile;

function runtimeOn(stateDir: string, profile: NetworkProfile): NetworkRuntime {
  return new NetworkRuntime({ profile, stateDir, fabric: FABRIC });
}

/** A console on an empty state directory, as `npm start` opens one (the sandbox profile, nothing created). */
async function freshConsole(label: string): Promise<ConsoleServices<NetworkRuntime>> {
  const stateDir = path.join(root, label);
  await mkdir(stateDir, { recursive: true });
  return new ConsoleServices({ runtime: runtimeOn(stateDir, sandbox), openRuntime: runtimeOn });
}

function request(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    org: { name: 'ClinicOrg', mspId: 'ClinicMSP', domain: 'clinic.unit.local', role: 'hospital', peers: 2 },
    channel: 'medchannel',
    orderer: {
      endpoints: ['127.0.0.1:1'],
      mspId: 'OrdererMSP',
      name: 'OrdererOrg',
      domain: 'orderer.unit.local',
      tlsCaPem: ordererTlsCa,
    },
    basePort: 24_000,
    ...overrides,
  };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'medfabric-join-'));
  sandbox = await loadProfile('sandbox');
  const ca = await createCertificateAuthority({
    commonName: 'tlsca.orderer.unit.local',
    organization: 'OrdererOrg',
  });
  ordererTlsCa = ca.certPem;
  leafCertificate = (
    await issueCertificate(ca, {
      kind: 'tls',
      commonName: 'orderer0.orderer.unit.local',
      organization: 'OrdererOrg',
      sans: { dns: ['orderer0.orderer.unit.local'] },
    })
  ).certPem;
}, 30_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ConsoleServices.prepareJoin', () => {
  it('writes the join profile, creates the identities and returns the join package', async () => {
    const services = await freshConsole('newcomer');
    const steps: ProgressEvent[] = [];
    services.controller.on('progress', (event) => steps.push(event));

    const joinPackage = await services.prepareJoin(request());

    expect(joinPackage).toMatchObject({
      mspId: 'ClinicMSP',
      fileName: 'ClinicMSP.org-definition.json',
      anchorPeers: ['127.0.0.1:24000', '127.0.0.1:24010'],
    });
    // The file a member imports passes the member's checks as it is, and holds no key.
    const definition = await validateOrgDefinition(joinPackage.definitionJson);
    expect(definition).toMatchObject({
      mspId: 'ClinicMSP',
      kind: 'application',
      anchorPeers: [
        { host: '127.0.0.1', port: 24_000 },
        { host: '127.0.0.1', port: 24_010 },
      ],
    });
    expect(joinPackage.definitionJson).not.toContain('PRIVATE KEY');

    const layout = services.runtime.layout;
    const record = JSON.parse(await readFile(layout.networkFile, 'utf8')) as { profile: NetworkProfile };
    expect(record.profile.ordererOrg.external).toEqual({
      endpoints: ['127.0.0.1:1'],
      tlsCaFile: path.join(layout.root, 'join', 'orderer-tls-ca.pem'),
    });
    expect(record.profile.peerOrgs).toEqual([
      expect.objectContaining({ mspId: 'ClinicMSP', role: 'hospital', peers: ['peer0', 'peer1'] }),
    ]);
    expect(await readFile(path.join(layout.root, 'join', 'orderer-tls-ca.pem'), 'utf8')).toBe(
      ordererTlsCa.trim() + '\n',
    );

    expect(services.context()).toMatchObject({
      networkCreated: true,
      acting: { mspId: 'ClinicMSP' },
      orgs: [{ mspId: 'ClinicMSP', role: 'hospital' }],
      join: {
        mspId: 'ClinicMSP',
        orgName: 'ClinicOrg',
        channel: 'medchannel',
        ordererEndpoints: ['127.0.0.1:1'],
        prepared: true,
        joined: false,
      },
    });
    expect(steps.map((step) => step.step)).toEqual(['Join profile', 'Crypto material', 'Join package']);
  });

  it('resumes the newcomer after a restart: same package, and the orderer height says why it is unknown', async () => {
    const first = await freshConsole('restarted');
    const prepared = await first.prepareJoin(request({ basePort: 24_100 }));
    const layout = first.runtime.layout;

    // What electron/start.ts does on start: the profile comes from the state directory's network.json.
    const record = JSON.parse(await readFile(layout.networkFile, 'utf8')) as { profile: unknown };
    const restarted = new ConsoleServices({
      runtime: runtimeOn(layout.root, validateProfile(record.profile)),
      openRuntime: runtimeOn,
    });
    expect(restarted.context().join).toMatchObject({ prepared: true, joined: false });
    expect(restarted.context().acting.mspId).toBe('ClinicMSP');
    expect(await restarted.joinPackage()).toEqual(prepared);

    const status = await restarted.joinStatus();
    expect(status).toMatchObject({
      mspId: 'ClinicMSP',
      orderer: { address: '127.0.0.1:1', height: null, error: expect.stringContaining('127.0.0.1:1') },
      peers: [
        { peerId: 'peer0.clinic.unit.local', height: null, error: 'peer0.clinic.unit.local is not running' },
        { peerId: 'peer1.clinic.unit.local', height: null, error: 'peer1.clinic.unit.local is not running' },
      ],
      caughtUp: false,
    });
    // Preparing again would overwrite the newcomer's identities: refused.
    await expect(restarted.prepareJoin(request())).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already holds a network/),
    });
  });

  it('refuses an orderer TLS certificate that is not a CA certificate, and writes nothing', async () => {
    const services = await freshConsole('leaf-pem');
    const before = services.runtime;
    const refusal = services.prepareJoin(
      request({ orderer: { ...request().orderer, tlsCaPem: leafCertificate } }),
    );
    await expect(refusal).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/is not a CA certificate \(CA:TRUE missing\).*tlsca certificate/s),
    });
    expect(services.runtime).toBe(before);
    expect(existsSync(before.layout.networkFile)).toBe(false);
    expect(existsSync(path.join(before.layout.root, 'join'))).toBe(false);
  });

  it('refuses a state directory that holds a network or node ledgers, and leaves it as it was', async () => {
    const services = await freshConsole('existing');
    const layout = new StateLayout(services.runtime.layout.root);
    await writeFile(layout.networkFile, JSON.stringify({ profile: sandbox }));
    await expect(services.prepareJoin(request())).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already holds a network \(profile sandbox, channel medchannel\)/),
    });
    expect(JSON.parse(await readFile(layout.networkFile, 'utf8'))).toEqual({ profile: sandbox });

    const ledgers = await freshConsole('ledgers');
    await mkdir(path.join(ledgers.runtime.layout.root, 'nodes', 'peer0.hospital.medfabric.local'), {
      recursive: true,
    });
    await expect(ledgers.prepareJoin(request())).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/holds node ledgers/),
    });
  });

  it('refuses settings the profile cannot hold, in words', async () => {
    const services = await freshConsole('same-name');
    await expect(
      services.prepareJoin(request({ org: { ...request().org, name: 'OrdererOrg' } })),
    ).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/"OrdererOrg" is used by more than one org/),
    });
    expect(existsSync(services.runtime.layout.networkFile)).toBe(false);
  });

  it('answers bad arguments through the API with the field and the reason', async () => {
    const services = await freshConsole('api');
    const handlers = createApiHandlers(services.controller, services);
    const { orderer } = request();
    const invalidMsp = await handlers.invoke('console:prepare-join', {
      ...request(),
      org: { ...request().org, mspId: 'Clinic MSP!' },
    });
    expect(invalidMsp).toMatchObject({
      error: { code: 'invalid-argument', message: expect.stringContaining('org.mspId: must be an MSP ID') },
    });
    const badEndpoint = await handlers.invoke('console:prepare-join', {
      ...request(),
      orderer: { ...orderer, endpoints: ['orderer.example.org'] },
    });
    expect(badEndpoint).toMatchObject({
      error: {
        code: 'invalid-argument',
        message: expect.stringContaining('orderer.endpoints.0: must be host:port'),
      },
    });
    const notCa = await handlers.invoke('console:prepare-join', {
      ...request(),
      orderer: { ...orderer, tlsCaPem: leafCertificate },
    });
    expect(notCa).toMatchObject({ error: { code: 'invalid-argument' } });
    expect(existsSync(services.runtime.layout.networkFile)).toBe(false);
  });

  it('says a console that runs its own ordering service has no join package', async () => {
    const services = await freshConsole('sandbox');
    expect(services.context().join).toBeUndefined();
    await expect(services.joinPackage()).rejects.toMatchObject({ code: 'not-found' });
    await expect(services.joinStatus()).rejects.toMatchObject({ code: 'not-found' });
  });
});
