/**
 * The verified caller, from the gateway's internal token (`internal-auth.ts`): subject, scopes and,
 * for portal callers, `customerId` and `email`. Subgraphs read it from the context and never reshape.
 */
export interface Principal {
  subject: string;
  scopes: readonly string[];
  /** Set for portal principals: row-level rules restrict data to this customer. */
  customerId?: string;
  email?: string;
}

/** What every subgraph's per-request context starts from. */
export interface BaseContext {
  requestId: string;
  /** null: an anonymous caller at the gateway (the internal token says `anon: true`). */
  principal: Principal | null;
}
