// The acting org's Fabric CA: its status, registering and enrolling identities, re-enrolling and
// revoking them, and publishing its CRL as a channel update bundle (handed to the Channel updates
// page, where it is reviewed, signed and submitted). Switching the acting org starts clean.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type {
  CaReenrollResult,
  CaRegisterRequest,
  CaRegistration,
  CaRevocationReason,
  CaRevokeResult,
  CrlPublication,
  FabricCaStatus,
  IdentitySummary,
} from '../../../electron/api/contract';
import { useConsoleApi } from '../api/console-api';
import { useResetOnActingOrgChange } from '../composables/use-reset-on-acting-org-change';
import { describeError, type UiError } from '../utils/describe-error';
import { useChannelUpdatesStore } from './use-channel-updates-store';

export type FabricCaAction = 'register' | 'enroll' | 'reenroll' | 'revoke' | 'publish';

export const useFabricCaStore = defineStore('fabric-ca', () => {
  const api = useConsoleApi();
  const channelUpdates = useChannelUpdatesStore();

  const status = ref<FabricCaStatus | null>(null);
  const loading = ref(false);
  const busy = ref<FabricCaAction | null>(null);
  const error = ref<UiError | null>(null);
  const registration = ref<CaRegistration | null>(null);
  const enrolled = ref<IdentitySummary | null>(null);
  const reenrolled = ref<CaReenrollResult | null>(null);
  const revocation = ref<CaRevokeResult | null>(null);
  const publication = ref<CrlPublication | null>(null);

  async function hydrate(): Promise<void> {
    loading.value = true;
    try {
      status.value = await api.call('ca:status');
    } catch (failure) {
      error.value = describeError('Could not read the Fabric CA status', failure);
    } finally {
      loading.value = false;
    }
  }

  /** Runs one CA action at a time; refreshes the status after it, whatever the outcome. */
  async function run<T>(
    action: FabricCaAction,
    title: string,
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    if (busy.value !== null) return undefined;
    busy.value = action;
    error.value = null;
    try {
      return await call();
    } catch (failure) {
      error.value = describeError(title, failure);
      return undefined;
    } finally {
      busy.value = null;
      await hydrate();
    }
  }

  async function register(request: CaRegisterRequest): Promise<boolean> {
    registration.value = null;
    const result = await run('register', `Could not register ${request.enrollmentId}`, () =>
      api.call('ca:register', request),
    );
    if (result === undefined) return false;
    registration.value = result;
    return true;
  }

  async function enroll(enrollmentId: string, secret: string): Promise<boolean> {
    enrolled.value = null;
    const result = await run('enroll', `Could not enroll ${enrollmentId}`, () =>
      api.call('ca:enroll', { enrollmentId, secret }),
    );
    if (result === undefined) return false;
    enrolled.value = result;
    // The secret was for one enrollment: it is not shown any longer.
    if (registration.value?.enrollmentId === enrollmentId) registration.value = null;
    return true;
  }

  async function reenroll(enrollmentId: string): Promise<boolean> {
    reenrolled.value = null;
    const result = await run('reenroll', `Could not re-enroll ${enrollmentId}`, () =>
      api.call('ca:reenroll', { enrollmentId }),
    );
    if (result === undefined) return false;
    reenrolled.value = result;
    return true;
  }

  async function revoke(enrollmentId: string, reason: CaRevocationReason): Promise<boolean> {
    revocation.value = null;
    const result = await run('revoke', `Could not revoke ${enrollmentId}`, () =>
      api.call('ca:revoke', { enrollmentId, reason }),
    );
    if (result === undefined) return false;
    revocation.value = result;
    return true;
  }

  /** Proposes the CRL as a channel update and loads the bundle into the Channel updates page. */
  async function publishCrl(): Promise<boolean> {
    publication.value = null;
    const result = await run('publish', 'Could not publish the CRL', () => api.call('ca:publish-crl'));
    if (result === undefined) return false;
    publication.value = result;
    return channelUpdates.reviewText(result.bundle.fileName, result.bundle.bundleJson);
  }

  function reset(): void {
    status.value = null;
    registration.value = null;
    enrolled.value = null;
    reenrolled.value = null;
    revocation.value = null;
    publication.value = null;
    error.value = null;
  }

  useResetOnActingOrgChange(reset);

  function clearError(): void {
    error.value = null;
  }

  return {
    status,
    loading,
    busy,
    error,
    registration,
    enrolled,
    reenrolled,
    revocation,
    publication,
    hydrate,
    register,
    enroll,
    reenroll,
    revoke,
    publishCrl,
    reset,
    clearError,
  };
});
