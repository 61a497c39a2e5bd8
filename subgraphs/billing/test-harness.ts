import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../../scripts/lib/processes.js';
import { DEFAULT_SEED } from '../../systems/seed/generate.js';
import { graphql, http, type GraphQLResponse } from '../../test/helpers/graphql.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../test/helpers/services.js';

/**
 * Test support for the billing subgraph (not a test file): the two database backends every SQL
 * test runs against, and one subgraph process per describe block on a fresh database.
 */
export interface BillingBackend {
  name: 'pglite' | 'postgres';
  /** False only when no PostgreSQL server answers (and BIZGRAPH_REQUIRE_SERVICES is not set). */
  available: boolean;
}

export async function billingBackends(): Promise<BillingBackend[]> {
  return [
    { name: 'pglite', available: true },
    { name: 'postgres', available: await postgresAvailable() },
  ];
}

/** Pinned, so the expected values tests derive from `generateDataset()` match the process. */
export const SEED_ENV = { SEED: String(DEFAULT_SEED), SEED_SCALE: '1' };

type GraphQLError = NonNullable<GraphQLResponse['body']['errors']>[number];

export interface BillingHarness {
  url: string;
  query<D = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<D>>;
  /** SQL statements since the last reset, from `GET /debug/counters`. */
  statements(): Promise<number>;
  resetStatements(): Promise<void>;
  /** Stops the process and starts a new one on the same data dir / database. */
  restart(): Promise<void>;
  /** Stops the process, drops the server database, removes the data dir. */
  stop(): Promise<void>;
}

export async function startBilling(backend: BillingBackend): Promise<BillingHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-billing-'));
  let database: TestDatabase | undefined;
  let service: ServiceProcess | undefined;
  const cleanup = async () => {
    await service?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (backend.name === 'postgres') database = await createTestDatabase('billing');
    const env: Record<string, string | undefined> = {
      PORT: '0',
      NODE_ENV: 'test',
      BIZGRAPH_DATA_DIR: dataDir,
      ...SEED_ENV,
      // Explicitly unset for PGlite, whatever the test runner's own environment says.
      BILLING_DATABASE_URL: database?.url,
    };
    const start = () => startService({ name: `billing-subgraph-${backend.name}`, entry: 'subgraphs/billing/main.ts', env });
    service = await start();
    const harness: BillingHarness = {
      url: service.url,
      query: (query, variables) => graphql(`${harness.url}/graphql`, query, variables),
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

/** An error's extensions without the development-only stack trace, for exact comparison. */
export function errorExtensions(error: GraphQLError | undefined): Record<string, unknown> | undefined {
  if (!error?.extensions) return undefined;
  const { stacktrace: _stacktrace, ...rest } = error.extensions;
  return rest;
}
