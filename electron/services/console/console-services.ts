// The console's services beyond node supervision, on top of the local runtime: the acting org,
// identities (list, enroll), org-definition export, the decoded channel configuration, the
// chaincode lifecycle view, the first-run wizard's "open an existing state directory", and
// consortium administration: channel updates signed offline by each org's admin (bundle files),
// partner org definitions checked on import.
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { configFromBlock, type ConfigBlockInfo } from '../channel/config-tree';
import { defaultOrgPolicies, ORG_DEFINITION_FORMAT, validateOrgDefinition } from '../channel/org-definition';
import { runtimeNodeVersions, type NodeVersion } from '../channel/update-impact';
import type { ConfigSource } from '../channel/update-submit';
import type { PeerAdminClient } from '../fabric/peer-admin-client';
import type { SigningIdentity } from '../fabric/proposal';
import type { GatewayConnection } from '../gateway/gateway-client';
import { queryCommitted } from '../lifecycle/chaincode-definition';
import type { NetworkRecord, NetworkRuntime } from '../runtime/network-runtime';
import { OrgMaterialError, orgLayout, type EncryptedKeystore, type OrgMaterial } from '../pki';
import {
  validateProfile,
  type NetworkProfile,
  type NodeTopology,
  type OrgTopology,
  type Topology,
} from '../runtime/profile';
import { StateLayout } from '../runtime/state-layout';
import type { NetworkController, NodeStatus, OrgRole, PeerHeight } from '../runtime/types';
import { canIssueIn, canSeeIdentitiesOf, defaultActingOrg } from './acting-org';
import { CertificateServices, type FabricCaHandle } from './certificate-services';
import { decodeChannelConfig } from './channel-config';
import {
  checkOrgDefinition,
  proposeUpdate,
  reviewBundleText,
  signBundleText,
  submitBundleText,
  type ChannelUpdateContext,
} from './channel-updates';
import { ConsoleError } from './errors';
import {
  assertNoNetworkIn,
  checkOrdererTlsCa,
  joinInfo,
  joinPackageFor,
  joinProfile,
} from './join-consortium';
import type { ConsoleJoinInfo, JoinPackage, JoinRequest, JoinStatus } from './join-types';
import { listOrgIdentities, readIdentity, readOrgCaCertificates } from './identities';
import { SwitchableController } from './switchable-controller';
import type {
  BundleFile,
  BundleReview,
  BundleSubmitResult,
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
  OrgDefinitionCheck,
  OrgIdentities,
  ProposeUpdateRequest,
} from './types';

/** What the console services need from the runtime; NetworkRuntime provides all of it. */
export interface ConsoleRuntime extends NetworkController {
  readonly topology: Topology;
  readonly layout: StateLayout;
  readonly channel: string;
  readonly networkRecord: NetworkRecord;
  orgMaterial(mspId: string): OrgMaterial;
  /** The org admin's signing identity (channel updates are proposed, signed and submitted with it). */
  adminIdentity(mspId: string): SigningIdentity;
  /** The Fabric installation (its version stands in for a node that does not report its own). */
  readonly fabric?: { version: string };
  issueClient(mspId: string, name: string, attributes: Record<string, string>): Promise<SigningIdentity>;
  peerAdminClient(node: NodeTopology): Pick<PeerAdminClient, 'getConfigBlock' | 'queryInstalled' | 'close'>;
  gateway(node: NodeTopology): GatewayConnection;
  process(id: string): { status(): NodeStatus } | undefined;
  /** The encrypted keystore holding the org CA keys (certificate renewal signs with them). */
  keystore(): Promise<EncryptedKeystore>;
  /** Reports a step of a long operation to every client (the `progress` event). */
  progress(step: string, detail?: string): void;
  /** The org's running Fabric CA, when its profile has one and the network is up. */
  fabricCa(mspId: string): FabricCaHandle | undefined;
  /** Creates or checks identities and the network record without starting anything. */
  prepare(): Promise<void>;
  /** Persists the network record (network.json), e.g. a prepared join profile. */
  saveRecord(): Promise<void>;
  queryHeights(peers: readonly NodeTopology[]): Promise<PeerHeight[]>;
  /** Join mode: the channel's height on the consortium's orderer. */
  externalOrdererHeight(): Promise<{ address: string; height: number }>;
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
  /** The Certificates page: expiry radar, node renewal, the acting org's Fabric CA. */
  readonly certificates: CertificateServices;
  private readonly mode: ConsoleMode;
  private actingMspId: string;
  private readonly openRuntime: ConsoleServicesOptions<R>['openRuntime'];
  private preparingJoin = false;

