import { describe, expect, it } from 'vitest';
import { extractReadmeBlock, renderReadmeTable, replaceReadmeBlock } from './readme-table.js';
import type { BenchResults, RunFigures } from './types.js';

const run = (gateway: RunFigures['gateway'], workload: RunFigures['workload'], figures: Partial<RunFigures>): RunFigures => ({
  gateway,
  workload,
  ok: true,
  requests: 30000,
  sent: 30050,
  seconds: 15,
  reqPerSec: 2000,
  p50Ms: 20,
  p99Ms: 60,
  cpuMsPerRequest: 0.5,
  peakRssMb: 110,
  upstreamPerRequest: { crm: 1, support: 0, erp: 0, billing: 0, total: 1 },
  errors: { non2xx: 0, graphqlErrors: 0, transport: 0 },
  ...figures,
});

const results: BenchResults = {
  format: 'bizgraph-bench/1',
  startedAt: '2026-11-26T10:00:00.000Z',
  finishedAt: '2026-11-26T10:06:30.000Z',
  machine: { cpuModel: 'AMD EPYC', cores: 2, memoryBytes: 8 * 1024 ** 3, os: 'Debian GNU/Linux 12 (bookworm)', node: 'v20.20.2' },
  commit: { sha: '0123456789abcdef0123456789abcdef01234567', dirty: false },
  seed: { seed: 20261126, scale: 1 },
  settings: {
    connections: 50,
    warmupSeconds: 5,
    durationSeconds: 15,
    gatewayCore: 0,
    othersCore: 1,
    pinning: { available: true, failures: [] },
    crmRateLimitPerSecond: 1_000_000,
    nodeEnv: 'development',
  },
  gateways: [],
  workloads: [
    { id: 'a', label: '(a) customer', query: '{ customer }' },
    { id: 'b', label: '(b) dashboard', query: '{ customers }' },
  ],
  runs: [
    run('bizgraph', 'a', { reqPerSec: 2400.4, p50Ms: 18.25, p99Ms: 41, cpuMsPerRequest: 0.288 }),
    run('bizgraph-apollo', 'a', { reqPerSec: 1900, p50Ms: 22, p99Ms: 50, cpuMsPerRequest: 0.36, peakRssMb: 120 }),
    run('floor', 'a', { reqPerSec: 9000, p50Ms: 5, p99Ms: 9, cpuMsPerRequest: 0.036, peakRssMb: 52, upstreamPerRequest: { crm: 0, support: 0, erp: 0, billing: 0, total: 0 } }),
    run('plain', 'a', { reqPerSec: 1000, p50Ms: 45, p99Ms: 120, cpuMsPerRequest: 1.2, peakRssMb: 140.6 }),
    run('plain', 'b', { reqPerSec: 100, errors: { non2xx: 2, graphqlErrors: 1, transport: 0 } }),
    run('bizgraph', 'b', { ok: false, failure: 'expected 20 customers, got 19' }),
  ],
  comparisons: [
    { workload: 'a', cpuRatio: 0.288 / 1.2, reqPerSecRatio: 2.4004, p99Ms: { bizgraph: 41, plain: 120 }, floorCpuRatio: 0.288 / 0.036, executorCpuRatio: 0.288 / 0.36 },
    { workload: 'b', cpuRatio: null, reqPerSecRatio: null, p99Ms: null },
  ],
  warmSpeedupOnB: null,
};

