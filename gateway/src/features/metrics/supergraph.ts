import { Counter, Gauge, type Registry } from 'prom-client';

/** What the supergraph metrics read at each scrape (the reload's own counters: no second bookkeeping). */
export interface SupergraphMetricsSource {
  /** Content hash of the version serving new requests. */
  activeVersion(): string;
  /** New versions applied and refused since start. */
  reloads(): { applied: number; refused: number };
}

/**
 * `bizgraph_supergraph_info{version}`: 1 for the active version (only it is exported, so a swap
 * shows as one series ending and another starting); `bizgraph_supergraph_reloads_total{outcome}`:
 * new versions applied or refused (invalid, unreadable policy, rejected by @apollo/gateway).
 */
export function registerSupergraphMetrics(registry: Registry, source: SupergraphMetricsSource): void {
  new Gauge({
    name: 'bizgraph_supergraph_info',
    help: 'The supergraph version (content hash) the gateway serves: 1 for the active version.',
    labelNames: ['version'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ version: source.activeVersion() }, 1);
    },
  });
  new Counter({
    name: 'bizgraph_supergraph_reloads_total',
    help: 'New supergraph versions found by polling, by outcome: applied (now serving) or refused (the previous version keeps serving).',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const { applied, refused } = source.reloads();
      this.reset();
      this.inc({ outcome: 'applied' }, applied);
      this.inc({ outcome: 'refused' }, refused);
    },
  });
}
