import { createHistogram, performance } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/**
 * Event-loop lag percentiles (`nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds`)
 * from one timer every 100 ms instead of prom-client's `monitorEventLoopDelay` at 10 ms. That timer
 * wakes a process 100 times a second: 4.3 ms of CPU per second for a bare Node process on the
 * bench machine (0.3 without it), and ~1.5 ms/s for the idle gateway, whose other timers already
 * wake it; a gateway serving few requests a second pays that per request. Each sample here is how
 * late the timer fired: a loop blocked for 300 ms shows a lag of about 300 ms, an idle one about 0
 * (prom-client's samples are whole intervals, 10 ms when idle). Blocks shorter than 100 ms can
 * fall between two samples.
 */
export const LAG_SAMPLE_INTERVAL_MS = 100;

/** What prom-client's `eventLoopMonitoringPrecision` is set to so its own sampler never fires (about 24.8 days). */
export const PROM_CLIENT_SAMPLER_OFF_MS = 2 ** 31 - 1;

const STATISTICS = {
  min: (histogram: Histogram) => histogram.min,
  max: (histogram: Histogram) => histogram.max,
  mean: (histogram: Histogram) => histogram.mean,
  stddev: (histogram: Histogram) => histogram.stddev,
  p50: (histogram: Histogram) => histogram.percentile(50),
  p90: (histogram: Histogram) => histogram.percentile(90),
  p99: (histogram: Histogram) => histogram.percentile(99),
} as const;

type Histogram = ReturnType<typeof createHistogram>;

/**
 * Replaces the lag percentile gauges prom-client's default metrics registered in `registry` with
 * ones fed by a 100-ms sampler (unref'd: it never keeps the process alive). Like prom-client's,
 * the histogram covers the time since the previous scrape. Returns a stop function for tests.
 */
export function registerEventLoopLagPercentiles(registry: Registry, intervalMs = LAG_SAMPLE_INTERVAL_MS): () => void {
  const histogram = createHistogram();
  let due = performance.now() + intervalMs;
  const timer = setInterval(() => {
    const now = performance.now();
    // The histogram takes integers ≥ 1 (nanoseconds): a timer that fired on time records 1 ns.
    histogram.record(Math.max(1, Math.round((now - due) * 1e6)));
    due = now + intervalMs;
  }, intervalMs);
  timer.unref();

  const statistics = Object.keys(STATISTICS) as (keyof typeof STATISTICS)[];
  const gauges = statistics.map((statistic, index) => {
    const name = `nodejs_eventloop_lag_${statistic}_seconds`;
    registry.removeSingleMetric(name);
    const help = `The ${statistic} of the event loop's lag in seconds, sampled every ${intervalMs} ms.`;
    // prom-client reads the gauges in the order they were registered: the first one reads the
    // histogram for all (a scrape before any sample reads 0, not NaN) and starts the next period.
    return new Gauge({ name, help, registers: [registry], ...(index === 0 ? { collect: () => readAll() } : {}) });
  });
  const readAll = () => {
    const sampled = histogram.count > 0;
    statistics.forEach((statistic, index) => gauges[index]!.set(sampled ? STATISTICS[statistic](histogram) / 1e9 : 0));
    histogram.reset();
  };
  return () => clearInterval(timer);
}
