import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../common/project-root.js';
import { buildProject } from './lib/build.js';
import { ensureFleetDatabases, startFleet, type Fleet } from './lib/fleet.js';
import { readTopology } from './lib/topology.js';

/**
 * `npm run fleet [-- --gateways N]`: the fleet topology of docker-compose.yml as plain processes on
 * this machine, in production mode: the stand-ins and subgraphs on their usual ports (ERP and
 * billing on the PostgreSQL server, entity caches on Redis), N gateways on 4000, 4010, 4020, …
 * sharing Redis, PostgreSQL and one signing key, and HAProxy on 4400 in front.
 * `npm run fleet -- restart` asks the running fleet to replace its gateways one at a time.
 *
 * `FLEET_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`) names a server
 * where the databases `bizgraph_fleet_erp`, `_billing` and `_usage` are created when missing;
 * `REDIS_URL` (default `redis://127.0.0.1:6379`) the shared Redis. Data lives in `.data/fleet`.
 */
const USAGE = 'usage: npm run fleet [-- --gateways N] | npm run fleet -- restart';
const dataDir = resolve(process.env.BIZGRAPH_DATA_DIR ?? join(PROJECT_ROOT, '.data', 'fleet'));
const pidFile = join(dataDir, 'fleet.pid');

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args[0] === 'restart') {
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, 'utf8'));
    } catch {
      console.error(`fleet: no running fleet (${pidFile} missing)`);
      return 1;
    }
    process.kill(pid, 'SIGHUP');
    console.log(`fleet: asked the fleet (pid ${pid}) to replace its gateways one at a time; its output says when it is done`);
    return 0;
  }
  const countFlag = args.indexOf('--gateways');
  const gateways = countFlag >= 0 ? Number(args[countFlag + 1]) : 2;
  if (!Number.isInteger(gateways) || gateways < 1 || gateways > 9 || (args.length > 0 && countFlag !== 0) || args.length > 2) {
    console.error(USAGE);
    return 2;
  }
  if (!process.env.BIZGRAPH_BUILD_DIR) process.env.BIZGRAPH_BUILD_DIR = (await buildProject(join(PROJECT_ROOT, '.data', 'fleet-build'))).outDir;
  const databases = await ensureFleetDatabases(process.env.FLEET_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const processes: Record<string, number> = {};
  for (const { name, port, system } of readTopology()) {
    processes[name] = port;
    if (system) processes[system.name] = system.port;
  }
  console.log(`fleet: starting ${gateways} gateways behind HAProxy (data in ${dataDir})…`);
  const fleet: Fleet = await startFleet({
    gateways,
    dataDir,
    databases,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ports: { balancer: 4400, gateways: Array.from({ length: gateways }, (_unused, index) => 4000 + 10 * index), processes },
    onLine: (name, line, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(`[${name}] ${line}\n`),
    say: (name, message) => console.error(`[${name}] ${message}`),
  });
  writeFileSync(pidFile, String(process.pid));
  console.log(`\nfleet is up: ${fleet.url}/graphql (HAProxy in front of ${fleet.gatewayNames.join(', ')})
  token:   BIZGRAPH_DATA_DIR=${dataDir} npm run -s token -- --preset sales
  restart: npm run fleet -- restart (one gateway at a time, no request lost)\n`);
  let restarting = false;
  process.on('SIGHUP', () => {
    if (restarting) return;
    restarting = true;
    console.log('fleet: rolling restart…');
    fleet
      .rollingRestart()
      .then(
        () => console.log('fleet: every gateway replaced'),
        (error: unknown) => console.error(`fleet: rolling restart failed: ${(error as Error).message}`),
      )
      .finally(() => (restarting = false));
  });
  await new Promise<void>((done) => {
    const stop = () => void fleet.stop().then(done, done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  rmSync(pidFile, { force: true });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`fleet: ${(error as Error).message}`);
    process.exit(1);
  },
);
