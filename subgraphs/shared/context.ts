import type { Principal } from '../../common/contracts/internal-token.js';

/** The verified caller, from the gateway's internal token (`internal-auth.ts`); see the contract. */
export type { Principal };

/** What every subgraph's per-request context starts from. */
export interface BaseContext {
  requestId: string;
  /** null: an anonymous caller at the gateway (the internal token says `anon: true`). */
  principal: Principal | null;
}
