import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runService } from '../common/process.js';

/**
 * The floor of the benchmark: a bare node:http server that reads each request and answers the
 * bytes it was given (`PUT /_body`), which the benchmark copies from bizgraph's answer to the
 * workload. No parsing, no GraphQL, no upstream: what serving that answer at all costs on this
 * machine, so the table can say how far each gateway is from it. It logs nothing per request.
 */
let body = Buffer.from('{"data":null}');

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method === 'PUT' && request.url === '/_body') {
      body = Buffer.concat(chunks);
      response.writeHead(204).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body);
  });
});

runService('raw-floor', async () => {
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server: { close: () => new Promise<void>((resolve) => server.close(() => resolve())) } };
});
