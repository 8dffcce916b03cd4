// Test support (used by the *.spec.ts files of this folder): a realistic sandbox channel config
// produced by configtxgen from freshly generated CAs, with an admin identity per org. No network.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SigningIdentity } from '../fabric/proposal';
import {
  createCertificateAuthority,
  issueCertificate,
  writeChannelMsp,
  type CertificateAuthority,
} from '../pki';
import { deriveTopology, loadProfile, type Topology } from '../runtime/profile';
import { configFromBlock, type ChannelConfig } from './config-tree';
import { ensureGenesisBlock, type OrgChannelMaterial } from './genesis';

export interface FixtureOrg {
  mspId: string;
  ca: CertificateAuthority;
  tlsCa: CertificateAuthority;
  admin: SigningIdentity;
  client: SigningIdentity;
}

export interface FixtureChannel {
  topology: Topology;
  channelId: string;
  block: Uint8Array;
  config: ChannelConfig;
  orgs: Record<string, FixtureOrg>;
}

/** A CA pair plus an admin and a client identity for an org that need not be in any channel. */
export async function makeFixtureOrg(mspId: string, domain: string): Promise<FixtureOrg> {
  const ca = await createCertificateAuthority({ commonName: `ca.${domain}`, organization: mspId });
  const tlsCa = await createCertificateAuthority({ commonName: `tlsca.${domain}`, organization: mspId });
  const admin = await issueCertificate(ca, {
    kind: 'identity',
    commonName: `Admin@${domain}`,
    organization: mspId,
    nodeOu: 'admin',
  });
  const client = await issueCertificate(ca, {
    kind: 'identity',
    commonName: `User1@${domain}`,
    organization: mspId,
    nodeOu: 'client',
  });
  return {
    mspId,
    ca,
    tlsCa,
    admin: { mspId, certPem: admin.certPem, keyPem: admin.keyPem },
    client: { mspId, certPem: client.certPem, keyPem: client.keyPem },
  };
}

/** The sandbox profile's genesis config, built with configtxgen from `binDir` in `dir`. */
export async function makeFixtureChannel(dir: string, binDir: string): Promise<FixtureChannel> {
  const topology = deriveTopology(await loadProfile('sandbox'));
  const orgs: Record<string, FixtureOrg> = {};
  const material: Record<string, OrgChannelMaterial> = {};
  for (const org of topology.orgs) {
    const fixture = await makeFixtureOrg(org.mspId, org.domain);
    orgs[org.mspId] = fixture;
    const channelMspDir = path.join(dir, org.domain, 'msp');
    await writeChannelMsp(channelMspDir, {
      caCertPem: fixture.ca.certPem,
      tlsCaCertPem: fixture.tlsCa.certPem,
    });
    material[org.mspId] = { channelMspDir };
  }
  const consenters = [];
  for (const node of topology.orderers) {
    const fixture = orgs[node.org.mspId];
    if (!fixture) throw new Error(`no fixture org ${node.org.mspId}`);
    const tls = await issueCertificate(fixture.tlsCa, {
      kind: 'tls',
      commonName: node.host,
      organization: node.org.mspId,
    });
    const tlsCertFile = path.join(dir, 'consenters', `${node.id}.crt`);
    await mkdir(path.dirname(tlsCertFile), { recursive: true });
    await writeFile(tlsCertFile, tls.certPem);
    consenters.push({ nodeId: node.id, tlsCertFile });
  }
  const channelDir = path.join(dir, 'channel');
  await mkdir(channelDir, { recursive: true });
  const { block } = await ensureGenesisBlock({ topology, channelDir, binDir, material, consenters });
  const info = configFromBlock(block);
  return { topology, channelId: info.channelId, block, config: info.config, orgs };
}
