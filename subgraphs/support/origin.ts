import type { ErrorOrigin } from '../shared/errors.js';

/** Every error this subgraph raises names the support desk and this subgraph. */
export const ORIGIN: ErrorOrigin = { system: 'support', subgraph: 'support' };
