// Live log tail: one bounded ring of lines per node, seeded from `node:logs` and extended by `log`
// push events, plus the text filter the Nodes page applies to it.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { MAX_LOG_LINES } from '../../../electron/api/contract';
import type { LogLine } from '../../../electron/services/runtime/types';
import { useConsoleApi } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';
import { withoutKey } from '../utils/records';
import { stripAnsi } from '../utils/format';
import { RingBuffer } from '../utils/ring-buffer';

export const LOG_RING_CAPACITY = 2000;

function sameLine(a: LogLine, b: LogLine): boolean {
  return a.at === b.at && a.line === b.line && a.stream === b.stream;
}

export const useLogsStore = defineStore('logs', () => {
  const api = useConsoleApi();

  const filter = ref('');
  const error = ref<UiError | null>(null);
  const loadingNodes = ref<Record<string, boolean>>({});
  // Rings live outside Vue's reactivity (thousands of lines); `revision` tells computeds to re-read.
  const rings = new Map<string, RingBuffer<LogLine>>();
  const revision = ref(0);
  // Lines pushed while a node's history is being fetched, merged once the history arrives.
  const arrivedDuringLoad = new Map<string, LogLine[]>();
  let unsubscribe: (() => void) | undefined;

  function ringOf(nodeId: string): RingBuffer<LogLine> {
    let ring = rings.get(nodeId);
    if (ring === undefined) {
      ring = new RingBuffer<LogLine>(LOG_RING_CAPACITY);
      rings.set(nodeId, ring);
    }
    return ring;
  }

  function plain(line: LogLine): LogLine {
    return { ...line, line: stripAnsi(line.line) };
  }

  function append(raw: LogLine): void {
    const line = plain(raw);
    arrivedDuringLoad.get(line.nodeId)?.push(line);
    ringOf(line.nodeId).push(line);
    revision.value += 1;
  }

  /** Follows log events and loads the newest lines of `nodeId`. */
  async function hydrate(nodeId: string): Promise<void> {
    unsubscribe ??= api.events.on('log', append);
    if (loadingNodes.value[nodeId]) return;
    loadingNodes.value[nodeId] = true;
    const arrived: LogLine[] = [];
    arrivedDuringLoad.set(nodeId, arrived);
    try {
      const history = (
        await api.call('node:logs', {
          nodeId,
          limit: Math.min(LOG_RING_CAPACITY, MAX_LOG_LINES),
        })
      ).map(plain);
      const ring = ringOf(nodeId);
      ring.clear();
      for (const line of history) ring.push(line);
      const recent = history.slice(-arrived.length - 1);
      for (const line of arrived) {
        if (!recent.some((known) => sameLine(known, line))) ring.push(line);
      }
      revision.value += 1;
    } catch (failure) {
      error.value = describeError(`Could not load the log of ${nodeId}`, failure);
    } finally {
      arrivedDuringLoad.delete(nodeId);
      loadingNodes.value = withoutKey(loadingNodes.value, nodeId);
    }
  }

  function linesOf(nodeId: string): LogLine[] {
    void revision.value;
    return rings.get(nodeId)?.toArray() ?? [];
  }

  /** Lines of `nodeId` containing the filter text, case-insensitively. */
  function visibleLines(nodeId: string): LogLine[] {
    const needle = filter.value.trim().toLowerCase();
    const lines = linesOf(nodeId);
    return needle === '' ? lines : lines.filter((line) => line.line.toLowerCase().includes(needle));
  }

  function clear(nodeId: string): void {
    rings.get(nodeId)?.clear();
    revision.value += 1;
  }

  function setFilter(text: string): void {
    filter.value = text;
  }

  function clearError(): void {
    error.value = null;
  }

  function dispose(): void {
    unsubscribe?.();
    unsubscribe = undefined;
  }

  return {
    filter,
    error,
    loadingNodes,
    hydrate,
    linesOf,
    visibleLines,
    clear,
    setFilter,
    clearError,
    dispose,
  };
});
