import { describe, expect, it } from 'vitest';
import { perCoreReqPerSec, renderFleetBlock, type FleetResults, type FleetRun } from './fleet-table.js';

const run = (workload: FleetRun['workload'], responseCache: FleetRun['responseCache'], replicas: number, figures: Partial<FleetRun>): FleetRun => ({
  workload,
  responseCache,
  replicas,
  ok: true,
  requests: 15000,
  seconds: 15,
  reqPerSec: 1000,
  p50Ms: 20,
  p99Ms: 60,
  gatewayCpuMsPerRequest: 0.5,
  balancerCpuMsPerRequest: 0.05,
  machineBusyPercent: 90,
  errors: { non2xx: 0, graphqlErrors: 0, transport: 0 },
  ...figures,
});

const results: FleetResults = {
  format: 'bizgraph-fleet-bench/1',
  startedAt: '2026-12-06T10:00:00.000Z',
  finishedAt: '2026-12-06T10:04:30.000Z',
  machine: { cpuModel: 'AMD EPYC', cores: 2, memoryBytes: 8 * 1024 ** 3, os: 'Debian GNU/Linux 12 (bookworm)', node: 'v20.20.2' },
  commit: { sha: '0123456789abcdef0123456789abcdef01234567', dirty: false },
  seed: { seed: 20261126, scale: 1 },
  settings: { connections: 50, warmupSeconds: 5, durationSeconds: 15 },
  workloads: [
    { id: 'a', label: '(a) customer', query: '{ customer }' },
    { id: 'b', label: '(b) dashboard', query: '{ customers }' },
  ],
  runs: [
    run('a', 'on', 2, { reqPerSec: 7900, p99Ms: 22, gatewayCpuMsPerRequest: 0.15, machineBusyPercent: 97 }),
    run('a', 'on', 1, { reqPerSec: 8400, p99Ms: 19, gatewayCpuMsPerRequest: 0.125, machineBusyPercent: 79 }),
    run('a', 'off', 1, { reqPerSec: 1800, gatewayCpuMsPerRequest: 0.3 }),
    run('a', 'off', 2, { reqPerSec: 1900, errors: { non2xx: 3, graphqlErrors: 0, transport: 1 } }),
    run('b', 'off', 1, { ok: false, failure: 'expected 20 customers, got 19' }),
    run('b', 'off', 2, { reqPerSec: 95 }),
  ],
  coldStartMs: [540, 2130],
};

describe('README fleet block', () => {
  it('renders the runs (off before on), the scaling per workload and cache, the cold starts against 2 s, and how to reproduce', () => {
    expect(renderFleetBlock(results)).toBe(EXPECTED);
  });

  it('says one core serves 1000 ÷ CPU ms per request, and nothing without a CPU figure', () => {
    expect(perCoreReqPerSec({ gatewayCpuMsPerRequest: 0.25 })).toBe(4000);
    expect(perCoreReqPerSec({ gatewayCpuMsPerRequest: null })).toBeNull();
    expect(perCoreReqPerSec(undefined)).toBeNull();
  });

  it('says so when no cold start was measured', () => {
    expect(renderFleetBlock({ ...results, coldStartMs: [] })).toContain('Gateway cold start: not measured (the rolling restart after the runs failed).');
  });
});

const EXPECTED = `| workload      | response cache | gateway replicas |        req/s | p50 ms | p99 ms | gateway CPU ms/req | gateway cores busy % | HAProxy CPU ms/req | machine busy % |           errors |
|---------------|----------------|-----------------:|-------------:|-------:|-------:|-------------------:|---------------------:|-------------------:|---------------:|-----------------:|
| (a) customer  | off            |                1 |         1800 |   20.0 |   60.0 |               0.30 |                   54 |               0.05 |             90 |                0 |
| (a) customer  | off            |                2 |         1900 |   20.0 |   60.0 |               0.50 |                   95 |               0.05 |             90 | 3 HTTP, 1 socket |
| (b) dashboard | off            |                1 | not measured |      – |      – |                  – |                    – |                  – |              – |                – |
| (b) dashboard | off            |                2 |           95 |   20.0 |   60.0 |               0.50 |                    5 |               0.05 |             90 |                0 |
| (a) customer  | on             |                1 |         8400 |   20.0 |   19.0 |               0.13 |                  105 |               0.05 |             79 |                0 |
| (a) customer  | on             |                2 |         7900 |   20.0 |   22.0 |               0.15 |                  119 |               0.05 |             97 |                0 |

| workload      | response cache | req/s, 2 replicas ÷ 1 | p99 ms, 2 replicas vs 1 | req/s one gateway core serves (1000 ÷ CPU ms/req, 1 replica) |
|---------------|----------------|-----------------------|-------------------------|--------------------------------------------------------------|
| (a) customer  | off            | 1.06×                 | 60.0 vs 60.0            | 3333                                                         |
| (b) dashboard | off            | –                     | –                       | –                                                            |
| (a) customer  | on             | 0.94×                 | 22.0 vs 19.0            | 8000                                                         |
| (b) dashboard | on             | –                     | –                       | –                                                            |

Gateway cold start from the build (spawn to listening, each gateway replaced by a rolling restart after each fleet's runs): 0.54 s, 2.13 s (target ≤ 2 s ✗).

- (b) dashboard, response cache off, with 1 replica(s) was not measured: expected 20 customers, got 19

Measured 2026-12-06 on AMD EPYC, 2 cores, 8.0 GiB, Debian GNU/Linux 12 (bookworm), Node v20.20.2 · commit 0123456789ab · seed 20261126, scale 1 · 50 connections through HAProxy, 5 s warm-up + 15 s per run · nothing pinned: gateways, HAProxy, subgraphs, stand-ins, Redis, PostgreSQL and the load generator share the cores.

Reproduce with \`npm run bench -- --fleet\` (4.5 minutes here, start-up included; it rewrites \`bench/results/fleet-latest.json\` and this block).`;
