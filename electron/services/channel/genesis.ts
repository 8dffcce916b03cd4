// The channel's genesis block: a configtx.yaml generated from the topology, encoded by configtxgen.
// No system channel (Fabric v3): the block is handed to the orderers through channel participation.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { execCommand } from '../process/exec';
import type { OrgTopology, Topology } from '../runtime/profile';

export interface OrgChannelMaterial {
  /** Channel MSP folder: cacerts, tlscacerts, config.yaml (NodeOUs). */
  channelMspDir: string;
}

export interface ConsenterMaterial {
  nodeId: string;
  tlsCertFile: string;
}

export const PROFILE_NAME = 'MedFabricChannel';

function signaturePolicy(rule: string): { Type: 'Signature'; Rule: string } {
  return { Type: 'Signature', Rule: rule };
}

function implicitMeta(rule: string): { Type: 'ImplicitMeta'; Rule: string } {
  return { Type: 'ImplicitMeta', Rule: rule };
}

function peerOrgSection(
  topology: Topology,
  org: OrgTopology,
  material: OrgChannelMaterial,
): Record<string, unknown> {
  const id = org.mspId;
  const anchors = topology.peers
    .filter((peer) => peer.org === org)
    .slice(0, 1)
    .map((peer) => ({ Host: '127.0.0.1', Port: peer.listenPort }));
  return {
    Name: id,
    ID: id,
    MSPDir: material.channelMspDir,
    Policies: {
      Readers: signaturePolicy(`OR('${id}.admin', '${id}.peer', '${id}.client')`),
      Writers: signaturePolicy(`OR('${id}.admin', '${id}.client')`),
      Admins: signaturePolicy(`OR('${id}.admin')`),
      Endorsement: signaturePolicy(`OR('${id}.peer')`),
    },
    AnchorPeers: anchors,
  };
}

/** The configtx.yaml document (only a Profiles section; configtxgen needs nothing else). */
export function buildConfigtx(
  topology: Topology,
  material: Record<string, OrgChannelMaterial>,
  consenters: ConsenterMaterial[],
): Record<string, unknown> {
  const ordererOrg = topology.ordererOrg;
  const ordererMaterial = material[ordererOrg.mspId];
  if (!ordererMaterial) throw new Error(`no channel MSP for ${ordererOrg.mspId}`);
  const ordererOrgSection = {
    Name: ordererOrg.mspId,
    ID: ordererOrg.mspId,
    MSPDir: ordererMaterial.channelMspDir,
    Policies: {
      Readers: signaturePolicy(`OR('${ordererOrg.mspId}.member')`),
      Writers: signaturePolicy(`OR('${ordererOrg.mspId}.member')`),
      Admins: signaturePolicy(`OR('${ordererOrg.mspId}.admin')`),
    },
    // Channel capability V3_0 rejects the global OrdererAddresses: endpoints are per org.
    OrdererEndpoints: topology.orderers.map((node) => node.address),
  };
  const peerOrgSections = topology.peerOrgs.map((org) => {
    const orgMaterial = material[org.mspId];
    if (!orgMaterial) throw new Error(`no channel MSP for ${org.mspId}`);
    return peerOrgSection(topology, org, orgMaterial);
  });
  return {
    Profiles: {
      [PROFILE_NAME]: {
        Policies: {
          Readers: implicitMeta('ANY Readers'),
          Writers: implicitMeta('ANY Writers'),
          Admins: implicitMeta('MAJORITY Admins'),
        },
        Capabilities: { V3_0: true },
        Orderer: {
          OrdererType: 'etcdraft',
          EtcdRaft: {
            Consenters: consenters.map((consenter) => {
              const node = topology.orderers.find((o) => o.id === consenter.nodeId);
              if (!node) throw new Error(`unknown consenter ${consenter.nodeId}`);
              return {
                Host: '127.0.0.1',
                Port: node.listenPort,
                ClientTLSCert: consenter.tlsCertFile,
                ServerTLSCert: consenter.tlsCertFile,
              };
            }),
            Options: {
              TickInterval: '500ms',
              ElectionTick: 10,
              HeartbeatTick: 1,
              MaxInflightBlocks: 5,
              SnapshotIntervalSize: '16 MB',
            },
          },
          // A short batch timeout keeps commit latency low for an interactive console.
          BatchTimeout: '500ms',
          BatchSize: { MaxMessageCount: 200, AbsoluteMaxBytes: '10 MB', PreferredMaxBytes: '2 MB' },
          Organizations: [ordererOrgSection],
          Policies: {
            Readers: implicitMeta('ANY Readers'),
            Writers: implicitMeta('ANY Writers'),
            Admins: implicitMeta('MAJORITY Admins'),
            BlockValidation: implicitMeta('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: peerOrgSections,
          Policies: {
            Readers: implicitMeta('ANY Readers'),
            Writers: implicitMeta('ANY Writers'),
            Admins: implicitMeta('MAJORITY Admins'),
            LifecycleEndorsement: implicitMeta('MAJORITY Endorsement'),
            Endorsement: implicitMeta('MAJORITY Endorsement'),
          },
          Capabilities: { V2_5: true },
        },
      },
    },
  };
}

/** Writes configtx.yaml and runs configtxgen; returns the genesis block bytes. Reuses an existing block. */
export async function ensureGenesisBlock(opts: {
  topology: Topology;
  channelDir: string;
  binDir: string;
  material: Record<string, OrgChannelMaterial>;
  consenters: ConsenterMaterial[];
}): Promise<{ blockFile: string; block: Uint8Array }> {
  const channel = opts.topology.profile.channel;
  const blockFile = path.join(opts.channelDir, `${channel}.genesis.block`);
  try {
    return { blockFile, block: await readFile(blockFile) };
  } catch {
    // No block yet: generate it below.
  }
  const configDir = path.join(opts.channelDir, 'configtx');
  await mkdir(configDir, { recursive: true });
  await writeFile(
    path.join(configDir, 'configtx.yaml'),
    stringifyYaml(buildConfigtx(opts.topology, opts.material, opts.consenters)),
  );
  const tmpFile = `${blockFile}.tmp`;
  await execCommand(
    path.join(opts.binDir, 'configtxgen'),
    ['-configPath', configDir, '-profile', PROFILE_NAME, '-channelID', channel, '-outputBlock', tmpFile],
    { timeoutMs: 60_000, env: { FABRIC_CFG_PATH: configDir } },
  );
  const block = await readFile(tmpFile);
  await writeFile(blockFile, block);
  return { blockFile, block };
}
