import { Counter, Gauge, type Registry } from 'prom-client';
import { INFLATED, type AdmissionState } from '../../http/admission.js';

/**
 * The `/graphql` admission (`http/admission.ts`), read from its own state at each scrape, so the
 * request path pays nothing for them:
 * - `bizgraph_gateway_admission_limit`: large operations allowed to run at once (+Inf while
 *   neither the event loop nor the subgraphs are saturated, i.e. nothing is held back);
 * - `bizgraph_gateway_admission_run_time_inflation`: large operations' run time ÷ their best, the
 *   last verdict (from `INFLATED` on, the subgraphs count as saturated);
 * - `bizgraph_gateway_admission_active` / `_waiting`: large operations running / waiting now;
 * - `bizgraph_gateway_admission_waited_total` and `_wait_seconds_total`: requests that had to wait,
 *   and the seconds they spent waiting (their ratio is the mean wait);
 * - `bizgraph_gateway_admission_expired_total`: requests whose deadline passed while they waited.
 */
export function registerAdmissionMetrics(registry: Registry, source: { state(): AdmissionState }): void {
  const gauge = (name: string, help: string, read: (state: AdmissionState) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(source.state()));
      },
    });
  const counter = (name: string, help: string, read: (state: AdmissionState) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(source.state()));
      },
    });
  gauge(
    'bizgraph_gateway_admission_limit',
    'Large /graphql operations allowed to run at once: +Inf unless the event loop or the subgraphs are saturated (GATEWAY_SATURATED_CONCURRENCY is the floor).',
    (state) => state.limit,
  );
  gauge(
    'bizgraph_gateway_admission_run_time_inflation',
    `Large /graphql operations' run time (admission to answer) divided by their best, averaged over the last interval in which any finished; from ${INFLATED} on the subgraphs count as saturated.`,
    (state) => state.runTimeInflation,
  );
  gauge('bizgraph_gateway_admission_active', 'Large /graphql operations running now (light ones are not counted: they never wait).', (state) => state.active);
  gauge('bizgraph_gateway_admission_waiting', 'Large /graphql operations waiting for their turn now.', (state) => state.waiting);
  counter('bizgraph_gateway_admission_waited_total', 'Requests that waited for their turn because the event loop or the subgraphs were saturated.', (state) => state.waitedTotal);
  counter('bizgraph_gateway_admission_wait_seconds_total', 'Seconds requests spent waiting for their turn, summed.', (state) => state.waitSecondsTotal);
  counter(
    'bizgraph_gateway_admission_expired_total',
    'Requests whose deadline (REQUEST_DEADLINE_MS) passed while they waited for their turn: answered GATEWAY_OVERLOADED (503), never run.',
    (state) => state.expiredTotal,
  );
}
