// A ConsoleRuntime over real crypto material on disk (pki) and no Fabric process, for the console
// services' unit specs. The spec loads `material`; subclasses add the processes, progress and
// Fabric CA they observe. The real network is covered by the integration and Playwright specs.
import { FakeNetworkController } from '../../../api/testing/fake-network-controller';
import type { GatewayConnection } from '../../gateway/gateway-client';
import { EncryptedKeystore, issueUser, type OrgMaterial } from '../../pki';
import type { NetworkRecord } from '../../runtime/network-runtime';
import { deriveTopology, type NetworkProfile, type Topology } from '../../runtime/profile';
import { StateLayout } from '../../runtime/state-layout';
import type { NodeStatus } from '../../runtime/types';
import type { FabricCaHandle } from '../certificate-services';
import type { ConsoleRuntime } from '../console-services';

export class FakeConsoleRuntime extends FakeNetworkController implements ConsoleRuntime {
  readonly topology: Topology;
  readonly layout: StateLayout;
  readonly channel = 'medchannel';
  readonly material = new Map<string, OrgMaterial>();
  readonly keys: EncryptedKeystore;

  constructor(root: string, profile: NetworkProfile) {
    super();
    this.topology = deriveTopology(profile);
    this.layout = new StateLayout(root);
    this.keys = new EncryptedKeystore(this.layout.keystoreDir, 'unit-test-passphrase');
  }

  get networkRecord(): NetworkRecord {
    throw new Error('network not created yet; run up first');
  }

  orgMaterial(mspId: string): OrgMaterial {
    const material = this.material.get(mspId);
    if (!material) throw new Error(`no crypto material loaded for ${mspId}; run up first`);
    return material;
  }

  async issueClient(mspId: string, name: string, attributes: Record<string, string>) {
    const user = await issueUser(this.layout.cryptoDir, this.orgMaterial(mspId).spec, this.keys, {
      name,
      ou: 'client',
      attributes,
    });
    return { mspId, certPem: user.certPem, keyPem: user.keyPem };
  }

  adminIdentity(mspId: string) {
    const admin = this.orgMaterial(mspId).users.Admin;
    if (!admin) throw new Error(`${mspId} has no Admin identity`);
    return { mspId, certPem: admin.certPem, keyPem: admin.keyPem };
  }

  peerAdminClient(): never {
    throw new Error('no peer in unit tests');
  }

  gateway(): GatewayConnection {
    throw new Error('no gateway in unit tests');
  }

  /** No node runs unless a subclass says so. */
  process(_id: string): { status(): NodeStatus } | undefined {
    return undefined;
  }

  async keystore(): Promise<EncryptedKeystore> {
    return this.keys;
  }

  progress(step: string, detail?: string): void {
    this.emit('progress', { step, detail });
  }

  fabricCa(_mspId: string): FabricCaHandle | undefined {
    return undefined;
  }

  async prepare(): Promise<void> {
    throw new Error('the fake runtime has its material loaded by the test');
  }

  async saveRecord(): Promise<void> {
    throw new Error('the fake runtime keeps no record');
  }

  async queryHeights(): Promise<never> {
    throw new Error('no peer in unit tests');
  }

  async externalOrdererHeight(): Promise<never> {
    throw new Error('the fake runtime runs its own orderer');
  }
}
