import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';

/**
 * PostgreSQL server tests use the server on the standard port. Without it they skip, unless
 * BIZGRAPH_REQUIRE_SERVICES=1 (CI), where a missing server is a failure, never a silent skip.
 */
export const POSTGRES_ADMIN_URL = process.env.BIZGRAPH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REQUIRE_SERVICES = process.env.BIZGRAPH_REQUIRE_SERVICES === '1';

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (REQUIRE_SERVICES) throw new Error(`PostgreSQL is required (BIZGRAPH_REQUIRE_SERVICES=1) but unreachable at ${POSTGRES_ADMIN_URL}: ${(error as Error).message}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const REDIS_URL = process.env.BIZGRAPH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Like `postgresAvailable()` for the Redis server on the standard port: a PING answered +PONG within 2 s. */
export async function redisAvailable(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port || 6379) });
      const timer = setTimeout(() => socket.destroy(new Error('no answer within 2 s')), 2000);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        clearTimeout(timer);
        socket.destroy();
        if (data.toString().startsWith('+PONG')) resolve();
        else reject(new Error(`unexpected answer ${JSON.stringify(data.toString().slice(0, 80))}`));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return true;
  } catch (error) {
    if (REQUIRE_SERVICES) throw new Error(`Redis is required (BIZGRAPH_REQUIRE_SERVICES=1) but unreachable at ${REDIS_URL}: ${(error as Error).message}`);
    return false;
  }
}

/** HAProxy (Debian's `haproxy` package) for the fleet tests; like the servers above, required in CI. */
export function haproxyAvailable(): boolean {
  const found = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
  if (!found && REQUIRE_SERVICES) throw new Error('HAProxy is required (BIZGRAPH_REQUIRE_SERVICES=1) but `haproxy -v` does not run: apt-get install haproxy');
  return found;
}

/** Like `haproxyAvailable()` for Prometheus's `promtool` (Debian's `prometheus` package), which checks and unit-tests the alerting rules. */
export function promtoolAvailable(): boolean {
  const found = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && REQUIRE_SERVICES) throw new Error('promtool is required (BIZGRAPH_REQUIRE_SERVICES=1) but `promtool --version` does not run: apt-get install prometheus');
  return found;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh database on the server for one test file; `drop()` removes it. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
