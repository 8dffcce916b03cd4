// Joining an existing consortium (first-run wizard): the newcomer's join profile (its own org and
// peers, the consortium's orderers as `external`), the checks before anything is written, the join
// package (its org definition, every peer an anchor peer) and what the console context says about it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CertificateCheckError, checkRootCa } from '../channel/config-certs';
import {
  validateOrgDefinition,
  orgDefinitionFromMaterial,
  serializeOrgDefinition,
} from '../channel/org-definition';
import type { OrgMaterial } from '../pki';
import {
  deriveTopology,
  ProfileError,
  validateProfile,
  type NetworkProfile,
  type Topology,
} from '../runtime/profile';
import type { StateLayout } from '../runtime/state-layout';
import { ConsoleError } from './errors';
import type { ConsoleJoinInfo, JoinPackage, JoinRequest } from './join-types';

/** The chaincode every member runs; a newcomer approves the definition the consortium committed. */
const CONSORTIUM_CHAINCODE = { name: 'medfabric', path: 'chaincode', version: '0.1.0' } as const;

/** Refuses a state directory that already holds a network or node ledgers: joining never overwrites them. */
export function assertNoNetworkIn(layout: StateLayout, describe: () => string): void {
  if (existsSync(layout.networkFile)) {
    throw new ConsoleError(
      'conflict',
      `${layout.root} already holds a network (${describe()}); a consortium is joined from an empty state ` +
        'directory: start the console with --state-dir pointing at a new folder',
    );
  }
  const nodesDir = path.join(layout.root, 'nodes');
  if (existsSync(nodesDir)) {
    throw new ConsoleError(
      'conflict',
      `${layout.root} holds node ledgers (${nodesDir}) of an earlier network; a consortium is joined ` +
        'from an empty state directory: start the console with --state-dir pointing at a new folder',
    );
  }
}

/** The orderer org's TLS CA must be a (self-signed, P-256, valid) CA certificate. */
export function checkOrdererTlsCa(pem: string): void {
  try {
    checkRootCa(pem, "the orderer org's TLS CA certificate");
  } catch (error) {
    if (!(error instanceof CertificateCheckError)) throw error;
    throw new ConsoleError(
      'invalid-argument',
      `${error.message}. Paste the TLS CA certificate of the consortium's orderer org (its tlsca certificate, ` +
        "CA:TRUE), not an orderer node's own TLS certificate.",
    );
  }
}

/** The newcomer's profile: its org with `peers` peers, the consortium's orderers as external nodes. */
export function joinProfile(request: JoinRequest, basePort: number, tlsCaFile: string): NetworkProfile {
  const orderers = request.orderer.endpoints.map((_, index) => `orderer${index}`);
  try {
    const profile = validateProfile(
      {
        name: `join-${request.org.mspId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 32),
        basePort,
        channel: request.channel,
        ordererOrg: {
          name: request.orderer.name,
          mspId: request.orderer.mspId,
          domain: request.orderer.domain,
          orderers,
          external: { endpoints: request.orderer.endpoints, tlsCaFile },
        },
        peerOrgs: [
          {
            name: request.org.name,
            mspId: request.org.mspId,
            domain: request.org.domain,
            role: request.org.role,
            peers: Array.from({ length: request.org.peers }, (_, index) => `peer${index}`),
          },
        ],
        chaincode: CONSORTIUM_CHAINCODE,
      },
      'the join settings',
    );
    deriveTopology(profile); // the ports must fit, before anything is written
    return profile;
  } catch (error) {
    if (error instanceof ProfileError) throw new ConsoleError('invalid-argument', error.message);
    throw error;
  }
}

/** The org this console joins with, when its profile names the consortium's orderers as external. */
function joiningOrg(topology: Topology): Topology['peerOrgs'][number] | undefined {
  return topology.profile.ordererOrg.external ? topology.peerOrgs[0] : undefined;
}

/** What the console context says about a join: read from the topology and network.json. */
export function joinInfo(topology: Topology, layout: StateLayout): ConsoleJoinInfo | undefined {
  const org = joiningOrg(topology);
  const external = topology.profile.ordererOrg.external;
  if (!org || !external) return undefined;
  const prepared = existsSync(layout.networkFile);
  const joinedPeers = prepared
    ? ((JSON.parse(readFileSync(layout.networkFile, 'utf8')) as { peerJoined?: string[] }).peerJoined ?? [])
    : [];
  const peers = topology.peers.filter((node) => node.org === org);
  return {
    mspId: org.mspId,
    orgName: org.name,
    channel: topology.profile.channel,
    ordererEndpoints: external.endpoints,
    prepared,
    joined: prepared && peers.every((node) => joinedPeers.includes(node.id)),
  };
}

/** The join package: the org definition with every peer of the org as an anchor peer. */
export async function joinPackageFor(topology: Topology, material: OrgMaterial): Promise<JoinPackage> {
  const mspId = material.spec.mspId;
  const anchorPeers = topology.peers
    .filter((node) => node.org.mspId === mspId)
    .map((node) => ({ host: '127.0.0.1', port: node.listenPort }));
  // What we hand out must pass the same checks a member's console applies on import.
  const definition = await validateOrgDefinition(orgDefinitionFromMaterial(material, { anchorPeers }));
  return {
    mspId,
    fileName: `${mspId}.org-definition.json`,
    definitionJson: serializeOrgDefinition(definition),
    anchorPeers: anchorPeers.map((peer) => `${peer.host}:${peer.port}`),
  };
}
