// The console's services beyond node supervision, on top of the local runtime: the acting org,
// identities (list, enroll), org-definition export, the decoded channel configuration, the
// chaincode lifecycle view, and the first-run wizard's "open an existing state directory".
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PeerAdminClient } from '../fabric/peer-admin-client';
import type { SigningIdentity } from '../fabric/proposal';
import type { GatewayConnection } from '../gateway/gateway-client';
import { queryCommitted } from '../lifecycle/chaincode-definition';
import type { NetworkRecord } from '../runtime/network-runtime';
import { OrgMaterialError, orgLayout, type OrgMaterial } from '../pki';
import {
  validateProfile,
  type NetworkProfile,
  type NodeTopology,
  type OrgTopology,
  type Topology,
} from '../runtime/profile';
import { StateLayout } from '../runtime/state-layout';
import type { NetworkController, NodeStatus, OrgRole } from '../runtime/types';
import { canIssueIn, canSeeIdentitiesOf, defaultActingOrg } from './acting-org';
import { decodeChannelConfig } from './channel-config';
import { ConsoleError } from './errors';
import { listOrgIdentities, readIdentity, readOrgCaCertificates } from './identities';
import { SwitchableController } from './switchable-controller';
import type {
  ChaincodeInfo,
  ChaincodeOverview,
  ChannelConfigView,
  ConsoleContext,
  ConsoleMode,
  ConsoleOrg,
  IdentitySummary,
  InstalledPackages,
  IssueIdentityRequest,
  OrgDefinition,
  OrgIdentities,
} from './types';

/** What the console services need from the runtime; NetworkRuntime provides all of it. */
export interface ConsoleRuntime extends NetworkController {
  readonly topology: Topology;
  readonly layout: StateLayout;
  readonly channel: string;
  readonly networkRecord: NetworkRecord;
  orgMaterial(mspId: string): OrgMaterial;
  issueClient(mspId: string, name: string, attributes: Record<string, string>): Promise<SigningIdentity>;
  peerAdminClient(node: NodeTopology): Pick<PeerAdminClient, 'getConfigBlock' | 'queryInstalled' | 'close'>;
  gateway(node: NodeTopology): GatewayConnection;
  process(id: string): { status(): NodeStatus } | undefined;
}

export interface ConsoleServicesOptions<R extends ConsoleRuntime> {
  runtime: R;
  /** 'sandbox' (default): every org's keys are local and the user may switch the acting org. */
  mode?: ConsoleMode;
  /** The org the console acts as; default: the first hospital. */
  actingMspId?: string;
  /** Builds a runtime for an existing state directory (first-run wizard). Without it, opening is refused. */
  openRuntime?: (stateDir: string, profile: NetworkProfile) => R | Promise<R>;
}

function toConsoleOrg(org: OrgTopology): ConsoleOrg {
  return { name: org.name, mspId: org.mspId, role: org.role };
}

export class ConsoleServices<R extends ConsoleRuntime = ConsoleRuntime> {
  readonly controller: SwitchableController<R>;
  private readonly mode: ConsoleMode;
  private actingMspId: string;
  private readonly openRuntime: ConsoleServicesOptions<R>['openRuntime'];

  constructor(options: ConsoleServicesOptions<R>) {
    this.controller = new SwitchableController(options.runtime);
    this.mode = options.mode ?? 'sandbox';
    this.openRuntime = options.openRuntime;
    this.actingMspId = this.initialActingOrg(options.actingMspId);
  }

  get runtime(): R {
    return this.controller.current;
  }

  private get topology(): Topology {
    return this.runtime.topology;
  }

  private initialActingOrg(requested: string | undefined): string {
    const peerOrgs = this.runtime.topology.peerOrgs;
    if (requested !== undefined) {
      if (!peerOrgs.some((org) => org.mspId === requested)) {
        throw new ConsoleError(
          'not-found',
          `${requested} is not a peer org of this network (${peerOrgs.map((o) => o.mspId).join(', ')})`,
        );
      }
      return requested;
    }
    const fallback = defaultActingOrg(peerOrgs);
    if (!fallback)
      throw new ConsoleError('invalid-argument', 'the network profile has no peer org to act as');
    return fallback.mspId;
  }

  private acting(): OrgTopology {
    const org =
      this.topology.peerOrgs.find((each) => each.mspId === this.actingMspId) ??
      defaultActingOrg(this.topology.peerOrgs);
    if (!org) throw new ConsoleError('invalid-argument', 'the network profile has no peer org to act as');
    return org;
  }

  private org(mspId: string): OrgTopology {
    const org = this.topology.orgs.find((each) => each.mspId === mspId);
    if (!org) {
      throw new ConsoleError(
        'not-found',
        `no org with MSP ID ${mspId} in this network; known: ${this.topology.orgs.map((o) => o.mspId).join(', ')}`,
      );
    }
    return org;
  }

  private isRunning(node: NodeTopology): boolean {
    return this.runtime.process(node.id)?.status().state === 'running';
  }

