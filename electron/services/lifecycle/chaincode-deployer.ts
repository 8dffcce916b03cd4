// Deploys a chaincode folder as a service: CCaaS package, install on every peer, approve per org,
// commit, and one supervised chaincode server process per peer. Works for any folder whose
// package.json `main` exports fabric-contract-api contracts.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { execCommand } from '../process/exec';
import {
  endorsementPolicyFor,
  MAX_CHAINCODES_PER_PEER,
  type NodeTopology,
  type Topology,
} from '../runtime/profile';
import { probeTcp } from '../runtime/probes';
import type { NetworkRuntime } from '../runtime/network-runtime';
import { buildCcaasPackage, type CcaasPackage } from './ccaas-package';
import {
  approveCommittedDefinition,
  approveForMyOrg,
  checkCommitReadiness,
  commitDefinition,
  queryCommitted,
  type ChaincodeDefinition,
  type CollectionDefinition,
} from './chaincode-definition';
import { initConsortium } from './consortium-bootstrap';
import { retryWhileDiscovering } from '../gateway/gateway-client';

/**
 * Node flags of every chaincode server. A 2048-bit claim verification allocates about 5 MB of
 * short-lived BigInts; V8 starts the young generation at 1 MB and, as almost nothing survives,
 * never grows it, so each adjudication paid two or three scavenges. Starting it at 16 MB (V8's
 * default ceiling) cut scavenges sixfold (69 to 11 over 30 AdjudicateClaims) for about 30 MB more
 * memory per server.
 */
const CHAINCODE_SERVER_NODE_FLAGS = ['--min-semi-space-size=16'];

/**
 * Environment of every chaincode server. fabric-shim logs at info unless told otherwise, and at
 * info it formats and writes a line for every transaction ("Calling chaincode Invoke()
 * succeeded"). Fabric's own default for the shim logger is warning (core.yaml
 * chaincode.logging.shim), as the peers here run gossip and msp at WARNING; failures and warnings
 * are still logged. The Node shim has one level for its own loggers and for those it hands the
 * contracts (ctx.logging), so a contract's info lines go too: ours log nothing at info.
 */
const CHAINCODE_SERVER_ENV: NodeJS.ProcessEnv = { CORE_CHAINCODE_LOGGING_LEVEL: 'WARNING' };

export interface DeployRequest {
  name: string;
  /** Absolute path of the chaincode folder. */
  path: string;
  version: string;
  /** The MedFabric consortium chaincode: private data collections and member registry. */
  consortium?: boolean;
  endorsementPolicy?: string;
}

export interface DeployedChaincode {
  name: string;
  version: string;
  sequence: number;
  packageId: string;
  path: string;
  slot: number;
  endorsementPolicy: string;
  collections: string[];
  consortium: boolean;
}

export class ChaincodeDeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChaincodeDeployError';
  }
}

/** One collection per hospital, shared with the regulator, for the encrypted diagnoses (DESIGN §6–7). */
export function consortiumCollections(topology: Topology): CollectionDefinition[] {
  const regulator = topology.peerOrgs.find((org) => org.role === 'regulator');
  return topology.peerOrgs
    .filter((org) => org.role === 'hospital')
    .map((hospital) => ({
      name: `diagnosis_${hospital.mspId}`,
      memberPolicy: regulator
        ? `OR('${hospital.mspId}.member', '${regulator.mspId}.member')`
        : `OR('${hospital.mspId}.member')`,
      requiredPeerCount: 0,
      maxPeerCount: 1,
      blockToLive: 0,
      memberOnlyRead: true,
      memberOnlyWrite: true,
    }));
}

export function serviceNodeId(chaincode: string, peer: NodeTopology): string {
  return `cc-${chaincode.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.${peer.id}`;
}

export class ChaincodeDeployer {
  constructor(private readonly runtime: NetworkRuntime) {}

  private get topology(): Topology {
    return this.runtime.topology;
  }

  /** Per-peer values for the builder's connection.json templates: one address per slot. */
  builderConfig(peer: NodeTopology): Record<string, string> {
    const config: Record<string, string> = {};
    for (let slot = 0; slot < MAX_CHAINCODES_PER_PEER; slot++) {
      config[`ccaas_slot${slot}`] = `127.0.0.1:${(peer.ccaasBasePort ?? 0) + slot}`;
    }
    return config;
  }

