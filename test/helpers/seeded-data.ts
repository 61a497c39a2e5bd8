import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService } from '../../scripts/lib/processes.js';
import { readTopology } from '../../scripts/lib/topology.js';

/**
 * The database subgraphs' data (ERP and billing: PGlite clusters, migrated and seeded), made once
 * per test run and copied into each new stack's data dir. A stack whose subgraphs start on an
 * empty dir pays initdb's copy, every migration and the whole seed, ~1.5 s of CPU per subgraph
 * and dozens of stacks per run; on a copy they find the cluster, apply nothing and seed nothing.
 *
 * The copy is made by the real subgraphs: each starts once on the run's seed dir
 * (`BIZGRAPH_TEST_SEEDED_DIR`, set by test/helpers/build-for-tests.ts) and stops cleanly, so its
 * bytes are exactly what a first `npm start` writes. The first caller in the run makes it (a lock
 * directory, since test files run in several processes); the others wait for `READY`. Unset or
 * failed → stacks start on an empty dir as before (a failure is reported to the caller).
 */
const SEEDED_DATA = 'data';
const WAIT_MS = 180_000;

/** Subgraphs that keep their own data under the data dir: those with no stand-in system. */
function databaseSubgraphs() {
  return readTopology().filter((subgraph) => !subgraph.system);
}

/** Copies the seeded data into `dataDir` (fresh, empty); false when this run has none. */
export async function copySeededData(dataDir: string): Promise<boolean> {
  const root = await seededRoot();
  if (!root) return false;
  const source = join(root, SEEDED_DATA);
  for (const entry of readdirSync(source)) cpSync(join(source, entry), join(dataDir, entry), { recursive: true });
  return true;
}

async function seededRoot(): Promise<string | undefined> {
  const root = process.env.BIZGRAPH_TEST_SEEDED_DIR;
  if (!root) return undefined;
  const ready = join(root, 'READY');
  const failed = join(root, 'FAILED');
  if (existsSync(ready)) return root;
  let owner = true;
  try {
    mkdirSync(join(root, 'lock'), { recursive: false });
  } catch {
    owner = false;
  }
  if (owner) {
    try {
      await seed(join(root, SEEDED_DATA));
      writeFileSync(ready, '');
    } catch (error) {
      writeFileSync(failed, (error as Error).message);
      throw error;
    }
    return root;
  }
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (existsSync(ready)) return root;
    if (existsSync(failed)) throw new Error(`seeding the test data failed: ${readFileSync(failed, 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the test data was not seeded within ${WAIT_MS} ms`);
}

/** Starts each database subgraph on `dataDir` until it listens (migrated and seeded), then stops it. */
async function seed(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const env = { PORT: '0', BIZGRAPH_DATA_DIR: dataDir, NODE_ENV: 'test' };
  const services = await Promise.allSettled(databaseSubgraphs().map(({ name, entry }) => startService({ name, entry, env })));
  // SIGTERM: each subgraph closes its database, so the copies start from a clean shutdown.
  await Promise.all(services.map((service) => (service.status === 'fulfilled' ? service.value.stop(30_000) : undefined)));
  const failure = services.find((service): service is PromiseRejectedResult => service.status === 'rejected');
  if (failure) throw failure.reason;
}
