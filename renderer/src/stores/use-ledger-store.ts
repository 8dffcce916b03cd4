// The block/transaction browser: the index's status (indexed vs peer height, live through
// `ledger:block` events), blocks newest first with paging, block and transaction details, claim
// trails (drill-down target) and search by transaction id, block number, claim id or record id.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type {
  BlockDetail,
  BlockSummary,
  ClaimTrail,
  LedgerStatus,
  SearchResult,
  TransactionDetail,
} from '../../../electron/api/contract';
import { useConsoleApi } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';

export const BLOCK_PAGE_SIZE = 20;

export const useLedgerStore = defineStore('ledger', () => {
  const api = useConsoleApi();
  const status = ref<LedgerStatus | null>(null);
  const blocks = ref<BlockSummary[]>([]);
  /** `before` of the page shown (undefined: the newest page). */
  const pageBefore = ref<number | undefined>(undefined);
  const nextBefore = ref<number | null>(null);
  const previousPages = ref<Array<number | undefined>>([]);
  const block = ref<BlockDetail | null>(null);
  const transaction = ref<TransactionDetail | null>(null);
  const claim = ref<ClaimTrail | null>(null);
  const searchResult = ref<SearchResult | null>(null);
  const loading = ref(false);
  const error = ref<UiError | null>(null);
  let unsubscribe: (() => void) | undefined;
  let refreshing = false;

  const atNewest = computed(() => pageBefore.value === undefined);
  const lag = computed(() =>
    status.value?.peerHeight === null || status.value === null
      ? null
      : Math.max(0, (status.value.peerHeight ?? 0) - status.value.indexedHeight),
  );

  async function guarded<T>(title: string, action: () => Promise<T>): Promise<T | undefined> {
    loading.value = true;
    try {
      error.value = null;
      return await action();
    } catch (failure) {
      error.value = describeError(title, failure);
      return undefined;
    } finally {
      loading.value = false;
    }
  }

  async function loadStatus(): Promise<void> {
    try {
      status.value = await api.call('ledger:status');
    } catch (failure) {
      error.value = describeError('Could not read the ledger index status', failure);
    }
  }

  async function loadPage(before: number | undefined): Promise<void> {
    await guarded('Could not list the blocks', async () => {
      const page = await api.call('ledger:blocks', { before, limit: BLOCK_PAGE_SIZE });
      blocks.value = page.blocks;
      nextBefore.value = page.nextBefore;
      pageBefore.value = before;
      if (status.value) status.value = { ...status.value, indexedHeight: page.height };
    });
  }

  /** Status and the newest page; follows `ledger:block` (subscribes once). */
  async function hydrate(): Promise<void> {
    unsubscribe ??= api.events.on('ledger:block', (event) => {
      if (status.value && event.height > status.value.indexedHeight)
        status.value = { ...status.value, indexedHeight: event.height };
      if (atNewest.value && !refreshing) {
        refreshing = true;
        void loadPage(undefined).finally(() => {
          refreshing = false;
        });
      }
    });
    previousPages.value = [];
    await Promise.all([loadStatus(), loadPage(undefined)]);
  }

  async function olderPage(): Promise<void> {
    if (nextBefore.value === null) return;
    previousPages.value = [...previousPages.value, pageBefore.value];
    await loadPage(nextBefore.value);
  }

  async function newerPage(): Promise<void> {
    const stack = [...previousPages.value];
    const before = stack.pop();
    previousPages.value = stack;
    await loadPage(before);
  }

  async function openBlock(number: number): Promise<void> {
    block.value = null;
    const found = await guarded(`Could not read block ${number}`, () => api.call('ledger:block', { number }));
    if (found) block.value = found;
  }

  async function openTransaction(txId: string): Promise<void> {
    transaction.value = null;
    const found = await guarded(`Could not read transaction ${txId.slice(0, 16)}…`, () =>
      api.call('ledger:transaction', { txId }),
    );
    if (found) transaction.value = found;
  }

  async function openClaim(claimId: string): Promise<void> {
    claim.value = null;
    const found = await guarded(`Could not read claim ${claimId}`, () =>
      api.call('ledger:claim', { claimId }),
    );
    if (found) claim.value = found;
  }

  async function search(query: string): Promise<SearchResult | undefined> {
    const result = await guarded(`Could not search for “${query}”`, () =>
      api.call('ledger:search', { query }),
    );
    searchResult.value = result ?? null;
    return result;
  }

  function clearError(): void {
    error.value = null;
  }

  function dispose(): void {
    unsubscribe?.();
    unsubscribe = undefined;
  }

  return {
    status,
    blocks,
    pageBefore,
    nextBefore,
    previousPages,
    block,
    transaction,
    claim,
    searchResult,
    loading,
    error,
    atNewest,
    lag,
    hydrate,
    loadStatus,
    olderPage,
    newerPage,
    openBlock,
    openTransaction,
    openClaim,
    search,
    clearError,
    dispose,
  };
});
