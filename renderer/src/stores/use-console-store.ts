// Who the console acts as (hospital, insurer or regulator) and whether this state directory holds
// a network yet (first run → the wizard), or joins a consortium it is not in yet. In the sandbox
// the user may switch the acting org.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ConsoleContext } from '../../../electron/api/contract';
import { useConsoleApi } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';

export const useConsoleStore = defineStore('console', () => {
  const api = useConsoleApi();

  const context = ref<ConsoleContext | null>(null);
  const error = ref<UiError | null>(null);
  const switching = ref(false);
  const opening = ref(false);

  const acting = computed(() => context.value?.acting ?? null);
  /** A newcomer whose peer has not joined the consortium's channel yet (the wizard's join step). */
  const joinPending = computed(() => context.value?.join !== undefined && !context.value.join.joined);
  const needsSetup = computed(
    () => context.value !== null && (!context.value.networkCreated || joinPending.value),
  );

  async function hydrate(): Promise<void> {
    try {
      context.value = await api.call('console:context');
    } catch (failure) {
      error.value = describeError('Could not read the console context', failure);
    }
  }

  async function setActingOrg(mspId: string): Promise<void> {
    if (switching.value || context.value?.acting.mspId === mspId) return;
    switching.value = true;
    try {
      context.value = await api.call('console:set-acting-org', { mspId });
    } catch (failure) {
      error.value = describeError(`Could not act as ${mspId}`, failure);
    } finally {
      switching.value = false;
    }
  }

  /** Opens an existing state directory; returns whether it worked. */
  async function openStateDir(path: string): Promise<boolean> {
    opening.value = true;
    try {
      context.value = await api.call('console:open-state-dir', { path });
      return true;
    } catch (failure) {
      error.value = describeError(`Could not open ${path}`, failure);
      return false;
    } finally {
      opening.value = false;
    }
  }

  function clearError(): void {
    error.value = null;
  }

  return {
    context,
    error,
    switching,
    opening,
    acting,
    joinPending,
    needsSetup,
    hydrate,
    setActingOrg,
    openStateDir,
    clearError,
  };
});