describe('README benchmark block', () => {
  it('renders the runs, the comparison with its targets, the machine and how to reproduce', () => {
    expect(renderReadmeTable(results)).toBe(EXPECTED);
  });

  it('shows plain and bizgraph measured in rounds by their median round, and every round’s ratio next to the median', () => {
    const rounds: BenchResults = {
      ...results,
      settings: { ...results.settings, rounds: 3 },
      workloads: [results.workloads[0]!],
      runs: [
        run('plain', 'a', { round: 0, cpuMsPerRequest: 1.2 }),
        run('bizgraph', 'a', { round: 0, cpuMsPerRequest: 0.3 }),
        run('bizgraph', 'a', { round: 1, cpuMsPerRequest: 0.5 }),
        run('plain', 'a', { round: 1, cpuMsPerRequest: 1.6 }),
        run('plain', 'a', { round: 2, cpuMsPerRequest: 1.0 }),
        run('bizgraph', 'a', { round: 2, cpuMsPerRequest: 0.4 }),
      ],
      comparisons: [{ workload: 'a', cpuRatio: 0.3125, cpuRatioRounds: [0.25, 0.3125, 0.4], reqPerSecRatio: 1, p99Ms: { bizgraph: 60, plain: 60 } }],
    };
    const text = renderReadmeTable(rounds);
    expect(text).toContain('| plain @apollo/gateway (median of 3 rounds) |');
    expect(text).toContain('| bizgraph, caches off (median of 3 rounds)  |');
    // One row each, the median round's: plain 1.20, bizgraph 0.40.
    expect(text.match(/median of 3 rounds/g)).toHaveLength(2);
    expect(text).toMatch(/plain @apollo\/gateway \(median of 3 rounds\) \|\s+2000 \|\s+20\.0 \|\s+60\.0 \|\s+1\.20 \|/);
    expect(text).toMatch(/bizgraph, caches off \(median of 3 rounds\)  \|\s+2000 \|\s+20\.0 \|\s+60\.0 \|\s+0\.40 \|/);
    expect(text).toContain('| 0.31 ✗ (rounds 0.25 · 0.31 · 0.40)        |');
    expect(text).toContain('15 s per run, plain and bizgraph (caches off) in 3 alternating rounds per workload ·');
  });

  it("adds each gateway's start-up when the results have it, judged against the 2 s target", () => {
    const gateways: BenchResults['gateways'] = [
      { id: 'plain', label: 'plain @apollo/gateway', entityCache: 'off', responseCache: 'none', warmed: false, startupMs: 1480 },
      { id: 'bizgraph', label: 'bizgraph, caches off', entityCache: 'off', responseCache: 'off', warmed: false, startupMs: 2150 },
    ];
    expect(renderReadmeTable({ ...results, gateways })).toContain(
      '\n\nStart-up, spawn to listening, compiled JavaScript: plain @apollo/gateway 1.48 s · bizgraph, caches off 2.15 s (target for bizgraph ≤ 2 s ✗).\n\n',
    );
  });

  it('adds what observability costs after the comparison when the results have it, variants out of the runs table', () => {
    const variantRuns = [
      run('bizgraph-quiet', 'a', { cpuMsPerRequest: 0.2592 }),
      run('bizgraph-spans', 'a', { cpuMsPerRequest: 0.3456, spanExports: { requests: 14, bytes: 1_843_200 } }),
      run('bizgraph-spans-sampled', 'a', { ok: false, failure: 'no span export reached the OTLP sink within 6 s of the run’s end' }),
    ];
    const observed: BenchResults = {
      ...results,
      gateways: [
        { id: 'bizgraph', label: 'bizgraph, caches off', entityCache: 'off', responseCache: 'off', warmed: false },
        { id: 'bizgraph-quiet', label: 'bizgraph, all four off', entityCache: 'off', responseCache: 'off', warmed: false, settings: ['REQUEST_LOG=off', 'METRICS=off'] },
        {
          id: 'bizgraph-spans',
          label: 'bizgraph, spans exported',
          entityCache: 'off',
          responseCache: 'off',
          warmed: false,
          settings: ['OTEL_EXPORTER_OTLP_ENDPOINT=<bench sink>'],
        },
      ],
      runs: [...results.runs, ...variantRuns],
      observability: [
        { gateway: 'bizgraph', workload: 'a', cpuMsPerRequest: 0.288, vsDefaults: 1 },
        { gateway: 'bizgraph-quiet', workload: 'a', cpuMsPerRequest: 0.2592, vsDefaults: 0.9 },
        { gateway: 'bizgraph-spans', workload: 'a', cpuMsPerRequest: 0.3456, vsDefaults: 1.2 },
        { gateway: 'bizgraph-spans-sampled', workload: 'a', cpuMsPerRequest: null, vsDefaults: null },
      ],
    };
    const rendered = renderReadmeTable(observed);
    expect(rendered.startsWith(EXPECTED.slice(0, EXPECTED.indexOf('\n\nCaches warm on (b)')))).toBe(true);
    expect(rendered).toContain(`\n\n${EXPECTED_OBSERVABILITY}\n\nCaches warm on (b): not measured.\n\n`);
    expect(rendered).toContain('- bizgraph, spans exported, 10 % sampled on (a) was not measured: no span export reached the OTLP sink within 6 s of the run’s end');
  });

  it('replaces only the text between the markers, and finds it again', () => {
    const readme = 'intro\n<!-- bench:start -->\nold table\n<!-- bench:end -->\nrest\n';
    const next = replaceReadmeBlock(readme, 'new table')!;
    expect(next).toBe('intro\n<!-- bench:start -->\nnew table\n<!-- bench:end -->\nrest\n');
    expect(extractReadmeBlock(next)).toBe('new table');
  });

  it('says when every gateway was offered the same fixed rate, and then ticks no req/s target', () => {
    const paced = renderReadmeTable({ ...results, settings: { ...results.settings, ratePerSecond: 550 } });
    expect(paced).toContain(' · 50 connections offered 550 req/s in all, 5 s warm-up + 15 s per run · ');
    expect(paced).toContain('| 2.40× (both offered the same rate) ');
    expect(renderReadmeTable(results)).not.toContain('offered');
  });

  it('leaves a README without markers alone', () => {
    expect(replaceReadmeBlock('no markers here\n', 'table')).toBeUndefined();
    expect(extractReadmeBlock('<!-- bench:end --> before <!-- bench:start -->')).toBeUndefined();
  });
});

