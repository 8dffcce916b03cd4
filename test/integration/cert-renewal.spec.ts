// Certificate renewal against the real network: the insurer peer's TLS certificate is re-issued
// from the org's TLS CA (key from the keystore) with a new key and validity, the peer is restarted
// through the console API, and it then serves the new certificate with its ledger intact and keeps
// endorsing and committing transactions. The expiry radar shows the new certificate.
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateInventory } from '../../electron/services/pki/cert-inventory';
import { renewNodeCertificates } from '../../electron/services/pki/cert-renewal';
import type { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import type { NodeTopology, OrgTopology } from '../../electron/services/runtime/profile';
import { api, attachRuntime, eventually } from './support/shared-network';
import { peerOrgOf, type PeerOrgRole } from '../../electron/services/medfabric/medfabric-client';

let runtime: NetworkRuntime;
let insurer: OrgTopology;
let regulator: OrgTopology;
let insurerPeer: NodeTopology;

/** Serial (upper-case hex) of the certificate the listener presents in a TLS handshake. */
function servedSerial(node: NodeTopology): Promise<string> {
  const caPem = runtime.orgMaterial(node.org.mspId).tlsCaCertPem;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: node.listenPort,
      ca: caPem,
      servername: 'localhost',
      ALPNProtocols: ['h2'],
    });
    socket.setTimeout(5_000);
    socket.once('secureConnect', () => {
      const serial = socket.getPeerCertificate().serialNumber.toUpperCase();
      socket.end();
      resolve(serial);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('TLS handshake timed out'));
    });
    socket.once('error', reject);
  });
}

async function heightOf(node: NodeTopology): Promise<number> {
  const status = await api('network:status');
  const height = status.heights.find((entry) => entry.peerId === node.id)?.height;
  if (height === undefined) throw new Error(`no height reported for ${node.id}`);
  return height;
}

async function pingThroughInsurer(): Promise<string> {
  const connection = runtime.gateway(insurerPeer);
  try {
    const result = await connection.gateway
      .getNetwork(runtime.channel)
      .getContract('medfabric', 'Diagnostics')
      .submit('Ping', { arguments: [], endorsingOrganizations: [insurer.mspId, regulator.mspId] });
    return Buffer.from(result).toString('utf8');
  } finally {
    connection.close();
  }
}

function peerOrg(role: PeerOrgRole): OrgTopology {
  return peerOrgOf(runtime, role);
}

beforeAll(async () => {
  runtime = await attachRuntime();
  insurer = peerOrg('insurer');
  regulator = peerOrg('regulator');
  insurerPeer = runtime.firstPeerOf(insurer);
});

describe('certificate renewal', () => {
  it('renews the insurer peer TLS certificate; after a restart through the API it serves the new one, ledger intact', async () => {
    const serialBefore = await servedSerial(insurerPeer);
    const heightBefore = await heightOf(insurerPeer);

    const result = await renewNodeCertificates({
      cryptoDir: runtime.layout.cryptoDir,
      keystore: await runtime.keystore(),
      domain: insurer.domain,
      host: insurerPeer.host,
      targets: ['tls'],
      validityDays: 400,
    });
    const [renewed] = result.renewed;
    if (!renewed) throw new Error('nothing renewed');
    expect(renewed.previous.serialNumber).toBe(serialBefore);
    expect(renewed.current.serialNumber).not.toBe(serialBefore);
    expect(renewed.keyReused).toBe(false);
    // Not restarted yet: the running peer still presents the old certificate.
    expect(await servedSerial(insurerPeer)).toBe(serialBefore);

    const pidBefore = (await api('network:status')).nodes.find((n) => n.id === insurerPeer.id)?.pid;
    const restarted = await api('node:restart', { nodeId: insurerPeer.id });
    expect(restarted.state).toBe('running');
    expect(restarted.pid).not.toBe(pidBefore);
    expect(await servedSerial(insurerPeer)).toBe(renewed.current.serialNumber);
    expect(await heightOf(insurerPeer)).toBeGreaterThanOrEqual(heightBefore);

    // The renewed peer endorses, and commits the block like every other peer.
    const txId = await eventually(async () => pingThroughInsurer(), 60_000, 'a Ping endorsed by the insurer');
    expect(txId).toMatch(/^[0-9a-f]{64}$/);
    // Fails after 30 s unless the renewed peer commits a block above its height before renewal.
    await eventually(
      async () => ((await heightOf(insurerPeer)) > heightBefore ? true : undefined),
      30_000,
      'the insurer peer to commit a new block',
    );

    // The expiry radar lists the new certificate with ~400 days left.
    const inventory = await certificateInventory(runtime.layout.cryptoDir);
    const entry = inventory.entries.find(
      (candidate) =>
        candidate.role === 'tls-server' &&
        candidate.source.includes(`nodes/${insurerPeer.host}/tls/server.crt`),
    );
    expect(entry?.serialNumber).toBe(renewed.current.serialNumber);
    expect(entry?.status).toBe('ok');
    expect(entry?.daysLeft).toBeGreaterThanOrEqual(398);
  });
});
