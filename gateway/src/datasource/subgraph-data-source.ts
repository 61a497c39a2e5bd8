import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { GATEWAY_SERVICE_PRINCIPAL, type InternalTokenSigner } from '../auth/internal-token.js';
import type { GatewayContext, GatewayPrincipal } from '../context.js';
import { gatewayError, type SubgraphOrigin } from '../errors.js';
import { log } from '../log.js';
import type { BreakerState } from '../observability/events.js';
import { ProbeTimeout } from '../health.js';
import { restrictCachePolicy, type CachePolicy } from './cache-control.js';
import { deadlineAt } from './deadline.js';
import type { SubgraphObserver } from './observer.js';
import { describe, GraphQLBodyOnErrorStatus, isGraphQLResponse, isTimeout } from './failures.js';
import type { SubgraphPolicy } from './resilience-config.js';
import { SubgraphResilience } from './resilience.js';
import { traceSubgraphFetch } from './fetch-span.js';
import { traceparentOf } from '../observability/request-trace.js';
import { exchange } from './exchange.js';
import type { MinimalFetch, MinimalResponse } from './undici-fetcher.js';

export interface SubgraphDataSourceOptions extends SubgraphOrigin {
  /** The subgraph's GraphQL endpoint. */
  url: string;
  /** Timeout, retries, breaker and bulkhead of this subgraph (`policyFor` in resilience-config.ts). */
  policy: SubgraphPolicy;
  /** `REQUEST_DEADLINE_MS`: no attempt of a client request starts or runs past it. */
  requestDeadlineMs: number;
  fetch: MinimalFetch;
  /** The readiness probe's own fetch (its own connections): a probe never queues behind client requests. @default `fetch` */
  probeFetch?: MinimalFetch;
  /** Signs the internal token every call carries (audience = this subgraph). */
  internalTokens: InternalTokenSigner;
  /** Told of every fetch made for a client operation (see `observer.ts`); read at each fetch. */
  observers?: readonly SubgraphObserver[];
}

/** One operation sent to this subgraph for a client request. */
export interface SubgraphCall {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** The client request's context. */
  context: GatewayContext;
  /** The client operation's type, not this fetch's: a mutation's entity fetches are `query` documents and are never retried. */
  operationType: string;
  /** Where the answer lands in the client's response (entity fetches): provenance files it there. */
  path?: readonly (string | number)[];
  /** The client request's cache policy, restricted by the subgraph's `cache-control` (as @apollo/gateway does). */
  cachePolicy?: CachePolicy;
}

/**
 * What every subgraph call of one client request shares, read from its request context by either
 * executor: the context, the client operation's type (it decides retries, not the fetch's text: a
 * mutation's entity fetches are `query` documents) and the cache policy the answers restrict.
 */
export function requestScope(requestContext: GatewayGraphQLRequestContext): Pick<SubgraphCall, 'context' | 'operationType' | 'cachePolicy'> {
  const policy: unknown = requestContext.overallCachePolicy;
  return {
    context: requestContext.context as GatewayContext,
    operationType: requestContext.operation?.operation ?? 'query',
    cachePolicy: typeof policy === 'object' && policy !== null && 'restrict' in policy ? (policy as CachePolicy) : undefined,
  };
}

/** Codes the resilience policies raise themselves: passed to the client as they are. */
const POLICY_CODES: ReadonlySet<unknown> = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT', 'CIRCUIT_OPEN']);

