import type { GatewayContext } from '../context.js';

/**
 * The client request's deadline, shared by every subgraph fetch of the request. The start is the
 * context's `arrivedAt`, set when the context is built; Apollo Server's per-operation copy of the
 * context keeps it. A context nobody stamped (an operation run without HTTP, a test building parts
 * alone) starts its clock at its first fetch.
 */
export function deadlineAt(context: Pick<GatewayContext, 'arrivedAt'> | null, deadlineMs: number, now = Date.now()): number {
  if (!context) return now + deadlineMs;
  context.arrivedAt ??= now;
  return context.arrivedAt + deadlineMs;
}
