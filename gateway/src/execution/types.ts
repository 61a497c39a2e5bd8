import type { GraphQLError } from 'graphql';

/**
 * The wire contract between bizgraph's query-plan executor and the subgraphs. Everything the
 * executor needs from the outside world goes through {@link SubgraphFetch}; nothing here knows a URL.
 */

/** One operation sent to one subgraph, exactly as the query plan wrote it. */
export interface SubgraphRequest {
  /** Subgraph name as the supergraph's `join__Graph` spells it (the fetch node's `serviceName`). */
  subgraph: string;
  /** The subgraph operation text from the plan, never re-printed. */
  query: string;
  operationName?: string;
  /** Only the client variables the fetch uses, plus `representations` for entity fetches. */
  variables: Record<string, unknown>;
  /** Where in the client's answer the fetch lands (`@` for each list element), as @apollo/gateway's `pathInIncomingRequest`. */
  path: ReadonlyArray<string | number>;
}

/** An error as a subgraph sends it (GraphQL over HTTP response shape). */
export interface SubgraphError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<SubgraphError>;
}

/**
 * The one fetch seam: resilience, tokens, spans and provenance attach here. Resolving means the
 * subgraph answered (possibly with errors); throwing means a transport failure.
 */
export type SubgraphFetch = (request: SubgraphRequest) => Promise<SubgraphResponse>;

/** The client's answer, shaped like @apollo/gateway's `executeQueryPlan` result. */
export interface PlanExecutionResult {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
  /**
   * Set (instead of `errors`) when every fetch succeeded but shaping found values that break the
   * schema: @apollo/gateway reports those here rather than as errors, and so do we.
   */
  extensions?: { valueCompletion: GraphQLError[] };
}

/** JSON object as received from a subgraph and merged into the one result tree. */
export type ResultObject = Record<string, unknown>;

/**
 * The prototype of the objects the executor builds (answers, representations, copies): it has no
 * prototype itself, so a response name like `__proto__` or `constructor` is an own property like
 * any other, as with `Object.create(null)`. Unlike those (which V8 keeps as hash tables), objects
 * made with `new` get hidden classes: ~2× faster to fill and serialise, and smaller to collect.
 */
function ResultRecord(this: ResultObject) {}
ResultRecord.prototype = Object.create(null) as object;

/** An empty object for the result tree, with no inherited keys (see `ResultRecord`). */
export function newResultObject(): ResultObject {
  return new (ResultRecord as unknown as new () => ResultObject)();
}

export function isResultObject(value: unknown): value is ResultObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own-property read: response data is untrusted JSON, `__proto__` & co. must not leak through. */
export function getOwn(object: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? (object as ResultObject)[key] : undefined;
}

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}
