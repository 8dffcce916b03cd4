// Off-chain statistical supervision rules (DESIGN §6: "Statistical rules (up-coding share,
// collusion) run in the console's indexer"; domain rules R4 and R12). They read the claims the index
// projected and are COMPUTED ON DEMAND (no table): the result is a pure function of the indexed
// claims and the options, so it is never stale and needs no migration. Deterministic: times come
// from the claims' filing timestamps (transaction time), never from the wall clock.
//
// R4 up-coding share: per quarter, each hospital's share of high-cost claims is compared with its
//   PEERS (the other hospitals with at least `minClaims` claims that quarter): flagged when the share
//   exceeds the peers' mean + k·σ (default) or their p95, and the peer mean by at least `minExcess`. A claim is high-cost when its submitted
//   total is at least `highCostMinor`, or by default at least the quarter's consortium-wide p90.
//   Claim items carry no procedure codes in the events, so the submitted amount stands in for the
//   "highest level E/M / MCC-DRG" of the reference rule.
// R12 provider-patient concentration: a patient with at least `minPatientClaims` claims in the
//   window of whom more than `shareThreshold` were filed by one hospital is concentrated on it; a
//   hospital with at least `minPatients` such patients is flagged. Only meaningful when the index
//   knows at least two hospitals (with one, every patient is trivially concentrated).
import type Database from 'better-sqlite3';

export type StatRuleId = 'R4' | 'R12';

export interface ClaimFact {
  claimId: string;
  hospitalMspId: string;
  patientPseudonym: string | null;
  /** ISO timestamp of filing (transaction time). */
  filedAt: string;
  submittedMinor: number | null;
}

export interface StatAlert {
  /** Deterministic: rule, hospital and period. */
  alertId: string;
  ruleId: StatRuleId;
  severity: 'warn' | 'high';
  hospitalMspId: string;
  /** 'YYYY-Qn' for R4, 'from..to' (dates) for R12. */
  period: string;
  summary: string;
  claimIds: string[];
  evidence: Record<string, unknown>;
}

export interface RuleOutcome {
  ruleId: StatRuleId;
  /** Why the rule produced nothing, when it could not be evaluated (e.g. too few peers). */
  notes: string[];
  alerts: StatAlert[];
}

export interface UpcodingOptions {
  /** Minimum claims of a hospital in a quarter to be scored or to count as a peer (reference: 50). */
  minClaims?: number;
  /** Minimum peers needed to score a hospital. */
  minPeers?: number;
  /** Fixed high-cost threshold (minor units); default: the quarter's consortium p90 of submitted totals. */
  highCostMinor?: number;
  /** Percentile used for the default high-cost threshold (0..1). */
  highCostPercentile?: number;
  method?: 'sigma' | 'p95';
  /** k in mean + k·σ. */
  sigmas?: number;
  /**
   * The share must also exceed the peer mean by this much (0..1): with a handful of peers σ is
   * tiny and unstable, and a 2-point lead over three peers is not up-coding.
   */
  minExcess?: number;
  /** Claim ids kept in the evidence, at most. */
  maxEvidenceClaims?: number;
}

export interface ConcentrationOptions {
  minPatientClaims?: number;
  /** A patient is concentrated when MORE than this share of its claims is at one hospital. */
  shareThreshold?: number;
  minPatients?: number;
  /** Window label for the evidence (the date range the facts were taken from). */
  window?: { from: string; to: string };
  maxEvidenceClaims?: number;
}

export const UPCODING_DEFAULTS = {
  minClaims: 50,
  minPeers: 2,
  highCostPercentile: 0.9,
  method: 'sigma',
  sigmas: 2,
  minExcess: 0.1,
  maxEvidenceClaims: 200,
} as const satisfies UpcodingOptions;

export const CONCENTRATION_DEFAULTS = {
  minPatientClaims: 3,
  shareThreshold: 0.5,
  minPatients: 3,
  maxEvidenceClaims: 200,
} as const satisfies ConcentrationOptions;

// ---- statistics -------------------------------------------------------------------------------

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Population standard deviation. */
export function stdDev(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / values.length);
}

