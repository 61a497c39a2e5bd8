import type { RestContext } from '../shared/kinds/rest.js';
import type { CrmClient } from './crm-client.js';
import type { CrmLoaders } from './loaders.js';

/** Per-request context of the crm subgraph (the CRM client, this request's loaders, cache and reports). */
export type CrmContext = RestContext<CrmClient, CrmLoaders>;
