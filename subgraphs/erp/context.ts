import type { SqlContext } from '../shared/kinds/sql.js';
import type { ErpDb } from './db.js';
import type { ErpLoaders } from './loaders.js';

/** Per-request context of the erp subgraph: the database seam and this request's loaders. */
export type ErpContext = SqlContext<ErpDb, ErpLoaders>;