const EXPECTED = `| workload      | gateway                     |        req/s | p50 ms | p99 ms | gateway CPU ms/req | gateway core busy % | gateway peak RSS MB | upstream calls/req |            errors |
|---------------|-----------------------------|-------------:|-------:|-------:|-------------------:|--------------------:|--------------------:|-------------------:|------------------:|
| (a) customer  | plain @apollo/gateway       |         1000 |   45.0 |  120.0 |               1.20 |                 120 |                 141 |               1.00 |                 0 |
| (a) customer  | bizgraph, Apollo's executor |         1900 |   22.0 |   50.0 |               0.36 |                  68 |                 120 |               1.00 |                 0 |
| (a) customer  | bizgraph, caches off        |         2400 |   18.3 |   41.0 |               0.29 |                  69 |                 110 |               1.00 |                 0 |
| (a) customer  | raw node:http floor         |         9000 |    5.0 |    9.0 |               0.04 |                  32 |                  52 |               0.00 |                 0 |
| (b) dashboard | plain @apollo/gateway       |          100 |   20.0 |   60.0 |               0.50 |                   5 |                 110 |               1.00 | 2 HTTP, 1 GraphQL |
| (b) dashboard | bizgraph, caches off        | not measured |      – |      – |                  – |                   – |                   – |                  – |                 – |

| workload      | CPU/req, bizgraph ÷ plain (target ≤ 0.25) | req/s, bizgraph ÷ plain (target ≥ 2×) | p99 ms, bizgraph vs plain (target lower) | CPU/req, bizgraph ÷ raw floor | CPU/req, bizgraph ÷ bizgraph on Apollo's executor |
|---------------|-------------------------------------------|---------------------------------------|------------------------------------------|-------------------------------|---------------------------------------------------|
| (a) customer  | 0.24 ✓                                    | 2.40× ✓                               | 41.0 vs 120.0 ✓                          | 8.0×                          | 0.80                                              |
| (b) dashboard | –                                         | –                                     | –                                        | –                             | –                                                 |

Caches warm on (b): not measured.

- bizgraph, caches off on (b) was not measured: expected 20 customers, got 19

Measured 2026-11-26 on AMD EPYC, 2 cores, 8.0 GiB, Debian GNU/Linux 12 (bookworm), Node v20.20.2 · commit 0123456789ab · seed 20261126, scale 1 · 50 connections, 5 s warm-up + 15 s per run · gateway pinned to core 0, everything else to core 1.

Reproduce with \`npm run bench\` (6.5 minutes here, start-up included; it rewrites \`bench/results/latest.json\` and this table).`;

const EXPECTED_OBSERVABILITY = `What observability costs: bizgraph (caches off) with observability parts switched off or on, its CPU per request ÷ the same gateway with production defaults (request line at info, metrics, audit trail in a file, usage log, trace ids but no span export) in the same run.

| workload     | bizgraph with                | setting                                    | gateway CPU ms/req | ÷ production defaults |         OTLP exports | errors |
|--------------|------------------------------|--------------------------------------------|-------------------:|----------------------:|---------------------:|-------:|
| (a) customer | production defaults          | –                                          |               0.29 |                  1.00 |                    – |      0 |
| (a) customer | all four off                 | \`REQUEST_LOG=off\` \`METRICS=off\`            |               0.26 |      0.90, saves 10 % |                    – |      0 |
| (a) customer | spans exported               | \`OTEL_EXPORTER_OTLP_ENDPOINT=<bench sink>\` |               0.35 |       1.20, adds 20 % | 14 requests, 1800 KB |      0 |
| (a) customer | spans exported, 10 % sampled | –                                          |       not measured |                     – |                    – |      – |`;
