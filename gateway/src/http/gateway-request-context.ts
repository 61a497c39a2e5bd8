import type { BaseContext, GraphQLRequestContext } from '@apollo/server';
import type { CachePolicy } from '@apollo/cache-control-types';
import type { GatewayGraphQLRequest, GatewayGraphQLRequestContext, GatewayHTTPRequest } from '@apollo/server-gateway-interface';
import type { HeaderMap } from '@apollo/server';

/**
 * What the executor of a supergraph version is given for one operation: the same shape
 * `@apollo/gateway` and our executor take from Apollo Server (`GatewayGraphQLRequestContext`),
 * over the request context the pipeline keeps, without copies.
 */
export function gatewayRequestContext<Context extends BaseContext>(requestContext: GraphQLRequestContext<Context>, debug: boolean): GatewayGraphQLRequestContext<Context> {
  const { request } = requestContext;
  const responseHttp = requestContext.response.http;
  // Only the fields the request has, as Apollo Server copies them.
  const gatewayRequest: GatewayGraphQLRequest = {};
  if ('query' in request) gatewayRequest.query = request.query;
  if ('operationName' in request) gatewayRequest.operationName = request.operationName;
  if ('variables' in request) gatewayRequest.variables = request.variables;
  if ('extensions' in request) gatewayRequest.extensions = request.extensions;
  const http = request.http;
  if (http) {
    const search = http.search !== '' && !http.search.startsWith('?') ? `?${http.search}` : http.search;
    gatewayRequest.http = { method: http.method, url: `https://unknown-url.invalid/${search}`, headers: new HeadersOverMap(http.headers) };
  }
  return {
    request: gatewayRequest,
    response: {
      http: {
        headers: new HeadersOverMap(responseHttp.headers),
        get status() {
          return responseHttp.status;
        },
        set status(status) {
          responseHttp.status = status;
        },
      },
    },
    logger: requestContext.logger,
    schema: requestContext.schema,
    schemaHash: 'schemaHash no longer exists since Apollo Server 4' as never,
    context: requestContext.contextValue,
    cache: requestContext.cache,
    queryHash: requestContext.queryHash!,
    document: requestContext.document!,
    source: requestContext.source!,
    operationName: requestContext.operationName,
    operation: requestContext.operation!,
    errors: requestContext.errors,
    metrics: requestContext.metrics,
    debug,
    overallCachePolicy: requestContext.overallCachePolicy,
    requestIsBatched: requestContext.requestIsBatched,
  } as GatewayGraphQLRequestContext<Context>;
}

/** Fetch-style headers over a HeaderMap (what the gateway interface declares). */
class HeadersOverMap implements Pick<GatewayHTTPRequest['headers'], 'append' | 'delete' | 'get' | 'has' | 'set'> {
  constructor(private readonly map: HeaderMap) {}
  append(name: string, value: string): void {
    const current = this.map.get(name);
    this.map.set(name, current === undefined ? value : `${current}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name);
  }
  get(name: string): string | null {
    return this.map.get(name) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name);
  }
  set(name: string, value: string): void {
    this.map.set(name, value);
  }
  entries(): Iterator<[string, string]> {
    return this.map.entries();
  }
  keys(): Iterator<string> {
    return this.map.keys();
  }
  values(): Iterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): Iterator<[string, string]> {
    return this.map.entries();
  }
}

/** An operation's cache policy: the most restrictive hint wins (Apollo Server's `newCachePolicy`). */
export function newCachePolicy(): CachePolicy {
  return {
    maxAge: undefined,
    scope: undefined,
    restrict(hint) {
      if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge)) this.maxAge = hint.maxAge;
      if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
    },
    replace(hint) {
      if (hint.maxAge !== undefined) this.maxAge = hint.maxAge;
      if (hint.scope !== undefined) this.scope = hint.scope;
    },
    policyIfCacheable() {
      if (this.maxAge === undefined || this.maxAge === 0) return null;
      return { maxAge: this.maxAge, scope: this.scope ?? 'PUBLIC' };
    },
  };
}
