import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startService, type ServiceProcess } from '../../scripts/lib/processes.js';
import { DEFAULT_SEED } from '../../systems/seed/generate.js';
import { graphql, http, type GraphQLResponse } from './graphql.js';
import { createTestDatabase, type TestDatabase } from './services.js';
import { START_TIMEOUT_MS, type SqlBackend } from './sql-subgraph.js';
import { internalAuthorization } from './tokens.js';

/**
 * Support for the DataLoader audit (issue 4): every fan-out path of a subgraph is called with
 * lists of 10, 100 and 1000 keys, and the upstream work is counted where it lands: requests per
 * route at the REST stand-in, statements under the SQL interface (`/debug/counters`).
 */
export const BATCH_SIZES = [10, 100, 1000] as const;

/** The REST systems' batch endpoints (CRM, support desk) take at most this many keys a call. */
export const REST_BATCH_LIMIT = 100;
export const restCallsFor = (keys: number): number => Math.ceil(keys / REST_BATCH_LIMIT);

/**
 * `n` keys for one request: `n - 1` real ones in reverse seed order (so an answer in the
 * system's own order would show) with one unknown key in the middle.
 */
export function keysWithUnknown<T>(real: readonly T[], n: number, unknown: T): T[] {
  if (real.length < n - 1) throw new Error(`the seed has ${real.length} keys, ${n - 1} needed: raise SEED_SCALE`);
  const chosen = real.slice(0, n - 1).reverse();
  const middle = Math.floor(chosen.length / 2);
  return [...chosen.slice(0, middle), unknown, ...chosen.slice(middle)];
}

export interface BatchingTarget {
  /** A direct subgraph call with the gateway's internal token (every scope, no row-level binding). */
  query<D = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<D>>;
  /** Upstream work since the last reset: REST requests by route, or `{ sqlStatements }`. */
  counts(): Promise<Record<string, number>>;
  resetCounts(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Environment every audited process gets: a pinned seed at `scale`, and no entity cache, so every
 * key reaches the system (a cache would hide the batching it is meant to prove). Variables a
 * developer's shell may carry are removed (`undefined` is dropped by `spawn`).
 */
function auditEnv(dataDir: string, scale: number): Record<string, string | undefined> {
  return {
    PORT: '0',
    NODE_ENV: 'test',
    BIZGRAPH_DATA_DIR: dataDir,
    SEED: String(DEFAULT_SEED),
    SEED_SCALE: String(scale),
    ENTITY_CACHE: 'off',
    REDIS_URL: undefined,
    GATEWAY_JWKS_URL: undefined,
  };
}

/** The REST stand-in and its subgraph as real processes; calls are counted at the stand-in. */
export async function startRestBatchingTarget(system: 'crm' | 'support' | 'logistics', scale: number): Promise<BatchingTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), `bizgraph-batching-${system}-`));
  const started: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((service) => service.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  // No latency and the default rate limit, pinned: the counts must not depend on the shell.
  const systemEnv =
    system === 'crm'
      ? { CRM_LATENCY_MS: '0', CRM_RATE_LIMIT_PER_SECOND: '1000', CRM_WEBHOOK_URL: undefined }
      : { [`${system.toUpperCase()}_LATENCY_MS`]: '0', LOGISTICS_WEBHOOK_URL: undefined };
  const env = { ...auditEnv(dataDir, scale), ...systemEnv };
  let standIn: ServiceProcess;
  let subgraph: ServiceProcess;
  try {
    started.push((standIn = await startService({ name: `${system}-system`, entry: `systems/${system}/main.ts`, env })));
    const urlVariable = `${system.toUpperCase()}_API_URL`;
    started.push((subgraph = await startService({ name: `${system}-subgraph`, entry: `subgraphs/${system}/main.ts`, env: { ...env, [urlVariable]: standIn.url } })));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    query: async (query, variables) => graphql(`${subgraph.url}/graphql`, query, variables, await internalAuthorization(dataDir, system)),
    counts: async () => (await http<{ byRoute: Record<string, number> }>('GET', `${standIn.url}/_stats`)).body.byRoute,
    resetCounts: async () => void (await http('POST', `${standIn.url}/_stats/reset`)),
    stop,
  };
}

/** A SQL subgraph on a fresh PGlite data dir or server database; statements counted at `/debug/counters`. */
export async function startSqlBatchingTarget(name: 'erp' | 'billing', backend: SqlBackend, scale: number): Promise<BatchingTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), `bizgraph-batching-${name}-`));
  let database: TestDatabase | undefined;
  let service: ServiceProcess | undefined;
  const stop = async () => {
    await service?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (backend.name === 'postgres') database = await createTestDatabase(`${name}_batching`);
    // Empty means unset: a PGlite run must not inherit a server URL from the parent's env.
    const env = { ...auditEnv(dataDir, scale), [`${name.toUpperCase()}_DATABASE_URL`]: database?.url ?? '' };
    service = await startService({ name: `${name}-subgraph-${backend.name}`, entry: `subgraphs/${name}/main.ts`, env, timeoutMs: START_TIMEOUT_MS });
  } catch (error) {
    await stop();
    throw error;
  }
  const url = service.url;
  return {
    query: async (query, variables) => graphql(`${url}/graphql`, query, variables, await internalAuthorization(dataDir, name)),
    // Only the statement counter: other debug counters (caches, …) are not this proof's business.
    counts: async () => ({ sqlStatements: (await http<{ sqlStatements: number }>('GET', `${url}/debug/counters`)).body.sqlStatements }),
    resetCounts: async () => void (await http('POST', `${url}/debug/counters/reset`)),
    stop,
  };
}

/** One request on a fan-out path for `n` keys: what it must answer, and what it may cost upstream. */
export interface FanOutRequest {
  query: string;
  variables?: Record<string, unknown>;
  /** The exact `data` of the answer (no errors). */
  data: unknown;
  /** The exact upstream counts: every REST route called, or `{ sqlStatements }`. */
  counts: Record<string, number>;
}

/** A resolver path that can fan out, e.g. `Customer.__resolveReference(id)`, and how to drive it with `n` keys. */
export interface FanOutCase {
  path: string;
  request(n: number): FanOutRequest;
}

/** Sends one request with the counters reset, then compares answer and counts in one assertion. */
export async function expectBatched(target: BatchingTarget, request: FanOutRequest): Promise<void> {
  await target.resetCounts();
  const response = await target.query(request.query, request.variables);
  const counts = await target.counts();
  // Together, so a failure shows both what came back and what it cost.
  expect({ body: response.body, counts }).toEqual({ body: { data: request.data }, counts: request.counts });
}
