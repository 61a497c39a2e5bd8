import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

const gzipAsync = promisify(gzip);

/** Answers smaller than this go out as they are: the gzip header and the CPU cost more than they save. */
const MIN_BYTES = 1024;

/**
 * Gzips `/graphql` answers for callers that ask (`accept-encoding: gzip`, which the gateway sends with
 * `SUBGRAPH_COMPRESSION=on`). Level 1: most of the size win for large entity lists at a fraction of
 * the default level's CPU. Runs off the event loop in zlib's thread pool.
 */
export function registerCompression(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/graphql')) return payload;
    const accepted = request.headers['accept-encoding'];
    if (typeof accepted !== 'string' || !/\bgzip\b/.test(accepted) || reply.hasHeader('content-encoding')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    if (Buffer.byteLength(payload) < MIN_BYTES) return payload;
    const compressed = await gzipAsync(payload, { level: constants.Z_BEST_SPEED });
    reply.header('content-encoding', 'gzip');
    reply.header('vary', 'accept-encoding');
    reply.removeHeader('content-length');
    return compressed;
  });
}
