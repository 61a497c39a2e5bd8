import { Agent, interceptors, request, type Dispatcher } from 'undici';

/**
 * The fetcher behind every subgraph call. @apollo/gateway's default (make-fetch-happen over
 * minipass-fetch and agent-base) spends about a third of the gateway's CPU on a deep query;
 * `undici.request()` over one keep-alive Agent roughly halves the gateway's CPU per request.
 */
export interface UndiciFetcherOptions {
  /** Keep-alive connections per subgraph origin. */
  connections: number;
  /** Time allowed until response headers, and between body chunks (a backstop for the per-fetch deadline). */
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /**
   * Ask subgraphs for compressed answers (gzip or brotli) and decompress them. It pays across a real
   * network with large answers; on loopback it only adds CPU at both ends, hence off by default.
   */
  compression: boolean;
}

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/**
 * The part of a WHATWG Response the data source reads (`exchange.ts`, the probe): the status, two
 * headers and the body once. Nothing else is built.
 */
export interface MinimalResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export type MinimalFetch = (url: string, init?: FetchInit) => Promise<MinimalResponse>;

export interface UndiciFetcher {
  fetch: MinimalFetch;
  /** Closes every pooled connection (gateway shutdown). */
  close(): Promise<void>;
}

export function createUndiciFetcher(options: UndiciFetcherOptions): UndiciFetcher {
  const agent = new Agent({
    connections: options.connections,
    // 1 = keep-alive without pipelining: a slow answer never holds up the requests queued behind it.
    pipelining: 1,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    connectTimeout: Math.min(5000, options.headersTimeoutMs),
    // Idle sockets are closed before the subgraph's own keep-alive timeout (Node's default is 5 s,
    // fastify's 72 s) could close them under a request; a server's `keep-alive: timeout=` hint wins.
    keepAliveTimeout: 4000,
    keepAliveMaxTimeout: 60_000,
  });
  const dispatcher: Dispatcher = options.compression ? agent.compose(interceptors.decompress()) : agent;
  const fetch: MinimalFetch = async (url, init = {}) => {
    const response = await request(url, {
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: options.compression ? { ...init.headers, 'accept-encoding': 'gzip, br' } : init.headers,
      body: init.body,
      signal: init.signal,
      dispatcher,
    });
    return new UndiciResponse(response.statusCode, response.headers, response.body);
  };
  return { fetch, close: () => agent.close() };
}

class UndiciResponse implements MinimalResponse {
  readonly headers: { get(name: string): string | null };

  constructor(
    readonly status: number,
    rawHeaders: Dispatcher.ResponseData['headers'],
    private readonly body: Dispatcher.ResponseData['body'],
  ) {
    // undici lower-cases header names; repeated headers arrive as arrays.
    this.headers = {
      get(name: string): string | null {
        const value = rawHeaders[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    };
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  text(): Promise<string> {
    return this.body.text();
  }

  json(): Promise<unknown> {
    return this.body.json();
  }
}