  /** The acting org's first running peer, else any running peer. */
  private queryPeer(): NodeTopology {
    const acting = this.acting();
    const running = this.topology.peers.filter((node) => this.isRunning(node));
    const peer = running.find((node) => node.org.mspId === acting.mspId) ?? running[0];
    if (!peer) {
      throw new ConsoleError(
        'unavailable',
        'no peer is running: bring the network up on the Overview page, or start a peer on the Nodes page',
      );
    }
    return peer;
  }

  // ---- context and acting org ---------------------------------------------------------------

  context(): ConsoleContext {
    return {
      mode: this.mode,
      canSwitch: this.mode === 'sandbox',
      acting: toConsoleOrg(this.acting()),
      orgs: this.topology.peerOrgs.map(toConsoleOrg),
      profile: this.topology.profile.name,
      stateDir: this.runtime.layout.root,
      channel: this.runtime.channel,
      networkCreated: existsSync(this.runtime.layout.networkFile),
    };
  }

  setActingOrg(mspId: string): ConsoleContext {
    const org = this.topology.peerOrgs.find((each) => each.mspId === mspId);
    if (!org) throw new ConsoleError('not-found', `${mspId} is not a peer org of this network`);
    if (this.mode !== 'sandbox' && mspId !== this.actingMspId) {
      throw new ConsoleError(
        'forbidden',
        `this console administers ${this.actingMspId} only; switching orgs is a sandbox feature`,
      );
    }
    this.actingMspId = mspId;
    return this.context();
  }

