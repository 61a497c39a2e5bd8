import { Agent, request } from 'undici';
import { subgraphError, type ErrorOrigin } from './errors.js';
import { traceRestCall } from './tracing.js';

export interface RestClientOptions {
  baseUrl: string;
  apiKey: string;
  origin: ErrorOrigin;
  /** Whole-call timeout (headers and body). */
  timeoutMs?: number;
  /** Longest `Retry-After` a read will wait for once before giving up with UPSTREAM_RATE_LIMITED. */
  maxRetryAfterMs?: number;
  connections?: number;
}

export interface RestResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface RestRequest {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses the caller handles itself (e.g. 404, 409, 412) instead of UPSTREAM_ERROR. */
  expect?: readonly number[];
}

export interface RestClient {
  call<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, init?: RestRequest): Promise<RestResponse<T>>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryAfterMs(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return 1000;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 1000;
}

/**
 * The one HTTP seam from a subgraph to its REST system: keep-alive pool, API key, timeouts,
 * and translation of transport failures and unexpected statuses into registry error codes.
 */
export function createRestClient(options: RestClientOptions): RestClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 2_000;
  const dispatcher = new Agent({ connections: options.connections ?? 32, keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const system = options.origin.system;

  async function once<T>(method: string, path: string, init: RestRequest): Promise<RestResponse<T>> {
    const url = new URL(path, options.baseUrl);
    for (const [key, value] of Object.entries(init.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    let response;
    try {
      response = await traceRestCall(system, method, url, (traceHeaders) =>
        request(url, {
          method: method as 'GET',
          dispatcher,
          headers: {
            accept: 'application/json',
            'x-api-key': options.apiKey,
            ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...init.headers,
            ...traceHeaders,
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: AbortSignal.timeout(timeoutMs),
        }),
      );
    } catch (error) {
      throw subgraphError('UPSTREAM_ERROR', `${system} is unreachable`, options.origin, { reason: (error as Error).name });
    }
    const text = await response.body.text();
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        throw subgraphError('UPSTREAM_ERROR', `${system} answered with a malformed body`, options.origin, { status: response.statusCode });
      }
    }
    return { status: response.statusCode, headers: response.headers, body: body as T };
  }

  return {
    async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, init: RestRequest = {}) {
      let response = await once<T>(method, path, init);
      // Reads are idempotent: wait out one short Retry-After; writes never repeat here.
      if (response.status === 429 && method === 'GET') {
        const wait = retryAfterMs(response.headers['retry-after']);
        if (wait <= maxRetryAfterMs) {
          await sleep(wait);
          response = await once<T>(method, path, init);
        }
      }
      if (response.status === 429) {
        throw subgraphError('UPSTREAM_RATE_LIMITED', `${system} is rate limiting requests`, options.origin, {
          retryAfterSeconds: Math.ceil(retryAfterMs(response.headers['retry-after']) / 1000),
        });
      }
      if (response.status >= 200 && response.status < 300) return response;
      if (init.expect?.includes(response.status)) return response;
      throw subgraphError('UPSTREAM_ERROR', `${system} answered HTTP ${response.status}`, options.origin, { status: response.status });
    },
    close: () => dispatcher.close(),
  };
}

/** A REST client that counts its calls: the batching proof each subgraph shows at `/debug/counters`. */
export interface CountedRestClient extends RestClient {
  /** The same call, not counted (health checks, so readiness probes do not blur the proof). */
  uncounted: RestClient['call'];
  callCount(): number;
  resetCallCount(): void;
}

export function createCountedRestClient(options: RestClientOptions): CountedRestClient {
  const rest = createRestClient(options);
  let calls = 0;
  return {
    call: (method, path, init) => {
      calls++;
      return rest.call(method, path, init);
    },
    uncounted: rest.call,
    callCount: () => calls,
    resetCallCount: () => void (calls = 0),
    close: rest.close,
  };
}

/** The longest key any REST system here holds (an email: 254 bytes); a longer one names nothing. */
export const MAX_REST_KEY_BYTES = 254;
/** Encoded bytes of one batch's key list: far below Node's 16 KiB request-head limit (HTTP 431). */
const MAX_KEY_LIST_BYTES = 4096;

/**
 * Comma-separated key lists for a REST batch endpoint (`?ids=a,b,c`): distinct keys, at most
 * `maxKeys` and MAX_KEY_LIST_BYTES (URL-encoded) per list. Keys that can name nothing are not sent:
 * blank ones, ones holding a comma (the system splits on it, so they would match others), ones
 * longer than any key a system holds (a 60 KB id travelled and came back as HTTP 431).
 */
export function keyLists(keys: readonly string[], maxKeys: number): string[] {
  const lists: string[] = [];
  let list: string[] = [];
  let bytes = 0;
  for (const key of new Set(keys)) {
    if (key.trim().length === 0 || key.includes(',') || Buffer.byteLength(key) > MAX_REST_KEY_BYTES) continue;
    const encoded = encodeURIComponent(key).length + 1;
    if (list.length === maxKeys || (list.length > 0 && bytes + encoded > MAX_KEY_LIST_BYTES)) {
      lists.push(list.join(','));
      [list, bytes] = [[], 0];
    }
    list.push(key);
    bytes += encoded;
  }
  if (list.length > 0) lists.push(list.join(','));
  return lists;
}
