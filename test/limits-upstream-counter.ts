import { createServer, type Server } from 'node:http';
import { request } from 'undici';

/**
 * A counting HTTP proxy in front of one fixture subgraph: the gateway is pointed at it, every
 * request is forwarded unchanged and counted (the gateway's readiness probes excepted), so a test
 * can prove a refused operation reached no subgraph (and an accepted one did).
 */
export interface UpstreamCounter {
  /** `http://127.0.0.1:port`; append the subgraph's path (`/graphql`). */
  url: string;
  /** Requests forwarded since the last `reset()`. */
  count(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function countRequestsTo(targetBaseUrl: string): Promise<UpstreamCounter> {
  let requests = 0;
  const server: Server = createServer((incoming, outgoing) => {
    // The gateway's background readiness probes are not requests an operation made.
    if (incoming.headers['x-bizgraph-probe'] === undefined) requests += 1;
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const headers = Object.fromEntries(Object.entries(incoming.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
      request(`${targetBaseUrl}${incoming.url ?? '/'}`, { method: incoming.method as 'POST', headers, body: chunks.length ? Buffer.concat(chunks) : undefined })
        .then(async (response) => {
          const body = Buffer.from(await response.body.arrayBuffer());
          outgoing.writeHead(response.statusCode, { 'content-type': String(response.headers['content-type'] ?? 'application/json') }).end(body);
        })
        .catch((error: unknown) => outgoing.writeHead(502).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    count: () => requests,
    reset: () => {
      requests = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