/** Linear-interpolation percentile (R type 7, Excel PERCENTILE.INC); p in 0..1. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(Math.max(p, 0), 1) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (rank - low);
}

export function quarterOf(iso: string): string | null {
  const match = /^(\d{4})-(\d{2})/.exec(iso);
  if (!match) return null;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return `${match[1]}-Q${Math.floor((month - 1) / 3) + 1}`;
}

function round(value: number, digits = 4): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

// ---- R4 ---------------------------------------------------------------------------------------

export function upcodingShare(facts: readonly ClaimFact[], options: UpcodingOptions = {}): RuleOutcome {
  const o = { ...UPCODING_DEFAULTS, ...options };
  const outcome: RuleOutcome = { ruleId: 'R4', notes: [], alerts: [] };
  const byQuarter = groupBy(
    facts.filter((f) => f.submittedMinor !== null),
    (f) => quarterOf(f.filedAt),
  );
  for (const [quarter, claims] of [...byQuarter].sort(([a], [b]) => a.localeCompare(b))) {
    const threshold =
      options.highCostMinor ??
      percentile(
        claims.map((c) => c.submittedMinor as number),
        o.highCostPercentile,
      );
    const scored = [...groupBy(claims, (c) => c.hospitalMspId)]
      .filter(([, list]) => list.length >= o.minClaims)
      .map(([hospital, list]) => {
        const high = list.filter((c) => (c.submittedMinor as number) >= threshold);
        return { hospital, claims: list.length, high, share: high.length / list.length };
      })
      .sort((a, b) => a.hospital.localeCompare(b.hospital));
    if (scored.length < o.minPeers + 1) {
      outcome.notes.push(
        `${quarter}: ${scored.length} hospital(s) with at least ${o.minClaims} claims; R4 needs ${o.minPeers + 1} to compare a hospital with its peers`,
      );
      continue;
    }
    for (const subject of scored) {
      const peers = scored.filter((s) => s !== subject);
      const shares = peers.map((p) => p.share);
      const peerMean = mean(shares);
      const peerStdDev = stdDev(shares);
      const peerP95 = percentile(shares, 0.95);
      const limit = o.method === 'p95' ? peerP95 : peerMean + o.sigmas * peerStdDev;
      if (!(subject.share > limit) || subject.share - peerMean < o.minExcess) continue;
      const severe = subject.share > peerMean + (o.sigmas + 1) * peerStdDev;
      outcome.alerts.push({
        alertId: `R4:${subject.hospital}:${quarter}`,
        ruleId: 'R4',
        severity: severe ? 'high' : 'warn',
        hospitalMspId: subject.hospital,
        period: quarter,
        summary:
          `${subject.hospital}: ${(subject.share * 100).toFixed(1)}% high-cost claims in ${quarter} ` +
          `(${subject.high.length} of ${subject.claims}); peers ${(peerMean * 100).toFixed(1)}% ± ${(peerStdDev * 100).toFixed(1)}%, ` +
          `limit ${(limit * 100).toFixed(1)}% (${o.method === 'p95' ? 'peer p95' : `mean + ${o.sigmas}σ`})`,
        claimIds: subject.high
          .map((c) => c.claimId)
          .sort()
          .slice(0, o.maxEvidenceClaims),
        evidence: {
          quarter,
          method: o.method,
          highCostMinor: threshold,
          highCostRule:
            options.highCostMinor !== undefined
              ? 'fixed'
              : `p${Math.round(o.highCostPercentile * 100)} of the quarter`,
          claims: subject.claims,
          highCostClaims: subject.high.length,
          share: round(subject.share),
          peerMean: round(peerMean),
          peerStdDev: round(peerStdDev),
          peerP95: round(peerP95),
          limit: round(limit),
          minExcess: o.minExcess,
          peers: peers.map((p) => ({ hospitalMspId: p.hospital, claims: p.claims, share: round(p.share) })),
        },
      });
    }
  }
  return outcome;
}

// ---- R12 --------------------------------------------------------------------------------------

export function patientConcentration(
  facts: readonly ClaimFact[],
  options: ConcentrationOptions = {},
): RuleOutcome {
  const o = { ...CONCENTRATION_DEFAULTS, ...options };
  const outcome: RuleOutcome = { ruleId: 'R12', notes: [], alerts: [] };
  const hospitals = new Set(facts.map((f) => f.hospitalMspId));
  if (hospitals.size < 2) {
    outcome.notes.push(
      `${hospitals.size} hospital(s) filed claims in the window; R12 needs at least 2 (with one, every patient is trivially concentrated)`,
    );
    return outcome;
  }
  const concentrated = new Map<
    string,
    Array<{ patient: string; claims: number; atHospital: number; share: number; claimIds: string[] }>
  >();
  for (const [patient, claims] of groupBy(facts, (f) => f.patientPseudonym)) {
    if (claims.length < o.minPatientClaims) continue;
    for (const [hospital, atHospital] of groupBy(claims, (c) => c.hospitalMspId)) {
      const share = atHospital.length / claims.length;
      if (!(share > o.shareThreshold)) continue;
      const list = concentrated.get(hospital) ?? [];
      list.push({
        patient,
        claims: claims.length,
        atHospital: atHospital.length,
        share: round(share),
        claimIds: atHospital.map((c) => c.claimId).sort(),
      });
      concentrated.set(hospital, list);
    }
  }
  const period = o.window ? `${o.window.from}..${o.window.to}` : 'all';
  for (const [hospital, patients] of [...concentrated].sort(([a], [b]) => a.localeCompare(b))) {
    if (patients.length < o.minPatients) continue;
    patients.sort((a, b) => b.share - a.share || a.patient.localeCompare(b.patient));
    const claimIds = [...new Set(patients.flatMap((p) => p.claimIds))].sort();
    outcome.alerts.push({
      alertId: `R12:${hospital}:${period}`,
      ruleId: 'R12',
      severity: patients.length >= 2 * o.minPatients ? 'high' : 'warn',
      hospitalMspId: hospital,
      period,
      summary:
        `${hospital}: ${patients.length} patients with at least ${o.minPatientClaims} claims ` +
        `have more than ${Math.round(o.shareThreshold * 100)}% of them at this hospital`,
      claimIds: claimIds.slice(0, o.maxEvidenceClaims),
      evidence: {
        window: period,
        minPatientClaims: o.minPatientClaims,
        shareThreshold: o.shareThreshold,
        hospitalsInWindow: hospitals.size,
        patients: patients.map(({ patient, claims, atHospital, share }) => ({
          patientPseudonym: patient,
          claims,
          atHospital,
          share,
        })),
      },
    });
  }
  return outcome;
}

// ---- from the index ---------------------------------------------------------------------------

/** Claims filed in [from, to] (ISO dates or timestamps, inclusive by day) with a hospital. */
export function loadClaimFacts(db: Database.Database, range: { from: string; to: string }): ClaimFact[] {
  return db
    .prepare<[string, string], ClaimFact>(
      `SELECT claim_id AS claimId, hospital_msp_id AS hospitalMspId, patient_pseudonym AS patientPseudonym,
              filed_at AS filedAt, total_submitted_minor AS submittedMinor
         FROM claims
        WHERE hospital_msp_id IS NOT NULL AND filed_at IS NOT NULL
          AND substr(filed_at, 1, 10) BETWEEN ? AND ?
        ORDER BY claim_id`,
    )
    .all(range.from.slice(0, 10), range.to.slice(0, 10));
}

