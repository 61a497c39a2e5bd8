/**
 * The client request's deadline, shared by every subgraph fetch of the request. The start is
 * carried on the context under a symbol: Apollo Server clones the context per operation with
 * `Object.assign`, which copies symbol-keyed properties, so a WeakMap keyed by the original would
 * miss. A context nobody stamped (a test building parts alone) starts its clock at its first fetch.
 */
const REQUEST_START = Symbol('bizgraph.requestStart');

type Stamped = { [REQUEST_START]?: number };

/** Stamps the request's arrival on its context (called when the context is built). */
export function startRequestClock<C extends object>(context: C, at = Date.now()): C {
  (context as Stamped)[REQUEST_START] = at;
  return context;
}

/** When the request's deadline passes (epoch ms); `null` context (probes) → `deadlineMs` from now. */
export function deadlineAt(context: object | null, deadlineMs: number, now = Date.now()): number {
  if (!context) return now + deadlineMs;
  const stamped = context as Stamped;
  stamped[REQUEST_START] ??= now;
  return stamped[REQUEST_START] + deadlineMs;
}
