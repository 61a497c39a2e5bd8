/**
 * The one registry of error codes a client can see (DESIGN.md "Errors"): who raises each, the HTTP
 * status it sets when the whole request fails, and what it means. The gateway, the subgraphs and
 * the README's error table (test/readme.test.ts) all read it; nothing keeps a copy.
 */
export type RaisedBy = 'gateway' | 'subgraph' | 'both';

export interface ErrorCodeEntry {
  raisedBy: RaisedBy;
  /** HTTP status of an answer that fails as a whole with this code; unset: the answer stays 200 with partial data. */
  httpStatus?: number;
  description: string;
}

export const ERROR_REGISTRY = {
  BAD_USER_INPUT: {
    raisedBy: 'both',
    httpStatus: 400,
    description:
      'an argument, variable or input field is invalid (`extensions.field` names it); at the gateway (a NUL or invalid Unicode in a string, a variable of the wrong type) the request fails as a whole and nothing runs',
  },
  NOT_FOUND: { raisedBy: 'subgraph', description: 'a mutation names something the system does not have' },
  CONFLICT: { raisedBy: 'subgraph', description: 'stale `expectedVersion`, an idempotency key reused for a different request, or a state that forbids the write' },
  INSUFFICIENT_STOCK: { raisedBy: 'subgraph', description: 'the ERP cannot reserve the quantities ordered; nothing was written' },
  UPSTREAM_RATE_LIMITED: { raisedBy: 'subgraph', description: 'the system answered `429` beyond the bounded wait' },
  UPSTREAM_ERROR: {
    raisedBy: 'both',
    description:
      'subgraph: the system is unreachable or answered an unexpected error; gateway: the system owning a record a write references could not confirm it, so the write was not sent',
  },
  FORBIDDEN: {
    raisedBy: 'both',
    httpStatus: 403,
    description: 'subgraph: a row-level rule denies another customer’s data or write; gateway: reject mode, or introspection without `schema:introspect` in production',
  },
  UNAUTHENTICATED: { raisedBy: 'both', httpStatus: 401, description: 'the token is invalid (gateway), or a subgraph was called without the gateway’s internal token' },
  UNAUTHORIZED_FIELD_OR_TYPE: { raisedBy: 'gateway', description: 'filter mode: the field is `null` because the caller lacks its scopes' },
  OPERATION_LIMIT_EXCEEDED: { raisedBy: 'gateway', httpStatus: 400, description: 'a limit in `extensions.limit` was exceeded; nothing was fetched' },
  PERSISTED_QUERY_HASH_MISMATCH: {
    raisedBy: 'gateway',
    httpStatus: 400,
    description: 'the `sha256Hash` of an automatic persisted query is not the hash of the text sent with it; nothing ran or was stored',
  },
  PERSISTED_QUERY_NOT_ALLOWED: { raisedBy: 'gateway', httpStatus: 400, description: 'safelist mode: the operation is not in the manifest; nothing ran' },
  SUBGRAPH_UNAVAILABLE: { raisedBy: 'gateway', description: 'a subgraph refused the connection, failed, or has too many requests in flight; its fields are `null`' },
  SUBGRAPH_TIMEOUT: { raisedBy: 'gateway', description: 'a subgraph did not answer within its timeout or the request’s deadline' },
  CIRCUIT_OPEN: { raisedBy: 'gateway', description: 'a subgraph failed repeatedly; it is not called until the breaker’s next half-open probe' },
  GATEWAY_OVERLOADED: {
    raisedBy: 'gateway',
    httpStatus: 503,
    description:
      'the gateway or its subgraphs were saturated and the request waited for its turn until its deadline (`REQUEST_DEADLINE_MS`); nothing ran; `Retry-After` says when to try again',
  },
  INTERNAL_SERVER_ERROR: { raisedBy: 'both', description: 'an unexpected failure; details only in the log outside development' },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_REGISTRY;

type Side = 'gateway' | 'subgraph';
/** Codes a side raises itself; INTERNAL_SERVER_ERROR is what masking makes of everything else. */
type CodesRaisedBy<S extends Side> = Exclude<{ [C in ErrorCode]: (typeof ERROR_REGISTRY)[C]['raisedBy'] extends S | 'both' ? C : never }[ErrorCode], 'INTERNAL_SERVER_ERROR'>;

function codesRaisedBy<S extends Side>(side: S): readonly CodesRaisedBy<S>[] {
  return (Object.keys(ERROR_REGISTRY) as ErrorCode[]).filter((code) => {
    const { raisedBy } = ERROR_REGISTRY[code];
    return code !== 'INTERNAL_SERVER_ERROR' && (raisedBy === side || raisedBy === 'both');
  }) as CodesRaisedBy<S>[];
}

/** Codes the gateway itself raises. */
export const GATEWAY_ERROR_CODES = codesRaisedBy('gateway');
export type GatewayErrorCode = CodesRaisedBy<'gateway'>;

/** Codes a subgraph may put in `extensions.code` (UNAUTHENTICATED: its 401 for a missing internal token). */
export const SUBGRAPH_ERROR_CODES = codesRaisedBy('subgraph');
export type SubgraphErrorCode = CodesRaisedBy<'subgraph'>;

/** The HTTP status a code sets when it fails the whole request (`extensions.http.status`). */
export function httpStatusOf(code: ErrorCode): number | undefined {
  return (ERROR_REGISTRY[code] as ErrorCodeEntry).httpStatus;
}

/** Which system and subgraph an error concerns: always named, so clients know which system failed. */
export interface ErrorOrigin {
  /** The business system, e.g. `crm`, `erp`. */
  system: string;
  /** The subgraph that raised the error, or whose fetch failed. */
  subgraph: string;
}
