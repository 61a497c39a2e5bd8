import { Agent, interceptors, type Dispatcher } from 'undici';
import type { AttemptTimeout, TimeoutListener } from './attempt-timeout.js';

/**
 * The fetcher behind every subgraph call. @apollo/gateway's default (make-fetch-happen over
 * minipass-fetch and agent-base) spends about a third of the gateway's CPU on a deep query;
 * undici's dispatcher over one keep-alive Agent, answers collected in memory, roughly halves it.
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
  /** The attempt's timeout: ends the call like an aborted `signal` does, without one (`attempt-timeout.ts`). Every fetcher must honour it. */
  timeout?: AttemptTimeout;
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
  const targets = new Map<string, { origin: string; path: string }>();
  const fetch: MinimalFetch = (url, init = {}) => {
    let target = targets.get(url);
    if (!target) {
      // Parsed once per URL (a handful: one per subgraph), not once per call.
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (targets.size < 1000) targets.set(url, target);
    }
    const headers = options.compression ? { ...init.headers, 'accept-encoding': 'gzip, br' } : init.headers;
    return new Promise<MinimalResponse>((resolve, reject) => {
      const handler = new CollectingHandler(resolve, reject, init.signal, init.timeout);
      dispatcher.dispatch({ origin: target.origin, path: target.path, method: (init.method ?? 'GET') as Dispatcher.HttpMethod, headers, body: init.body }, handler);
    });
  };
  return { fetch, close: () => agent.close() };
}

/**
 * Collects one answer in memory and hands it over whole: what `undici.request()` does through a
 * readable stream per response (its buffering, events and consumers were ~3 % of the gateway's CPU),
 * for answers that are read whole anyway. The attempt's timeout and any abort signal are wired
 * here, as `request()` wires its signal: either makes undici end the request with its reason.
 */
class CollectingHandler implements Dispatcher.DispatchHandler, TimeoutListener {
  private status = 0;
  private rawHeaders: Buffer[] = [];
  private readonly chunks: Buffer[] = [];
  private abort: ((reason?: Error) => void) | undefined;
  /** The signal's 'abort' listener, made only for a call that has a signal. */
  private readonly onAbort: (() => void) | undefined;
  private settled = false;

  constructor(
    private readonly resolve: (response: MinimalResponse) => void,
    private readonly reject: (error: unknown) => void,
    private readonly signal: AbortSignal | undefined,
    private readonly timeout: AttemptTimeout | undefined,
  ) {
    timeout?.listen(this);
    if (signal) {
      this.onAbort = () => this.cancel(signal.reason as Error);
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** Settles at once; undici is told when the request has a connection (then or already). */
  cancel(reason: Error): void {
    if (this.abort) this.abort(reason);
    else if (this.finish()) this.reject(reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    const reason = this.timeout?.reason ?? (this.signal?.aborted ? (this.signal.reason as Error) : undefined);
    if (reason) abort(reason);
    else this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx (100 Continue, 103 Early Hints) precede the answer.
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.finish()) this.resolve(new CollectedResponse(this.status, this.rawHeaders, this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)));
  }

  onError(error: Error): void {
    if (this.finish()) this.reject(error);
  }

  private finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.timeout?.listen(undefined);
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    return true;
  }
}

class CollectedResponse implements MinimalResponse {
  readonly headers: { get(name: string): string | null };

  constructor(
    readonly status: number,
    rawHeaders: Buffer[],
    private readonly body: Buffer,
  ) {
    this.headers = {
      // A response's raw header pairs, searched for the two or three names the caller reads;
      // repeated headers are joined, as a WHATWG Headers object joins them.
      get(name: string): string | null {
        const wanted = name.toLowerCase();
        let value: string | null = null;
        for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
          if (rawHeaders[index]!.toString('latin1').toLowerCase() !== wanted) continue;
          const text = rawHeaders[index + 1]!.toString('latin1');
          value = value === null ? text : `${value}, ${text}`;
        }
        return value;
      },
    };
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  text(): Promise<string> {
    return Promise.resolve(this.decoded());
  }

  json(): Promise<unknown> {
    try {
      return Promise.resolve(JSON.parse(this.decoded()) as unknown);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** UTF-8 without a byte-order mark, as undici's `text()` and `json()` decode. */
  private decoded(): string {
    const text = this.body.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}
