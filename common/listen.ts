import type { FastifyInstance } from 'fastify';

/** Listens and returns the base URL with the real port (tests listen on port 0). */
export async function listenAndDescribe(app: FastifyInstance, port: number, host: string): Promise<string> {
  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
}
