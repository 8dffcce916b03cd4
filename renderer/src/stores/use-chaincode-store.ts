// Chaincode lifecycle: committed definitions with approvals per org, installed packages per peer,
// and deploying a new version from a folder (progress arrives as `progress` push events).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ChaincodeOverview, ProgressEvent } from '../../../electron/api/contract';
import type { ChaincodeDeployRequest, ChaincodeStatus } from '../../../electron/services/runtime/types';
import { useConsoleApi } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';

export const MAX_DEPLOY_STEPS = 50;

export const useChaincodeStore = defineStore('chaincode', () => {
  const api = useConsoleApi();
  const overview = ref<ChaincodeOverview | null>(null);
  const loading = ref(false);
  const deploying = ref(false);
  const deploySteps = ref<ProgressEvent[]>([]);
  const lastDeployed = ref<ChaincodeStatus | null>(null);
  const error = ref<UiError | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      overview.value = await api.call('chaincode:info');
    } catch (failure) {
      error.value = describeError('Could not read the chaincode definitions', failure);
    } finally {
      loading.value = false;
    }
  }

  async function deploy(request: ChaincodeDeployRequest): Promise<boolean> {
    if (deploying.value) return false;
    deploying.value = true;
    deploySteps.value = [];
    lastDeployed.value = null;
    const stop = api.events.on('progress', (event) => {
      deploySteps.value = [...deploySteps.value, event].slice(-MAX_DEPLOY_STEPS);
    });
    try {
      lastDeployed.value = await api.call('chaincode:deploy', request);
      await load();
      return true;
    } catch (failure) {
      error.value = describeError(`Could not deploy ${request.name} ${request.version}`, failure);
      return false;
    } finally {
      stop();
      deploying.value = false;
    }
  }

  function clearError(): void {
    error.value = null;
  }

  return { overview, loading, deploying, deploySteps, lastDeployed, error, load, deploy, clearError };
});
