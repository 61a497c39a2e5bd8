import type { SqlContext } from '../shared/kinds/sql.js';
import type { BillingDb } from './db.js';
import type { BillingLoaders } from './loaders.js';

/** Per-request context of the billing subgraph: the database seam and this request's loaders. */
export type BillingContext = SqlContext<BillingDb, BillingLoaders>;
