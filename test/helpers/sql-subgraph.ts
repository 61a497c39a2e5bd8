import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../../scripts/lib/processes.js';
import { DEFAULT_SEED } from '../../systems/seed/generate.js';
import { graphql, http, type GraphQLResponse } from './graphql.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './services.js';
import { HARNESS_PRINCIPAL, internalAuthorization } from './tokens.js';
import type { Principal } from '../../subgraphs/shared/context.js';

/**
 * Test support for the SQL subgraphs (erp, billing): the two database backends every SQL test
 * runs against, and one subgraph process per describe block on a fresh database.
 */
export type SqlSubgraphName = 'erp' | 'billing';

export interface SqlBackend {
  name: 'pglite' | 'postgres';
  /** False only when no PostgreSQL server answers (and BIZGRAPH_REQUIRE_SERVICES is not set). */
  available: boolean;
}

export async function sqlBackends(): Promise<SqlBackend[]> {
  return [
    { name: 'pglite', available: true },
    { name: 'postgres', available: await postgresAvailable() },
  ];
}

/**
 * A fresh PGlite runs initdb first (~3 s alone, several times that on a busy CI machine running
 * other suites): allow for it in startService and in the hooks/tests that start a process.
 */
export const START_TIMEOUT_MS = 150_000;
export const START_HOOK_TIMEOUT_MS = START_TIMEOUT_MS + 30_000;

/** Pinned, so the expected values the tests derive from `generateDataset()` match the process. */
export const SEED_ENV = { SEED: String(DEFAULT_SEED), SEED_SCALE: '1' };

export interface SqlSubgraphHarness {
  url: string;
  env: Record<string, string>;
  /** A direct call with the gateway's internal token for `principal` (default: every scope; null: anonymous). */
  query<D = Record<string, any>>(query: string, variables?: Record<string, unknown>, principal?: Principal | null): Promise<GraphQLResponse<D>>;
  /** SQL statements since the last reset, from `GET /debug/counters`. */
  statements(): Promise<number>;
  resetStatements(): Promise<void>;
  /** Stops the process and starts a new one on the same data dir / database. */
  restart(): Promise<void>;
  /** Stops the process, drops the server database, removes the data dir. */
  stop(): Promise<void>;
}

export async function startSqlSubgraph(name: SqlSubgraphName, backend: SqlBackend): Promise<SqlSubgraphHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), `bizgraph-${name}-`));
  let database: TestDatabase | undefined;
  let service: ServiceProcess | undefined;
  const cleanup = async () => {
    await service?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (backend.name === 'postgres') database = await createTestDatabase(name);
    const env: Record<string, string> = {
      PORT: '0',
      NODE_ENV: 'test',
      BIZGRAPH_DATA_DIR: dataDir,
      ...SEED_ENV,
      // Empty means unset: a PGlite run must not inherit a server URL from the parent's env.
      [`${name.toUpperCase()}_DATABASE_URL`]: database?.url ?? '',
    };
    const start = () => startService({ name: `${name}-subgraph-${backend.name}`, entry: `subgraphs/${name}/main.ts`, env, timeoutMs: START_TIMEOUT_MS });
    service = await start();
    const harness: SqlSubgraphHarness = {
      url: service.url,
      env,
      query: async (query, variables, principal = HARNESS_PRINCIPAL) => graphql(`${harness.url}/graphql`, query, variables, await internalAuthorization(dataDir, name, principal)),
      async statements() {
        const { body } = await http<{ sqlStatements: number }>('GET', `${harness.url}/debug/counters`);
        return body.sqlStatements;
      },
      async resetStatements() {
        await http('POST', `${harness.url}/debug/counters/reset`);
      },
      async restart() {
        await service?.stop();
        service = await start();
        harness.url = service.url;
      },
      stop: cleanup,
    };
    return harness;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

type GraphQLError = NonNullable<GraphQLResponse['body']['errors']>[number];

/** An error's extensions without the development-only stack trace, for exact comparison. */
export function errorExtensions(error: GraphQLError | undefined): Record<string, unknown> | undefined {
  if (!error?.extensions) return undefined;
  const { stacktrace: _stacktrace, ...rest } = error.extensions;
  return rest;
}
