// Reads the Prometheus text exposition format served by Fabric's operations endpoint and picks
// the few series an administrator looks at first.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function unescapeLabel(value: string): string {
  return value.replace(/\\(["\\n])/g, (_match, escaped: string) => (escaped === 'n' ? '\n' : escaped));
}

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match?.[1] || match[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(LABEL_PAIR)) {
      if (pair[1] !== undefined && pair[2] !== undefined) labels[pair[1]] = unescapeLabel(pair[2]);
    }
    samples.push({ name: match[1], labels, value: parseValue(match[3]) });
  }
  return samples;
}

export interface HistogramSummary {
  count: number;
  averageSeconds: number | undefined;
  /** Upper bound of the bucket that holds the 95th percentile (buckets give no finer answer). */
  p95Seconds: number | undefined;
}

export interface NodeMetricsSummary {
  /** Ledger height per channel (peers only). */
  blockHeights: { channel: string; height: number }[];
  proposalDuration: HistogramSummary | undefined;
  proposalsReceived: number | undefined;
  proposalsSucceeded: number | undefined;
  goroutines: number | undefined;
  residentMemoryBytes: number | undefined;
  sampleCount: number;
}

function sumOf(samples: Sample[], name: string): number | undefined {
  const matching = samples.filter((sample) => sample.name === name);
  return matching.length === 0 ? undefined : matching.reduce((total, sample) => total + sample.value, 0);
}

// Histograms come per channel/chaincode/outcome; they are merged so one line describes the node.
function summarizeHistogram(samples: Sample[], name: string): HistogramSummary | undefined {
  const count = sumOf(samples, `${name}_count`);
  const sum = sumOf(samples, `${name}_sum`);
  if (count === undefined) return undefined;
  const bucketTotals = new Map<number, number>();
  for (const sample of samples) {
    if (sample.name !== `${name}_bucket` || sample.labels.le === undefined) continue;
    const bound = parseValue(sample.labels.le);
    bucketTotals.set(bound, (bucketTotals.get(bound) ?? 0) + sample.value);
  }
  const buckets = [...bucketTotals.entries()].sort(([a], [b]) => a - b);
  const p95Bucket = buckets.find(([, cumulative]) => cumulative >= 0.95 * count);
  return {
    count,
    averageSeconds: count > 0 && sum !== undefined ? sum / count : undefined,
    p95Seconds: count > 0 && p95Bucket && Number.isFinite(p95Bucket[0]) ? p95Bucket[0] : undefined,
  };
}

export function summarizeNodeMetrics(text: string): NodeMetricsSummary {
  const samples = parsePrometheusText(text);
  return {
    blockHeights: samples
      .filter((sample) => sample.name === 'ledger_blockchain_height')
      .map((sample) => ({ channel: sample.labels.channel ?? '(unnamed)', height: sample.value })),
    proposalDuration: summarizeHistogram(samples, 'endorser_proposal_duration'),
    proposalsReceived: sumOf(samples, 'endorser_proposals_received'),
    proposalsSucceeded: sumOf(samples, 'endorser_successful_proposals'),
    goroutines: sumOf(samples, 'go_goroutines'),
    residentMemoryBytes: sumOf(samples, 'process_resident_memory_bytes'),
    sampleCount: samples.length,
  };
}
