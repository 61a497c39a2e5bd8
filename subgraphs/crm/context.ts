import type { BaseContext } from '../shared/context.js';
import type { ProvenanceRecorder } from '../shared/provenance.js';
import type { EntityCache } from '../shared/entity-cache/cache.js';
import type { StaleIfErrorReport } from '../shared/entity-cache/report.js';
import type { CrmClient } from './crm-client.js';
import type { CrmLoaders } from './loaders.js';

/** Per-request context of the crm subgraph: the CRM client and this request's loaders. */
export interface CrmContext extends BaseContext {
  crm: CrmClient;
  loaders: CrmLoaders;
  /** Shared by every request (and, with Redis, every replica); writes replace or invalidate entries. */
  cache: EntityCache;
  /** Entities this request served from the cache because the CRM failed. */
  staleIfError: StaleIfErrorReport;
  /** Which system answered what in this request; records only when the gateway asks (`bizgraph-provenance`). */
  provenance: ProvenanceRecorder;
}
