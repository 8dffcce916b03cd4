import { describe, expect, it } from 'vitest';
import { formatLedgerBench, runLedgerBench, syntheticLedger } from './bench-ledger';

describe('runLedgerBench', () => {
  it('replays a ledger and times the dashboard queries (small sizes)', async () => {
    const result = await runLedgerBench({
      blocks: syntheticLedger(30, 5),
      minReplaySeconds: 0,
      claimCounts: [2_000],
      queryRuns: 3,
    });
    expect(result.indexing).toMatchObject({ blocks: 30, transactions: 150, rounds: 1 });
    expect(result.indexing.blocksPerSecond).toBeGreaterThan(0);
    const [dashboards] = result.dashboards;
    expect(dashboards?.claims).toBe(2_000);
    expect(dashboards?.queries.map((q) => q.name)).toContain('claims per hospital per month');
    expect(dashboards?.queries.every((q) => q.rows > 0)).toBe(true);
    expect(formatLedgerBench(result)).toMatch(/blocks\/s/);
  });
});
