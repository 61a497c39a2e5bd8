import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { explainAccess, type Explanation } from '../../../schema/tools/scopes-explain.js';
import type { SubgraphOwner } from '../../../schema/tools/lib/owners.js';
import { isPresetName, PRESETS } from '../auth/presets.js';
import type { GatewayPrincipal } from '../context.js';
import type { SubgraphState } from '../health.js';
import type { UsageRecord } from '../../../common/usage/types.js';
import { scopeMatrix } from '../../../schema/tools/scopes-matrix.js';
import type { CatalogCache, CatalogSource } from '../explorer/catalog.js';
import { parseAuditFilter, readAuditTrail } from './audit-trail.js';
import { searchCatalog } from './catalog-search.js';
import type { RecentFetchStats } from './fetch-stats.js';

/**
 * The governance console's APIs (`/console/api/…`), for the people who run bizgraph: read-only,
 * each an ordinary authorized endpoint behind `governance:read` (401 without a valid token, 403
 * without the scope), whatever the console page does.
 */
export const GOVERNANCE_SCOPE = 'governance:read';

export interface ConsoleApiOptions {
  /** The caller's principal; throws for an invalid token. */
  authenticate(authorization: string | undefined): Promise<GatewayPrincipal | null>;
  subgraphStates(): SubgraphState[];
  /** Error rate and latency of a subgraph's recent fetch attempts (fetch-stats.ts). */
  recentFetches?(subgraph: string): RecentFetchStats;
  active(): CatalogSource;
  /** The active version's catalog, and the owners it was built from. */
  catalog: CatalogCache;
  /** The usage log's records, or null when the gateway keeps none. */
  readUsage(): Promise<readonly UsageRecord[] | null>;
  /** The schema changelog's Markdown (schema/CHANGELOG.md). */
  readChangelog(): Promise<string>;
  /** The latest `npm run integrity` report (its JSON text), or undefined when none was written here. */
  readIntegrityReport(): Promise<string | undefined>;
  /** The audit file the console reads, or why there is none (`AUDIT_LOG=stdout` or `off`). */
  auditFile: { path: string } | { unavailable: string };
}

export interface ConsoleSubgraph extends SubgraphState {
  /** From schema/owners.yaml; absent for a subgraph it does not list. */
  owner?: SubgraphOwner;
  recent?: RecentFetchStats;
}

export interface AccessAnswer {
  principal: { origin: string; subject?: string; scopes: string[]; authenticated: boolean };
  explanation: Explanation;
}

export function registerConsoleApi(app: FastifyInstance, options: ConsoleApiOptions): void {
  const allowed = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    let principal: GatewayPrincipal | null;
    try {
      principal = await options.authenticate(request.headers.authorization);
    } catch {
      void reply.code(401).send({ error: 'invalid token' });
      return false;
    }
    if (!principal) void reply.code(401).send({ error: `a token with ${GOVERNANCE_SCOPE} is required` });
    else if (!principal.scopes.includes(GOVERNANCE_SCOPE)) void reply.code(403).send({ error: `the console's APIs need the ${GOVERNANCE_SCOPE} scope` });
    else return true;
    return false;
  };

  app.get('/console/api/subgraphs', async (request, reply) => {
    if (!(await allowed(request, reply))) return reply;
    // Without owners.yaml ({}) the states are still worth showing.
    const known = options.catalog.ownersOf(options.active());
    const subgraphs: ConsoleSubgraph[] = options.subgraphStates().map((state) => ({
      ...state,
      ...(known[state.name] ? { owner: known[state.name] } : {}),
      ...(options.recentFetches ? { recent: options.recentFetches(state.name) } : {}),
    }));
    return reply.header('cache-control', 'no-store').send({ supergraph: options.active().hash, subgraphs });
  });

  app.get('/console/api/catalog', async (request, reply) => {
    if (!(await allowed(request, reply))) return reply;
    const text = String((request.query as Record<string, unknown>).q ?? '');
    const { catalog, problem } = options.catalog.of(options.active());
    if (!catalog) return reply.code(503).send({ error: `no catalog for this supergraph: ${problem}` });
    const fields = catalog.types.flatMap((type) => (type.kind === 'input' ? [] : type.fields));
    return reply.header('cache-control', 'no-store').send(searchCatalog(fields, text, await options.readUsage()));
  });

  app.get('/console/api/scopes-matrix', async (request, reply) => {
    if (!(await allowed(request, reply))) return reply;
    return reply.header('cache-control', 'no-store').send({ rows: scopeMatrix(options.active().policy) });
  });

  app.get('/console/api/changelog', async (request, reply) => {
    if (!(await allowed(request, reply))) return reply;
    return reply
      .header('cache-control', 'no-store')
      .type('text/markdown; charset=utf-8')
      .send(await options.readChangelog());
  });

  app.get('/console/api/integrity', async (request, reply) => {
    if (!(await allowed(request, reply))) return reply;
    const report = await options.readIntegrityReport();
    if (report === undefined) return reply.code(404).send({ error: 'no integrity report yet: run `npm run integrity` against this gateway with its data dir' });
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(report);
  });

  // Metadata only: which classified fields went out to whom, never their values.
  app.get('/console/api/audit', async (request, reply) => {
    if (!(await allowed(request, reply))) return reply;
    if (!('path' in options.auditFile)) return reply.code(404).send({ error: options.auditFile.unavailable });
    const filter = parseAuditFilter(request.query as Record<string, unknown>);
    if (typeof filter === 'string') return reply.code(400).send({ error: filter });
    return reply.header('cache-control', 'no-store').send(await readAuditTrail(options.auditFile.path, filter));
  });

  // "What can this token see": a pasted token (verified here, as the gateway would) or a preset's scopes.
  app.post('/console/api/access', async (request, reply) => {
    if (!(await allowed(request, reply))) return reply;
    const body = (request.body ?? {}) as { token?: unknown; preset?: unknown };
    let principal: AccessAnswer['principal'];
    if (typeof body.preset === 'string' && body.token === undefined) {
      if (!isPresetName(body.preset)) return reply.code(400).send({ error: `unknown preset "${body.preset}": one of ${Object.keys(PRESETS).join(', ')}` });
      principal = { origin: `preset ${body.preset}`, scopes: [...PRESETS[body.preset].scopes], authenticated: true };
    } else if (typeof body.token === 'string' && body.preset === undefined) {
      let verified: GatewayPrincipal | null;
      try {
        verified = await options.authenticate(`Bearer ${body.token}`);
      } catch (error) {
        return reply.code(400).send({ error: `the token is not valid here: ${(error as Error).message}` });
      }
      principal = { origin: 'token', subject: verified?.subject, scopes: [...(verified?.scopes ?? [])], authenticated: verified !== null };
    } else {
      return reply.code(400).send({ error: 'give either "token" or "preset"' });
    }
    const answer: AccessAnswer = { principal, explanation: explainAccess(options.active().policy, principal) };
    return reply.header('cache-control', 'no-store').send(answer);
  });
}
