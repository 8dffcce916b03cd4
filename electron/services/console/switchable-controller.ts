// The NetworkController the transports talk to. It forwards to the current runtime, and the
// first-run wizard can replace that runtime (open another state directory) while the network is
// down; subscribers keep their subscriptions across the switch.
import { EventEmitter } from 'node:events';
import type {
  ChaincodeDeployRequest,
  ChaincodeStatus,
  Disposable,
  LogLine,
  NetworkController,
  NetworkStatus,
  NodeStatus,
  ProgressEvent,
  RuntimeEvents,
} from '../runtime/types';

const FORWARDED_EVENTS = [
  'node-state',
  'log',
  'progress',
] as const satisfies readonly (keyof RuntimeEvents)[];

export class SwitchableController<R extends NetworkController> implements NetworkController {
  private readonly events = new EventEmitter();
  private forwarding: Disposable[] = [];

  constructor(private runtime: R) {
    this.events.setMaxListeners(0);
    this.forward();
  }

  get current(): R {
    return this.runtime;
  }

  /** Points every later call and event at `next`; the caller makes sure the old runtime is down. */
  replace(next: R): void {
    for (const subscription of this.forwarding) subscription.dispose();
    this.runtime = next;
    this.forward();
  }

  private forward(): void {
    this.forwarding = FORWARDED_EVENTS.map((event) =>
      this.runtime.on(event, (payload: RuntimeEvents[typeof event]) => this.events.emit(event, payload)),
    );
  }

  status(): Promise<NetworkStatus> {
    return this.runtime.status();
  }
  up(onProgress?: (event: ProgressEvent) => void): Promise<NetworkStatus> {
    return this.runtime.up(onProgress);
  }
  down(): Promise<void> {
    return this.runtime.down();
  }
  startNode(nodeId: string): Promise<NodeStatus> {
    return this.runtime.startNode(nodeId);
  }
  stopNode(nodeId: string): Promise<NodeStatus> {
    return this.runtime.stopNode(nodeId);
  }
  restartNode(nodeId: string): Promise<NodeStatus> {
    return this.runtime.restartNode(nodeId);
  }
  tailLogs(nodeId: string, limit: number): LogLine[] {
    return this.runtime.tailLogs(nodeId, limit);
  }
  metrics(nodeId: string): Promise<string> {
    return this.runtime.metrics(nodeId);
  }
  cancel(): boolean {
    return this.runtime.cancel();
  }
  deployChaincode(request: ChaincodeDeployRequest): Promise<ChaincodeStatus> {
    return this.runtime.deployChaincode(request);
  }
  on<E extends keyof RuntimeEvents>(event: E, listener: (payload: RuntimeEvents[E]) => void): Disposable {
    this.events.on(event, listener);
    return { dispose: () => this.events.off(event, listener) };
  }
}
