// State that belongs to the acting org: when another org takes over, it is dropped, as if another
// member had opened its own console (whichever page is open at the time).
import { watch } from 'vue';
import { useConsoleStore } from '../stores/use-console-store';

export function useResetOnActingOrgChange(reset: () => void): void {
  const consoleStore = useConsoleStore();
  watch(
    () => consoleStore.acting?.mspId,
    (mspId, previous) => {
      if (previous !== undefined && mspId !== previous) reset();
    },
  );
}
