import type { ErrorOrigin } from '../shared/errors.js';

/** Stamped on every error this subgraph raises (`extensions.system` / `extensions.subgraph`). */
export const ORIGIN: ErrorOrigin = { system: 'crm', subgraph: 'crm' };
