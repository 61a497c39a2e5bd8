import { join } from 'node:path';
import { readOptionalUrl } from '../common/config.js';
import { PROJECT_ROOT } from '../common/project-root.js';
import { buildProject } from './lib/build.js';
import { buildExplorer } from './lib/explorer-build.js';
import { createLineFormatter, readLogFormat } from './lib/log-format.js';
import { startService, type ServiceProcess } from './lib/processes.js';
import { createSupervisor } from './lib/supervisor.js';
import { readTopology } from './lib/topology.js';

/**
 * `npm start`: the whole stack on embedded defaults as separate processes under one supervisor.
 * The subgraphs are those of `schema/supergraph.yaml` (on their `routing_url` ports); a system
 * stand-in (`systems/<name>/main.ts`) starts only when `<NAME>_API_URL` is unset; each child's output is
 * prefixed with its name (JSON log lines made readable on a terminal or with LOG_FORMAT=pretty);
 * a child that exits unexpectedly is restarted with backoff (`lib/supervisor.ts`), and when the
 * gateway cannot be kept up everything stops with exit code 1; Ctrl-C stops every child before exiting.
 */
interface ServiceSpec {
  name: string;
  entry: string;
  port: number;
  env?: Record<string, string>;
}

const COLORS = [36, 33, 35, 32, 34, 91, 96];
const useColor = process.stdout.isTTY;
const width = 15;
// Read before anything starts; a bad LOG_FORMAT stops `npm start` naming it (see main's catch).
let formatLine: (line: string) => string = (line) => line;

function prefix(name: string, index: number): string {
  const label = `[${name}]`.padEnd(width);
  return useColor ? `\x1b[${COLORS[index % COLORS.length]}m${label}\x1b[0m` : label;
}

/** Each child's coloured `[name]` prefix, for the supervisor's own lines about it. */
const tags = new Map<string, string>();
// Restarts a child that exits unexpectedly; gives up (and stops everything) only for the gateway.
const supervisor = createSupervisor({
  say: (name, message) => console.error(`${tags.get(name) ?? `[${name}]`} ${message}`),
  giveUp: (name, reason) => {
    console.error(`bizgraph: ${reason}; stopping everything`);
    void stopAll(1);
  },
});
let stopping: Promise<never> | undefined;

function stopAll(code: number): Promise<never> {
  return (stopping ??= supervisor.stop(8000).then(() => process.exit(code)));
}

function start(spec: ServiceSpec, index: number, whileDown: string, critical = false): Promise<ServiceProcess> {
  const tag = prefix(spec.name, index);
  tags.set(spec.name, tag);
  return supervisor.add({
    name: spec.name,
    critical,
    whileDown,
    // The supervisor's own PORT belongs to the gateway; every child gets its port explicitly, the same on every restart.
    start: () =>
      startService({
        name: spec.name,
        entry: spec.entry,
        env: { ...spec.env, PORT: String(spec.port) },
        timeoutMs: 180_000,
        onLine: (line, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(`${formatLine(line).replace(/^/gm, `${tag} `)}\n`),
      }),
  });
}

async function main(): Promise<void> {
  const env = process.env;
  formatLine = createLineFormatter({ format: readLogFormat(env, process.stdout.isTTY === true), color: useColor });
  const topology = readTopology();
  const gatewayPort = env.PORT ? Number(env.PORT) : 4000;
  if (!Number.isInteger(gatewayPort) || gatewayPort < 0 || gatewayPort > 65535) throw new Error(`PORT: expected a port number, got "${env.PORT}"`);

  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  if (!env.BIZGRAPH_BUILD_DIR) {
    // Children run compiled JavaScript (`nodeArgsFor`): a crashed one is back in about a second
    // (through tsx, two to seven). Rebuilt at every start, so it is never older than the sources.
    const built = await buildProject(join(PROJECT_ROOT, '.data', 'start-build'));
    env.BIZGRAPH_BUILD_DIR = built.outDir;
    console.log(`bizgraph: compiled ${built.modules} modules in ${built.ms} ms`);
  }
  if (env.EXPLORER !== 'off') {
    // The page at /graphql and /explorer: rebuilt only when apps/explorer or the lockfile changed.
    const explorer = await buildExplorer(join(PROJECT_ROOT, '.data', 'explorer'));
    if (explorer.built) console.log(`bizgraph: built the explorer in ${explorer.ms} ms`);
  }
  console.log('bizgraph: starting (the first start migrates and seeds the databases, about 20 s)…');
  const systems: ServiceSpec[] = [];
  for (const { port, system, name } of topology) {
    // Validated before anything starts: a bad URL stops `npm start` naming the variable.
    if (!system || readOptionalUrl(env, system.apiUrlVariable, ['http:', 'https:'])) continue;
    // The stand-in tells its subgraph about changes (cache invalidation); a company's own system is configured there.
    const webhookUrl = env[system.webhookUrlVariable] || `http://127.0.0.1:${port}/webhooks/${name}`;
    systems.push({ name: system.name, entry: system.entry, port: system.port, env: { [system.webhookUrlVariable]: webhookUrl } });
  }
  await Promise.all(systems.map((spec, i) => start(spec, i, `its subgraph answers UPSTREAM_ERROR for ${spec.name} data meanwhile`)));

  const subgraphs: ServiceSpec[] = topology.map(({ name, entry, port }) => ({ name, entry, port }));
  await Promise.all(subgraphs.map((spec, i) => start(spec, systems.length + i, 'the gateway answers its fields with SUBGRAPH_UNAVAILABLE meanwhile')));
  const gateway = await start(
    { name: 'gateway', entry: 'gateway/src/main.ts', port: gatewayPort },
    systems.length + subgraphs.length,
    `port ${gatewayPort} refuses connections until it is back`,
    true,
  );

  const endpoint = `${gateway.url}/graphql`;
  console.log(`
bizgraph is up: ${endpoint}

Get a token from the dev issuer (presets: sales, finance, support, reporting, admin, portal; or --scopes "…"):
  npm run -s token -- --preset sales

Try (the first customer always has orders, invoices and tickets; admin may read every field):
  TOKEN=$(npm run -s token -- --preset admin)
  curl -s ${endpoint} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
    -d '{"query":"{ customer(id: \\"cus_0001\\") { name email orders(first: 3) { nodes { number status total { amount currency } invoice { number status } } } tickets(first: 3) { nodes { subject status } } balance { amount currency } } }"}'

Shipments of an order (logistics):
  curl -s ${endpoint} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
    -d '{"query":"{ order(number: \\"SO-100001\\") { number status shipments { carrier trackingNumber status deliveredAt } } }"}'

Health: ${gateway.url}/readyz · audit trail: ${env.AUDIT_LOG ?? `${env.BIZGRAPH_DATA_DIR ?? '.data'}/audit.log`}
Ctrl-C stops everything; data stays in ${env.BIZGRAPH_DATA_DIR ?? '.data'}/.
`);
}

main().catch(async (error: unknown) => {
  console.error(`bizgraph: failed to start: ${(error as Error).message}`);
  await stopAll(1);
});
