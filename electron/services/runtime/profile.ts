// Network profiles are data (network/profiles/*.yaml): orgs, nodes, ports, channel and chaincode.
// This module validates a profile and derives the topology every other service works from.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { hostPortSchema } from '../channel/host-port';
import type { OrgRole } from './types';

const name = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'letters and digits, starting with a letter');
const mspId = z.string().regex(/^[A-Za-z][A-Za-z0-9.-]{0,63}$/, 'letters, digits, dots and dashes');
const domain = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'a lower-case DNS name');
const nodeName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes');

const profileSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
    basePort: z.number().int().min(1024).max(64_000),
    channel: z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'a Fabric channel name (lower case)'),
    ordererOrg: z.object({
      name,
      mspId,
      domain,
      orderers: z
        .array(nodeName)
        .min(1)
        .refine((list) => list.length === 1 || list.length >= 3, 'Raft needs 1 orderer or at least 3'),
      /**
       * Joining an existing consortium: its ordering service runs elsewhere. One endpoint per
       * orderer name, and the orderer org's TLS CA (from the consortium's join information).
       */
      external: z
        .object({
          endpoints: z.array(hostPortSchema).min(1),
          tlsCaFile: z.string().min(1),
        })
        .strict()
        .optional(),
    }),
    peerOrgs: z
      .array(
        z.object({
          name,
          mspId,
          domain,
          role: z.enum(['hospital', 'insurer', 'regulator']),
          peers: z.array(nodeName).min(1),
          /** Run a Fabric CA server for this org (enrollment of staff and patients), outside the basePort blocks. */
          fabricCa: z
            .object({
              port: z.number().int().min(1024).max(65_535),
              operationsPort: z.number().int().min(1024).max(65_535).optional(),
              enrollmentExpiry: z.string().optional(),
            })
            .strict()
            .optional(),
        }),
      )
      .min(1),
    chaincode: z
      .object({
        name: z.string().regex(/^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/, 'a Fabric chaincode name'),
        path: z.string().min(1),
        version: z.string().min(1).max(64),
        endorsementPolicy: z.string().optional(),
        /** The MedFabric consortium chaincode: generate its private data collections and member registry. */
        consortium: z.boolean().default(false),
      })
      .optional(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    const orgs = [profile.ordererOrg, ...profile.peerOrgs];
    const seen = new Set<string>();
    for (const org of orgs) {
      for (const key of [org.name, org.mspId, org.domain]) {
        if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `"${key}" is used by more than one org` });
        seen.add(key);
      }
    }
    const external = profile.ordererOrg.external;
    if (external && external.endpoints.length !== profile.ordererOrg.orderers.length) {
      ctx.addIssue({
        code: 'custom',
        message: 'ordererOrg.external.endpoints needs one endpoint per orderer name',
      });
    }
    const caPorts = profile.peerOrgs.flatMap((org) =>
      org.fabricCa ? [org.fabricCa.port, org.fabricCa.operationsPort].filter((p) => p !== undefined) : [],
    );
    if (new Set(caPorts).size !== caPorts.length) {
      ctx.addIssue({ code: 'custom', message: 'two Fabric CA servers use the same port' });
    }
    const nodeCount =
      profile.ordererOrg.orderers.length + profile.peerOrgs.reduce((n, org) => n + org.peers.length, 0);
    const blockEnd = profile.basePort + nodeCount * 10;
    for (const port of caPorts) {
      if (port >= profile.basePort && port < blockEnd) {
        ctx.addIssue({
          code: 'custom',
          message: `Fabric CA port ${port} lies inside the node ports ${profile.basePort}-${blockEnd - 1}`,
        });
      }
    }
    if (profile.peerOrgs.filter((org) => org.role === 'regulator').length > 1) {
      ctx.addIssue({ code: 'custom', message: 'at most one org can have the role regulator' });
    }
  });

export type NetworkProfileInput = z.input<typeof profileSchema>;
export type NetworkProfile = z.output<typeof profileSchema>;

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

export function profilesDir(): string {
  return path.resolve(import.meta.dirname, '..', '..', '..', 'network', 'profiles');
}

/** Validates a parsed profile; every problem is listed with its path, e.g. `peerOrgs.1.mspId: …`. */
export function validateProfile(data: unknown, source = 'profile'): NetworkProfile {
  const result = profileSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ProfileError(`${source} is not a valid network profile:\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Loads a profile by name (network/profiles/<name>.yaml) or by file path. */
export async function loadProfile(nameOrPath: string): Promise<NetworkProfile> {
  const file =
    nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml') || nameOrPath.includes('/')
      ? path.resolve(nameOrPath)
      : path.join(profilesDir(), `${nameOrPath}.yaml`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ProfileError(`network profile not found: ${file}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError ? ` (line ${error.linePos?.[0].line ?? '?'})` : '';
    throw new ProfileError(`${file} is not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`);
  }
  return validateProfile(data, file);
}

export interface OrgTopology {
  name: string;
  mspId: string;
  domain: string;
  role: OrgRole;
  nodeIds: string[];
}