  constructor(options: ConsoleServicesOptions<R>) {
    this.controller = new SwitchableController(options.runtime);
    this.mode = options.mode ?? 'sandbox';
    this.openRuntime = options.openRuntime;
    this.actingMspId = this.initialActingOrg(options.actingMspId);
    this.certificates = new CertificateServices(this);
  }

  get runtime(): R {
    return this.controller.current;
  }

  private get topology(): Topology {
    return this.runtime.topology;
  }

  /**
   * Orgs the console can act as: every peer org and the orderer org, whose admins sign changes to
   * the ordering service settings (batch size and timeout, consenters) of a channel update.
   */
  private actableOrgs(topology: Topology = this.topology): OrgTopology[] {
    // A newcomer holds no keys of the consortium's orderer org.
    if (topology.profile.ordererOrg.external) return [...topology.peerOrgs];
    return [...topology.peerOrgs, topology.ordererOrg];
  }

  private initialActingOrg(requested: string | undefined): string {
    const actable = this.actableOrgs(this.runtime.topology);
    const peerOrgs = this.runtime.topology.peerOrgs;
    if (requested !== undefined) {
      if (!actable.some((org) => org.mspId === requested)) {
        throw new ConsoleError(
          'not-found',
          `${requested} is not an org of this network (${actable.map((o) => o.mspId).join(', ')})`,
        );
      }
      return requested;
    }
    const fallback = defaultActingOrg(peerOrgs);
    if (!fallback)
      throw new ConsoleError('invalid-argument', 'the network profile has no peer org to act as');
    return fallback.mspId;
  }

  /** The org the console acts as (its admin proposes, signs and renews). */
  actingOrg(): OrgTopology {
    return this.acting();
  }

  private acting(): OrgTopology {
    const org =
      this.actableOrgs().find((each) => each.mspId === this.actingMspId) ??
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
    const join = joinInfo(this.topology, this.runtime.layout);
    return {
      ...(join ? { join } : {}),
      mode: this.mode,
      canSwitch: this.mode === 'sandbox',
      acting: toConsoleOrg(this.acting()),
      orgs: this.actableOrgs().map(toConsoleOrg),
      profile: this.topology.profile.name,
      stateDir: this.runtime.layout.root,
      channel: this.runtime.channel,
      networkCreated: existsSync(this.runtime.layout.networkFile),
    };
  }

