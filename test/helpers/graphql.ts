import { request } from 'undici';

export interface GraphQLResponse<D = Record<string, unknown>> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: D | null; errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }>; extensions?: Record<string, unknown> };
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
  return { status: response.statusCode, headers: response.headers, body };
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
  return { status: response.statusCode, headers: response.headers, body: body as T };
}
