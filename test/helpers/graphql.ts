import { request } from 'undici';

export interface GraphQLResponse<D = Record<string, unknown>> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: D | null; errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }>; extensions?: Record<string, unknown> };
  /** The gateway's trace id for this request: `extensions.traceId` when the answer has it, else the `x-trace-id` header. */
  traceId?: string;
  /** The answer's `extensions.traceId`, moved out of `body` so bodies compare equal across requests. */
  extensionsTraceId?: string;
}

/** POSTs one GraphQL operation over real HTTP. `url` is a base URL or a full /graphql URL. */
export async function graphql<D = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<D>> {
  const endpoint = url.endsWith('/graphql') ? url : `${url}/graphql`;
  const response = await request(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.body.text();
  let body: GraphQLResponse<D>['body'];
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`non-JSON answer (${response.statusCode}) from ${endpoint}: ${text.slice(0, 500)}`);
  }
  const extensionsTraceId = withoutTraceId(body);
  const traceId = extensionsTraceId ?? response.headers['x-trace-id'];
  return {
    status: response.statusCode,
    headers: response.headers,
    body,
    ...(typeof traceId === 'string' ? { traceId } : {}),
    ...(typeof extensionsTraceId === 'string' ? { extensionsTraceId } : {}),
  };
}

/** GET/POST JSON helper for REST stand-ins and health endpoints. */
export async function http<T = any>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: T }> {
  const response = await request(url, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.body.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // plain text body
  }
  // GraphQL answers (one, or a batch): compared without the per-request trace id.
  for (const answer of Array.isArray(body) ? body : [body]) if (typeof answer === 'object') withoutTraceId(answer);
  return { status: response.statusCode, headers: response.headers, body: body as T };
}

/**
 * Moves the gateway's per-request `extensions.traceId` out of an answer's body (returned, for
 * `GraphQLResponse.traceId`), so tests compare bodies without a value that differs on every request.
 */
export function withoutTraceId(body: unknown): unknown {
  const extensions = (body as { extensions?: Record<string, unknown> } | null)?.extensions;
  if (!extensions || !('traceId' in extensions)) return undefined;
  const { traceId, ...rest } = extensions;
  if (Object.keys(rest).length === 0) delete (body as { extensions?: unknown }).extensions;
  else (body as { extensions?: unknown }).extensions = rest;
  return traceId;
}
