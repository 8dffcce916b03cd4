// Fabric CA for the hospital against the real network: fabric-ca-server signs with the org's own
// identity CA, so an identity registered and enrolled through its REST API (no fabric-ca-client)
// transacts on the channel with its role attribute. Revoking it yields a CRL naming its serial;
// published in HospitalMSP's revocation_list (signed by the hospital admin alone), the peers then
// refuse the revoked identity while other CA-enrolled identities keep working. The channel's
// revocation list is restored and the CA stopped at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCrl, normaliseSerial } from '../../electron/services/ca/ca-crypto';
import { publishCrl, revocationListOf, setRevocationList } from '../../electron/services/ca/crl-publication';
import type { Enrollment } from '../../electron/services/ca/fabric-ca-client';
import {
  enrollmentMspDir,
  startFabricCa,
  writeEnrollmentMsp,
  type FabricCa,
} from '../../electron/services/ca/fabric-ca-server';
import { fetchChannelConfig } from '../../electron/services/channel/update-submit';
import { describeFabricError } from '../../electron/services/gateway/gateway-client';
import { describeCertificate, readLocalMsp } from '../../electron/services/pki';
import type { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import type { NodeTopology, OrgTopology } from '../../electron/services/runtime/profile';
import { findFreePortBlock } from './support/ports';
import { attachRuntime, eventually } from './support/shared-network';
import { peerOrgOf, type PeerOrgRole } from '../../electron/services/medfabric/medfabric-client';

let runtime: NetworkRuntime;
let hospital: OrgTopology;
let hospitalPeer: NodeTopology;
let ca: FabricCa | undefined;
let originalRevocationList: string[] | undefined;
const tag = `${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
const doctorId = `doctor-${tag}`;
const nurseId = `nurse-${tag}`;
let doctor: Enrollment;

function peerOrg(role: PeerOrgRole): OrgTopology {
  return peerOrgOf(runtime, role);
}

/** Diagnostics:Ping (endorsed, ordered, committed) as `identity` through the hospital peer; the tx id. */
async function pingAs(identity: Enrollment): Promise<string> {
  const connection = runtime.gateway(hospitalPeer, identity);
  try {
    const result = await connection.gateway
      .getNetwork(runtime.channel)
      .getContract('medfabric', 'Diagnostics')
      .submitTransaction('Ping');
    return Buffer.from(result).toString('utf8');
  } catch (error) {
    throw describeFabricError(error, connection.endpoint, `${identity.enrollmentId}: Diagnostics:Ping`);
  } finally {
    connection.close();
  }
}

async function registerAndEnroll(id: string, role: string): Promise<Enrollment> {
  if (!ca) throw new Error('the CA is not running');
  const registrar = await ca.registrar();
  const secret = await ca.client.register(registrar, {
    enrollmentId: id,
    type: 'client',
    attributes: [{ name: 'role', value: role, ecert: true }],
  });
  return ca.client.enroll({
    enrollmentId: id,
    secret,
    organization: hospital.domain,
    country: 'US',
    attributes: [{ name: 'role' }],
  });
}

beforeAll(async () => {
  runtime = await attachRuntime();
  hospital = peerOrg('hospital');
  hospitalPeer = runtime.firstPeerOf(hospital);
  originalRevocationList = revocationListOf((await fetchChannelConfig(runtime)).config, hospital.mspId);
  const port = await findFreePortBlock(1);
  ca = await startFabricCa(runtime, { org: hospital.mspId, port });
});

afterAll(async () => {
  try {
    const current = revocationListOf((await fetchChannelConfig(runtime)).config, hospital.mspId);
    if (
      originalRevocationList !== undefined &&
      JSON.stringify(current) !== JSON.stringify(originalRevocationList)
    ) {
      await setRevocationList(runtime, hospital.mspId, originalRevocationList);
    }
  } finally {
    await ca?.stop();
    // Registered in this file's attached runtime, so it is ours to stop (ca.stop did; this is a guard).
    if (ca) await runtime.process(ca.id)?.stop();
  }
});

describe('Fabric CA for the hospital', () => {
  it('runs as a supervised node whose CA chain is the hospital MSP root', async () => {
    if (!ca) throw new Error('the CA is not running');
    expect(ca.process.status()).toMatchObject({ kind: 'ca', state: 'running', mspId: hospital.mspId });
    const info = await ca.client.caInfo();
    expect(info.version).toBe('1.5.21');
    expect(info.caChainPem.trim()).toBe(runtime.orgMaterial(hospital.mspId).caCertPem.trim());
  });

  it('registers and enrolls a doctor whose certificate carries role=doctor and forms a valid local MSP', async () => {
    doctor = await registerAndEnroll(doctorId, 'doctor');
    const info = describeCertificate(doctor.certPem);
    expect(info.nodeOu).toBe('client');
    expect(info.attributes).toMatchObject({
      role: 'doctor',
      'hf.EnrollmentID': doctorId,
      'hf.Type': 'client',
    });
    expect(info.subject).toContain(`CN=${doctorId}`);
    const dir = enrollmentMspDir(runtime, hospital.mspId, doctorId);
    await writeEnrollmentMsp(dir, doctor, runtime.orgMaterial(hospital.mspId).tlsCaCertPem);
    const msp = await readLocalMsp(dir, { mspId: hospital.mspId });
    expect(msp.nodeOu).toBe('client');
    expect(msp.caCertPem.trim()).toBe(runtime.orgMaterial(hospital.mspId).caCertPem.trim());
  });

  it('lets the CA-enrolled doctor submit Diagnostics:Ping through the hospital peer', async () => {
    const txId = await pingAs(doctor);
    expect(txId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('revokes the doctor; the CA CRL lists its serial', async () => {
    if (!ca) throw new Error('the CA is not running');
    const registrar = await ca.registrar();
    const serial = normaliseSerial(describeCertificate(doctor.certPem).serialNumber);
    const result = await ca.client.revoke(registrar, { certPem: doctor.certPem, reason: 'keycompromise' });
    expect(result.revoked.map((entry) => entry.serial)).toEqual([serial]);
    const crl = describeCrl(await ca.client.generateCrl(registrar));
    expect(crl.revokedSerials).toContain(serial);
    expect(crl.issuer).toBe(describeCertificate(runtime.orgMaterial(hospital.mspId).caCertPem).subject);
  });

  it("publishes the CRL in HospitalMSP's revocation_list; the peers then refuse the revoked doctor only", async () => {
    if (!ca) throw new Error('the CA is not running');
    const nurse = await registerAndEnroll(nurseId, 'nurse');
    const crlPem = await ca.client.generateCrl(await ca.registrar());
    const result = await publishCrl(runtime, hospital.mspId, crlPem);
    expect(result.peers).toHaveLength(runtime.topology.peers.length);
    const published = revocationListOf((await fetchChannelConfig(runtime)).config, hospital.mspId);
    expect(published.map((pem) => pem.trim())).toContain(crlPem.trim());

    const refusal = await eventually(
      async () =>
        pingAs(doctor).then(
          () => undefined,
          (error: unknown) => error as Error,
        ),
      30_000,
      'the revoked doctor to be refused',
    );
    expect(refusal.message).toMatch(/revoked|access denied|creator|identity/i);
    expect(await pingAs(nurse)).toMatch(/^[0-9a-f]{64}$/);
  });
});
