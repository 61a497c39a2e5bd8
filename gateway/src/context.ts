/**
 * The verified caller. The JWT issue fills it at the gateway; the data source turns it into the
 * internal token it sends to subgraphs. Same shape as the subgraphs' `Principal`.
 */
export interface GatewayPrincipal {
  subject: string;
  scopes: readonly string[];
  customerId?: string;
  email?: string;
}

/** Per-request context of the gateway; the data source reads it in `willSendRequest`. */
export type GatewayContext = {
  requestId: string;
  principal: GatewayPrincipal | null;
};
