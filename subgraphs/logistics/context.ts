import type { BaseContext } from '../shared/context.js';
import type { EntityCache } from '../shared/entity-cache/cache.js';
import type { StaleIfErrorReport } from '../shared/entity-cache/report.js';
import type { ProvenanceRecorder } from '../shared/provenance.js';
import type { LogisticsClient } from './logistics-client.js';
import type { LogisticsLoaders } from './loaders.js';

/** Per-request context of the logistics subgraph. */
export interface LogisticsContext extends BaseContext {
  client: LogisticsClient;
  loaders: LogisticsLoaders;
  /** Shared by every request (and, with Redis, every replica). */
  cache: EntityCache;
  /** Entities this request served from the cache because the system failed. */
  staleIfError: StaleIfErrorReport;
  /** Which system answered what in this request; records only when the gateway asks. */
  provenance: ProvenanceRecorder;
}
