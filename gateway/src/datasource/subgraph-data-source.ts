import { AsyncLocalStorage } from 'node:async_hooks';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { GATEWAY_SERVICE_PRINCIPAL, type InternalTokenSigner } from '../auth/internal-token.js';
import type { GatewayContext } from '../context.js';
import { gatewayError, type SubgraphOrigin } from '../errors.js';
import { log } from '../log.js';
import type { BreakerState } from '../observability/events.js';
import { deadlineAt } from './deadline.js';
import type { SubgraphObserver } from './observer.js';
import { describe, GraphQLBodyOnErrorStatus, isGraphQLResponse, isTimeout, UpstreamStatusError } from './failures.js';
import type { SubgraphPolicy } from './resilience-config.js';
import { SubgraphResilience } from './resilience.js';
import { traceSubgraphFetch } from './fetch-span.js';
import type { MinimalFetch, MinimalResponse } from './undici-fetcher.js';

export interface SubgraphDataSourceOptions extends SubgraphOrigin {
  /** The subgraph's GraphQL endpoint. */
  url: string;
  /** Timeout, retries, breaker and bulkhead of this subgraph (`policyFor` in resilience-config.ts). */
  policy: SubgraphPolicy;
  /** `REQUEST_DEADLINE_MS`: no attempt of a client request starts or runs past it. */
  requestDeadlineMs: number;
  fetch: MinimalFetch;
  /** Signs the internal token every call carries (audience = this subgraph). */
  internalTokens: InternalTokenSigner;
  /** Told of every fetch made for a client operation (see `observer.ts`); read at each fetch. */
  observers?: readonly SubgraphObserver[];
}

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;

/**
 * The abort signal of the attempt in progress. `RemoteGraphQLDataSource.process` calls the fetcher
 * without a signal of its own, so each attempt runs inside this store and the fetcher reads it.
 */
const attemptSignal = new AsyncLocalStorage<AbortSignal>();

/** Codes the resilience policies raise themselves: passed to the client as they are. */
const POLICY_CODES: ReadonlySet<unknown> = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT', 'CIRCUIT_OPEN']);

