// The expiry radar (local MSPs and the channel config) and renewal of the acting org's nodes.
// Hydrated explicitly by the Certificates page; a renewal reloads the inventory so the table shows
// the new certificate.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type {
  CertificateInventoryView,
  CertificateRow,
  NodeRenewalResult,
  RenewalTarget,
} from '../../../electron/api/contract';
import { useConsoleApi } from '../api/console-api';
import { expiryBuckets, filterCertificates, type CertificateFilter } from '../utils/certificate-radar';
import { describeError, type UiError } from '../utils/describe-error';

export const useCertificatesStore = defineStore('certificates', () => {
  const api = useConsoleApi();

  const inventory = ref<CertificateInventoryView | null>(null);
  const loading = ref(false);
  const error = ref<UiError | null>(null);
  /** The node whose certificate is being renewed. */
  const renewing = ref<{ nodeId: string; target: RenewalTarget } | null>(null);
  const lastRenewal = ref<NodeRenewalResult | null>(null);
  const filter = ref<CertificateFilter>({ text: '', status: 'all' });

  const buckets = computed(() =>
    inventory.value ? expiryBuckets(inventory.value.rows, inventory.value.thresholds) : [],
  );
  const visibleRows = computed<CertificateRow[]>(() =>
    inventory.value ? filterCertificates(inventory.value.rows, filter.value) : [],
  );
  const localRows = computed(() => visibleRows.value.filter((row) => row.origin === 'local'));
  const channelRows = computed(() => visibleRows.value.filter((row) => row.origin === 'channel'));
  /** Certificates that need attention (warn, critical or expired), soonest first. */
  const attention = computed(() =>
    (inventory.value?.rows ?? [])
      .filter((row) => row.status !== 'ok')
      .sort((a, b) => a.daysLeft - b.daysLeft),
  );

  async function hydrate(): Promise<void> {
    loading.value = true;
    try {
      inventory.value = await api.call('certificates:inventory');
    } catch (failure) {
      error.value = describeError('Could not read the certificate inventory', failure);
    } finally {
      loading.value = false;
    }
  }

  async function renew(nodeId: string, target: RenewalTarget): Promise<boolean> {
    if (renewing.value !== null) return false;
    renewing.value = { nodeId, target };
    lastRenewal.value = null;
    try {
      const result = await api.call('certificates:renew-node', { nodeId, target });
      // Shown once the table holds the new certificate too, so the page never contradicts itself.
      await hydrate();
      lastRenewal.value = result;
      return true;
    } catch (failure) {
      error.value = describeError(`Could not renew the ${target} certificate of ${nodeId}`, failure);
      return false;
    } finally {
      renewing.value = null;
    }
  }

  function clearError(): void {
    error.value = null;
  }

  return {
    inventory,
    loading,
    error,
    renewing,
    lastRenewal,
    filter,
    buckets,
    visibleRows,
    localRows,
    channelRows,
    attention,
    hydrate,
    renew,
    clearError,
  };
});
