import { createServer } from 'node:http';

/**
 * The floor of the benchmark: a bare node:http server that reads each request and answers the
 * bytes it was given (`PUT /_body`), which the benchmark copies from bizgraph's answer to the
 * workload. No parsing, no GraphQL, no upstream: what serving that answer at all costs on this
 * machine, so the table can say how far each gateway is from it.
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

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ level: 'info', service: 'raw-floor', url: `http://127.0.0.1:${port}`, msg: 'listening' }));
});
// Started by the benchmark with stdin piped: its end means the benchmark is gone.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.once('SIGTERM', () => server.close(() => process.exit(0)));
