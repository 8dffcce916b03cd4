// Identities of the orgs the acting org may see, enrollment of new client identities, and the
// org definition export.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { IdentitySummary, OrgDefinition, OrgIdentities } from '../../../electron/api/contract';
import type { IssueIdentityRequest } from '../../../electron/services/console/types';
import { useConsoleApi } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';

export const useIdentitiesStore = defineStore('identities', () => {
  const api = useConsoleApi();

  const orgs = ref<OrgIdentities[]>([]);
  const loading = ref(false);
  const issuing = ref(false);
  const error = ref<UiError | null>(null);
  const lastIssued = ref<IdentitySummary | null>(null);
  const definitions = ref<Record<string, OrgDefinition>>({});

  async function load(): Promise<void> {
    loading.value = true;
    try {
      orgs.value = await api.call('identity:list', {});
    } catch (failure) {
      error.value = describeError('Could not list the identities', failure);
    } finally {
      loading.value = false;
    }
  }

  async function issue(request: IssueIdentityRequest): Promise<boolean> {
    if (issuing.value) return false;
    issuing.value = true;
    try {
      const args: IssueIdentityRequest = { mspId: request.mspId, name: request.name, role: request.role };
      if (request.patientId) args.patientId = request.patientId;
      lastIssued.value = await api.call('identity:issue', args);
      await load();
      return true;
    } catch (failure) {
      error.value = describeError(`Could not enroll ${request.name}`, failure);
      return false;
    } finally {
      issuing.value = false;
    }
  }

  async function exportDefinition(mspId: string): Promise<OrgDefinition | undefined> {
    try {
      const definition = await api.call('org:export-definition', { mspId });
      definitions.value = { ...definitions.value, [mspId]: definition };
      return definition;
    } catch (failure) {
      error.value = describeError(`Could not export the definition of ${mspId}`, failure);
      return undefined;
    }
  }

  function clearError(): void {
    error.value = null;
  }

  return {
    orgs,
    loading,
    issuing,
    error,
    lastIssued,
    definitions,
    load,
    issue,
    exportDefinition,
    clearError,
  };
});
