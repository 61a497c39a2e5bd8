import { describe, expect, it } from 'vitest';
import { compareWithPlain, cpuMsPerRequest, median, observabilityCosts, ratio, representativeRun, soakVerdict, sumRoutes, upstreamPerRequest, warmSpeedup } from './stats.js';
import type { RunFigures } from './types.js';

const run = (gateway: RunFigures['gateway'], workload: RunFigures['workload'], figures: Partial<RunFigures>): RunFigures => ({
  gateway,
  workload,
  ok: true,
  requests: 1000,
  sent: 1050,
  seconds: 10,
  reqPerSec: 100,
  p50Ms: 10,
  p99Ms: 40,
  cpuMsPerRequest: 2,
  peakRssMb: 120,
  upstreamPerRequest: null,
  errors: { non2xx: 0, graphqlErrors: 0, transport: 0 },
  ...figures,
});

describe('benchmark arithmetic', () => {
  it('sums a stand-in’s routes without its /_stats control routes', () => {
    expect(sumRoutes({ 'GET /customers': 40, 'POST /customers/batch': 7, 'GET /_stats': 12, 'POST /_stats/reset': 1 })).toBe(47);
  });

  it('turns counter deltas into calls per request, per system and in total', () => {
    const before = { crm: 100, support: 50, erp: 1000, billing: 10 };
    const after = { crm: 300, support: 250, erp: 1400, billing: 410 };
    expect(upstreamPerRequest(before, after, 200)).toEqual({ crm: 1, support: 1, erp: 2, billing: 2, total: 6 });
    expect(upstreamPerRequest(before, after, 0).total).toBe(0);
  });

  it('divides the gateway CPU delta by the requests, or gives null without a reading', () => {
    expect(cpuMsPerRequest(1000, 4000, 1500)).toBe(2);
    expect(cpuMsPerRequest(undefined, 4000, 1500)).toBeNull();
    expect(cpuMsPerRequest(1000, 4000, 0)).toBeNull();
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(3, 4)).toBe(0.75);
  });

  it('compares bizgraph caches-off with plain, the raw floor and itself on Apollo’s executor per workload, ignoring failed runs', () => {
    const runs = [
      run('plain', 'a', { cpuMsPerRequest: 3, reqPerSec: 1000, p99Ms: 90 }),
      run('bizgraph', 'a', { cpuMsPerRequest: 1, reqPerSec: 2500, p99Ms: 30 }),
      run('plain', 'b', { cpuMsPerRequest: 8 }),
      run('bizgraph', 'b', { ok: false, failure: 'errors' }),
      run('floor', 'a', { cpuMsPerRequest: 0.25 }),
      run('bizgraph-apollo', 'a', { cpuMsPerRequest: 2 }),
    ];
    expect(compareWithPlain(runs, ['a', 'b'])).toEqual([
      { workload: 'a', cpuRatio: 1 / 3, reqPerSecRatio: 2.5, p99Ms: { bizgraph: 30, plain: 90 }, floorCpuRatio: 4, executorCpuRatio: 0.5 },
      { workload: 'b', cpuRatio: null, reqPerSecRatio: null, p99Ms: null, floorCpuRatio: null, executorCpuRatio: null },
    ]);
  });

  it('takes the median of the rounds’ own ratios when plain and bizgraph ran in alternating rounds, and stands each by its median round', () => {
    // Round 2 ran on a slower machine: both runs of it are slower, and its own ratio is still paired.
    const runs = [
      run('plain', 'a', { round: 0, cpuMsPerRequest: 2, p99Ms: 80 }),
      run('bizgraph', 'a', { round: 0, cpuMsPerRequest: 0.8, p99Ms: 30 }),
      run('bizgraph', 'a', { round: 1, cpuMsPerRequest: 0.7, p99Ms: 20 }),
      run('plain', 'a', { round: 1, cpuMsPerRequest: 2.8, p99Ms: 90 }),
      run('plain', 'a', { round: 2, cpuMsPerRequest: 4, p99Ms: 100 }),
      run('bizgraph', 'a', { round: 2, cpuMsPerRequest: 1.2, p99Ms: 50 }),
      run('bizgraph', 'a', { round: 3, ok: false, failure: 'errors' }),
      run('plain', 'a', { round: 3, cpuMsPerRequest: 1 }),
    ];
    const [comparison] = compareWithPlain(runs, ['a']);
    expect(comparison!.cpuRatioRounds).toEqual([0.4, 0.25, 0.3]);
    expect(comparison!.cpuRatio).toBe(0.3);
    // Each gateway's row: plain 2 is the lower middle of 1, 2, 2.8, 4; bizgraph 0.8 the middle of 0.7, 0.8, 1.2.
    expect(representativeRun(runs, 'plain', 'a')?.round).toBe(0);
    expect(representativeRun(runs, 'bizgraph', 'a')?.round).toBe(0);
    // p99: each gateway's median over the paired rounds 0–2 (round 3 has no bizgraph run), lower in all three.
    expect(comparison!.p99Ms).toEqual({ bizgraph: 30, plain: 90, lowerInRounds: 3, rounds: 3 });
  });

  it('pairs req/s and p99 within rounds, not one gateway’s median-CPU round against the other’s', () => {
    // bizgraph's p99 is lower in every round, but its median-CPU round (0) is its slowest and
    // plain's median-CPU round (1) its fastest: picked that way, p99 would read 300 vs 250.
    const runs = [
      run('plain', 'a', { round: 0, cpuMsPerRequest: 3, reqPerSec: 20, p99Ms: 400 }),
      run('bizgraph', 'a', { round: 0, cpuMsPerRequest: 1.2, reqPerSec: 22, p99Ms: 300 }),
      run('bizgraph', 'a', { round: 1, cpuMsPerRequest: 1.0, reqPerSec: 30, p99Ms: 240 }),
      run('plain', 'a', { round: 1, cpuMsPerRequest: 2.5, reqPerSec: 28, p99Ms: 250 }),
      run('plain', 'a', { round: 2, cpuMsPerRequest: 2, reqPerSec: 27, p99Ms: 280 }),
      run('bizgraph', 'a', { round: 2, cpuMsPerRequest: 1.4, reqPerSec: 27, p99Ms: 260 }),
    ];
    const [comparison] = compareWithPlain(runs, ['a']);
    expect(comparison!.p99Ms).toEqual({ bizgraph: 260, plain: 280, lowerInRounds: 3, rounds: 3 });
    expect(comparison!.reqPerSecRatioRounds).toEqual([1.1, 30 / 28, 1]);
    expect(comparison!.reqPerSecRatio).toBe(30 / 28);
  });

  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('prices each observability variant against bizgraph’s production defaults on the same workload, defaults first', () => {
    const runs = [
      run('plain', 'a', { cpuMsPerRequest: 3 }),
      run('bizgraph', 'a', { cpuMsPerRequest: 1 }),
      run('bizgraph-spans', 'a', { cpuMsPerRequest: 1.25, spanExports: { requests: 12, bytes: 40960 } }),
      run('bizgraph-quiet', 'a', { cpuMsPerRequest: 0.75 }),
      run('bizgraph-spans-sampled', 'a', { ok: false, failure: 'no span export reached the OTLP sink', cpuMsPerRequest: null }),
      run('bizgraph', 'b', { cpuMsPerRequest: 4 }),
      run('bizgraph-quiet', 'd', { cpuMsPerRequest: 6 }),
    ];
    expect(observabilityCosts(runs, ['a', 'b', 'd'])).toEqual([
      { gateway: 'bizgraph', workload: 'a', cpuMsPerRequest: 1, vsDefaults: 1 },
      { gateway: 'bizgraph-quiet', workload: 'a', cpuMsPerRequest: 0.75, vsDefaults: 0.75 },
      { gateway: 'bizgraph-spans', workload: 'a', cpuMsPerRequest: 1.25, vsDefaults: 1.25 },
      { gateway: 'bizgraph-spans-sampled', workload: 'a', cpuMsPerRequest: null, vsDefaults: null },
      // (b) had no variant; on (d) bizgraph was not measured, so there is nothing to divide by.
      { gateway: 'bizgraph', workload: 'd', cpuMsPerRequest: null, vsDefaults: null },
      { gateway: 'bizgraph-quiet', workload: 'd', cpuMsPerRequest: 6, vsDefaults: null },
    ]);
    expect(observabilityCosts(runs.slice(0, 2), ['a'])).toEqual([]);
  });

  it('gives the warm speed-up on a workload as warm req/s over caches-off req/s', () => {
    expect(warmSpeedup([run('bizgraph', 'b', { reqPerSec: 200 }), run('bizgraph-warm', 'b', { reqPerSec: 1300 })], 'b')).toBe(6.5);
    expect(warmSpeedup([run('bizgraph', 'b', { reqPerSec: 200 })], 'b')).toBeNull();
  });

  it('calls a soak flat when the last third’s mean RSS is within 10 % of the first third’s', () => {
    const samples = [100, 104, 98, 101, 103, 99, 105, 106, 107].map((rssMb, i) => ({ atSeconds: (i + 1) * 30, rssMb, reqPerSec: 50 }));
    expect(soakVerdict(samples)).toEqual({
      firstThirdMeanMb: 302 / 3,
      lastThirdMeanMb: 106,
      growthPercent: ((106 - 302 / 3) / (302 / 3)) * 100,
      flat: true,
      peakMb: 107,
      under200Mb: true,
    });
  });

  it('calls a soak growing when RSS climbs by more than 10 %, and flags a peak of 200 MB or more', () => {
    const samples = [120, 140, 160, 180, 200, 220].map((rssMb, i) => ({ atSeconds: (i + 1) * 30, rssMb, reqPerSec: 50 }));
    const verdict = soakVerdict(samples)!;
    expect(verdict.firstThirdMeanMb).toBe(130);
    expect(verdict.lastThirdMeanMb).toBe(210);
    expect(verdict.flat).toBe(false);
    expect(verdict.under200Mb).toBe(false);
    expect(soakVerdict([])).toBeNull();
  });
});
