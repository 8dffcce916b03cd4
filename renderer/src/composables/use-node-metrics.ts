// Polls one node's Prometheus endpoint (through the API) while a component shows it.
import { onScopeDispose, ref, watch, type Ref } from 'vue';
import { useConsoleApi } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';
import { summarizeNodeMetrics, type NodeMetricsSummary } from '../utils/prometheus';

export const METRICS_POLL_MS = 5000;

export function useNodeMetrics(nodeId: Ref<string>, intervalMs = METRICS_POLL_MS) {
  const api = useConsoleApi();
  const summary = ref<NodeMetricsSummary | null>(null);
  const scrapedAt = ref<string | null>(null);
  const error = ref<UiError | null>(null);
  const loading = ref(false);
  let timer: ReturnType<typeof setInterval> | undefined;

  async function refresh(): Promise<void> {
    const requested = nodeId.value;
    loading.value = true;
    try {
      const snapshot = await api.call('node:metrics', { nodeId: requested });
      // A reply for a node that is no longer shown must not overwrite the current one.
      if (requested !== nodeId.value) return;
      summary.value = summarizeNodeMetrics(snapshot.text);
      scrapedAt.value = snapshot.scrapedAt;
      error.value = null;
    } catch (failure) {
      if (requested === nodeId.value)
        error.value = describeError(`Could not read the metrics of ${requested}`, failure);
    } finally {
      loading.value = false;
    }
  }

  function clearError(): void {
    error.value = null;
  }

  watch(
    nodeId,
    () => {
      summary.value = null;
      scrapedAt.value = null;
      error.value = null;
      clearInterval(timer);
      void refresh();
      timer = setInterval(() => void refresh(), intervalMs);
    },
    { immediate: true },
  );
  onScopeDispose(() => clearInterval(timer));

  return { summary, scrapedAt, error, loading, refresh, clearError };
}
