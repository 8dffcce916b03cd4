// Joining an existing consortium from the first-run wizard: prepare the newcomer (identities and
// the join package to send a member), join the channel once the consortium has added the org, and
// follow the peer catching up with the consortium's orderer (Overview).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ConsoleJoinInfo, JoinPackage, JoinRequest, JoinStatus } from '../../../electron/api/contract';
import { useConsoleApi } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';

export type JoinAction = 'prepare' | 'join';

export const useJoinStore = defineStore('join', () => {
  const api = useConsoleApi();

  const joinPackage = ref<JoinPackage | null>(null);
  const status = ref<JoinStatus | null>(null);
  const pending = ref<JoinAction | null>(null);
  const error = ref<UiError | null>(null);
  /** Set when joining succeeded: the peer is in the channel. */
  const joined = ref(false);

  /** Loads what a prepared newcomer already has (its join package), e.g. after a restart. */
  async function hydrate(join: ConsoleJoinInfo | undefined): Promise<void> {
    joined.value = join?.joined ?? false;
    if (!join?.prepared) {
      joinPackage.value = null;
      return;
    }
    try {
      joinPackage.value = await api.call('console:join-package');
    } catch (failure) {
      error.value = describeError('Could not read the join package', failure);
    }
  }

  /** Creates the newcomer's identities and join package; returns whether it worked. */
  async function prepare(request: JoinRequest): Promise<boolean> {
    if (pending.value !== null) return false;
    pending.value = 'prepare';
    error.value = null;
    try {
      joinPackage.value = await api.call('console:prepare-join', request);
      return true;
    } catch (failure) {
      error.value = describeError('Could not prepare the join', failure);
      return false;
    } finally {
      pending.value = null;
    }
  }

  /**
   * Fetches the channel's blocks from the consortium's orderer, joins the peers and approves the
   * committed chaincode (network:up in join mode); returns whether it worked.
   */
  async function join(): Promise<boolean> {
    if (pending.value !== null) return false;
    pending.value = 'join';
    error.value = null;
    try {
      await api.call('network:up');
      joined.value = true;
      return true;
    } catch (failure) {
      error.value = describeError('Could not join the channel', failure);
      return false;
    } finally {
      pending.value = null;
    }
  }

  async function refreshStatus(): Promise<void> {
    try {
      status.value = await api.call('console:join-status');
    } catch (failure) {
      error.value = describeError('Could not read how far the peer has caught up', failure);
    }
  }

  function clearError(): void {
    error.value = null;
  }

  return { joinPackage, status, pending, error, joined, hydrate, prepare, join, refreshStatus, clearError };
});
