import type { Principal } from '../../common/contracts/internal-token.js';

/** The verified caller, filled from the user's JWT; the data source turns it into the internal token. */
export type GatewayPrincipal = Principal;

/** Per-request context of the gateway; the data source reads it in `willSendRequest`. */
export type GatewayContext = {
  requestId: string;
  principal: GatewayPrincipal | null;
};