/**
 * The one seam between the gateway and its subgraphs. Everything a subgraph call needs is
 * decided here: outbound headers (from the typed context), the fetcher, the resilience policies
 * (timeout, deadline, retries for queries, breaker, bulkhead: `resilience.ts`), and how failures
 * look to clients: `SUBGRAPH_UNAVAILABLE` / `SUBGRAPH_TIMEOUT` / `CIRCUIT_OPEN` with the subgraph
 * and its system named, while the subgraph's own GraphQL errors pass through with their extensions.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly origin: SubgraphOrigin;
  private readonly timeoutMs: number;
  private readonly requestDeadlineMs: number;
  private readonly rawFetch: MinimalFetch;
  private readonly internalTokens: InternalTokenSigner;
  private readonly resilience: SubgraphResilience;
  private readonly observers: readonly SubgraphObserver[];

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: withAttemptSignal(traceSubgraphFetch(options.fetch, options), options.policy.timeoutMs) });
    this.origin = { subgraph: options.subgraph, system: options.system };
    this.timeoutMs = options.policy.timeoutMs;
    this.requestDeadlineMs = options.requestDeadlineMs;
    this.rawFetch = options.fetch;
    this.internalTokens = options.internalTokens;
    this.resilience = new SubgraphResilience(this.origin, options.policy);
    this.observers = options.observers ?? [];
  }

  /** The circuit breaker's state, for /readyz. */
  get breakerState(): BreakerState {
    return this.resilience.breakerState;
  }

  /**
   * Headers every call carries, from the typed context (null for probes): the internal token for
   * the caller (anonymous callers get one too; the probe calls as the gateway itself), which
   * subgraphs require, and the request id. The caller's own `Authorization` never travels on.
   */
  protected async outboundHeaders(context: GatewayContext | null): Promise<Record<string, string>> {
    const principal = context ? context.principal : GATEWAY_SERVICE_PRINCIPAL;
    const token = await this.internalTokens.tokenFor(principal, this.origin.subgraph);
    return { authorization: `Bearer ${token}`, ...(context?.requestId ? { 'x-request-id': context.requestId } : {}) };
  }

  override async willSendRequest(options: ProcessOptions): Promise<void> {
    const headers = options.request.http?.headers;
    if (!headers) return;
    const context = 'incomingRequestContext' in options ? options.context : null;
    for (const [name, value] of Object.entries(await this.outboundHeaders(context))) headers.set(name, value);
    if (context) for (const observer of this.observers) observer.onSubgraphRequest?.(context, headers);
  }

  override async process(options: ProcessOptions): Promise<GatewayGraphQLResponse> {
    const incoming = 'incomingRequestContext' in options;
    const context = incoming ? options.context : null;
    // The client operation decides, not this fetch's text: a mutation's entity fetches are `query` documents.
    const operationType = incoming ? (options.incomingRequestContext.operation?.operation ?? 'query') : 'query';
    const call = { operationType, deadlineAt: deadlineAt(context, this.requestDeadlineMs), deadlineMs: this.requestDeadlineMs };
    let response: GatewayGraphQLResponse;
    try {
      response = await this.resilience.execute(call, (signal) => attemptSignal.run(signal, () => super.process(options)));
    } catch (error) {
      if (!(error instanceof GraphQLBodyOnErrorStatus)) {
        throw this.failure(error, context);
      }
      response = error.body;
    }
    if (context) for (const observer of this.observers) observer.onSubgraphResponse?.(context, options, response, this.origin);
    return response.errors ? { ...response, errors: response.errors.map((e) => this.withOrigin(e)) } : response;
  }

  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => undefined);
    if (isGraphQLResponse(body)) return new GraphQLBodyOnErrorStatus(body);
    // Not a GraphQLError as the signature says, but `sendRequest` only throws it on to `process`.
    return new UpstreamStatusError(response.status) as unknown as GraphQLError;
  }

  /** Readiness probe: `{__typename}` within `timeoutMs`; throws with a short reason when down. */
  async probe(timeoutMs: number): Promise<void> {
    let response: MinimalResponse;
    try {
      response = await this.rawFetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await this.outboundHeaders(null)) },
        body: '{"query":"{__typename}"}',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Error(isTimeout(error) ? `no answer within ${timeoutMs} ms` : describe(error));
    }
    const body = await response.json().catch(() => undefined);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (!isGraphQLResponse(body) || !body.data) throw new Error('answered without GraphQL data');
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
    log('warn', 'subgraph fetch failed', { requestId: context?.requestId, ...extensions, reason: reason ?? describe(error) });
    // `reason` can name hosts and ports: it stays in the log, not in the client's answer.
    return new GraphQLError(mapped.message, { extensions });
  }

  /** @apollo/gateway adds only `serviceName`; clients get `subgraph` and `system` on every error. */
  private withOrigin(error: GraphQLFormattedError): GraphQLFormattedError {
    const extensions = error.extensions ?? {};
    if (extensions.subgraph !== undefined && extensions.system !== undefined) return error;
    return { ...error, extensions: { ...extensions, subgraph: extensions.subgraph ?? this.origin.subgraph, system: extensions.system ?? this.origin.system } };
  }
}

/**
 * Gives each fetch the signal of its attempt (timeout and request deadline, from `resilience.ts`);
 * a fetch outside an attempt still gets the subgraph's timeout.
 */
function withAttemptSignal(fetch: MinimalFetch, timeoutMs: number): Fetcher {
  const timed: MinimalFetch = (url, init = {}) => fetch(url, { ...init, signal: init.signal ?? attemptSignal.getStore() ?? AbortSignal.timeout(timeoutMs) });
  // RemoteGraphQLDataSource reads only what MinimalResponse provides (see undici-fetcher.ts).
  return timed as unknown as Fetcher;
}
