import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterTally, HistogramTally } from './metric-tally.js';

/** The tallies must render exactly what prom-client's own metrics render for the same observations. */
describe('metric tallies', () => {
  it('render byte for byte as prom-client counters and histograms fed the same generated observations', async () => {
    const direct = new Registry();
    const tallied = new Registry();
    const labelNames = ['subgraph', 'outcome'] as const;
    const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    const counter = new Counter({ name: 'demo_total', help: 'Demo.', labelNames, registers: [direct] });
    const histogram = new Histogram({ name: 'demo_seconds', help: 'Demo.', labelNames: ['subgraph'], buckets, registers: [direct] });
    const counterTally = new CounterTally({ name: 'demo_total', help: 'Demo.', labelNames, registers: [tallied] });
    const histogramTally = new HistogramTally({ name: 'demo_seconds', help: 'Demo.', labelNames: ['subgraph'], buckets, registers: [tallied] });
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const subgraph = ['crm', 'erp', 'billing'][Math.floor(next() * 3)]!;
      const outcome = ['ok', 'timeout'][Math.floor(next() * 2)]!;
      const amount = 1 + Math.floor(next() * 3);
      // Values on bucket bounds and beyond the last one too.
      const seconds = next() < 0.1 ? buckets[Math.floor(next() * buckets.length)]! : next() * 12;
      counter.inc({ subgraph, outcome }, amount);
      counterTally.add([subgraph, outcome], amount);
      histogram.observe({ subgraph }, seconds);
      histogramTally.observe([subgraph], seconds);
      if (i === 999) expect(await tallied.metrics()).toBe(await direct.metrics());
    }
    expect(await tallied.metrics()).toBe(await direct.metrics());
    expect(await tallied.metrics()).toContain('demo_seconds_bucket{le="+Inf",subgraph="erp"}');
  });
});
