// The local Fabric network: crypto material, orderers, peers, the channel and the chaincode
// services, supervised as child processes. `up` is idempotent: it creates what is missing and
// resumes existing ledgers; `down` stops everything it started.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ensureGenesisBlock, type OrgChannelMaterial } from '../channel/genesis';
import {
  channelInfo as osnChannelInfo,
  joinChannel as osnJoinChannel,
  type OsnAdminTls,
} from '../channel/osnadmin';
import { DeliverError, fetchBlock, fetchChannelHeight, type DeliverTarget } from '../fabric/orderer-deliver';
import { PeerAdminClient } from '../fabric/peer-admin-client';
import { withSigner, type SigningIdentity } from '../fabric/proposal';
import { connectGateway, type GatewayConnection, type PeerEndpoint } from '../gateway/gateway-client';
import {
  EncryptedKeystore,
  ensureOrgMaterial,
  issueUser,
  loadOrCreateKeystorePassphrase,
  readTlsDir,
  type OrgMaterial,
} from '../pki';
import { PUBLIC_FILE_MODE, writeFileAtomically } from '../pki/atomic-fs';
import type { FabricInstallation } from './fabric-installer';
import { DEFAULT_POLICY, ManagedProcess, type ProcessSpec, type SupervisionPolicy } from './managed-process';
import { writeOrdererConfig, writePeerConfig } from './node-config';
import {
  assertPortsFree,
  isAlive,
  isOurProcess,
  NODE_MARKER,
  probeHealthz,
  probeRaftLeader,
  probeTlsListener,
  STATE_MARKER,
  waitFor,
} from './probes';
import {
  deriveTopology,
  findNode,
  type NetworkProfile,
  type NodeTopology,
  type OrgTopology,
  type Topology,
} from './profile';
import { StateLayout } from './state-layout';
import { acquireSupervisor, type SupervisorInfo } from './supervisor-lock';
import type {
  ChaincodeDeployRequest,
  ChaincodeStatus,
  Disposable,
  LogLine,
  NetworkController,
  NetworkState,
  NetworkStatus,
  NodeStatus,
  PeerHeight,
  ProgressEvent,
  RuntimeEvents,
} from './types';
import { startFabricCa, type FabricCa } from '../ca/fabric-ca-server';
import { ChaincodeDeployer, type DeployedChaincode } from '../lifecycle/chaincode-deployer';
import { queryCommitted } from '../lifecycle/chaincode-definition';

export interface NetworkRuntimeOptions {
  profile: NetworkProfile;
  stateDir: string;
  fabric: FabricInstallation;
  policy?: Partial<SupervisionPolicy>;
  /** Who supervises (recorded in the state dir's lock so CLI and console never both do). */
  supervisorKind?: SupervisorInfo['kind'];
}

/** What `up` has already done, persisted so a later `up` resumes instead of recreating. */
export interface NetworkRecord {
  profile: NetworkProfile;
  createdAt: string;
  fabricVersion: string;
  ordererJoined: string[];
  peerJoined: string[];
  chaincodes: Record<string, DeployedChaincode>;
}

export const ADMIN_USER = 'Admin';

/** A long operation stopped at a step boundary on request; what it already did stays done. */
export class OperationCancelledError extends Error {
  readonly code = 'cancelled';
  constructor(operation: string, nextStep: string) {
    super(
      `${operation} cancelled before "${nextStep}"; what it finished stays in place (started nodes keep running, ` +
        'approvals stay on the channel): run it again to resume, or bring the network down',
    );
    this.name = 'OperationCancelledError';
  }
}

export class OperationBusyError extends Error {
  readonly code = 'conflict';
  constructor(running: string, requested: string) {
    super(`${running} is still running; wait for it or cancel it before starting ${requested}`);
    this.name = 'OperationBusyError';
  }
}

/**
 * A newcomer tried to join before the consortium added its org: the orderer refuses it the
 * channel's blocks. Nothing was started; joining again once the update is committed works.
 */
