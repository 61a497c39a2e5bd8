import { GraphQLError } from 'graphql';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';

/**
 * How a subgraph call can fail, as the data source and its resilience policies see it. Only
 * transient failures (the subgraph could not be reached, did not answer in time, or answered 5xx
 * without a GraphQL body) are retried and count against the circuit breaker; an answer that
 * carries GraphQL errors is the subgraph speaking and is passed through untouched.
 */

/**
 * A non-2xx answer whose body is still a GraphQL response (e.g. 400 for a query the subgraph
 * cannot validate, 500 from a failing context): its errors say more than the status, so
 * `errorFromResponse` hands the body to `process` to pass through instead.
 */
export class GraphQLBodyOnErrorStatus extends GraphQLError {
  constructor(readonly body: GatewayGraphQLResponse) {
    super('GraphQL response with an error status');
  }
}

/** A non-2xx answer without a GraphQL body (a proxy's 502, a dead upstream's 503). */
export class UpstreamStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
    this.name = 'UpstreamStatusError';
  }
}

export function isGraphQLResponse(body: unknown): body is GatewayGraphQLResponse {
  return typeof body === 'object' && body !== null && ('data' in body || Array.isArray((body as { errors?: unknown }).errors));
}

export function isTimeout(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  return name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
}

/**
 * Worth another attempt and a mark against the breaker: timeouts, socket-level errors (undici's
 * `UND_ERR_*`, the OS's `E*` codes such as ECONNREFUSED) and 5xx answers without GraphQL.
 * GraphQL errors, 4xx answers and undecodable bodies are not: trying again would get the same.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof GraphQLError) return false;
  if (error instanceof UpstreamStatusError) return error.status >= 500;
  if (isTimeout(error)) return true;
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && (code.startsWith('UND_ERR_') || /^E[A-Z]+$/.test(code));
}

/** A short description for the log (may name hosts and ports: never sent to clients). */
export function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (message) return code && !message.includes(code) ? `${code}: ${message}` : message;
  return code ?? String(error);
}
