import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { runService } from '../common/process.js';

/**
 * A replaying front for one subgraph, for the gateway-bound benchmark (`npm run bench -- --replayed`):
 * the first time it sees a request (method, path and body, byte for byte) it forwards it to the real
 * subgraph (`REPLAY_UPSTREAM`) and keeps a 200 answer (status, headers, body); every later identical
 * request (with the same `accept-encoding`) gets those bytes back without reaching the subgraph. The benchmark's workloads only read,
 * and each gateway sends the same fetch bodies every time (fixed seed data), so after the check and
 * the warm-up every fetch is replayed: the subgraphs stop setting the pace and the gateway's own
 * core does. Each gateway's distinct bodies (Apollo's executor and ours batch entities differently)
 * are recorded from its own first requests, so both get real answers to what they asked.
 *
 * `GET /_replay/counters` answers `{ forwarded, replayed }`: a measured run whose fetches were not all
 * replayed did not measure the gateway alone. It logs nothing per request.
 */
interface Recorded {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const upstream = process.env.REPLAY_UPSTREAM;
if (!upstream) throw new Error('REPLAY_UPSTREAM is not set: the subgraph origin to record from');

const recorded = new Map<string, Recorded>();
const counters = { forwarded: 0, replayed: 0 };
/** Not recorded: they describe one connection or one message, and Node sets its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'host' || HOP_BY_HOP.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function record(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Recorded> {
  const answer = await request(`${upstream}${path}`, { method: method as 'POST', headers: forwardedHeaders(headers), body: body.length > 0 ? body : undefined });
  const bytes = Buffer.from(await answer.body.arrayBuffer());
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  return { status: answer.statusCode, headers: kept, body: bytes };
}

const server = createServer((incoming, response) => {
  const chunks: Buffer[] = [];
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
  incoming.on('end', () => {
    if (incoming.method === 'GET' && incoming.url === '/_replay/counters') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counters));
      return;
    }
    if (incoming.method === 'GET' && incoming.url === '/_replay/recorded') {
      const list = [...recorded].map(([key, answer]) => ({ requestBytes: key.length, answerBytes: answer.body.length, encoding: answer.headers['content-encoding'] ?? null }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
      return;
    }
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    const body = Buffer.concat(chunks);
    // The encodings asked for are part of the request: plain's node-fetch asks for gzip, our fetcher does not.
    const key = `${method} ${path} ${String(incoming.headers['accept-encoding'] ?? '')}\n${body.toString('latin1')}`;
    const known = recorded.get(key);
    if (known) {
      counters.replayed += 1;
      response.writeHead(known.status, { ...known.headers, 'content-length': known.body.length }).end(known.body);
      return;
    }
    counters.forwarded += 1;
    record(method, path, incoming.headers, body).then(
      (answer) => {
        // Only answers worth repeating: an error or a refusal is forwarded again next time.
        if (answer.status === 200) recorded.set(key, answer);
        response.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length }).end(answer.body);
      },
      (error: unknown) => {
        console.error(`replay: ${method} ${path}: ${(error as Error).message}`);
        response.writeHead(502, { 'content-type': 'text/plain' }).end(`replay: ${(error as Error).message}`);
      },
    );
  });
});

runService('replay-subgraph', async () => {
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server: { close: () => new Promise<void>((resolve) => server.close(() => resolve())) } };
});
