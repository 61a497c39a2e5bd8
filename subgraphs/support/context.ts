import type { BaseContext } from '../shared/context.js';
import type { ProvenanceRecorder } from '../shared/provenance.js';
import type { EntityCache } from '../shared/entity-cache/cache.js';
import type { StaleIfErrorReport } from '../shared/entity-cache/report.js';
import type { SupportLoaders } from './loaders.js';
import type { SupportClient } from './support-client.js';

/** Per-request context of the support subgraph. */
export interface SupportContext extends BaseContext {
  client: SupportClient;
  loaders: SupportLoaders;
  /** Shared by every request (and, with Redis, every replica); writes replace or invalidate entries. */
  cache: EntityCache;
  /** Entities this request served from the cache because the desk failed. */
  staleIfError: StaleIfErrorReport;
  /** Which system answered what in this request; records only when the gateway asks (`bizgraph-provenance`). */
  provenance: ProvenanceRecorder;
}
