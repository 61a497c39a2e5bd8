import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Counters and histograms summed in plain objects on the request path and handed to prom-client
 * only when `/metrics` is scraped. prom-client's `inc(labels)` / `observe(labels)` sort and join
 * the label object and validate it on every call (several calls per request and per subgraph
 * fetch); a tally looks its series up by the label values in order, the way prom-client's own
 * "pre-bound children" would if its `labels()` kept the hash (in 15.x it does not).
 */

interface MetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

/** Series keyed by their label values (in `labelNames` order), created on first use. */
class Series<L extends string, V> {
  private readonly byKey = new Map<string, { labels: Record<L, string>; value: V }>();

  constructor(
    private readonly labelNames: readonly L[],
    private readonly create: () => V,
  ) {}

  get(values: readonly string[]): V {
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    let series = this.byKey.get(key);
    if (!series) {
      const labels = {} as Record<L, string>;
      this.labelNames.forEach((name, index) => (labels[name] = values[index]!));
      series = { labels, value: this.create() };
      this.byKey.set(key, series);
    }
    return series.value;
  }

  entries(): IterableIterator<{ labels: Record<L, string>; value: V }> {
    return this.byKey.values();
  }
}

export class CounterTally<L extends string> {
  private readonly series: Series<L, { count: number }>;

  constructor(config: MetricConfig<L>) {
    this.series = new Series(config.labelNames, () => ({ count: 0 }));
    const series = this.series;
    new Counter({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      registers: config.registers,
      collect() {
        // Totals only ever grow, so handing them over afresh keeps the counter monotonic.
        this.reset();
        for (const { labels, value } of series.entries()) this.inc(labels, value.count);
      },
    });
  }

  /** `values` in `labelNames` order. */
  add(values: readonly string[], amount = 1): void {
    this.series.get(values).count += amount;
  }
}

interface Buckets {
  /** Per upper bound (not cumulative), as prom-client keeps them. */
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

export class HistogramTally<L extends string> {
  private readonly series: Series<L, Buckets>;
  private readonly upperBounds: readonly number[];

  constructor(config: MetricConfig<L> & { buckets: readonly number[] }) {
    const upperBounds = [...config.buckets].sort((a, b) => a - b);
    this.upperBounds = upperBounds;
    this.series = new Series(config.labelNames, () => ({ bucketValues: Object.fromEntries(upperBounds.map((bound) => [bound, 0])), sum: 0, count: 0 }));
    const series = this.series;
    new Histogram({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      buckets: upperBounds,
      registers: config.registers,
      collect() {
        // prom-client renders `hashMap`'s entries (cumulative buckets, +Inf, _sum, _count); nothing
        // else writes to this histogram, so its entries are ours (prom-client is pinned, and
        // test/metrics.test.ts reads the rendered families).
        const hashMap: Record<string, Buckets & { labels: Record<L, string> }> = {};
        let index = 0;
        for (const { labels, value } of series.entries()) hashMap[String(index++)] = { labels, bucketValues: { ...value.bucketValues }, sum: value.sum, count: value.count };
        (this as unknown as { hashMap: typeof hashMap }).hashMap = hashMap;
      },
    });
  }

  /** `values` in `labelNames` order. */
  observe(values: readonly string[], value: number): void {
    const buckets = this.series.get(values);
    buckets.sum += value;
    buckets.count += 1;
    for (const bound of this.upperBounds) {
      if (value <= bound) {
        buckets.bucketValues[bound]! += 1;
        return;
      }
    }
  }
}