  /** Deploys unless this exact version is already committed and recorded. */
  async ensureDeployed(request: DeployRequest): Promise<DeployedChaincode> {
    const recorded = this.runtime.networkRecord.chaincodes[request.name];
    if (recorded && recorded.version === request.version && recorded.path === request.path) return recorded;
    return this.deploy(request);
  }

  private async prepareFolder(folder: string): Promise<string> {
    const manifestFile = path.join(folder, 'package.json');
    if (!existsSync(manifestFile)) {
      throw new ChaincodeDeployError(`${folder} is not a chaincode folder: package.json is missing`);
    }
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {
      main?: string;
      scripts?: Record<string, string>;
    };
    if (manifest.scripts?.build) {
      this.runtime.step('Building chaincode', folder);
      await execCommand('npm', ['run', 'build'], { cwd: folder, timeoutMs: 10 * 60_000 });
    }
    const main = path.join(folder, manifest.main ?? 'index.js');
    if (!existsSync(main)) {
      throw new ChaincodeDeployError(
        `${folder}: package.json "main" points to ${main}, which does not exist`,
      );
    }
    try {
      return createRequire(manifestFile).resolve('fabric-shim/cli.js');
    } catch {
      throw new ChaincodeDeployError(
        `${folder}: fabric-shim is not installed for this chaincode (npm install in the folder)`,
      );
    }
  }

  /** Builds the CCaaS package for `name` (its own service slot) and installs it on every local peer. */
  private async packageAndInstall(
    name: string,
    version: string,
  ): Promise<{ slot: number; pkg: CcaasPackage; label: string }> {
    const runtime = this.runtime;
    const record = runtime.networkRecord;
    const request = { name, version };
    const usedSlots = new Set(
      Object.values(record.chaincodes)
        .filter((c) => c.name !== request.name)
        .map((c) => c.slot),
    );
    const slot =
      record.chaincodes[request.name]?.slot ??
      [...Array(MAX_CHAINCODES_PER_PEER).keys()].find((s) => !usedSlots.has(s));
    if (slot === undefined) {
      throw new ChaincodeDeployError(
        `no chaincode slot left: a peer serves at most ${MAX_CHAINCODES_PER_PEER} chaincodes`,
      );
    }
    const label = `${request.name}_${request.version}`;
    const pkg = buildCcaasPackage(label, `{{.ccaas_slot${slot}}}`);
    const packageDir = path.join(runtime.layout.chaincodeDir, request.name);
    await mkdir(packageDir, { recursive: true });
    await writeFile(path.join(packageDir, `${label}.tar.gz`), pkg.bytes);

    for (const peer of this.topology.peers) {
      const client = runtime.peerAdminClient(peer);
      try {
        const installed = await client.queryInstalled();
        if (!installed.some((cc) => cc.packageId === pkg.packageId)) {
          runtime.step('Installing chaincode', `${label} on ${peer.id}`);
          await client.installChaincode(pkg.bytes);
        }
      } finally {
        client.close();
      }
    }

    return { slot, pkg, label };
  }

