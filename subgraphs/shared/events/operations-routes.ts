import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TransactionalQueryable } from '../../../common/contracts/sql.js';
import type { InternalTokenVerifier } from '../internal-auth.js';
import { readDeadLetters, readOutboxEntries, replayDeadLetters } from './event-records.js';
import { readEventStats, type EventOperationsSource } from './operations.js';

/** Reading event statistics, dead letters and the outbox. */
export const OPS_READ_SCOPE = 'ops:read';
/** Replaying dead letters. */
export const OPS_WRITE_SCOPE = 'ops:write';

export interface EventRoutesOptions extends EventOperationsSource {
  db: TransactionalQueryable;
  /** The subgraph's internal-token check: operators come through the gateway's key, like every caller. */
  verifier: InternalTokenVerifier;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_LIMIT = 1000;

/**
 * The operations routes `npm run events` calls (issue 17): the subgraph's database is held by its
 * process (PGlite), so the CLI asks the process. Each requires the gateway's internal token for
 * this subgraph carrying `ops:read` (reads) or `ops:write` (replay): 401 without a valid token,
 * 403 without the scope. Bodies of refusals have the shape of the GraphQL route's.
 *
 * - `GET /events/stats`: outbox counts per type, oldest unpublished age, deliveries, consumer totals.
 * - `GET /events/dead[?all=1]`: dead letters (with replayed ones when `all`).
 * - `GET /events/outbox[?after=SEQ][&limit=N]`: outbox rows after SEQ, or the last N.
 * - `POST /events/replay` `{ eventId, consumer? }` or `{ all: true, consumer? }`.
 */
export function registerEventRoutes(app: FastifyInstance, options: EventRoutesOptions): void {
  const requireScope = (scope: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await options.verifier.verify(request.headers.authorization);
    if (!result.ok) return refuse(reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"'), 'UNAUTHENTICATED', `Unauthenticated: ${result.reason}`);
    if (!result.principal?.scopes.includes(scope)) return refuse(reply.code(403), 'FORBIDDEN', `Forbidden: this route needs the ${scope} scope`);
  };
  const read = { onRequest: requireScope(OPS_READ_SCOPE) };

  app.get('/events/stats', read, async () => readEventStats(options));
  app.get('/events/dead', read, async (request) => {
    const query = request.query as Record<string, string | undefined>;
    return { subgraph: options.name, deadLetters: await readDeadLetters(options.db, { all: query.all === '1' || query.all === 'true' }) };
  });
  app.get('/events/outbox', read, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const after = query.after === undefined ? undefined : Number(query.after);
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (after !== undefined && !(Number.isSafeInteger(after) && after >= 0)) return badRequest(reply, 'after', 'expected an outbox seq (an integer ≥ 0)');
    if (!(Number.isSafeInteger(limit) && limit >= 1 && limit <= MAX_LIMIT)) return badRequest(reply, 'limit', `expected an integer from 1 to ${MAX_LIMIT}`);
    return { subgraph: options.name, events: options.producer ? await readOutboxEntries(options.db, { after, limit }) : [] };
  });
  app.post('/events/replay', { onRequest: requireScope(OPS_WRITE_SCOPE) }, async (request, reply) => {
    const body = (request.body ?? {}) as { eventId?: unknown; consumer?: unknown; all?: unknown };
    if (body.consumer !== undefined && typeof body.consumer !== 'string') return badRequest(reply, 'consumer', 'expected a consumer name');
    const consumer = body.consumer as string | undefined;
    if (body.all === true) return { subgraph: options.name, results: await replayDeadLetters(options.db, options.handlers, { all: true, consumer }, options.schemas) };
    if (typeof body.eventId !== 'string' || !UUID.test(body.eventId)) return badRequest(reply, 'eventId', 'expected an event id (UUID) or "all": true');
    return { subgraph: options.name, results: await replayDeadLetters(options.db, options.handlers, { eventId: body.eventId.toLowerCase(), consumer }, options.schemas) };
  });
}

function refuse(reply: FastifyReply, code: string, message: string) {
  return reply.send({ errors: [{ message, extensions: { code } }] });
}

function badRequest(reply: FastifyReply, field: string, message: string) {
  return reply.code(400).send({ errors: [{ message: `${field}: ${message}`, extensions: { code: 'BAD_USER_INPUT', field } }] });
}
