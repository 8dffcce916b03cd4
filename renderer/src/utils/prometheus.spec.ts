import { describe, expect, it } from 'vitest';
import { SAMPLE_PEER_METRICS } from '../../../electron/api/testing/fake-network-controller';
import { parsePrometheusText, summarizeNodeMetrics } from './prometheus';

describe('parsePrometheusText', () => {
  it('reads names, escaped labels, special values and skips comments', () => {
    const samples = parsePrometheusText(
      [
        '# HELP x help text',
        'up 1',
        'weird{path="a\\"b\\\\c",le="+Inf"} +Inf 1700000000000',
        'not a sample line',
        'nan_metric NaN',
      ].join('\n'),
    );
    expect(samples).toEqual([
      { name: 'up', labels: {}, value: 1 },
      { name: 'weird', labels: { path: 'a"b\\c', le: '+Inf' }, value: Number.POSITIVE_INFINITY },
      { name: 'nan_metric', labels: {}, value: Number.NaN },
    ]);
  });
});

describe('summarizeNodeMetrics', () => {
  it('summarises the series a peer administrator looks at', () => {
    const summary = summarizeNodeMetrics(SAMPLE_PEER_METRICS);
    expect(summary.blockHeights).toEqual([{ channel: 'medfabric', height: 12 }]);
    expect(summary.proposalDuration?.count).toBe(10);
    expect(summary.proposalDuration?.averageSeconds).toBeCloseTo(0.007);
    expect(summary.proposalDuration?.p95Seconds).toBe(0.05);
    expect(summary.proposalsReceived).toBe(10);
    expect(summary.proposalsSucceeded).toBe(9);
    expect(summary.goroutines).toBe(87);
    expect(summary.residentMemoryBytes).toBeUndefined();
  });

  it('merges histogram buckets across labels for the 95th percentile', () => {
    const text = [
      'endorser_proposal_duration_bucket{chaincode="a",le="0.01"} 50',
      'endorser_proposal_duration_bucket{chaincode="b",le="0.01"} 40',
      'endorser_proposal_duration_bucket{chaincode="a",le="0.1"} 50',
      'endorser_proposal_duration_bucket{chaincode="b",le="0.1"} 50',
      'endorser_proposal_duration_bucket{chaincode="a",le="+Inf"} 50',
      'endorser_proposal_duration_bucket{chaincode="b",le="+Inf"} 50',
      'endorser_proposal_duration_sum{chaincode="a"} 0.25',
      'endorser_proposal_duration_sum{chaincode="b"} 0.75',
      'endorser_proposal_duration_count{chaincode="a"} 50',
      'endorser_proposal_duration_count{chaincode="b"} 50',
    ].join('\n');
    expect(summarizeNodeMetrics(text).proposalDuration).toEqual({
      count: 100,
      averageSeconds: 0.01,
      p95Seconds: 0.1,
    });
  });

  it('gives no 95th percentile when only the +Inf bucket reaches it', () => {
    const text = ['x_bucket{le="0.1"} 5', 'x_bucket{le="+Inf"} 10', 'x_sum 3', 'x_count 10'].join('\n');
    expect(
      summarizeNodeMetrics(text.replaceAll('x_', 'endorser_proposal_duration_')).proposalDuration,
    ).toEqual({
      count: 10,
      averageSeconds: 0.3,
      p95Seconds: undefined,
    });
  });

  it('reports absent series as undefined rather than zero', () => {
    const summary = summarizeNodeMetrics('');
    expect(summary).toMatchObject({ blockHeights: [], proposalDuration: undefined, sampleCount: 0 });
  });
});
