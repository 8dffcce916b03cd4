// Live integrity audit of the acting org's peer chain and the report download (JSON and HTML).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AuditDownload, AuditRunSummary } from '../../../electron/api/contract';
import { useConsoleApi } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';

export const useAuditStore = defineStore('audit', () => {
  const api = useConsoleApi();
  const running = ref(false);
  const summary = ref<AuditRunSummary | null>(null);
  const error = ref<UiError | null>(null);

  async function run(): Promise<void> {
    if (running.value) return;
    running.value = true;
    try {
      summary.value = await api.call('audit:run');
      error.value = null;
    } catch (failure) {
      error.value = describeError('The audit could not run', failure);
    } finally {
      running.value = false;
    }
  }

  async function report(): Promise<AuditDownload | undefined> {
    try {
      return await api.call('audit:report');
    } catch (failure) {
      error.value = describeError('Could not prepare the audit report', failure);
      return undefined;
    }
  }

  function clearError(): void {
    error.value = null;
  }

  return { running, summary, error, run, report, clearError };
});
