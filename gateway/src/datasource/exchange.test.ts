import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restrictCachePolicy } from './cache-control.js';
import { exchange } from './exchange.js';
import { GraphQLBodyOnErrorStatus, isTransient, UpstreamStatusError } from './failures.js';
import { AttemptTimeout } from './attempt-timeout.js';
import { createUndiciFetcher, type UndiciFetcher } from './undici-fetcher.js';

/** A subgraph stand-in whose answer is chosen by the `x-answer` request header. */
const ANSWERS: Record<string, { status: number; type?: string; body: string; cacheControl?: string }> = {
  ok: { status: 200, type: 'application/json; charset=utf-8', body: '{"data":{"a":1}}', cacheControl: 'max-age=30, private' },
  graphqlResponse: { status: 200, type: 'application/graphql-response+json', body: '{"data":null,"errors":[{"message":"no"}]}' },
  badRequest: { status: 400, type: 'application/json', body: '{"errors":[{"message":"Cannot query field \\"x\\""}]}' },
  proxyError: { status: 502, type: 'text/html', body: '<html>Bad Gateway</html>' },
  notJson: { status: 200, type: 'text/plain', body: 'hello' },
  jsonArray: { status: 200, type: 'application/json', body: '[1,2]' },
};
let server: Server;
let url: string;
let fetcher: UndiciFetcher;
const received: { headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const answer = ANSWERS[String(request.headers['x-answer'])]!;
      if (answer.type) response.setHeader('content-type', answer.type);
      if (answer.cacheControl) response.setHeader('cache-control', answer.cacheControl);
      response.statusCode = answer.status;
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  fetcher = createUndiciFetcher({ connections: 2, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, compression: false });
});
afterAll(async () => {
  await fetcher.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const send = (answer: keyof typeof ANSWERS) =>
  exchange(fetcher.fetch, url, { 'content-type': 'application/json', 'x-answer': answer }, '{"query":"{a}"}', new AttemptTimeout(5000));

describe('one HTTP exchange with a subgraph', () => {
  it('posts the body with the given headers and returns the parsed answer and its cache-control', async () => {
    received.length = 0;
    const answer = await send('ok');
    expect(answer).toEqual({ body: { data: { a: 1 } }, errors: undefined, cacheControl: 'max-age=30, private' });
    expect(received).toEqual([{ headers: expect.objectContaining({ 'content-type': 'application/json', 'x-answer': 'ok' }), body: '{"query":"{a}"}' }]);
  });

  it('reads application/graphql-response+json, and hands the errors to the policies', async () => {
    const answer = await send('graphqlResponse');
    expect(answer.body).toEqual({ data: null, errors: [{ message: 'no' }] });
    expect(answer.errors).toEqual([{ message: 'no' }]);
    expect(answer.cacheControl).toBeUndefined();
  });

  it('throws a non-2xx GraphQL body as GraphQLBodyOnErrorStatus, not as a transient failure', async () => {
    const error = await send('badRequest').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLBodyOnErrorStatus);
    expect((error as GraphQLBodyOnErrorStatus).body.errors).toEqual([{ message: 'Cannot query field "x"' }]);
    expect(isTransient(error)).toBe(false);
  });

  it("throws a proxy's 502 page as a transient UpstreamStatusError", async () => {
    const error = await send('proxyError').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamStatusError);
    expect((error as UpstreamStatusError).status).toBe(502);
    expect(isTransient(error)).toBe(true);
  });

  it('refuses a 2xx answer that is not a JSON object', async () => {
    await expect(send('notJson')).rejects.toThrow('Expected JSON response body, but received: hello');
    await expect(send('jsonArray')).rejects.toThrow('Expected JSON response body, but received: 1,2');
  });
});

describe("a subgraph answer's cache-control", () => {
  const hintFor = (header: string | undefined) => {
    const hints: unknown[] = [];
    restrictCachePolicy({ restrict: (hint) => hints.push(hint) }, header);
    return hints;
  };

  it('restricts the policy to its max-age and scope, and to 0 without a usable max-age', () => {
    expect(hintFor('max-age=30, private')).toEqual([{ maxAge: 30, scope: 'PRIVATE' }]);
    expect(hintFor('public , max-age = "15"')).toEqual([{ maxAge: 15, scope: 'PUBLIC' }]);
    expect(hintFor('no-store')).toEqual([{ maxAge: 0 }]);
    expect(hintFor('max-age=1.5')).toEqual([{ maxAge: 0 }]);
    expect(hintFor(undefined)).toEqual([{ maxAge: 0 }]);
  });
});