export interface StatRulesOptions {
  upcoding?: UpcodingOptions;
  concentration?: Omit<ConcentrationOptions, 'window'>;
}

/** Both rules over the claims filed in the range. R4 uses the whole quarters the range touches. */
export function evaluateStatRules(
  db: Database.Database,
  range: { from: string; to: string },
  options: StatRulesOptions = {},
): RuleOutcome[] {
  const quarterStart = (iso: string): string => {
    const [year, month] = [iso.slice(0, 4), Number(iso.slice(5, 7))];
    return `${year}-${String(Math.floor((month - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
  };
  const quarterEnd = (iso: string): string => {
    const [year, month] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7))];
    const endMonth = Math.floor((month - 1) / 3) * 3 + 3;
    const last = new Date(Date.UTC(year, endMonth, 0)).getUTCDate();
    return `${year}-${String(endMonth).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
  };
  const quarters = loadClaimFacts(db, { from: quarterStart(range.from), to: quarterEnd(range.to) });
  const window = { from: range.from.slice(0, 10), to: range.to.slice(0, 10) };
  const inWindow = quarters.filter((f) => {
    const day = f.filedAt.slice(0, 10);
    return day >= window.from && day <= window.to;
  });
  return [
    upcodingShare(quarters, options.upcoding),
    patientConcentration(inWindow, { ...options.concentration, window }),
  ];
}
