import type { BaseContext } from '../shared/context.js';
import type { SupportLoaders } from './loaders.js';
import type { SupportClient } from './support-client.js';

/** Per-request context of the support subgraph. */
export interface SupportContext extends BaseContext {
  client: SupportClient;
  loaders: SupportLoaders;
}
