import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runService } from '../common/process.js';

/**
 * The benchmark's stand-in for an OpenTelemetry collector: it accepts `POST /v1/traces` (OTLP/HTTP,
 * any body), answers 200 with an empty body, and counts the requests and their bytes, served at
 * `GET /counters`. It decodes nothing: the benchmark prices the gateway's exporting, not a
 * collector's work, and the counts show that spans did leave the gateway. It logs nothing per request.
 */
const counters = { requests: 0, bytes: 0 };

const server = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/v1/traces') {
    let bytes = 0;
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      counters.requests += 1;
      counters.bytes += bytes;
      response.writeHead(200, { 'content-length': 0 }).end();
    });
    return;
  }
  request.resume();
  if (request.method === 'GET' && request.url === '/counters') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counters));
    return;
  }
  response.writeHead(404, { 'content-length': 0 }).end();
});

runService('otlp-sink', async () => {
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server: { close: () => new Promise<void>((resolve) => server.close(() => resolve())) } };
});