export class NotYetChannelMemberError extends Error {
  readonly code = 'forbidden';
  constructor(mspId: string, channel: string, orderer: string) {
    super(
      `${mspId} is not a member of channel ${channel} yet: the orderer at ${orderer} refuses it the channel's blocks. ` +
        `Ask a member to submit the update adding ${mspId} (send them ${mspId}.org-definition.json), then join again; ` +
        'your identities and settings are kept.',
    );
    this.name = 'NotYetChannelMemberError';
  }
}

export class NetworkRuntime implements NetworkController {
  readonly topology: Topology;
  readonly layout: StateLayout;
  private readonly events = new EventEmitter();
  private readonly processes = new Map<string, ManagedProcess>();
  private readonly policy: SupervisionPolicy;
  private material = new Map<string, OrgMaterial>();
  private record: NetworkRecord | undefined;
  private state: NetworkState = 'down';
  readonly deployer: ChaincodeDeployer;
  private releaseLock: (() => Promise<void>) | undefined;
  private operation: { name: string; cancelled: boolean } | undefined;
  private statusWrite: Promise<void> = Promise.resolve();
  /** The Fabric CA servers `up` started (profile `fabricCa`), by MSP ID. */
  private readonly fabricCas = new Map<string, FabricCa>();
  /** The committed definitions status() last read, and the peer height and record they were read at. */
  private committedCache: { key: string; chaincodes: ChaincodeStatus[] } | undefined;

  constructor(private readonly options: NetworkRuntimeOptions) {
    this.topology = deriveTopology(options.profile);
    this.layout = new StateLayout(path.resolve(options.stateDir));
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.deployer = new ChaincodeDeployer(this);
  }

  get fabric(): FabricInstallation {
    return this.options.fabric;
  }

  get channel(): string {
    return this.topology.profile.channel;
  }

  /** This console joins a consortium whose ordering service another member runs. */
  get joining(): boolean {
    return this.topology.profile.ordererOrg.external !== undefined;
  }

  on<E extends keyof RuntimeEvents>(event: E, listener: (payload: RuntimeEvents[E]) => void): Disposable {
    this.events.on(event, listener);
    return { dispose: () => this.events.off(event, listener) };
  }

  progress(step: string, detail?: string): void {
    const event: ProgressEvent = { step, detail };
    this.events.emit('progress', event);
  }

  /** A step of a long operation: where a requested cancellation takes effect. */
  step(step: string, detail?: string): void {
    if (this.operation?.cancelled) throw new OperationCancelledError(this.operation.name, step);
    this.progress(step, detail);
  }

  /** Runs one long operation at a time (up, a chaincode deployment), so it can be cancelled. */
  private async runOperation<T>(name: string, body: () => Promise<T>): Promise<T> {
    if (this.operation) throw new OperationBusyError(this.operation.name, name);
    this.operation = { name, cancelled: false };
    try {
      return await body();
    } finally {
      this.operation = undefined;
    }
  }

  /** Asks the running long operation to stop before its next step; false when none runs. */
  cancel(): boolean {
    if (!this.operation) return false;
    this.operation.cancelled = true;
    this.progress('Cancelling', `${this.operation.name} stops before its next step`);
    return true;
  }

  // ---- crypto material and identities -------------------------------------------------------

  /** The console's encrypted keystore (CA keys, claim keys, diagnosis openings). */
  async keystore(): Promise<EncryptedKeystore> {
    const passphrase = await loadOrCreateKeystorePassphrase(this.layout.root);
    return new EncryptedKeystore(this.layout.keystoreDir, passphrase);
  }

