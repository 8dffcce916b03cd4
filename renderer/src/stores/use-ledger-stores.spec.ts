import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import type {
  BlockSummary,
  DashboardView,
  LedgerBlockEvent,
  LedgerStatus,
} from '../../../electron/api/contract';
import { ConsoleError } from '../../../electron/services/console/errors';
import type { LedgerApiServices } from '../../../electron/api/handlers';
import { FakeNetworkController } from '../../../electron/api/testing/fake-network-controller';
import { consoleApiKey } from '../api/console-api';
import { createInMemoryConsoleApi } from '../api/testing/in-memory-console-api';
import { useAuditStore } from './use-audit-store';
import { dashboardFor, useDashboardStore } from './use-dashboard-store';
import { BLOCK_PAGE_SIZE, useLedgerStore } from './use-ledger-store';

function blockSummary(number: number): BlockSummary {
  return {
    number,
    dataHash: `d${number}`,
    previousHash: `p${number}`,
    headerHash: `h${number}`,
    txCount: 1,
    validTxCount: 1,
    timestamp: '2025-03-01T00:00:00Z',
    isConfig: number === 0,
    sizeBytes: 100,
  };
}

const notUsed = async (): Promise<never> => {
  throw new Error('not used');
};

class FakeLedger implements LedgerApiServices {
  height = 45;
  readonly calls: string[] = [];
  private listeners = new Set<(event: LedgerBlockEvent) => void>();
  role: 'hospital' | 'insurer' | 'regulator' = 'hospital';

