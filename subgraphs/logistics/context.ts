import type { RestContext } from '../shared/kinds/rest.js';
import type { LogisticsClient } from './logistics-client.js';
import type { LogisticsLoaders } from './loaders.js';

/** Per-request context of the logistics subgraph (the carrier client, this request's loaders, cache and reports). */
export type LogisticsContext = RestContext<LogisticsClient, LogisticsLoaders>;
