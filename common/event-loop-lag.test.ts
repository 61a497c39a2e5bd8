import { setTimeout as sleep } from 'node:timers/promises';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PROM_CLIENT_SAMPLER_OFF_MS, registerEventLoopLagPercentiles } from './event-loop-lag.js';
import { processRegistry } from './metrics.js';

const STATISTICS = ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'];

/** One scrape: the value of every lag gauge, read in registration order as `/metrics` does. */
async function scrape(registry: Registry): Promise<Record<string, number>> {
  const text = await registry.metrics();
  return Object.fromEntries(STATISTICS.map((statistic) => [statistic, Number(new RegExp(`^nodejs_eventloop_lag_${statistic}_seconds (\\S+)$`, 'm').exec(text)?.[1])]));
}

function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('event-loop lag percentiles', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  function registryWithSampler(intervalMs: number): Registry {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: PROM_CLIENT_SAMPLER_OFF_MS });
    stop = registerEventLoopLagPercentiles(registry, intervalMs);
    return registry;
  }

  it("replace prom-client's gauges: one family per name, 0 before any sample", async () => {
    const registry = registryWithSampler(20);
    const text = await registry.metrics();
    for (const statistic of STATISTICS) expect(text.split(`# TYPE nodejs_eventloop_lag_${statistic}_seconds gauge`).length - 1, statistic).toBe(1);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
    expect(await scrape(registry)).toEqual(Object.fromEntries(STATISTICS.map((statistic) => [statistic, 0])));
  });

  it('shows a blocked loop as lag of about the block, then starts afresh after the scrape', async () => {
    const registry = registryWithSampler(20);
    await sleep(50);
    blockLoop(400);
    // The timer that was due during the block fires right after it: let it.
    await sleep(30);
    const blocked = await scrape(registry);
    expect(blocked.max).toBeGreaterThanOrEqual(0.35);
    expect(blocked.p99).toBeGreaterThanOrEqual(0.35);
    expect(blocked.min).toBeLessThan(0.35);
    await sleep(150);
    const after = await scrape(registry);
    // Samples since the last scrape only: the 400-ms block is gone (a busy test machine may add some lag, not 350 ms).
    expect(after.max).toBeGreaterThan(0);
    expect(after.max).toBeLessThan(0.35);
  });

  it("serve every process's /metrics: the shared process registry has them", async () => {
    const text = await processRegistry().metrics();
    for (const statistic of STATISTICS) expect(text).toContain(`# TYPE nodejs_eventloop_lag_${statistic}_seconds gauge`);
  });
});
