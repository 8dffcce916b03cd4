// Public types of the local Fabric runtime. Shared by the supervisor, the CLI, the API contract
// and the renderer (type-only), so they carry no Node imports.

export type NodeKind = 'orderer' | 'peer' | 'chaincode' | 'ca';

export type NodeState =
  'stopped' | 'starting' | 'running' | 'unhealthy' | 'restarting' | 'crashed' | 'stopping';

export type OrgRole = 'orderer' | 'hospital' | 'insurer' | 'regulator';

export interface NodePorts {
  /** gRPC listen port (peer, orderer, chaincode server). */
  listen: number;
  /** Operations endpoint: /healthz, /metrics, /version. */
  operations?: number;
  /** Orderer channel-participation admin endpoint. */
  admin?: number;
  /** Peer chaincode listener (unused by CCaaS, still bound by the peer). */
  chaincode?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  at: string;
}

export interface NodeStatus {
  id: string;
  kind: NodeKind;
  org: string;
  mspId: string;
  state: NodeState;
  pid?: number;
  ports: NodePorts;
  restarts: number;
  startedAt?: string;
  lastExit?: ExitInfo;
  /** Last readiness/health probe failure, in words. */
  lastError?: string;
}

export interface PeerHeight {
  peerId: string;
  height: number;
  currentBlockHash: string;
}

export interface ChaincodeStatus {
  name: string;
  version: string;
  sequence: number;
  packageId?: string;
  endorsementPolicy?: string;
}

export interface OrgStatus {
  name: string;
  mspId: string;
  role: OrgRole;
  nodes: string[];
}

export type NetworkState = 'down' | 'starting' | 'up' | 'degraded' | 'stopping';

export interface NetworkStatus {
  profile: string;
  stateDir: string;
  state: NetworkState;
  channel: string;
  orgs: OrgStatus[];
  nodes: NodeStatus[];
  heights: PeerHeight[];
  chaincodes: ChaincodeStatus[];
}

export interface LogLine {
  nodeId: string;
  stream: 'stdout' | 'stderr';
  line: string;
  at: string;
}

export interface ProgressEvent {
  step: string;
  detail?: string;
  done?: number;
  total?: number;
}

export interface RuntimeEvents {
  'node-state': NodeStatus;
  log: LogLine;
  progress: ProgressEvent;
}

export interface ChaincodeDeployRequest {
  /** Absolute path of a chaincode folder (package.json whose main exports contracts). */
  path: string;
  name: string;
  version: string;
}

export interface Disposable {
  dispose(): void;
}

/**
 * What the console (Electron main or the headless server) needs from the local runtime.
 * The runtime service implements it; the API layer only ever talks to this interface.
 */
export interface NetworkController {
  status(): Promise<NetworkStatus>;
  /** Idempotent: creates the network on first use, resumes existing ledgers afterwards. */
  up(onProgress?: (event: ProgressEvent) => void): Promise<NetworkStatus>;
  down(): Promise<void>;
  startNode(nodeId: string): Promise<NodeStatus>;
  stopNode(nodeId: string): Promise<NodeStatus>;
  restartNode(nodeId: string): Promise<NodeStatus>;
  /** The newest `limit` lines of a node's in-memory log ring. */
  tailLogs(nodeId: string, limit: number): LogLine[];
  /** Raw Prometheus exposition text from the node's operations endpoint. */
  metrics(nodeId: string): Promise<string>;
  /** Installs, approves and commits a chaincode folder (a new version bumps the sequence). */
  deployChaincode(request: ChaincodeDeployRequest): Promise<ChaincodeStatus>;
  /** Stops the running long operation (up, a deployment) before its next step; false when none runs. */
  cancel(): boolean;
  on<E extends keyof RuntimeEvents>(event: E, listener: (payload: RuntimeEvents[E]) => void): Disposable;
}