  /**
   * Issues a client identity from the org's CA, e.g. a doctor ({role: 'doctor'}) or a patient
   * ({role: 'patient', patientId}); the CA key never leaves the encrypted keystore.
   */
  async issueClient(
    mspId: string,
    name: string,
    attributes: Record<string, string>,
  ): Promise<SigningIdentity> {
    const material = this.orgMaterial(mspId);
    const user = await issueUser(this.layout.cryptoDir, material.spec, await this.keystore(), {
      name,
      ou: 'client',
      attributes,
    });
    return { mspId, certPem: user.certPem, keyPem: user.keyPem };
  }

  private async ensureCrypto(): Promise<void> {
    const keystore = await this.keystore();
    for (const org of this.topology.orgs) {
      if (org === this.topology.ordererOrg && this.joining) continue; // another member's orderers
      const kind = org.role === 'orderer' ? 'orderer' : 'peer';
      const nodes = this.topology.nodes.filter((n) => n.org === org).map((n) => n.shortName);
      const material = await ensureOrgMaterial(
        this.layout.cryptoDir,
        {
          name: org.name,
          mspId: org.mspId,
          domain: org.domain,
          kind,
          nodes,
          users: [{ name: ADMIN_USER, ou: 'admin' }],
        },
        keystore,
      );
      this.material.set(org.mspId, material);
    }
  }

  orgMaterial(mspId: string): OrgMaterial {
    const material = this.material.get(mspId);
    if (!material) throw new Error(`no crypto material loaded for ${mspId}; run up first`);
    return material;
  }

  /** The org's Fabric CA as `up` started it; undefined when its profile has none or `up` has not run. */
  fabricCa(mspId: string): FabricCa | undefined {
    return this.fabricCas.get(mspId);
  }

  adminIdentity(mspId: string): SigningIdentity {
    const admin = this.orgMaterial(mspId).users[ADMIN_USER];
    if (!admin) throw new Error(`${mspId} has no ${ADMIN_USER} identity`);
    return { mspId, certPem: admin.certPem, keyPem: admin.keyPem };
  }

  peerEndpoint(node: NodeTopology): PeerEndpoint {
    return {
      address: node.address,
      tlsRootCertPem: this.orgMaterial(node.org.mspId).tlsCaCertPem,
      label: `${node.id} (${node.org.mspId})`,
    };
  }

  peerAdminClient(node: NodeTopology): PeerAdminClient {
    return new PeerAdminClient(
      node.address,
      this.orgMaterial(node.org.mspId).tlsCaCertPem,
      withSigner(this.adminIdentity(node.org.mspId)),
    );
  }

  /** A Gateway session through `node` for `identity` (default: the node org's admin). */
  gateway(node: NodeTopology, identity?: SigningIdentity): GatewayConnection {
    return connectGateway(this.peerEndpoint(node), identity ?? this.adminIdentity(node.org.mspId));
  }

  firstPeerOf(org: OrgTopology): NodeTopology {
    const peer = this.topology.peers.find((p) => p.org === org);
    if (!peer) throw new Error(`${org.name} has no peer`);
    return peer;
  }

  /** The orderer org admin's TLS client certificate: the channel participation API is mTLS-only. */
  private async ordererAdminTls(): Promise<OsnAdminTls> {
    const material = this.orgMaterial(this.topology.ordererOrg.mspId);
    const admin = material.users[ADMIN_USER];
    if (!admin) throw new Error('orderer org has no admin identity');
    const tls = await readTlsDir(admin.tlsDir, 'client');
    return { caPem: material.tlsCaCertPem, certPem: tls.certPem, keyPem: tls.keyPem };
  }

  // ---- persisted record ---------------------------------------------------------------------

  private async loadRecord(): Promise<NetworkRecord | undefined> {
    if (!existsSync(this.layout.networkFile)) return undefined;
    return JSON.parse(await readFile(this.layout.networkFile, 'utf8')) as NetworkRecord;
  }

  async saveRecord(): Promise<void> {
    if (!this.record) return;
    await writeFileAtomically(
      this.layout.networkFile,
      JSON.stringify(this.record, null, 2) + '\n',
      PUBLIC_FILE_MODE,
    );
  }

