import type { BaseContext } from '../shared/context.js';
import type { ProvenanceRecorder } from '../shared/provenance.js';
import type { ErpDb } from './db.js';
import type { ErpLoaders } from './loaders.js';

/** Per-request context of the erp subgraph: the database seam and this request's loaders. */
export interface ErpContext extends BaseContext {
  db: ErpDb;
  loaders: ErpLoaders;
  /** Which system answered what in this request; records only when the gateway asks (`bizgraph-provenance`). */
  provenance: ProvenanceRecorder;
}
