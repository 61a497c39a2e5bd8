import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { datasetFromEnv } from '../seed/generate.js';
import type { CrmSystemConfig } from './config.js';
import { createRateLimiter } from './rate-limit.js';
import { etagOf, openCustomerStore, toApiCustomer, type CustomerStore, type StoredCustomer } from './store.js';
import { decodeCursor, encodeCursor, isInvalid, parseFilter, parseKeyList, parseLimit, parsePatch, type CustomerPatch, type Invalid } from './validation.js';
import { createWebhookSender, type WebhookSender } from './webhooks.js';
import { listenAndDescribe } from '../../common/listen.js';
import { errorText, processLogger, requestLineLogger } from '../../common/logger.js';
import { DEFAULT_QUIET_ROUTES, registerRequestLog, requestIdHeader } from '../../common/request-log.js';

export interface CrmSystem {
  app: FastifyInstance;
  /** Listens and resolves with the base URL (`http://host:port`). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** Requests per route since start or the last `POST /_stats/reset`: how tests prove batching. */
interface Stats {
  requests: number;
  byRoute: Record<string, number>;
}

/** Operational endpoints: no key, no latency, no rate limit, not counted. */
const CONTROL_ROUTES = new Set(['/healthz', '/_stats', '/_stats/reset']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function fail(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
  return reply.code(status).send({ error: { code, message, ...extra } });
}

function invalid(reply: FastifyReply, problem: Invalid) {
  return fail(reply, 400, 'validation', problem.message, { field: problem.field });
}

/** `If-Match` uses strong comparison: a listed tag must equal the current ETag, or be `*`. */
function ifMatchHolds(header: string, current: string): boolean {
  return header.split(',').some((tag) => tag.trim() === '*' || tag.trim() === current);
}

type PatchOutcome =
  | { status: 200; customer: StoredCustomer; changed: string[] }
  | { status: 400; problem: Invalid }
  | { status: 404 | 428 }
  | { status: 409 }
  | { status: 412; current: StoredCustomer };

/** Checks in RFC 9110 order (existence, preconditions, then the body) against one consistent state. */
function applyPatch(store: CustomerStore, id: string, ifMatch: string | undefined, body: unknown) {
  return store.mutate<PatchOutcome>((view) => {
    const current = view.get(id);
    if (!current) return { result: { status: 404 } };
    if (ifMatch === undefined) return { result: { status: 428 } };
    if (!ifMatchHolds(ifMatch, etagOf(current.revision))) return { result: { status: 412, current } };
    const patch = parsePatch(body);
    if (isInvalid(patch)) return { result: { status: 400, problem: patch } };
    if (patch.email !== undefined) {
      const owner = view.byEmail(patch.email);
      if (owner && owner.id !== id) return { result: { status: 409 } };
    }
    const changed = (Object.keys(patch) as (keyof CustomerPatch)[]).filter((field) => patch[field] !== current[field]);
    // A patch that changes nothing keeps the version (and sends no webhook).
    if (changed.length === 0) return { result: { status: 200, customer: current, changed } };
    const next: StoredCustomer = { ...current, ...patch, updatedAt: new Date().toISOString(), revision: current.revision + 1 };
    return { next, result: { status: 200, customer: next, changed } };
  });
}

function registerRoutes(app: FastifyInstance, store: CustomerStore, webhooks: WebhookSender): void {
  app.get('/customers', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    if (query.ids !== undefined && query.emails !== undefined) {
      return invalid(reply, { field: 'emails', message: 'pass either ids or emails, not both' });
    }
    for (const field of ['ids', 'emails'] as const) {
      if (query[field] === undefined) continue;
      const keys = parseKeyList(field, query[field]);
      if (isInvalid(keys)) return invalid(reply, keys);
      const found = field === 'ids' ? store.getMany(keys) : store.getManyByEmail(keys);
      return { data: found.map(toApiCustomer) };
    }
    const limit = parseLimit(query.limit);
    if (isInvalid(limit)) return invalid(reply, limit);
    const afterId = decodeCursor(query.cursor);
    if (isInvalid(afterId)) return invalid(reply, afterId);
    const segment = parseFilter('segment', query.segment);
    if (isInvalid(segment)) return invalid(reply, segment);
    const country = parseFilter('country', query.country);
    if (isInvalid(country)) return invalid(reply, country);
    const { rows, hasMore } = store.list({ limit, afterId, segment, country });
    const last = rows.at(-1);
    return { data: rows.map(toApiCustomer), nextCursor: hasMore && last ? encodeCursor(last.id) : null };
  });

  app.get('/customers/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const customer = store.get(id);
    if (!customer) return fail(reply, 404, 'not_found', `no customer ${id}`);
    return reply.header('etag', etagOf(customer.revision)).send(toApiCustomer(customer));
  });

