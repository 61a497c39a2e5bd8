import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLBodyOnErrorStatus, isGraphQLResponse, UpstreamStatusError } from './failures.js';
import type { AttemptTimeout } from './attempt-timeout.js';
import type { MinimalFetch } from './undici-fetcher.js';

/** A subgraph's GraphQL answer and the header the response cache needs from it. */
export interface SubgraphAnswer {
  body: GatewayGraphQLResponse;
  /** The body's GraphQL errors: the resilience policies report an answer with errors as `graphql_error`. */
  errors: GatewayGraphQLResponse['errors'];
  cacheControl: string | undefined;
}

/**
 * One HTTP attempt of a subgraph call: POST the operation, read the answer. A 2xx answer must be a
 * JSON object (parsed as JSON only when the content type says so, as @apollo/gateway does); a
 * non-2xx one whose body is still a GraphQL response is thrown as `GraphQLBodyOnErrorStatus` (its
 * errors say more than the status and are passed on), any other as `UpstreamStatusError`, which
 * the resilience policies treat as transient when it is a 5xx.
 */
export async function exchange(fetch: MinimalFetch, url: string, headers: Record<string, string>, body: string, timeout: AttemptTimeout): Promise<SubgraphAnswer> {
  const response = await fetch(url, { method: 'POST', headers, body, timeout });
  const contentType = response.headers.get('content-type');
  const json = contentType !== null && (contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json'));
  if (!response.ok) {
    const parsed = json ? await response.json().catch(() => undefined) : await response.text().catch(() => undefined);
    if (isGraphQLResponse(parsed)) throw new GraphQLBodyOnErrorStatus(parsed);
    throw new UpstreamStatusError(response.status);
  }
  const parsed = json ? await response.json() : await response.text();
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`Expected JSON response body, but received: ${String(parsed).slice(0, 200)}`);
  const graphql = parsed as GatewayGraphQLResponse;
  return { body: graphql, errors: graphql.errors, cacheControl: response.headers.get('cache-control') ?? undefined };
}
