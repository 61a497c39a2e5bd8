import type { ErrorOrigin } from '../shared/errors.js';

/** Every error this subgraph raises names the logistics system and this subgraph. */
export const ORIGIN: ErrorOrigin = { system: 'logistics', subgraph: 'logistics' };
