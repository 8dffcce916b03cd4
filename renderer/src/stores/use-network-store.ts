// Network and node state: hydrated once from `network:status`, then kept current by `node-state`
// push events. Node actions update the state optimistically and roll back if the call fails.
import { defineStore } from 'pinia';
import { computed, ref, toRaw } from 'vue';
import type {
  NetworkState,
  NetworkStatus,
  NodeState,
  NodeStatus,
  PeerHeight,
  ProgressEvent,
} from '../../../electron/services/runtime/types';
import { useConsoleApi, type EventConnectionState } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';
import { withoutKey } from '../utils/records';

export type NodeAction = 'start' | 'stop' | 'restart';
export type NetworkAction = 'up' | 'down';

const OPTIMISTIC_NODE_STATE: Record<NodeAction, NodeState> = {
  start: 'starting',
  stop: 'stopping',
  restart: 'restarting',
};
const OPTIMISTIC_NETWORK_STATE: Record<NetworkAction, NetworkState> = { up: 'starting', down: 'stopping' };

export const useNetworkStore = defineStore('network', () => {
  const api = useConsoleApi();

  const status = ref<NetworkStatus | null>(null);
  const loading = ref(false);
  const error = ref<UiError | null>(null);
  const progress = ref<ProgressEvent | null>(null);
  const eventConnection = ref<EventConnectionState>('closed');
  const pendingNodeActions = ref<Record<string, NodeAction>>({});
  const pendingNetworkAction = ref<NetworkAction | null>(null);

  // Bumped on every change to a node, so a late failure does not roll back a newer pushed state.
  const nodeRevisions = new Map<string, number>();
  let unsubscribers: (() => void)[] = [];

  const nodes = computed<NodeStatus[]>(() => status.value?.nodes ?? []);
  const heightsByPeer = computed(
    () => new Map<string, PeerHeight>((status.value?.heights ?? []).map((height) => [height.peerId, height])),
  );

  function findNode(nodeId: string): NodeStatus | undefined {
    return nodes.value.find((node) => node.id === nodeId);
  }

  function applyNodeStatus(next: NodeStatus): void {
    if (status.value === null) return;
    const index = status.value.nodes.findIndex((node) => node.id === next.id);
    if (index === -1) status.value.nodes.push(next);
    else status.value.nodes[index] = next;
    nodeRevisions.set(next.id, (nodeRevisions.get(next.id) ?? 0) + 1);
  }

  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      status.value = await api.call('network:status');
      nodeRevisions.clear();
    } catch (failure) {
      error.value = describeError('Could not read the network status', failure);
    } finally {
      loading.value = false;
    }
  }

  function subscribe(): void {
    let wasOpen = false;
    unsubscribers = [
      api.events.on('node-state', applyNodeStatus),
      api.events.on('progress', (event) => (progress.value = event)),
      api.events.onConnectionChange((state) => {
        eventConnection.value = state;
        // Events missed while disconnected are not replayed, so re-read the whole status.
        if (state === 'open' && wasOpen) void refresh();
        if (state === 'open') wasOpen = true;
      }),
    ];
  }

  /** Loads the status and starts following push events. Safe to call again. */
  async function hydrate(): Promise<void> {
    if (unsubscribers.length === 0) subscribe();
    await refresh();
  }

  function clearError(): void {
    error.value = null;
  }

  function dispose(): void {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
  }

  async function runNodeAction(action: NodeAction, nodeId: string): Promise<void> {
    const before = findNode(nodeId);
    if (before === undefined || pendingNodeActions.value[nodeId] !== undefined) return;
    const previous = structuredClone(toRaw(before));
    pendingNodeActions.value[nodeId] = action;
    applyNodeStatus({ ...previous, state: OPTIMISTIC_NODE_STATE[action] });
    const optimisticRevision = nodeRevisions.get(nodeId);
    try {
      const result = await api.call(`node:${action}`, { nodeId });
      // Push events that arrived meanwhile are at least as new as this reply.
      if (nodeRevisions.get(nodeId) === optimisticRevision) applyNodeStatus(result);
    } catch (failure) {
      if (nodeRevisions.get(nodeId) === optimisticRevision) applyNodeStatus(previous);
      error.value = describeError(`Could not ${action} ${nodeId}`, failure);
    } finally {
      pendingNodeActions.value = withoutKey(pendingNodeActions.value, nodeId);
    }
  }

  async function runNetworkAction(action: NetworkAction): Promise<void> {
    if (pendingNetworkAction.value !== null || status.value === null) return;
    const previousState = status.value.state;
    pendingNetworkAction.value = action;
    status.value.state = OPTIMISTIC_NETWORK_STATE[action];
    progress.value = null;
    try {
      if (action === 'up') {
        status.value = await api.call('network:up');
        nodeRevisions.clear();
      } else {
        await api.call('network:down');
        await refresh();
      }
    } catch (failure) {
      if (status.value.state === OPTIMISTIC_NETWORK_STATE[action]) status.value.state = previousState;
      error.value = describeError(
        action === 'up' ? 'Could not bring the network up' : 'Could not take the network down',
        failure,
      );
    } finally {
      pendingNetworkAction.value = null;
    }
  }

  /** Asks the running long operation (bringing the network up) to stop before its next step. */
  async function cancel(): Promise<void> {
    try {
      await api.call('network:cancel');
    } catch (failure) {
      error.value = describeError('Could not cancel', failure);
    }
  }

  return {
    status,
    loading,
    error,
    progress,
    eventConnection,
    pendingNodeActions,
    pendingNetworkAction,
    nodes,
    heightsByPeer,
    findNode,
    hydrate,
    dispose,
    refresh,
    clearError,
    up: () => runNetworkAction('up'),
    down: () => runNetworkAction('down'),
    cancel,
    startNode: (nodeId: string) => runNodeAction('start', nodeId),
    stopNode: (nodeId: string) => runNodeAction('stop', nodeId),
    restartNode: (nodeId: string) => runNodeAction('restart', nodeId),
  };
});