  app.patch('/customers/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const header = request.headers['if-match'];
    const outcome = await applyPatch(store, id, typeof header === 'string' ? header : undefined, request.body);
    switch (outcome.status) {
      case 404:
        return fail(reply, 404, 'not_found', `no customer ${id}`);
      case 428:
        return fail(reply, 428, 'precondition_required', 'send If-Match with the ETag you read');
      case 412: {
        const currentVersion = etagOf(outcome.current.revision);
        reply.header('etag', currentVersion);
        return fail(reply, 412, 'precondition_failed', 'the customer changed since it was read', { currentVersion });
      }
      case 400:
        return invalid(reply, outcome.problem);
      case 409:
        return fail(reply, 409, 'duplicate', 'another customer has this email', { field: 'email' });
      case 200: {
        const customer = toApiCustomer(outcome.customer);
        if (outcome.changed.length > 0) {
          webhooks.send({
            event: 'customer.updated',
            customerId: id,
            version: customer.version,
            changedFields: outcome.changed,
            occurredAt: customer.updatedAt,
          });
        }
        return reply.header('etag', customer.version).send(customer);
      }
    }
  });
}

/** The CRM stand-in: seeded store, API key, latency, rate limit, ETags, webhooks, request stats. */
export async function createCrmSystem(config: CrmSystemConfig): Promise<CrmSystem> {
  const store = await openCustomerStore(config.dataDir, () => datasetFromEnv(config.seedEnv).customers);
  const webhooks = createWebhookSender({ url: config.webhookUrl, secret: config.webhookSecret });
  const limiter = createRateLimiter(config.rateLimitPerSecond);
  const stats: Stats = { requests: 0, byRoute: {} };
  const app = Fastify({ logger: false });
  registerRequestLog(app, { logger: requestLineLogger('crm-system'), quietRoutes: [...DEFAULT_QUIET_ROUTES, ...CONTROL_ROUTES], requestId: requestIdHeader });
  // Callers that speak JSON Merge Patch (RFC 7396) send this media type for PATCH.
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route !== undefined && CONTROL_ROUTES.has(route)) return;
    // Counted first, so refused calls (401, 429) show up in the stats too.
    const key = `${request.method} ${route ?? '(unmatched)'}`;
    stats.requests++;
    stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
    if (config.latencyMs > 0) await sleep(config.latencyMs);
    if (!sameSecret(request.headers['x-api-key'], config.apiKey)) {
      return fail(reply, 401, 'unauthorized', 'missing or wrong x-api-key');
    }
    const decision = limiter.take();
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      return fail(reply, 429, 'rate_limited', 'too many requests');
    }
  });

  app.get('/healthz', async () => ({ status: 'ok', system: 'crm', customers: store.count() }));
  app.get('/_stats', async () => stats);
  app.post('/_stats/reset', async () => {
    stats.requests = 0;
    stats.byRoute = {};
    return { reset: true };
  });
  registerRoutes(app, store, webhooks);

  app.setNotFoundHandler((request, reply) => fail(reply, 404, 'not_found', `no route ${request.method} ${request.url}`));
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) processLogger('crm-system').error({ error: errorText(error) }, error.message);
    return fail(reply, status, status === 500 ? 'internal' : 'validation', status === 500 ? 'internal error' : error.message, status === 400 ? { field: 'body' } : {});
  });

  return {
    app,
    listen: (port, host) => listenAndDescribe(app, port, host),
    async close() {
      await webhooks.close();
      await app.close();
    },
  };
}
