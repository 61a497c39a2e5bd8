import type { BaseContext } from '../shared/context.js';
import type { CrmClient } from './crm-client.js';
import type { CrmLoaders } from './loaders.js';

/** Per-request context of the crm subgraph: the CRM client and this request's loaders. */
export interface CrmContext extends BaseContext {
  crm: CrmClient;
  loaders: CrmLoaders;
}
