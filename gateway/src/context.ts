import type { Principal } from '../../common/contracts/internal-token.js';
import type { HttpAudit } from './features/audit/index.js';
import type { FetchRecord } from '../../common/contracts/explorer.js';
import type { FreshnessState } from './features/freshness/state.js';
import type { RequestTrace } from './observability/request-trace.js';

/** The verified caller, filled from the user's JWT; the data source turns it into the internal token. */
export type GatewayPrincipal = Principal;

/**
 * Per-request context of the gateway, and the only place per-request state lives: every slot a
 * feature reads or writes is declared here, so one type shows what a request carries.
 *
 * Apollo Server runs each operation on a shallow copy of this object (`Object.assign`, once per
 * operation of a batch). Slots set while the context is built (`arrivedAt`, `startedAt`, `audit`)
 * are therefore shared by a batch's operations; per-operation slots (`authz`, `freshness`,
 * `responseCacheConsulted`) stay undefined until an operation writes them on its own copy, which
 * also means a request that needs none of them allocates nothing for them.
 */
export interface GatewayContext {
  requestId: string;
  principal: GatewayPrincipal | null;
  /**
   * When the HTTP request arrived (epoch ms): `REQUEST_DEADLINE_MS` counts from it
   * (`datasource/deadline.ts`). Absent for operations run without HTTP: their first fetch starts it.
   */
  arrivedAt?: number;
  /** `performance.now()` at arrival, before authentication: operations are timed from it (metrics). */
  startedAt?: number;
  /** The request's trace (`observability/request-trace.ts`): ids for logs, answers and `traceparent`, and its span when spans are exported. */
  trace?: RequestTrace;
  /** What audit knows of the HTTP request (shared by the operations of a batch); set when audit is on. */
  audit?: HttpAudit;
  /** Per operation: what authorization refused (`authz/enforce.ts`); read by audit, metrics and the response cache. */
  authz?: AuthzState;
  /** Per operation: stale values and provenance the subgraph fetches reported (`features/freshness/`). */
  freshness?: FreshnessState;
  /** Per operation, when the caller asked for them (`bizgraph-fetches: 1`): its subgraph fetches (`features/fetch-trace/`). */
  fetches?: FetchRecord[];
  /** Per operation: the response cache looked this operation up, so its answer may be stored. */
  responseCacheConsulted?: boolean;
}

export interface AuthzState {
  /** Coordinates removed from (filter mode) or refused in (reject mode) the operation, sorted; never empty. */
  denied: readonly string[];
}
