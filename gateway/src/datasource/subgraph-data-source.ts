import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { GATEWAY_SERVICE_PRINCIPAL, type InternalTokenSigner } from '../auth/internal-token.js';
import type { GatewayContext } from '../context.js';
import { gatewayError, type SubgraphOrigin } from '../errors.js';
import { recordStaleEntities } from '../freshness/stale-marker.js';
import { log } from '../log.js';
import type { MinimalFetch, MinimalResponse } from './undici-fetcher.js';

export interface SubgraphDataSourceOptions extends SubgraphOrigin {
  /** The subgraph's GraphQL endpoint. */
  url: string;
  /** Deadline of one fetch, headers and body included. */
  timeoutMs: number;
  fetch: MinimalFetch;
  /** Signs the internal token every call carries (audience = this subgraph). */
  internalTokens: InternalTokenSigner;
}

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;

/**
 * A non-2xx answer whose body is still a GraphQL response (e.g. 400 for a query the subgraph
 * cannot validate, 500 from a failing context): its errors say more than the status, so
 * `errorFromResponse` hands the body to `process` to pass through instead.
 */
class GraphQLBodyOnErrorStatus extends GraphQLError {
  constructor(readonly body: GatewayGraphQLResponse) {
    super('GraphQL response with an error status');
  }
}

/**
 * The one seam between the gateway and its subgraphs. Everything a subgraph call needs is
 * decided here: outbound headers (from the typed context), the fetcher, the deadline, and how
 * failures look to clients: `SUBGRAPH_UNAVAILABLE` / `SUBGRAPH_TIMEOUT` with the subgraph and
 * its system named, while the subgraph's own GraphQL errors pass through with their extensions.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly origin: SubgraphOrigin;
  private readonly timeoutMs: number;
  private readonly rawFetch: MinimalFetch;
  private readonly internalTokens: InternalTokenSigner;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: withDeadline(options.fetch, options.timeoutMs) });
    this.origin = { subgraph: options.subgraph, system: options.system };
    this.timeoutMs = options.timeoutMs;
    this.rawFetch = options.fetch;
    this.internalTokens = options.internalTokens;
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
  }

  override async process(options: ProcessOptions): Promise<GatewayGraphQLResponse> {
    let response: GatewayGraphQLResponse;
    try {
      response = await super.process(options);
    } catch (error) {
      if (!(error instanceof GraphQLBodyOnErrorStatus)) {
        throw this.failure(error, 'incomingRequestContext' in options ? options.context : null);
      }
      response = error.body;
    }
    if (response.extensions?.staleIfError !== undefined && 'incomingRequestContext' in options) {
      recordStaleEntities(options.context, response.extensions.staleIfError, this.origin);
    }
    return response.errors ? { ...response, errors: response.errors.map((e) => this.withOrigin(e)) } : response;
  }

  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => undefined);
    if (isGraphQLResponse(body)) return new GraphQLBodyOnErrorStatus(body);
    return gatewayError('SUBGRAPH_UNAVAILABLE', `Subgraph "${this.origin.subgraph}" is unavailable`, { ...this.origin, reason: `HTTP ${response.status}` });
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
      error instanceof GraphQLError && error.extensions.code === 'SUBGRAPH_UNAVAILABLE'
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

/** Wraps the shared fetcher with this subgraph's deadline (the gateway passes no signal of its own). */
function withDeadline(fetch: MinimalFetch, timeoutMs: number): Fetcher {
  const timed: MinimalFetch = (url, init = {}) => fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
  // RemoteGraphQLDataSource reads only what MinimalResponse provides (see undici-fetcher.ts).
  return timed as unknown as Fetcher;
}

function isGraphQLResponse(body: unknown): body is GatewayGraphQLResponse {
  return typeof body === 'object' && body !== null && ('data' in body || Array.isArray((body as { errors?: unknown }).errors));
}

function isTimeout(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  return name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
}

function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (message) return code && !message.includes(code) ? `${code}: ${message}` : message;
  return code ?? String(error);
}
