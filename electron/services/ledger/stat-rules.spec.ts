import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  evaluateStatRules,
  loadClaimFacts,
  mean,
  patientConcentration,
  percentile,
  quarterOf,
  stdDev,
  upcodingShare,
  type ClaimFact,
} from './stat-rules';
import { SCHEMA_SQL } from './schema';

/** `n` claims of `hospital` in a month, the first `high` of them high-cost (100000) and the rest 10000. */
function claims(
  hospital: string,
  month: string,
  n: number,
  high: number,
  patient = (i: number) => `pp-${hospital}-${i}`,
): ClaimFact[] {
  return Array.from({ length: n }, (_, i) => ({
    claimId: `${hospital}-${month}-${String(i).padStart(3, '0')}`,
    hospitalMspId: hospital,
    patientPseudonym: patient(i),
    filedAt: `${month}-10T09:00:00.000Z`,
    submittedMinor: i < high ? 100_000 : 10_000,
  }));
}

describe('statistics', () => {
  it('computes mean, population σ, interpolated percentiles and quarters', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(stdDev([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
    expect(percentile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85);
    expect(percentile([], 0.5)).toBeNaN();
    expect(quarterOf('2025-01-31T00:00:00Z')).toBe('2025-Q1');
    expect(quarterOf('2025-04-01')).toBe('2025-Q2');
    expect(quarterOf('2025-12-31')).toBe('2025-Q4');
    expect(quarterOf('garbage')).toBeNull();
  });
});

describe('R4 up-coding share', () => {
  const peers = [
    ...claims('H1', '2025-02', 60, 6),
    ...claims('H2', '2025-02', 60, 7),
    ...claims('H3', '2025-02', 60, 5),
  ];

  it('flags the hospital whose high-cost share exceeds the peers mean + 2σ, with its evidence', () => {
    const outcome = upcodingShare([...peers, ...claims('H9', '2025-03', 60, 30)], { highCostMinor: 50_000 });
    expect(outcome.alerts).toHaveLength(1);
    const [alert] = outcome.alerts;
    expect(alert).toMatchObject({
      alertId: 'R4:H9:2025-Q1',
      ruleId: 'R4',
      hospitalMspId: 'H9',
      period: '2025-Q1',
      severity: 'high',
    });
    expect(alert?.claimIds).toHaveLength(30);
    expect(alert?.evidence).toMatchObject({
      claims: 60,
      highCostClaims: 30,
      share: 0.5,
      peerMean: 0.1,
      highCostMinor: 50_000,
      method: 'sigma',
    });
    expect((alert?.evidence.peers as unknown[]).length).toBe(3);
  });

  it('does not flag hospitals within the band, and uses the p95 method on request', () => {
    const normal = upcodingShare([...peers, ...claims('H4', '2025-01', 60, 7)], { highCostMinor: 50_000 });
    expect(normal.alerts).toEqual([]);
    // 12 of 100 = 12%: above the peer p95 (11.5%) but inside mean + 2σ (10% + 2·1.36%).
    const slight = [...peers, ...claims('H4', '2025-01', 100, 12)];
    const options = { highCostMinor: 50_000, minExcess: 0.01 };
    expect(upcodingShare(slight, options).alerts).toEqual([]);
    expect(upcodingShare(slight, { ...options, method: 'p95' }).alerts.map((a) => a.hospitalMspId)).toEqual([
      'H4',
    ]);
    // ... and not at all with the default minimum lead of 10 points over the peer mean.
    expect(upcodingShare(slight, { highCostMinor: 50_000, method: 'p95' }).alerts).toEqual([]);
  });

  it('ignores hospitals below the minimum claim count and says when there are too few peers', () => {
    const few = upcodingShare([...peers, ...claims('H9', '2025-02', 49, 40)], { highCostMinor: 50_000 });
    expect(few.alerts).toEqual([]);
    const lonely = upcodingShare(claims('H1', '2025-02', 80, 70));
    expect(lonely.alerts).toEqual([]);
    expect(lonely.notes[0]).toMatch(/2025-Q1: 1 hospital\(s\) with at least 50 claims; R4 needs 3/);
  });

  it('derives the high-cost threshold from the quarter p90 by default and scores quarters separately', () => {
    const data = [...peers, ...claims('H9', '2025-02', 60, 30), ...claims('H9', '2025-05', 60, 6)];
    const outcome = upcodingShare(data);
    expect(outcome.alerts.map((a) => a.alertId)).toEqual(['R4:H9:2025-Q1']);
    expect(outcome.alerts[0]?.evidence.highCostRule).toBe('p90 of the quarter');
    expect(outcome.notes.some((n) => n.startsWith('2025-Q2'))).toBe(true);
  });
});

describe('R12 provider-patient concentration', () => {
  it('flags a hospital where enough patients have more than half their claims', () => {
    const facts: ClaimFact[] = [];
    // Three patients with 3 of 4 claims at H1 (75 %), one patient split 2/2 (not > 50 %).
    for (const patient of ['pa', 'pb', 'pc']) {
      facts.push(
        ...claims('H1', '2025-03', 3, 0, () => patient).map((c) => ({
          ...c,
          claimId: `${patient}-${c.claimId}`,
        })),
      );
      facts.push(
        ...claims('H2', '2025-03', 1, 0, () => patient).map((c) => ({
          ...c,
          claimId: `${patient}-${c.claimId}`,
        })),
      );
    }
    facts.push(
      ...claims('H1', '2025-03', 2, 0, () => 'pd').map((c) => ({ ...c, claimId: `pd-${c.claimId}` })),
    );
    facts.push(
      ...claims('H2', '2025-03', 2, 0, () => 'pd').map((c) => ({ ...c, claimId: `pd-${c.claimId}` })),
    );
    const outcome = patientConcentration(facts, { window: { from: '2025-01-01', to: '2025-03-31' } });
    expect(outcome.alerts).toHaveLength(1);
    const [alert] = outcome.alerts;
    expect(alert).toMatchObject({
      alertId: 'R12:H1:2025-01-01..2025-03-31',
      hospitalMspId: 'H1',
      severity: 'warn',
    });
    expect(alert?.claimIds).toHaveLength(9);
    expect(alert?.evidence.patients).toEqual([
      { patientPseudonym: 'pa', claims: 4, atHospital: 3, share: 0.75 },
      { patientPseudonym: 'pb', claims: 4, atHospital: 3, share: 0.75 },
      { patientPseudonym: 'pc', claims: 4, atHospital: 3, share: 0.75 },
    ]);
    // Two concentrated patients are not enough.
    expect(patientConcentration(facts, { minPatients: 4 }).alerts).toEqual([]);
  });

  it('is not evaluated with a single hospital', () => {
    const outcome = patientConcentration(claims('H1', '2025-03', 9, 0, () => 'pa'));
    expect(outcome.alerts).toEqual([]);
    expect(outcome.notes[0]).toMatch(/needs at least 2/);
  });
});

describe('evaluateStatRules on an index', () => {
  it('reads claim facts from the claims table and evaluates both rules over the range', () => {
    const db = new Database(':memory:');
    db.exec(SCHEMA_SQL);
    const insert = db.prepare(
      `INSERT INTO claims (claim_id, hospital_msp_id, patient_pseudonym, filed_at, filed_month, total_submitted_minor,
         last_event, last_tx_id, block_number, tx_index)
       VALUES (?, ?, ?, ?, substr(?, 1, 7), ?, 'medfabric.claim.filed', 'tx', 1, 0)`,
    );
    const all = [
      ...claims('H1', '2025-02', 60, 6),
      ...claims('H2', '2025-02', 60, 6),
      ...claims('H3', '2025-02', 60, 6),
      ...claims('H9', '2025-02', 60, 40),
    ];
    for (const c of all)
      insert.run(c.claimId, c.hospitalMspId, c.patientPseudonym, c.filedAt, c.filedAt, c.submittedMinor);
    insert.run('no-hospital', null, 'x', '2025-02-01T00:00:00Z', '2025-02-01', 5);
    expect(loadClaimFacts(db, { from: '2025-02-01', to: '2025-02-28' })).toHaveLength(240);
    expect(loadClaimFacts(db, { from: '2025-03-01', to: '2025-03-31' })).toHaveLength(0);
    // A range inside the quarter still scores the whole quarter for R4.
    const [r4, r12] = evaluateStatRules(
      db,
      { from: '2025-03-01', to: '2025-03-31' },
      { upcoding: { highCostMinor: 50_000 } },
    );
    expect(r4?.alerts.map((a) => a.alertId)).toEqual(['R4:H9:2025-Q1']);
    expect(r12?.alerts).toEqual([]);
    db.close();
  });
});
