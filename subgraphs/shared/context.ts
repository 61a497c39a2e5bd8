/**
 * The verified caller. Issue "JWT-scoped permissions" fills it from the gateway's internal token;
 * until then every request is anonymous. Subgraphs read it from the context and never reshape.
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
  principal: Principal | null;
}