export interface NodeTopology {
  id: string;
  kind: 'orderer' | 'peer';
  /** Run by another member of the consortium: reachable at `address`, never started here. */
  external: boolean;
  shortName: string;
  host: string;
  org: OrgTopology;
  /** Address clients dial; TLS certificates carry `host`, localhost and 127.0.0.1. */
  address: string;
  listenPort: number;
  operationsPort: number;
  /** Orderer only: channel participation (osnadmin) endpoint. */
  adminPort?: number;
  /** Peer only: chaincode listener (bound by the peer even with CCaaS). */
  chaincodePort?: number;
  /** Peer only: first of the ports for this peer's chaincode-as-a-service processes. */
  ccaasBasePort?: number;
}

export interface Topology {
  profile: NetworkProfile;
  orgs: OrgTopology[];
  nodes: NodeTopology[];
  ordererOrg: OrgTopology;
  peerOrgs: OrgTopology[];
  orderers: NodeTopology[];
  peers: NodeTopology[];
}

/** Ports per node: 10 consecutive ports from basePort, in profile order. */
export const PORTS_PER_NODE = 10;
export const MAX_CHAINCODES_PER_PEER = PORTS_PER_NODE - 3;

export function deriveTopology(profile: NetworkProfile): Topology {
  let index = 0;
  const nextBase = (): number => profile.basePort + PORTS_PER_NODE * index++;
  const nodes: NodeTopology[] = [];
  const ordererOrg: OrgTopology = {
    name: profile.ordererOrg.name,
    mspId: profile.ordererOrg.mspId,
    domain: profile.ordererOrg.domain,
    role: 'orderer',
    nodeIds: [],
  };
  const external = profile.ordererOrg.external;
  profile.ordererOrg.orderers.forEach((shortName, index) => {
    const host = `${shortName}.${ordererOrg.domain}`;
    ordererOrg.nodeIds.push(host);
    const endpoint = external?.endpoints[index];
    if (endpoint) {
      const port = Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
      nodes.push({
        id: host,
        kind: 'orderer',
        external: true,
        shortName,
        host,
        org: ordererOrg,
        address: endpoint,
        listenPort: port,
        operationsPort: 0,
      });
      return;
    }
    const base = nextBase();
    nodes.push({
      id: host,
      kind: 'orderer',
      external: false,
      shortName,
      host,
      org: ordererOrg,
      address: `127.0.0.1:${base}`,
      listenPort: base,
      adminPort: base + 1,
      operationsPort: base + 2,
    });
  });
  const peerOrgs: OrgTopology[] = profile.peerOrgs.map((org) => ({
    name: org.name,
    mspId: org.mspId,
    domain: org.domain,
    role: org.role,
    nodeIds: [],
  }));
  profile.peerOrgs.forEach((orgSpec, orgIndex) => {
    const org = peerOrgs[orgIndex] as OrgTopology;
    for (const shortName of orgSpec.peers) {
      const base = nextBase();
      const host = `${shortName}.${org.domain}`;
      org.nodeIds.push(host);
      nodes.push({
        id: host,
        kind: 'peer',
        external: false,
        shortName,
        host,
        org,
        address: `127.0.0.1:${base}`,
        listenPort: base,
        chaincodePort: base + 1,
        operationsPort: base + 2,
        ccaasBasePort: base + 3,
      });
    }
  });
  const lastPort = profile.basePort + PORTS_PER_NODE * index - 1;
  if (lastPort > 65_535)
    throw new ProfileError(`basePort ${profile.basePort} leaves no room for ${index} nodes`);
  return {
    profile,
    orgs: [ordererOrg, ...peerOrgs],
    nodes,
    ordererOrg,
    peerOrgs,
    orderers: nodes.filter((n) => n.kind === 'orderer'),
    peers: nodes.filter((n) => n.kind === 'peer'),
  };
}

/** The regulator's peer AND one peer of any other member (DESIGN §6), or the profile's own policy. */
export function endorsementPolicyFor(topology: Topology): string {
  const explicit = topology.profile.chaincode?.endorsementPolicy;
  if (explicit) return explicit;
  const regulator = topology.peerOrgs.find((org) => org.role === 'regulator');
  const others = topology.peerOrgs.filter((org) => org !== regulator).map((org) => `'${org.mspId}.peer'`);
  if (!regulator) return `OR(${topology.peerOrgs.map((org) => `'${org.mspId}.peer'`).join(', ')})`;
  if (others.length === 0) return `OR('${regulator.mspId}.peer')`;
  return `AND('${regulator.mspId}.peer', OR(${others.join(', ')}))`;
}

/** Finds a node by its full id or an unambiguous prefix such as `peer0.hospital`. */
export function findNode<T extends { id: string }>(nodes: readonly T[], idOrPrefix: string): T {
  const exact = nodes.find((node) => node.id === idOrPrefix);
  if (exact) return exact;
  const matches = nodes.filter((node) => node.id.startsWith(idOrPrefix));
  if (matches.length === 1 && matches[0]) return matches[0];
  const known = nodes.map((node) => node.id).join(', ');
  throw new ProfileError(
    matches.length === 0
      ? `no node named "${idOrPrefix}"; known nodes: ${known}`
      : `"${idOrPrefix}" matches several nodes (${matches.map((m) => m.id).join(', ')}); give more of the name`,
  );
}
