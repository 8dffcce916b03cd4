// The acting org's dashboard (hospital, insurer or regulator: the acting org decides which), its
// date range, drill-down to the claims behind a figure or a row, and CSV export of a table.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type {
  ClaimFilter,
  CsvExport,
  DashboardKind,
  DashboardTable,
  DashboardView,
  DateRange,
} from '../../../electron/api/contract';
import type { OrgRole } from '../../../electron/services/runtime/types';
import { useConsoleApi } from '../api/console-api';
import { describeError, type UiError } from '../utils/describe-error';
import { defaultRange } from '../utils/ledger-format';

const CHANNELS = {
  hospital: 'dashboard:hospital',
  insurer: 'dashboard:insurer',
  regulator: 'dashboard:regulator',
} as const;

export function dashboardFor(role: OrgRole | undefined): DashboardKind | null {
  return role === 'hospital' || role === 'insurer' || role === 'regulator' ? role : null;
}

export interface DrillDown {
  title: string;
  filter: ClaimFilter;
  table: DashboardTable | null;
}

export const useDashboardStore = defineStore('dashboard', () => {
  const api = useConsoleApi();
  const kind = ref<DashboardKind | null>(null);
  const range = ref<DateRange>(defaultRange());
  const view = ref<DashboardView | null>(null);
  const loading = ref(false);
  const exporting = ref<string | null>(null);
  const drill = ref<DrillDown | null>(null);
  const error = ref<UiError | null>(null);
  let generation = 0;
  let drillGeneration = 0;

  async function load(
    next: DashboardKind | null = kind.value,
    nextRange: DateRange = range.value,
  ): Promise<void> {
    kind.value = next;
    range.value = nextRange;
    const mine = ++generation;
    if (next === null) {
      view.value = null;
      return;
    }
    loading.value = true;
    try {
      const result = await api.call(CHANNELS[next], { ...nextRange });
      if (mine !== generation) return;
      view.value = result;
      error.value = null;
    } catch (failure) {
      if (mine !== generation) return;
      view.value = null;
      error.value = describeError(`Could not read the ${next} dashboard`, failure);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  async function setRange(next: DateRange): Promise<void> {
    closeDrill();
    await load(kind.value, next);
  }

  async function drillDown(title: string, filter: ClaimFilter): Promise<void> {
    const mine = ++drillGeneration;
    drill.value = { title, filter, table: null };
    try {
      const table = await api.call('dashboard:claims', { ...range.value, filter });
      if (mine === drillGeneration) drill.value = { title, filter, table };
    } catch (failure) {
      error.value = describeError(`Could not list the claims behind “${title}”`, failure);
      drill.value = null;
    }
  }

  /** The CSV of a table as shown (the caller offers it as a download). */
  async function exportCsv(tableId: string): Promise<CsvExport | undefined> {
    if (kind.value === null) return undefined;
    exporting.value = tableId;
    try {
      return await api.call('dashboard:export-csv', {
        dashboard: kind.value,
        table: tableId,
        ...range.value,
      });
    } catch (failure) {
      error.value = describeError(`Could not export ${tableId}`, failure);
      return undefined;
    } finally {
      exporting.value = null;
    }
  }

  function closeDrill(): void {
    drillGeneration++;
    drill.value = null;
  }

  function clearError(): void {
    error.value = null;
  }

  return {
    kind,
    range,
    view,
    loading,
    exporting,
    drill,
    error,
    load,
    setRange,
    drillDown,
    exportCsv,
    closeDrill,
    clearError,
  };
});
