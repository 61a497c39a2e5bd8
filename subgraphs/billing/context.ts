import type { BaseContext } from '../shared/context.js';
import type { ProvenanceRecorder } from '../shared/provenance.js';
import type { BillingDb } from './db.js';
import type { BillingLoaders } from './loaders.js';

/** Per-request context of the billing subgraph: the database seam and this request's loaders. */
export interface BillingContext extends BaseContext {
  db: BillingDb;
  loaders: BillingLoaders;
  /** Which system answered what in this request; records only when the gateway asks (`bizgraph-provenance`). */
  provenance: ProvenanceRecorder;
}