  /** First-run wizard: use a state directory that already holds a network (resumed by network:up). */
  async openStateDir(stateDir: string): Promise<ConsoleContext> {
    if (!this.openRuntime)
      throw new ConsoleError('unavailable', 'this console cannot open another state directory');
    const status = await this.runtime.status();
    if (status.state !== 'down') {
      throw new ConsoleError(
        'conflict',
        `the network in ${this.runtime.layout.root} is ${status.state}; take it down before opening another state directory`,
      );
    }
    const root = path.resolve(stateDir);
    const layout = new StateLayout(root);
    const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!info?.isDirectory()) throw new ConsoleError('not-found', `${root} is not a directory`);
    if (!existsSync(layout.networkFile)) {
      throw new ConsoleError(
        'not-found',
        `${root} holds no MedFabric network (network.json is missing); choose the folder a console or "npm run network -- up" created`,
      );
    }
    let profile: NetworkProfile;
    try {
      const record = JSON.parse(await readFile(layout.networkFile, 'utf8')) as { profile?: unknown };
      profile = validateProfile(record.profile, layout.networkFile);
    } catch (error) {
      throw new ConsoleError(
        'invalid-argument',
        `${layout.networkFile} is not a usable network record: ${(error as Error).message}`,
      );
    }
    const next = await this.openRuntime(root, profile);
    this.controller.replace(next);
    this.actingMspId = this.initialActingOrg(
      next.topology.peerOrgs.some((o) => o.mspId === this.actingMspId) ? this.actingMspId : undefined,
    );
    return this.context();
  }

  // ---- identities ----------------------------------------------------------------------------

  async listIdentities(mspId?: string): Promise<OrgIdentities[]> {
    const acting = this.acting();
    const orgs = mspId === undefined ? this.topology.orgs : [this.org(mspId)];
    const visible = orgs.filter((org) => canSeeIdentitiesOf(acting, org));
    if (mspId !== undefined && visible.length === 0) {
      throw new ConsoleError(
        'forbidden',
        `${acting.mspId} (${acting.role}) cannot see the identities of ${mspId}`,
      );
    }
    return Promise.all(
      visible.map((org) => listOrgIdentities(this.runtime.layout.cryptoDir, org, canIssueIn(acting, org))),
    );
  }

  async issueIdentity(request: IssueIdentityRequest): Promise<IdentitySummary> {
    const org = this.org(request.mspId);
    const acting = this.acting();
    if (!canIssueIn(acting, org)) {
      throw new ConsoleError(
        'forbidden',
        org.role === 'orderer'
          ? 'client identities are enrolled in peer orgs, not in the orderer org'
          : `the console acts as ${acting.mspId}; it enrolls identities of its own org only`,
      );
    }
    try {
      this.runtime.orgMaterial(org.mspId);
    } catch (error) {
      throw new ConsoleError(
        'unavailable',
        `the CA of ${org.mspId} is not loaded (${(error as Error).message}); bring the network up first`,
      );
    }
    const attributes: Record<string, string> = { role: request.role };
    if (request.patientId !== undefined) attributes.patientId = request.patientId;
    try {
      await this.runtime.issueClient(org.mspId, request.name, attributes);
    } catch (error) {
      if (error instanceof OrgMaterialError) {
        throw new ConsoleError(
          /already exists/.test(error.message) ? 'conflict' : 'invalid-argument',
          error.message,
        );
      }
      throw error;
    }
    const identity = await readIdentity(
      orgLayout(this.runtime.layout.cryptoDir, org.domain).userDir(request.name),
      request.name,
      'user',
    );
    if (!identity) throw new Error(`${request.name} was enrolled but its certificate cannot be read back`);
    return identity;
  }

  // ---- org definition -----------------------------------------------------------------------

  async exportOrgDefinition(mspId: string): Promise<OrgDefinition> {
    const org = this.org(mspId);
    const certificates = await readOrgCaCertificates(this.runtime.layout.cryptoDir, org.domain);
    if (!certificates) {
      throw new ConsoleError(
        'unavailable',
        `${mspId} has no CA yet in ${this.runtime.layout.cryptoDir}; bring the network up first`,
      );
    }
    const nodes = this.topology.nodes.filter((node) => node.org.mspId === mspId);
    const endpoint = (node: NodeTopology) => ({
      id: node.id,
      host: '127.0.0.1',
      port: node.listenPort,
      tlsHostOverride: node.host,
    });
    const peers = nodes.filter((node) => node.kind === 'peer');
    // The channel's anchor peer of each org is its first peer, as the genesis block declares it.
    const anchorPeers = peers.slice(0, 1).map((node) => ({ host: '127.0.0.1', port: node.listenPort }));
    const id = org.mspId;
    const policies: Record<string, string> =
      org.role === 'orderer'
        ? { Readers: `OR('${id}.member')`, Writers: `OR('${id}.member')`, Admins: `OR('${id}.admin')` }
        : {
            Readers: `OR('${id}.admin', '${id}.peer', '${id}.client')`,
            Writers: `OR('${id}.admin', '${id}.client')`,
            Admins: `OR('${id}.admin')`,
            Endorsement: `OR('${id}.peer')`,
          };
    return {
      format: 'medfabric-org-definition/v1',
      name: org.name,
      mspId: org.mspId,
      role: org.role,
      domain: org.domain,
      caCertPem: certificates.caCertPem,
      tlsCaCertPem: certificates.tlsCaCertPem,
      nodeOUs: true,
      anchorPeers,
      peerEndpoints: peers.map(endpoint),
      ordererEndpoints: nodes.filter((node) => node.kind === 'orderer').map(endpoint),
      policies,
      exportedAt: new Date().toISOString(),
    };
  }

  // ---- channel and chaincode -----------------------------------------------------------------

  private roles(): Record<string, OrgRole> {
    return Object.fromEntries(this.topology.orgs.map((org) => [org.mspId, org.role]));
  }

  async channelConfig(): Promise<ChannelConfigView> {
    const peer = this.queryPeer();
    const client = this.runtime.peerAdminClient(peer);
    try {
      const block = await client.getConfigBlock(this.runtime.channel);
      return decodeChannelConfig(block, { roles: this.roles(), readFrom: peer.id });
    } finally {
      client.close();
    }
  }

  async chaincodeInfo(): Promise<ChaincodeOverview> {
    const peer = this.queryPeer();
    const recorded = existsSync(this.runtime.layout.networkFile) ? this.runtime.networkRecord.chaincodes : {};
    const applicationOrgs = this.topology.peerOrgs.map((org) => org.mspId);
    const required = Math.floor(applicationOrgs.length / 2) + 1;
    const connection = this.runtime.gateway(peer);
    const chaincodes: ChaincodeInfo[] = [];
    try {
      for (const name of Object.keys(recorded).sort()) {
        const info: ChaincodeInfo = { name };
        const deployed = recorded[name];
        if (deployed) {
          info.deployed = {
            version: deployed.version,
            sequence: deployed.sequence,
            packageId: deployed.packageId,
            endorsementPolicy: deployed.endorsementPolicy,
            collections: deployed.collections,
            path: deployed.path,
          };
        }
        const committed = await queryCommitted(connection, this.runtime.channel, name);
        if (committed) {
          const approvals = Object.fromEntries(
            applicationOrgs.map((mspId) => [mspId, committed.approvals[mspId] ?? false]),
          );
          const approved = Object.values(approvals).filter(Boolean).length;
          info.committed = {
            version: committed.version,
            sequence: committed.sequence,
            collections: committed.collections,
            approvals,
            approved,
            required,
            ready: approved >= required,
          };
        }
        chaincodes.push(info);
      }
    } finally {
      connection.close();
    }
    const installed = await Promise.all(this.topology.peers.map((node) => this.installedOn(node)));
    return { channel: this.runtime.channel, readFrom: peer.id, chaincodes, installed };
  }

  private async installedOn(node: NodeTopology): Promise<InstalledPackages> {
    const base = { peerId: node.id, mspId: node.org.mspId };
    if (!this.isRunning(node)) return { ...base, packages: [], error: `${node.id} is not running` };
    const client = this.runtime.peerAdminClient(node);
    try {
      const packages = await client.queryInstalled();
      return { ...base, packages: packages.sort((a, b) => a.label.localeCompare(b.label)) };
    } catch (error) {
      return { ...base, packages: [], error: (error as Error).message };
    } finally {
      client.close();
    }
  }
}
