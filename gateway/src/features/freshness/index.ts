import type { SubgraphObserver } from '../../datasource/observer.js';
import type { GatewayFeature } from '../../feature.js';
import type { ProvenanceConfig } from './config.js';
import { forwardProvenanceHeader, provenancePlugin, recordProvenance } from './provenance.js';
import { recordStaleEntities, staleMarkerPlugin } from './stale-marker.js';

/** Keeps what each subgraph answer says about freshness in `context.freshness`, for the plugins below. */
const observer: SubgraphObserver = {
  onSubgraphRequest: forwardProvenanceHeader,
  onSubgraphResponse(context, fetch, response, origin) {
    const extensions = response.extensions;
    if (!extensions) return;
    if (extensions.staleIfError !== undefined) recordStaleEntities(context, extensions.staleIfError, origin);
    recordProvenance(context, fetch, extensions.provenance, origin);
  },
};

/**
 * What clients learn of the freshness of an answer: `extensions.staleIfError` (values a failing
 * system could not refresh) and, when asked for, `extensions.sources` (which system answered what,
 * when; see `provenance.ts`).
 */
export function freshnessFeature(config?: ProvenanceConfig): GatewayFeature {
  return { plugins: [staleMarkerPlugin(), provenancePlugin(config)], subgraphObserver: observer };
}