  get networkRecord(): NetworkRecord {
    if (!this.record) throw new Error('network not created yet; run up first');
    return this.record;
  }

  // ---- processes ----------------------------------------------------------------------------

  private markerEnv(nodeId: string): NodeJS.ProcessEnv {
    return { [NODE_MARKER]: nodeId, [STATE_MARKER]: this.layout.root };
  }

  /** Base environment for Fabric processes: only what they need, never the console's secrets. */
  private baseEnv(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR };
  }

  /** Stops processes a crashed supervisor of this state dir left running, so `up` can own them again. */
  private async reclaimOrphans(): Promise<void> {
    if (!existsSync(this.layout.runDir)) return;
    for (const file of await readdir(this.layout.runDir)) {
      if (!file.endsWith('.pid') || file === 'supervisor.pid') continue;
      const nodeId = file.slice(0, -'.pid'.length);
      if (this.processes.get(nodeId)?.pid !== undefined) continue;
      const pid = Number((await readFile(path.join(this.layout.runDir, file), 'utf8')).trim());
      if (Number.isInteger(pid) && pid > 0 && (await isOurProcess(pid, nodeId, this.layout.root))) {
        this.step('Reclaiming', `stopping ${nodeId} (pid ${pid}) left by a previous run`);
        process.kill(pid, 'SIGTERM');
        const deadline = Date.now() + this.policy.stopGraceMs;
        while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
      await rm(path.join(this.layout.runDir, file), { force: true });
    }
  }

  registerProcess(spec: Omit<ProcessSpec, 'logDir' | 'runDir'>): ManagedProcess {
    const existing = this.processes.get(spec.id);
    if (existing) return existing;
    const managed = new ManagedProcess(
      {
        ...spec,
        env: { ...this.baseEnv(), ...spec.env, ...this.markerEnv(spec.id) },
        logDir: this.layout.logDir,
        runDir: this.layout.runDir,
      },
      this.policy,
    );
    managed.on('state', (status) => {
      this.events.emit('node-state', status);
      this.refreshNetworkState();
      this.writeStatusFile();
    });
    managed.on('log', (line: LogLine) => this.events.emit('log', line));
    this.processes.set(spec.id, managed);
    return managed;
  }

  unregisterProcess(id: string): void {
    this.processes.delete(id);
  }

  process(id: string): ManagedProcess | undefined {
    return this.processes.get(id);
  }

  /** One Fabric node (orderer or peer): its config, binary, ports and readiness probes. */
  private async nodeSpec(node: NodeTopology): Promise<Omit<ProcessSpec, 'logDir' | 'runDir'>> {
    const material = this.orgMaterial(node.org.mspId);
    const nodeMaterial = material.nodes[node.shortName];
    if (!nodeMaterial) throw new Error(`no crypto material for ${node.id}`);
    const { tlsDir, mspDir } = nodeMaterial;
    const common = {
      node,
      layout: this.layout,
      fabricConfigDir: this.fabric.configDir,
      mspDir,
      tls: {
        cert: path.join(tlsDir, 'server.crt'),
        key: path.join(tlsDir, 'server.key'),
        ca: path.join(tlsDir, 'ca.crt'),
      },
    };
    const isOrderer = node.kind === 'orderer';
    const env = isOrderer
      ? await writeOrdererConfig(common)
      : await writePeerConfig({
          ...common,
          builderDir: path.resolve(import.meta.dirname, '..', '..', '..', 'network', 'builders', 'ccaas'),
        });
    if (!isOrderer)
      env.CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG = JSON.stringify(this.deployer.builderConfig(node));
    return {
      id: node.id,
      kind: node.kind,
      org: node.org.name,
      mspId: node.org.mspId,
      command: path.join(this.fabric.binDir, isOrderer ? 'orderer' : 'peer'),
      args: isOrderer ? [] : ['node', 'start'],
      env,
      cwd: this.layout.nodeDir(node.id),
      ports: isOrderer
        ? { listen: node.listenPort, admin: node.adminPort, operations: node.operationsPort }
        : { listen: node.listenPort, chaincode: node.chaincodePort, operations: node.operationsPort },
      probe: () => probeHealthz(node.operationsPort),
      // The operations server starts before the gRPC one: /healthz alone answers too early.
      ready: () => probeTlsListener(node.listenPort, material.tlsCaCertPem),
    };
  }

  private async launchNode(node: NodeTopology): Promise<void> {
    const managed = this.processes.get(node.id) ?? this.registerProcess(await this.nodeSpec(node));
    if (managed.status().state === 'running') return;
    await assertPortsFree(node.id, [
      [node.listenPort, 'gRPC listener'],
      [node.operationsPort, 'operations endpoint'],
      [node.adminPort, 'channel participation admin endpoint'],
      [node.chaincodePort, 'chaincode listener'],
    ]);
    this.step('Starting node', node.id);
    await managed.start();
  }

  /** Node states for other processes (`network status`), rewritten on every state change. */
  private writeStatusFile(): void {
    const nodes = [...this.processes.values()].map((p) => p.status());
    const body = JSON.stringify({ updatedAt: new Date().toISOString(), nodes }, null, 2);
    this.statusWrite = this.statusWrite
      .then(() => writeFileAtomically(this.layout.statusFile, body, PUBLIC_FILE_MODE))
      .catch((error: Error) => this.progress('Status file not written', error.message));
  }

  /** This member runs the ordering service: genesis block, orderers joined, a Raft leader. */
  private async startOrderingService(): Promise<Uint8Array> {
    const record = this.networkRecord;
    this.step('Genesis block', `channel ${this.channel}`);
    const channelMaterial: Record<string, OrgChannelMaterial> = {};
    for (const org of this.topology.orgs) {
      channelMaterial[org.mspId] = { channelMspDir: this.orgMaterial(org.mspId).channelMspDir };
    }
    const consenters = this.topology.orderers.map((node) => {
      const nodeMaterial = this.orgMaterial(node.org.mspId).nodes[node.shortName];
      if (!nodeMaterial) throw new Error(`no crypto material for ${node.id}`);
      return { nodeId: node.id, tlsCertFile: path.join(nodeMaterial.tlsDir, 'server.crt') };
    });
    const { block } = await ensureGenesisBlock({
      topology: this.topology,
      channelDir: this.layout.channelDir,
      binDir: this.fabric.binDir,
      material: channelMaterial,
      consenters,
    });

    await Promise.all(this.topology.orderers.map((node) => this.launchNode(node)));
    const tls = await this.ordererAdminTls();
    for (const node of this.topology.orderers) {
      const info = await osnChannelInfo(`127.0.0.1:${node.adminPort}`, tls, this.channel);
      if (!info) {
        this.step('Joining orderer', `${node.id} → ${this.channel}`);
        await osnJoinChannel(`127.0.0.1:${node.adminPort}`, tls, block);
      }
      if (!record.ordererJoined.includes(node.id)) record.ordererJoined.push(node.id);
    }
    await this.saveRecord();
    this.step('Raft', `waiting for a leader of ${this.channel}`);
    await waitFor(
      () =>
        probeRaftLeader(
          this.topology.orderers.map((node) => node.operationsPort),
          this.channel,
        ),
      this.policy.readinessTimeoutMs,
    );

    return block;
  }

  /**
   * Joining an existing consortium whose orderers run elsewhere: read the channel's genesis block
   * from them as this org's admin (a channel reader once the consortium added the org).
   */
  private async fetchGenesisBlock(): Promise<Uint8Array> {
    const { target, mspId } = await this.externalOrderer();
    this.step('Fetching genesis block', `${this.channel} from ${target.address}`);
    try {
      return await fetchBlock(target, this.channel, 0, this.adminIdentity(mspId));
    } catch (error) {
      if (error instanceof DeliverError && error.status === 'FORBIDDEN')
        throw new NotYetChannelMemberError(mspId, this.channel, target.address);
      throw error;
    }
  }

  /** Join mode: the consortium's first orderer and the org that reads from it. */
  private async externalOrderer(): Promise<{ target: DeliverTarget; mspId: string }> {
    const external = this.topology.profile.ordererOrg.external;
    const orderer = this.topology.orderers[0];
    const org = this.topology.peerOrgs[0];
    if (!external || !orderer || !org)
      throw new Error('the profile names no external orderer and no peer org');
    const tlsRootCertPem = await readFile(path.resolve(external.tlsCaFile), 'utf8');
    return { target: { address: orderer.address, tlsRootCertPem }, mspId: org.mspId };
  }

  /** Join mode: the channel's height on the consortium's orderer, read as this org's admin. */
  async externalOrdererHeight(): Promise<{ address: string; height: number }> {
    const { target, mspId } = await this.externalOrderer();
    try {
      return {
        address: target.address,
        height: await fetchChannelHeight(target, this.channel, this.adminIdentity(mspId)),
      };
    } catch (error) {
      if (error instanceof DeliverError && error.status === 'FORBIDDEN')
        throw new NotYetChannelMemberError(mspId, this.channel, target.address);
      throw error;
    }
  }

  // ---- NetworkController --------------------------------------------------------------------

  async up(onProgress?: (event: ProgressEvent) => void): Promise<NetworkStatus> {
    return this.runOperation('network up', () => this.upSteps(onProgress));
  }

  private async upSteps(onProgress?: (event: ProgressEvent) => void): Promise<NetworkStatus> {
    const listener = onProgress ? this.on('progress', onProgress) : undefined;
    try {
      await mkdir(this.layout.root, { recursive: true });
      this.releaseLock ??= await acquireSupervisor(this.layout, this.options.supervisorKind ?? 'console');
      this.state = 'starting';
      await this.prepare();
      await this.reclaimOrphans();
      const block = this.joining ? await this.fetchGenesisBlock() : await this.startOrderingService();

      await Promise.all(this.topology.peers.map((node) => this.launchNode(node)));
      for (const node of this.topology.peers) {
        const client = this.peerAdminClient(node);
        try {
          const channels = await client.listChannels();
          if (!channels.includes(this.channel)) {
            this.step('Joining peer', `${node.id} → ${this.channel}`);
            await client.joinChannel(block);
          }
        } finally {
          client.close();
        }
        const record = this.networkRecord;
        if (!record.peerJoined.includes(node.id)) record.peerJoined.push(node.id);
      }
      await this.saveRecord();

      const chaincode = this.topology.profile.chaincode;
      if (chaincode) {
        const folder = path.resolve(path.resolve(import.meta.dirname, '..', '..', '..'), chaincode.path);
        if (this.joining) {
          if (!this.networkRecord.chaincodes[chaincode.name]) {
            await this.deployer.adoptCommitted({ name: chaincode.name, path: folder });
          }
        } else {
          await this.deployer.ensureDeployed({
            name: chaincode.name,
            path: folder,
            version: chaincode.version,
            consortium: chaincode.consortium,
          });
        }
      }
      await this.deployer.startRecordedServices();
      for (const org of this.topology.profile.peerOrgs) {
        if (!org.fabricCa) continue;
        this.step('Starting Fabric CA', `${org.mspId} on port ${org.fabricCa.port}`);
        this.fabricCas.set(org.mspId, await startFabricCa(this, { org: org.mspId, ...org.fabricCa }));
      }
      this.state = 'up';
      this.refreshNetworkState();
      this.progress('Network up', `${this.topology.nodes.length} nodes, channel ${this.channel}`);
      return await this.status();
    } catch (error) {
      if ([...this.processes.values()].every((p) => p.status().state === 'stopped')) {
        // Nothing runs (e.g. a newcomer not yet in the channel): the network is down, not starting.
        this.state = 'down';
        await this.releaseLock?.();
        this.releaseLock = undefined;
      } else {
        this.state = 'degraded';
      }
      this.refreshNetworkState();
      throw error;
    } finally {
      listener?.dispose();
    }
  }

  async down(): Promise<void> {
    this.state = 'stopping';
    const all = [...this.processes.values()];
    const byKind = (kind: NodeStatus['kind']): ManagedProcess[] => all.filter((p) => p.spec.kind === kind);
    // CA servers and chaincode services first, then peers, then orderers: nothing is left talking
    // to a stopped node. The org CAs stop through FabricCa.stop, which also removes the plaintext
    // CA key copies fabric-ca-server needed while it ran.
    const cas = [...this.fabricCas.values()];
    this.fabricCas.clear();
    const caProcesses = new Set<ManagedProcess>(cas.map((ca) => ca.process));
    await Promise.all([
      ...cas.map((ca) => ca.stop()),
      ...[...byKind('ca').filter((p) => !caProcesses.has(p)), ...byKind('chaincode')].map((p) => p.stop()),
    ]);
    await Promise.all(byKind('peer').map((p) => p.stop()));
    await Promise.all(byKind('orderer').map((p) => p.stop()));
    this.state = 'down';
    await this.statusWrite;
    await this.releaseLock?.();
    this.releaseLock = undefined;
  }

  async deployChaincode(request: ChaincodeDeployRequest): Promise<ChaincodeStatus> {
    if (this.state !== 'up' && this.state !== 'degraded') {
      throw new Error(`the network is ${this.state}; bring it up before deploying chaincode`);
    }
    const recorded = this.networkRecord.chaincodes[request.name];
    if (recorded?.version === request.version) {
      throw new Error(`${request.name} version ${request.version} is already deployed; choose a new version`);
    }
    const deployed = await this.runOperation(`deployment of ${request.name} ${request.version}`, () =>
      this.deployer.deploy({ ...request, consortium: recorded?.consortium }),
    );
    return {
      name: deployed.name,
      version: deployed.version,
      sequence: deployed.sequence,
      packageId: deployed.packageId,
      endorsementPolicy: deployed.endorsementPolicy,
    };
  }

  private refreshNetworkState(): void {
    if (this.state === 'starting' || this.state === 'stopping' || this.state === 'down') return;
    const states = [...this.processes.values()].map((p) => p.status().state);
    this.state = states.every((s) => s === 'running') ? 'up' : 'degraded';
  }

  private managedOrThrow(nodeId: string): ManagedProcess {
    return findNode(
      [...this.processes.values()].map((p) => ({ id: p.spec.id, p })),
      nodeId,
    ).p;
  }

  async startNode(nodeId: string): Promise<NodeStatus> {
    const managed = this.managedOrThrow(nodeId);
    await managed.start();
    return managed.status();
  }

  async stopNode(nodeId: string): Promise<NodeStatus> {
    const managed = this.managedOrThrow(nodeId);
    await managed.stop();
    return managed.status();
  }

  async restartNode(nodeId: string): Promise<NodeStatus> {
    const managed = this.managedOrThrow(nodeId);
    await managed.stop();
    await managed.start();
    return managed.status();
  }

  tailLogs(nodeId: string, limit: number): LogLine[] {
    return this.managedOrThrow(nodeId).tail(limit);
  }

  async metrics(nodeId: string): Promise<string> {
    const managed = this.managedOrThrow(nodeId);
    const port = managed.spec.ports.operations;
    if (port === undefined) throw new Error(`${managed.spec.id} has no operations endpoint`);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`metrics of ${managed.spec.id}: HTTP ${response.status}`);
    return response.text();
  }

  /**
   * Creates or checks this console's identities and network record without starting anything: a
   * newcomer does this first, to export its org definition for the consortium.
   */
  async prepare(): Promise<void> {
    await mkdir(this.layout.root, { recursive: true });
    this.record ??= (await this.loadRecord()) ?? {
      profile: this.topology.profile,
      createdAt: new Date().toISOString(),
      fabricVersion: this.fabric.version,
      ordererJoined: [],
      peerJoined: [],
      chaincodes: {},
    };
    this.step('Crypto material', 'creating or checking org CAs, node and admin identities');
    await this.ensureCrypto();
  }

  /** Loads the record and identities of an existing network without starting anything (CLI queries). */
  async attach(): Promise<void> {
    this.record = await this.loadRecord();
    if (!this.record) throw new Error(`no network in ${this.layout.root}; run "npm run network -- up" first`);
    await this.ensureCrypto();
  }

  /** Live block heights of the given peers, asked through qscc GetChainInfo. */
  async queryHeights(peers: readonly NodeTopology[]): Promise<PeerHeight[]> {
    return Promise.all(
      peers.map(async (node) => {
        const client = this.peerAdminClient(node);
        try {
          const info = await client.chainInfo(this.channel);
          return { peerId: node.id, height: info.height, currentBlockHash: info.currentBlockHash };
        } finally {
          client.close();
        }
      }),
    );
  }

  /** Committed chaincode definitions, asked live through `peer`. */
  async queryChaincodes(peer: NodeTopology): Promise<ChaincodeStatus[]> {
    const names = Object.keys(this.record?.chaincodes ?? {});
    const connection = this.gateway(peer);
    try {
      const result: ChaincodeStatus[] = [];
      for (const name of names) {
        const committed = await queryCommitted(connection, this.channel, name);
        const recorded = this.record?.chaincodes[name];
        if (committed) {
          result.push({
            name,
            version: committed.version,
            sequence: committed.sequence,
            packageId: recorded?.packageId,
            endorsementPolicy: recorded?.endorsementPolicy,
          });
        }
      }
      return result;
    } finally {
      connection.close();
    }
  }

  private runningPeers(): NodeTopology[] {
    return this.topology.peers.filter((node) => this.processes.get(node.id)?.status().state === 'running');
  }

  async status(): Promise<NetworkStatus> {
    const running = this.state === 'down' ? [] : this.runningPeers();
    // The channel is the authority on definitions (another member may have committed a new one).
    const recorded = (): ChaincodeStatus[] =>
      Object.values(this.record?.chaincodes ?? {}).map((cc) => ({
        name: cc.name,
        version: cc.version,
        sequence: cc.sequence,
        packageId: cc.packageId,
        endorsementPolicy: cc.endorsementPolicy,
      }));
    const heights = await this.queryHeights(running);
    let chaincodes = recorded();
    const first = running[0];
    if (first) {
      // status() is polled; definitions only change in a new block, so the Gateway query (a TLS
      // connection and one lifecycle query per chaincode) runs again only when the height moves.
      const height = heights.find((h) => h.peerId === first.id)?.height;
      const key = `${first.id}@${height}:${JSON.stringify(this.record?.chaincodes ?? {})}`;
      if (height !== undefined && this.committedCache?.key === key) {
        chaincodes = this.committedCache.chaincodes;
      } else {
        try {
          chaincodes = await this.queryChaincodes(first);
          this.committedCache = { key, chaincodes };
        } catch (error) {
          // A peer between restarts: show what this console deployed, and say why.
          this.progress('Chaincode query failed; showing recorded definitions', (error as Error).message);
        }
      }
    }
    return {
      profile: this.topology.profile.name,
      stateDir: this.layout.root,
      state: this.state,
      channel: this.channel,
      orgs: this.topology.orgs.map((org) => ({
        name: org.name,
        mspId: org.mspId,
        role: org.role,
        nodes: org.nodeIds,
      })),
      nodes: [...this.processes.values()].map((p) => p.status()),
      heights,
      chaincodes,
    };
  }
}