  async status(): Promise<LedgerStatus> {
    return {
      channel: 'medchannel',
      peerId: 'peer0.hospital',
      mspId: 'HospitalMSP',
      indexFile: '/x.sqlite',
      state: 'following',
      indexedHeight: this.height,
      peerHeight: this.height + 2,
      lastError: null,
      updatedAt: null,
    };
  }
  async blocks({ before, limit }: { before?: number; limit: number }) {
    this.calls.push(`blocks:${before ?? 'newest'}:${limit}`);
    const top = (before ?? this.height) - 1;
    const numbers = Array.from({ length: Math.min(limit, top + 1) }, (_, i) => top - i);
    const last = numbers[numbers.length - 1];
    return {
      blocks: numbers.map(blockSummary),
      nextBefore: last !== undefined && last > 0 && numbers.length === limit ? last : null,
      height: this.height,
    };
  }
  block = notUsed;
  transaction = notUsed;
  async search(query: string) {
    return { query, matches: [{ kind: 'block' as const, blockNumber: 3, label: 'Block 3' }] };
  }
  claim = notUsed;
  async dashboard(
    kind: 'hospital' | 'insurer' | 'regulator',
    range: { from: string; to: string },
  ): Promise<DashboardView> {
    this.calls.push(`dashboard:${kind}:${range.from}..${range.to}`);
    if (kind !== this.role) throw new ConsoleError('forbidden', `the console acts as a ${this.role}`);
    return {
      dashboard: kind,
      mspId: 'X',
      range,
      indexedHeight: this.height,
      figures: [],
      charts: [],
      tables: [],
      notes: [],
    };
  }
  async claims(filter: object, range: { from: string; to: string }) {
    this.calls.push(`claims:${JSON.stringify(filter)}:${range.from}`);
    return { id: 'claims', title: 'Claims', columns: [], rows: [], total: 0 };
  }
  async exportCsv(request: { dashboard: string; table: string; from: string; to: string }) {
    this.calls.push(`csv:${request.dashboard}:${request.table}`);
    return { fileName: `${request.table}.csv`, text: 'A,B\r\n1,2\r\n', rows: 1 };
  }
  async runAudit() {
    return { report: { ok: true } as never, blocksShown: 0 };
  }
  auditReport() {
    return { baseName: 'ledger-audit', json: '{}', html: '<html></html>' };
  }
  onBlock(listener: (event: LedgerBlockEvent) => void) {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  emit(height: number): void {
    this.height = height;
    for (const listener of this.listeners)
      listener({
        channel: 'medchannel',
        peerId: 'peer0.hospital',
        number: height - 1,
        height,
        txCount: 1,
        validTxCount: 1,
      });
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

let ledger: FakeLedger;

beforeEach(() => {
  ledger = new FakeLedger();
  const api = createInMemoryConsoleApi(new FakeNetworkController(), undefined, ledger);
  const pinia = createPinia();
  createApp({}).provide(consoleApiKey, api).use(pinia);
  setActivePinia(pinia);
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('useLedgerStore', () => {
  it('hydrates the status and the newest page, and pages older and newer', async () => {
    const store = useLedgerStore();
    await store.hydrate();
    expect(store.status).toMatchObject({ indexedHeight: 45, peerHeight: 47 });
    expect(store.lag).toBe(2);
    expect(store.blocks.map((b) => b.number)).toEqual(
      Array.from({ length: BLOCK_PAGE_SIZE }, (_, i) => 44 - i),
    );
    await store.olderPage();
    expect(store.blocks[0]?.number).toBe(24);
    await store.olderPage();
    expect(store.blocks.map((b) => b.number)).toEqual([4, 3, 2, 1, 0]);
    expect(store.nextBefore).toBeNull();
    await store.newerPage();
    expect(store.blocks[0]?.number).toBe(24);
    await store.newerPage();
    expect(store.atNewest).toBe(true);
    expect(store.blocks[0]?.number).toBe(44);
  });

  it('follows ledger:block: the height grows and the newest page refreshes; one subscription', async () => {
    const store = useLedgerStore();
    await store.hydrate();
    await store.hydrate();
    expect(ledger.listenerCount).toBe(1);
    ledger.emit(46);
    await flush();
    expect(store.status?.indexedHeight).toBe(46);
    expect(store.blocks[0]?.number).toBe(45);
    store.dispose();
    expect(ledger.listenerCount).toBe(0);
  });

  it('keeps search results and turns failures into a UiError', async () => {
    const store = useLedgerStore();
    expect((await store.search('3'))?.matches).toHaveLength(1);
    expect(store.searchResult?.query).toBe('3');
    await store.openBlock(3);
    expect(store.error?.title).toBe('Could not read block 3');
    // Arguments are validated by the contract before they reach the service.
    await store.search(' ');
    expect(store.error?.code).toBe('invalid-argument');
  });
});

describe('useDashboardStore', () => {
  it('maps the acting role to its dashboard, none for the orderer org', () => {
    expect(dashboardFor('hospital')).toBe('hospital');
    expect(dashboardFor('regulator')).toBe('regulator');
    expect(dashboardFor('orderer')).toBeNull();
    expect(dashboardFor(undefined)).toBeNull();
  });

  it('loads the dashboard for a range, drills down and exports CSV with the same range', async () => {
    const store = useDashboardStore();
    const range = { from: '2025-01-01', to: '2025-03-31' };
    await store.load('hospital', range);
    expect(store.view?.dashboard).toBe('hospital');
    await store.drillDown('Claims filed', { stage: 'filed' });
    expect(store.drill?.table?.id).toBe('claims');
    const csv = await store.exportCsv('encounters-per-day');
    expect(csv?.text).toBe('A,B\r\n1,2\r\n');
    expect(ledger.calls).toEqual([
      'dashboard:hospital:2025-01-01..2025-03-31',
      'claims:{"stage":"filed"}:2025-01-01',
      'csv:hospital:encounters-per-day',
    ]);
    await store.setRange({ from: '2025-02-01', to: '2025-02-28' });
    expect(store.drill).toBeNull();
    expect(ledger.calls.at(-1)).toBe('dashboard:hospital:2025-02-01..2025-02-28');
  });

  it('shows why a role may not read another dashboard, and rejects a reversed range', async () => {
    const store = useDashboardStore();
    await store.load('regulator', { from: '2025-01-01', to: '2025-01-31' });
    expect(store.view).toBeNull();
    expect(store.error).toMatchObject({ code: 'forbidden', title: 'Could not read the regulator dashboard' });
    await store.load('hospital', { from: '2025-02-01', to: '2025-01-01' });
    expect(store.error?.code).toBe('invalid-argument');
    expect(store.error?.detail).toMatch(/"from" must not be after "to"/);
  });
});

describe('useAuditStore', () => {
  it('runs the audit and fetches the report files', async () => {
    const store = useAuditStore();
    await store.run();
    expect(store.summary?.report).toMatchObject({ ok: true });
    expect(await store.report()).toMatchObject({ baseName: 'ledger-audit' });
  });
});
