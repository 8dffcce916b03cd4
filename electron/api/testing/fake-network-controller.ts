// A small in-memory NetworkController for transport, store and browser tests. It only proves the
// plumbing (validation, auth, events, rendering); the real runtime is exercised by integration tests.
import type {
  ChaincodeDeployRequest,
  ChaincodeStatus,
  Disposable,
  LogLine,
  NetworkController,
  NetworkStatus,
  NodeState,
  NodeStatus,
  ProgressEvent,
  RuntimeEvents,
} from '../../services/runtime/types';

export type ControllerMethod = Exclude<keyof NetworkController, 'on'>;

export interface ControllerCall {
  method: ControllerMethod;
  args: unknown[];
}

type Listener<E extends keyof RuntimeEvents> = (payload: RuntimeEvents[E]) => void;

function node(id: string, kind: NodeStatus['kind'], org: string, mspId: string, listen: number): NodeStatus {
  return {
    id,
    kind,
    org,
    mspId,
    state: 'running',
    pid: listen - 3000,
    ports: { listen, operations: listen + 1000 },
    restarts: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
  };
}

export function sandboxStatus(): NetworkStatus {
  return {
    profile: 'sandbox',
    stateDir: '/tmp/medfabric-fake',
    state: 'up',
    channel: 'medfabric',
    orgs: [
      { name: 'OrdererOrg', mspId: 'OrdererMSP', role: 'orderer', nodes: ['orderer0.orderer'] },
      { name: 'HospitalOrg', mspId: 'HospitalMSP', role: 'hospital', nodes: ['peer0.hospital'] },
      { name: 'InsurerOrg', mspId: 'InsurerMSP', role: 'insurer', nodes: ['peer0.insurer'] },
    ],
    nodes: [
      node('orderer0.orderer', 'orderer', 'OrdererOrg', 'OrdererMSP', 7050),
      node('peer0.hospital', 'peer', 'HospitalOrg', 'HospitalMSP', 7051),
      node('peer0.insurer', 'peer', 'InsurerOrg', 'InsurerMSP', 8051),
    ],
    heights: [
      { peerId: 'peer0.hospital', height: 12, currentBlockHash: 'a1b2c3' },
      { peerId: 'peer0.insurer', height: 12, currentBlockHash: 'a1b2c3' },
    ],
    chaincodes: [{ name: 'medfabric', version: '1.0', sequence: 1, packageId: 'medfabric_1.0:abc123' }],
  };
}

export const SAMPLE_PEER_METRICS = [
  '# HELP ledger_blockchain_height Height of the chain in blocks.',
  '# TYPE ledger_blockchain_height gauge',
  'ledger_blockchain_height{channel="medfabric"} 12',
  '# TYPE endorser_proposal_duration histogram',
  'endorser_proposal_duration_bucket{channel="medfabric",chaincode="medfabric:1.0",success="true",le="0.005"} 3',
  'endorser_proposal_duration_bucket{channel="medfabric",chaincode="medfabric:1.0",success="true",le="0.01"} 8',
  'endorser_proposal_duration_bucket{channel="medfabric",chaincode="medfabric:1.0",success="true",le="0.05"} 10',
  'endorser_proposal_duration_bucket{channel="medfabric",chaincode="medfabric:1.0",success="true",le="+Inf"} 10',
  'endorser_proposal_duration_sum{channel="medfabric",chaincode="medfabric:1.0",success="true"} 0.07',
  'endorser_proposal_duration_count{channel="medfabric",chaincode="medfabric:1.0",success="true"} 10',
  '# TYPE endorser_proposals_received counter',
  'endorser_proposals_received 10',
  '# TYPE endorser_successful_proposals counter',
  'endorser_successful_proposals 9',
  '# TYPE go_goroutines gauge',
  'go_goroutines 87',
  '',
].join('\n');

export class FakeNetworkController implements NetworkController {
  readonly calls: ControllerCall[] = [];
  /** How long node actions take, so a browser test can see the transitional state. */
  nodeActionDelayMs = 0;
  private current: NetworkStatus = sandboxStatus();
  private readonly listeners: { [E in keyof RuntimeEvents]: Set<Listener<E>> } = {
    'node-state': new Set(),
    log: new Set(),
    progress: new Set(),
  };
  private readonly failures = new Map<ControllerMethod, Error>();
  private readonly logs: LogLine[] = [];