/**
 * The one seam between the gateway and a subgraph, used by both executors: bizgraph's calls
 * `fetch()`, @apollo/gateway's calls `process()` (its `GraphQLDataSource` contract). Everything a
 * subgraph call needs is decided here: outbound headers (from the typed context), the resilience
 * policies (timeout, deadline, retries for queries, breaker, bulkhead: `resilience.ts`), the HTTP
 * exchange (`exchange.ts`, one undici request, no WHATWG objects), the cache hint, the observers,
 * and how failures look to clients: `SUBGRAPH_UNAVAILABLE` / `SUBGRAPH_TIMEOUT` / `CIRCUIT_OPEN`
 * with the subgraph and its system named, while the subgraph's own GraphQL errors pass through.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  readonly url: string;
  readonly origin: SubgraphOrigin;
  private readonly timeoutMs: number;
  private readonly requestDeadlineMs: number;
  private readonly rawFetch: MinimalFetch;
  private readonly probeFetch: MinimalFetch;
  /** The subgraph's own `/readyz` (beside its GraphQL endpoint); null once it answered 404 (not a bizgraph subgraph). */
  private readyUrl: string | null;
  private readonly internalTokens: InternalTokenSigner;
  private readonly resilience: SubgraphResilience;
  private readonly observers: readonly SubgraphObserver[];
  /** When a client request last got a GraphQL answer (`performance.now()`), for the readiness probe. */
  private lastAnsweredAt = -Infinity;

  constructor(options: SubgraphDataSourceOptions) {
    this.url = options.url;
    this.origin = { subgraph: options.subgraph, system: options.system };
    this.timeoutMs = options.policy.timeoutMs;
    this.requestDeadlineMs = options.requestDeadlineMs;
    this.rawFetch = options.fetch;
    this.probeFetch = options.probeFetch ?? options.fetch;
    this.readyUrl = new URL('readyz', options.url).href;
    this.internalTokens = options.internalTokens;
    this.resilience = new SubgraphResilience(this.origin, options.policy);
    this.observers = options.observers ?? [];
  }

  /** Whether a client request got a GraphQL answer since `at`: a busy subgraph is not a dead one (health.ts). */
  answeredSince(at: number): boolean {
    return this.lastAnsweredAt >= at;
  }

  /** The circuit breaker's state, for /readyz. */
  get breakerState(): BreakerState {
    return this.resilience.breakerState;
  }

  /** Sends one operation for a client request; resolves with the subgraph's GraphQL answer, throws a client-facing GraphQLError when there is none. */
  async fetch(call: SubgraphCall): Promise<GatewayGraphQLResponse> {
    const { context } = call;
    const headers = this.outboundHeaders(context, this.cachedToken(context.principal) ?? (await this.signedToken(context.principal)));
    for (const observer of this.observers) observer.onSubgraphRequest?.(context, headers);
    const startedAt = performance.now();
    // Built field by field rather than with spreads: the same JSON, without two throw-away objects per fetch.
    const payload: { query: string; variables?: Record<string, unknown>; operationName?: string } = { query: call.query };
    if (call.variables) payload.variables = call.variables;
    if (call.operationName) payload.operationName = call.operationName;
    const body = JSON.stringify(payload);
    const policyCall = { operationType: call.operationType, deadlineAt: deadlineAt(context, this.requestDeadlineMs), deadlineMs: this.requestDeadlineMs };
    let response: GatewayGraphQLResponse;
    let cacheControl: string | undefined;
    try {
      // A span per attempt only while spans are exported; otherwise the request's traceparent is in the headers already.
      const send = context.trace?.span ? traceSubgraphFetch(this.rawFetch, this.origin, context.trace.span) : this.rawFetch;
      const answer = await this.resilience.execute(policyCall, (timeout) => exchange(send, this.url, headers.values, body, timeout));
      response = answer.body;
      cacheControl = answer.cacheControl;
    } catch (error) {
      if (!(error instanceof GraphQLBodyOnErrorStatus)) throw this.failure(error, context);
      response = error.body;
    }
    this.lastAnsweredAt = performance.now();
    if (call.cachePolicy) restrictCachePolicy(call.cachePolicy, cacheControl);
    if (this.observers.length > 0) {
      const fetched = { pathInIncomingRequest: call.path, request: { query: call.query }, startedAt };
      for (const observer of this.observers) observer.onSubgraphResponse?.(context, fetched, response, this.origin);
    }
    return response.errors ? { ...response, errors: response.errors.map((e) => this.withOrigin(e)) } : response;
  }

  /** @apollo/gateway's entry (`GATEWAY_EXECUTOR=apollo`): the same call, read from its options. */
  process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    if (!('incomingRequestContext' in options)) throw new Error(`subgraph "${this.origin.subgraph}" is called for client operations only`);
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    return this.fetch({
      query: request.query,
      variables: request.variables,
      operationName: request.operationName ?? undefined,
      path: options.pathInIncomingRequest,
      ...requestScope(options.incomingRequestContext),
    });
  }

  /**
   * Readiness probe within `timeoutMs`: the subgraph's own `/readyz`, which checks its system or
   * database too (a subgraph whose system is frozen is not ready); a subgraph without one (any
   * Federation 2 subgraph) is asked `{__typename}` instead. Throws with a short reason when down.
   */
  async probe(timeoutMs: number): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      if (this.readyUrl !== null) {
        const response = await this.probeFetch(this.readyUrl, { method: 'GET', headers: PROBE_HEADERS, signal });
        if (response.status !== 404) {
          if (response.ok) return;
          const body = (await response.json().catch(() => undefined)) as { reason?: unknown } | undefined;
          throw new ProbeRefusal(typeof body?.reason === 'string' ? body.reason : `HTTP ${response.status}`);
        }
        this.readyUrl = null;
      }
      const { values } = this.outboundHeaders(null, await this.signedToken(GATEWAY_SERVICE_PRINCIPAL));
      const response = await this.probeFetch(this.url, { method: 'POST', headers: { ...values, ...PROBE_HEADERS }, body: '{"query":"{__typename}"}', signal });
      const body = await response.json().catch(() => undefined);
      if (!response.ok) throw new ProbeRefusal(`HTTP ${response.status}`);
      if (!isGraphQLResponse(body) || !body.data) throw new ProbeRefusal('answered without GraphQL data');
    } catch (error) {
      if (error instanceof ProbeRefusal) throw error;
      throw isTimeout(error) ? new ProbeTimeout(`no answer within ${timeoutMs} ms`) : new Error(describe(error));
    }
  }

  /** The caller's internal token when it is signed and cached already (the usual case): no promise, no await. */
  private cachedToken(principal: GatewayPrincipal | null): string | undefined {
    return this.internalTokens.cachedToken?.(principal, this.origin.subgraph);
  }

  private signedToken(principal: GatewayPrincipal | null): Promise<string> {
    return this.internalTokens.tokenFor(principal, this.origin.subgraph);
  }

  /**
   * Headers every call carries, from the typed context (null for probes): the internal token for
   * the caller (anonymous callers get one too; the probe calls as the gateway itself), which
   * subgraphs require, the request id and the request's `traceparent` (when no span of its own
   * is started per attempt). The caller's own `Authorization` never travels on.
   */
  private outboundHeaders(context: GatewayContext | null, token: string): OutboundHeaders {
    const headers = new OutboundHeaders({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
    if (context?.requestId) headers.values['x-request-id'] = context.requestId;
    const requestTrace = context?.trace;
    if (requestTrace && !requestTrace.span) {
      headers.values.traceparent = traceparentOf(requestTrace);
      if (requestTrace.traceState) headers.values.tracestate = requestTrace.traceState;
    }
    return headers;
  }

  /** Maps a transport failure to the client-facing error; the detail goes to the log. */
  private failure(error: unknown, context: GatewayContext | null): GraphQLError {
    const { subgraph } = this.origin;
    const mapped =
      error instanceof GraphQLError && POLICY_CODES.has(error.extensions.code)
        ? error
        : isTimeout(error)
          ? gatewayError('SUBGRAPH_TIMEOUT', `Subgraph "${subgraph}" did not answer within ${this.timeoutMs} ms`, { ...this.origin })
          : gatewayError('SUBGRAPH_UNAVAILABLE', `Subgraph "${subgraph}" is unavailable`, { ...this.origin, reason: describe(error) });
    const { reason, ...extensions } = mapped.extensions;
    log('warn', 'subgraph fetch failed', { requestId: context?.requestId, traceId: context?.trace?.traceId, ...extensions, reason: reason ?? describe(error) });
    // `reason` can name hosts and ports: it stays in the log, not in the client's answer.
    return new GraphQLError(mapped.message, { extensions });
  }

  /** Clients get `subgraph` and `system` on every error a subgraph sends. */
  private withOrigin(error: GraphQLFormattedError): GraphQLFormattedError {
    const extensions = error.extensions ?? {};
    if (extensions.subgraph !== undefined && extensions.system !== undefined) return error;
    return { ...error, extensions: { ...extensions, subgraph: extensions.subgraph ?? this.origin.subgraph, system: extensions.system ?? this.origin.system } };
  }
}

/** Outbound headers as one plain record (lower-case names), with the `set` observers use to add theirs. */
class OutboundHeaders {
  constructor(readonly values: Record<string, string>) {}

  set(name: string, value: string): void {
    this.values[name.toLowerCase()] = value;
  }
}

/** Marks the gateway's readiness probes, so a subgraph's logs, metrics and request counters can tell them from client traffic. */
export const PROBE_HEADERS: Readonly<Record<string, string>> = { 'x-bizgraph-probe': 'readiness' };

/** The subgraph answered the probe, saying it is not ready (its reason is the message). */
class ProbeRefusal extends Error {}
