import type { RestContext } from '../shared/kinds/rest.js';
import type { SupportClient } from './support-client.js';
import type { SupportLoaders } from './loaders.js';

/** Per-request context of the support subgraph (the support desk client, this request's loaders, cache and reports). */
export type SupportContext = RestContext<SupportClient, SupportLoaders>;