  /** Makes the next call of `method` reject with `error`. */
  failNext(method: ControllerMethod, error: Error): void {
    this.failures.set(method, error);
  }

  emit<E extends keyof RuntimeEvents>(event: E, payload: RuntimeEvents[E]): void {
    if (event === 'log') this.logs.push(payload as LogLine);
    for (const listener of this.listeners[event]) listener(payload);
  }

  listenerCount(): number {
    return Object.values(this.listeners).reduce((sum, set) => sum + set.size, 0);
  }

  async status(): Promise<NetworkStatus> {
    this.record('status', []);
    return structuredClone(this.current);
  }

  async up(onProgress?: (event: ProgressEvent) => void): Promise<NetworkStatus> {
    this.record('up', [onProgress]);
    const step: ProgressEvent = { step: 'network up', done: 1, total: 1 };
    onProgress?.(step);
    this.emit('progress', step);
    this.current.state = 'up';
    for (const each of this.current.nodes) this.setState(each.id, 'running');
    return structuredClone(this.current);
  }

  async down(): Promise<void> {
    this.record('down', []);
    for (const each of this.current.nodes) this.setState(each.id, 'stopped');
    this.current.state = 'down';
  }

  async startNode(nodeId: string): Promise<NodeStatus> {
    this.record('startNode', [nodeId]);
    await this.pause();
    return this.setState(nodeId, 'running');
  }

  async stopNode(nodeId: string): Promise<NodeStatus> {
    this.record('stopNode', [nodeId]);
    await this.pause();
    return this.setState(nodeId, 'stopped');
  }

  async restartNode(nodeId: string): Promise<NodeStatus> {
    this.record('restartNode', [nodeId]);
    this.setState(nodeId, 'restarting');
    await this.pause();
    this.findNode(nodeId).restarts += 1;
    return this.setState(nodeId, 'running');
  }

  tailLogs(nodeId: string, limit: number): LogLine[] {
    this.record('tailLogs', [nodeId, limit]);
    this.findNode(nodeId);
    return this.logs.filter((line) => line.nodeId === nodeId).slice(-limit);
  }

  async metrics(nodeId: string): Promise<string> {
    this.record('metrics', [nodeId]);
    this.findNode(nodeId);
    return SAMPLE_PEER_METRICS;
  }

  cancel(): boolean {
    this.record('cancel', []);
    return false;
  }

  async deployChaincode(request: ChaincodeDeployRequest): Promise<ChaincodeStatus> {
    this.record('deployChaincode', [request]);
    await this.pause();
    const existing = this.current.chaincodes.find((cc) => cc.name === request.name);
    const deployed: ChaincodeStatus = {
      name: request.name,
      version: request.version,
      sequence: (existing?.sequence ?? 0) + 1,
      packageId: `${request.name}_${request.version}:fake`,
    };
    this.current.chaincodes = [...this.current.chaincodes.filter((cc) => cc.name !== request.name), deployed];
    return structuredClone(deployed);
  }

  on<E extends keyof RuntimeEvents>(event: E, listener: Listener<E>): Disposable {
    const set = this.listeners[event] as Set<Listener<E>>;
    set.add(listener);
    return { dispose: () => set.delete(listener) };
  }

  private async pause(): Promise<void> {
    if (this.nodeActionDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.nodeActionDelayMs));
  }

  private record(method: ControllerMethod, args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  private findNode(nodeId: string): NodeStatus {
    const found = this.current.nodes.find((each) => each.id === nodeId);
    if (!found)
      throw Object.assign(new Error(`No node named "${nodeId}" in this network.`), { code: 'not-found' });
    return found;
  }

  private setState(nodeId: string, state: NodeState): NodeStatus {
    const target = this.findNode(nodeId);
    target.state = state;
    if (state === 'stopped') delete target.pid;
    else target.pid ??= 5000;
    const snapshot = structuredClone(target);
    this.emit('node-state', snapshot);
    return structuredClone(snapshot);
  }
}
