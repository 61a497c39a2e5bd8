import type { ErrorOrigin } from '../shared/errors.js';

/** Stamped on every error this subgraph raises (`extensions.system` / `extensions.subgraph`). */
export const BILLING_ORIGIN: ErrorOrigin = { system: 'billing', subgraph: 'billing' };
