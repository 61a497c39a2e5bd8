import type { StaleEntity } from './stale-marker.js';
import type { Source } from './provenance.js';

/** What the subgraph fetches of one operation reported about the freshness of its values. */
export interface FreshnessState {
  /** Entities served from a subgraph's cache because their system failed, one per system, type and key. */
  stale?: Map<string, StaleEntity>;
  /** Present only when the caller asked for provenance: the sources, one per path, subgraph and type. */
  provenance?: Map<string, Source>;
}
