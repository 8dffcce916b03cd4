// The channel's decoded configuration, read from a running peer on demand.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ChannelConfigView } from '../../../electron/api/contract';
import { useConsoleApi } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';

export const useChannelStore = defineStore('channel', () => {
  const api = useConsoleApi();
  const config = ref<ChannelConfigView | null>(null);
  const loading = ref(false);
  const error = ref<UiError | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      config.value = await api.call('channel:config');
    } catch (failure) {
      error.value = describeError('Could not read the channel configuration', failure);
    } finally {
      loading.value = false;
    }
  }

  function clearError(): void {
    error.value = null;
  }

  return { config, loading, error, load, clearError };
});