  /**
   * An org that joined an existing channel: install the package and approve exactly the
   * definition the consortium committed, then serve it. Waits until this peer has caught up far
   * enough to see the committed definition.
   */
  async adoptCommitted(request: { name: string; path: string }): Promise<DeployedChaincode> {
    const runtime = this.runtime;
    this.shimByFolder.set(request.path, await this.prepareFolder(request.path));
    const org = this.topology.peerOrgs[0];
    if (!org) throw new ChaincodeDeployError('the profile has no peer org');
    const peer = runtime.firstPeerOf(org);
    const deadline = Date.now() + 120_000;
    let committed: { version: string; sequence: number } | undefined;
    let pkg: CcaasPackage | undefined;
    let slot = 0;
    while (!committed) {
      const current = await this.withGateway(peer, (connection) =>
        queryCommitted(connection, runtime.channel, request.name),
      );
      if (current) {
        ({ pkg, slot } = await this.packageAndInstall(request.name, current.version));
        const packageId = pkg.packageId;
        runtime.step(
          'Approving chaincode',
          `${request.name} sequence ${current.sequence} (committed) for ${org.mspId}`,
        );
        committed = await this.withGateway(peer, (connection) =>
          retryWhileDiscovering(() =>
            approveCommittedDefinition(connection, runtime.channel, request.name, packageId),
          ),
        );
      } else if (Date.now() > deadline) {
        throw new ChaincodeDeployError(
          `${request.name} is not committed on ${runtime.channel} (as seen by ${peer.id} after 120 s)`,
        );
      } else {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    if (!pkg) throw new ChaincodeDeployError(`${request.name} was not packaged`);
    const deployed: DeployedChaincode = {
      name: request.name,
      version: committed.version,
      sequence: committed.sequence,
      packageId: pkg.packageId,
      path: request.path,
      slot,
      endorsementPolicy: 'as committed by the consortium',
      collections: [],
      consortium: false,
    };
    runtime.networkRecord.chaincodes[request.name] = deployed;
    await runtime.saveRecord();
    await this.startServices(deployed);
    return deployed;
  }

  /**
   * A new definition sequence of a deployed chaincode with another endorsement policy and
   * collections (e.g. after a member joined): approved by every local org and committed. The
   * package is unchanged, so the chaincode servers keep running.
   */
  async redefine(request: {
    name: string;
    endorsementPolicy: string;
    collections: CollectionDefinition[];
  }): Promise<DeployedChaincode> {
    const runtime = this.runtime;
    const recorded = runtime.networkRecord.chaincodes[request.name];
    if (!recorded) throw new ChaincodeDeployError(`${request.name} is not deployed by this console`);
    const anchorOrg = this.topology.peerOrgs.find((o) => o.role === 'regulator') ?? this.topology.peerOrgs[0];
    if (!anchorOrg) throw new ChaincodeDeployError('the profile has no peer org');
    const anchorPeer = runtime.firstPeerOf(anchorOrg);
    const committed = await this.withGateway(anchorPeer, (connection) =>
      queryCommitted(connection, runtime.channel, request.name),
    );
    if (!committed) throw new ChaincodeDeployError(`${request.name} is not committed on ${runtime.channel}`);
    const definition: ChaincodeDefinition = {
      name: request.name,
      version: committed.version,
      sequence: committed.sequence + 1,
      endorsementPolicy: request.endorsementPolicy,
      collections: request.collections,
      initRequired: false,
    };
    for (const org of this.topology.peerOrgs) {
      runtime.step('Approving chaincode', `${request.name} sequence ${definition.sequence} for ${org.mspId}`);
      await this.withGateway(runtime.firstPeerOf(org), (connection) =>
        retryWhileDiscovering(() =>
          approveForMyOrg(connection, runtime.channel, definition, recorded.packageId),
        ),
      );
    }
    runtime.step('Committing chaincode', `${request.name} sequence ${definition.sequence}`);
    await this.withGateway(anchorPeer, (connection) =>
      retryWhileDiscovering(() =>
        commitDefinition(
          connection,
          runtime.channel,
          definition,
          this.topology.peerOrgs.map((org) => org.mspId),
        ),
      ),
    );
    const updated: DeployedChaincode = {
      ...recorded,
      sequence: definition.sequence,
      endorsementPolicy: definition.endorsementPolicy,
      collections: definition.collections.map((c) => c.name),
    };
    runtime.networkRecord.chaincodes[request.name] = updated;
    await runtime.saveRecord();
    return updated;
  }

  async deploy(request: DeployRequest): Promise<DeployedChaincode> {
    const runtime = this.runtime;
    const record = runtime.networkRecord;
    const channel = runtime.channel;
    // Always rebuild on deploy (the folder may have changed); services started below reuse it.
    this.shimByFolder.set(request.path, await this.prepareFolder(request.path));

    const { slot, pkg, label } = await this.packageAndInstall(request.name, request.version);

    const endorsementPolicy = request.endorsementPolicy ?? endorsementPolicyFor(this.topology);
    const collections = request.consortium ? consortiumCollections(this.topology) : [];
    // Lifecycle queries and the commit go through the regulator's peer (any peer would do).
    const anchorOrg = this.topology.peerOrgs.find((o) => o.role === 'regulator') ?? this.topology.peerOrgs[0];
    if (!anchorOrg) throw new ChaincodeDeployError('the profile has no peer org');
    const anchorPeer = runtime.firstPeerOf(anchorOrg);
    const committed = await this.withGateway(anchorPeer, (connection) =>
      queryCommitted(connection, channel, request.name),
    );
    const sameAsCommitted = committed?.version === request.version;
    const definition: ChaincodeDefinition = {
      name: request.name,
      version: request.version,
      sequence: sameAsCommitted && committed ? committed.sequence : (committed?.sequence ?? 0) + 1,
      endorsementPolicy,
      collections,
      initRequired: false,
    };

    if (!sameAsCommitted) {
      // Idempotent: an org that already approved this exact definition is not asked again.
      const approvals = await this.withGateway(anchorPeer, (connection) =>
        checkCommitReadiness(connection, channel, definition),
      );
      for (const org of this.topology.peerOrgs) {
        if (approvals[org.mspId]) continue;
        runtime.step('Approving chaincode', `${label} sequence ${definition.sequence} for ${org.mspId}`);
        await this.withGateway(runtime.firstPeerOf(org), (connection) =>
          approveForMyOrg(connection, channel, definition, pkg.packageId),
        );
      }
      runtime.step('Committing chaincode', `${label} sequence ${definition.sequence}`);
      await this.withGateway(anchorPeer, (connection) =>
        retryWhileDiscovering(() =>
          commitDefinition(
            connection,
            channel,
            definition,
            this.topology.peerOrgs.map((org) => org.mspId),
          ),
        ),
      );
    }

    const deployed: DeployedChaincode = {
      name: request.name,
      version: request.version,
      sequence: definition.sequence,
      packageId: pkg.packageId,
      path: request.path,
      slot,
      endorsementPolicy,
      collections: collections.map((c) => c.name),
      consortium: request.consortium ?? false,
    };
    // Replace the previous version's servers: the chaincode id they registered with is its package ID.
    await this.stopServices(request.name);
    record.chaincodes[request.name] = deployed;
    await runtime.saveRecord();
    await this.startServices(deployed);
    if (deployed.consortium) await initConsortium(runtime, deployed.name);
    return deployed;
  }

  private async withGateway<T>(
    peer: NodeTopology,
    action: (connection: ReturnType<NetworkRuntime['gateway']>) => Promise<T>,
  ): Promise<T> {
    const connection = this.runtime.gateway(peer);
    try {
      return await action(connection);
    } finally {
      connection.close();
    }
  }

  private async stopServices(name: string): Promise<void> {
    for (const peer of this.topology.peers) {
      const id = serviceNodeId(name, peer);
      const managed = this.runtime.process(id);
      if (managed) {
        await managed.stop();
        this.runtime.unregisterProcess(id);
      }
    }
  }

  async startServices(chaincode: DeployedChaincode): Promise<void> {
    const shimCli = await this.prepareFolderCached(chaincode.path);
    await Promise.all(
      this.topology.peers.map(async (peer) => {
        const port = (peer.ccaasBasePort ?? 0) + chaincode.slot;
        const managed = this.runtime.registerProcess({
          id: serviceNodeId(chaincode.name, peer),
          kind: 'chaincode',
          org: peer.org.name,
          mspId: peer.org.mspId,
          command: process.execPath,
          args: [
            ...CHAINCODE_SERVER_NODE_FLAGS,
            shimCli,
            'server',
            '--chaincode-address',
            `127.0.0.1:${port}`,
            '--chaincode-id',
            chaincode.packageId,
            '--module-path',
            chaincode.path,
          ],
          // Inside Electron, process.execPath is the Electron binary: run it as plain Node.
          env:
            process.versions.electron === undefined
              ? CHAINCODE_SERVER_ENV
              : { ...CHAINCODE_SERVER_ENV, ELECTRON_RUN_AS_NODE: '1' },
          cwd: chaincode.path,
          ports: { listen: port },
          probe: () => probeTcp(port),
        });
        if (managed.status().state !== 'running') {
          this.runtime.step('Starting chaincode service', `${chaincode.name} for ${peer.id} on port ${port}`);
          await managed.start();
        }
      }),
    );
  }

  private readonly shimByFolder = new Map<string, string>();

  private async prepareFolderCached(folder: string): Promise<string> {
    const cached = this.shimByFolder.get(folder);
    if (cached) return cached;
    const shim = await this.prepareFolder(folder);
    this.shimByFolder.set(folder, shim);
    return shim;
  }

  /** After a restart: bring back the servers of every recorded chaincode. */
  async startRecordedServices(): Promise<void> {
    for (const chaincode of Object.values(this.runtime.networkRecord.chaincodes)) {
      await this.startServices(chaincode);
    }
  }
}