  setActingOrg(mspId: string): ConsoleContext {
    const org = this.actableOrgs().find((each) => each.mspId === mspId);
    if (!org) throw new ConsoleError('not-found', `${mspId} is not an org of this network`);
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
      this.actableOrgs(next.topology).some((o) => o.mspId === this.actingMspId)
        ? this.actingMspId
        : undefined,
    );
    return this.context();
  }

  // ---- joining an existing consortium (first-run wizard) ------------------------------------

  /**
   * Turns this console's empty state directory into a newcomer of an existing consortium: writes the
   * join profile (network.json) and the orderer org's TLS CA, switches to a runtime on it, creates
   * the org's identities, and returns the join package to send a member. `network:up` joins later.
   */
  async prepareJoin(request: JoinRequest): Promise<JoinPackage> {
    if (!this.openRuntime)
      throw new ConsoleError('unavailable', 'this console cannot prepare a join in its state directory');
    if (this.preparingJoin)
      throw new ConsoleError('conflict', 'a join is already being prepared; wait for it to finish');
    this.preparingJoin = true;
    try {
      const current = this.runtime;
      assertNoNetworkIn(
        current.layout,
        () => `profile ${current.topology.profile.name}, channel ${current.channel}`,
      );
      const { state } = await current.status();
      if (state !== 'down') {
        throw new ConsoleError(
          'conflict',
          `the network in ${current.layout.root} is ${state}; take it down before joining a consortium`,
        );
      }
      checkOrdererTlsCa(request.orderer.tlsCaPem);
      const tlsCaFile = path.join(current.layout.root, 'join', 'orderer-tls-ca.pem');
      const profile = joinProfile(request, request.basePort ?? current.topology.profile.basePort, tlsCaFile);
      await mkdir(path.dirname(tlsCaFile), { recursive: true });
      await writeFile(tlsCaFile, request.orderer.tlsCaPem.trim() + '\n');
      const next = await this.openRuntime(current.layout.root, profile);
      this.controller.replace(next);
      this.actingMspId = request.org.mspId;
      next.progress(
        'Join profile',
        `${request.org.mspId} joins ${request.channel} through ${request.orderer.endpoints.join(', ')}`,
      );
      await next.prepare();
      // Persisted now, so a restarted console resumes this newcomer instead of offering the sandbox.
      await next.saveRecord();
      const joinPackage = await this.joinPackage();
      next.progress('Join package', `${joinPackage.fileName}: send it to a member of the consortium`);
      return joinPackage;
    } finally {
      this.preparingJoin = false;
    }
  }

  /** The prepared newcomer's join info, or a clear refusal. */
  private preparedJoin(): ConsoleJoinInfo {
    const join = joinInfo(this.topology, this.runtime.layout);
    if (!join) {
      throw new ConsoleError(
        'not-found',
        'this console runs its own ordering service; it joins no consortium (start it on an empty state directory to join one)',
      );
    }
    if (!join.prepared)
      throw new ConsoleError('unavailable', `${join.mspId} is not prepared yet: fill in the join form first`);
    return join;
  }

  /** The org's material, loading identities first after a restart (nothing is started). */
  private async loadedMaterial(mspId: string): Promise<OrgMaterial> {
    try {
      return this.runtime.orgMaterial(mspId);
    } catch {
      // Not loaded since the console started: prepare() reads (never recreates) what exists.
      await this.runtime.prepare();
      return this.runtime.orgMaterial(mspId);
    }
  }

  /** The join package of the prepared newcomer (again, e.g. after a restart). */
  async joinPackage(): Promise<JoinPackage> {
    const join = this.preparedJoin();
    return joinPackageFor(this.topology, await this.loadedMaterial(join.mspId));
  }

  /** How far the newcomer's peers are behind the consortium's orderer. */
  async joinStatus(): Promise<JoinStatus> {
    const join = this.preparedJoin();
    await this.loadedMaterial(join.mspId);
    const orderer: JoinStatus['orderer'] = await this.runtime.externalOrdererHeight().then(
      ({ address, height }) => ({ address, height }),
      (error: Error) => ({ address: join.ordererEndpoints[0] ?? '', height: null, error: error.message }),
    );
    const peers = await Promise.all(
      this.topology.peers
        .filter((node) => node.org.mspId === join.mspId)
        .map(async (node): Promise<JoinStatus['peers'][number]> => {
          if (!this.isRunning(node))
            return { peerId: node.id, height: null, error: `${node.id} is not running` };
          return this.runtime.queryHeights([node]).then(
            ([height]) => ({ peerId: node.id, height: height?.height ?? null }),
            (error: Error) => ({ peerId: node.id, height: null, error: error.message }),
          );
        }),
    );
    return {
      mspId: join.mspId,
      channel: join.channel,
      orderer,
      peers,
      caughtUp: orderer.height !== null && peers.every((peer) => peer.height === orderer.height),
    };
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

  /**
   * The org's definition file (`medfabric.org-definition/v1`): what a newcomer sends the
   * consortium so a member can propose adding it, and what `org:import-definition` checks.
   */
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
    const kind = org.role === 'orderer' ? 'orderer' : 'application';
    const definition: OrgDefinition = {
      format: ORG_DEFINITION_FORMAT,
      mspId: org.mspId,
      kind,
      caCerts: [certificates.caCertPem],
      intermediateCerts: [],
      tlsCaCerts: [certificates.tlsCaCertPem],
      tlsIntermediateCerts: [],
      admins: [],
      revocationList: [],
      nodeOUs: { enable: true, clientOu: 'client', peerOu: 'peer', adminOu: 'admin', ordererOu: 'orderer' },
      // The channel's anchor peer of each org is its first peer, as the genesis block declares it.
      anchorPeers:
        kind === 'application'
          ? nodes
              .filter((node) => node.kind === 'peer')
              .slice(0, 1)
              .map((node) => ({ host: '127.0.0.1', port: node.listenPort }))
          : [],
      ordererEndpoints:
        kind === 'orderer' ? nodes.filter((node) => node.kind === 'orderer').map((node) => node.address) : [],
      policies: defaultOrgPolicies(org.mspId, kind),
    };
    // What we hand out must pass the same checks a partner's console applies on import.
    const checked: OrgDefinition = await validateOrgDefinition(definition);
    return checked;
  }

  // ---- consortium administration: channel updates ------------------------------------------

  /** The channel's current config block, read from the acting org's running peer. */
  async readConfigBlock(): Promise<ConfigBlockInfo> {
    const peer = this.queryPeer();
    const client = this.runtime.peerAdminClient(peer);
    try {
      return configFromBlock(await client.getConfigBlock(this.runtime.channel));
    } finally {
      client.close();
    }
  }

  private async nodeVersions(): Promise<NodeVersion[]> {
    // runtimeNodeVersions reads only the topology and the installation's version.
    if (!this.runtime.fabric) return [];
    return runtimeNodeVersions(this.runtime as unknown as NetworkRuntime);
  }

  private updateContext(): ChannelUpdateContext {
    const runtime = this.runtime;
    const acting = this.acting();
    return {
      channel: runtime.channel,
      acting: acting.mspId,
      readConfig: () => this.readConfigBlock(),
      admin: () => {
        try {
          return runtime.adminIdentity(acting.mspId);
        } catch (error) {
          throw new ConsoleError(
            'unavailable',
            `the admin identity of ${acting.mspId} is not loaded (${(error as Error).message}); bring the network up first`,
          );
        }
      },
      nodeVersions: () => this.nodeVersions(),
      submitTargets: () => {
        const orderer = runtime.topology.orderers.find((node) => this.isRunning(node));
        if (!orderer) {
          throw new ConsoleError('unavailable', 'no orderer is running: start one on the Nodes page first');
        }
        // The acting org's peer first: it supplies the config the signatures are checked against.
        const first = this.queryPeer();
        const peers: ConfigSource[] = [first, ...runtime.topology.peers.filter((node) => node !== first)]
          .filter((node) => this.isRunning(node))
          .map((node) => ({
            label: node.id,
            getConfigBlock: async () => {
              const client = runtime.peerAdminClient(node);
              try {
                return await client.getConfigBlock(runtime.channel);
              } finally {
                client.close();
              }
            },
          }));
        return {
          orderer: {
            address: orderer.address,
            tlsRootCertPem: runtime.orgMaterial(orderer.org.mspId).tlsCaCertPem,
          },
          peers,
        };
      },
    };
  }

  proposeChannelUpdate(request: ProposeUpdateRequest): Promise<BundleFile> {
    return proposeUpdate(this.updateContext(), request);
  }

  reviewUpdateBundle(bundleJson: string): Promise<BundleReview> {
    return reviewBundleText(this.updateContext(), bundleJson);
  }

  signUpdateBundle(bundleJson: string): Promise<BundleFile> {
    return signBundleText(this.updateContext(), bundleJson);
  }

  submitUpdateBundle(bundleJson: string): Promise<BundleSubmitResult> {
    return submitBundleText(this.updateContext(), bundleJson);
  }

  /** Checks a partner's org definition file (schema, certificates, policies, channel membership). */
  importOrgDefinition(definitionJson: string): Promise<OrgDefinitionCheck> {
    return checkOrgDefinition(definitionJson, () => this.readConfigBlock());
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
