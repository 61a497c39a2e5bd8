import { readOptionalUrl } from '../common/config.js';
import { createLineFormatter, readLogFormat } from './lib/log-format.js';
import { startService, type ServiceProcess } from './lib/processes.js';

/**
 * `npm start`: the whole stack on embedded defaults as separate processes under one supervisor.
 * Stand-ins start only when CRM_API_URL / SUPPORT_API_URL are unset; each child's output is
 * prefixed with its name (JSON log lines made readable on a terminal or with LOG_FORMAT=pretty);
 * Ctrl-C stops every child before exiting.
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

const children: ServiceProcess[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  stopping = true;
  await Promise.all(children.map((child) => child.stop(8000)));
  process.exit(code);
}

async function start(spec: ServiceSpec, index: number): Promise<ServiceProcess> {
  const tag = prefix(spec.name, index);
  // The supervisor's own PORT belongs to the gateway; every child gets its port explicitly.
  const service = await startService({
    name: spec.name,
    entry: spec.entry,
    env: { ...spec.env, PORT: String(spec.port) },
    timeoutMs: 180_000,
    onLine: (line, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(`${formatLine(line).replace(/^/gm, `${tag} `)}\n`),
  });
  children.push(service);
  service.child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${tag} exited (${code ?? signal}); the gateway keeps serving the other systems`);
  });
  return service;
}

async function main(): Promise<void> {
  const env = process.env;
  formatLine = createLineFormatter({ format: readLogFormat(env, process.stdout.isTTY === true), color: useColor });
  const crmApiUrl = readOptionalUrl(env, 'CRM_API_URL', ['http:', 'https:']);
  const supportApiUrl = readOptionalUrl(env, 'SUPPORT_API_URL', ['http:', 'https:']);
  const gatewayPort = env.PORT ? Number(env.PORT) : 4000;
  if (!Number.isInteger(gatewayPort) || gatewayPort < 0 || gatewayPort > 65535) throw new Error(`PORT: expected a port number, got "${env.PORT}"`);

  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  console.log('bizgraph: starting (the first start migrates and seeds the databases, about 20 s)…');
  const systems: ServiceSpec[] = [];
  // The stand-in tells the crm subgraph about changes (cache invalidation); a company's own CRM is configured there.
  if (!crmApiUrl) systems.push({ name: 'crm-system', entry: 'systems/crm/main.ts', port: 4101, env: { CRM_WEBHOOK_URL: 'http://127.0.0.1:4001/webhooks/crm' } });
  if (!supportApiUrl) systems.push({ name: 'support-system', entry: 'systems/support/main.ts', port: 4104 });
  await Promise.all(systems.map((spec, i) => start(spec, i)));

  const subgraphs: ServiceSpec[] = [
    { name: 'crm', entry: 'subgraphs/crm/main.ts', port: 4001 },
    { name: 'erp', entry: 'subgraphs/erp/main.ts', port: 4002 },
    { name: 'billing', entry: 'subgraphs/billing/main.ts', port: 4003 },
    { name: 'support', entry: 'subgraphs/support/main.ts', port: 4004 },
  ];
  await Promise.all(subgraphs.map((spec, i) => start(spec, systems.length + i)));
  const gateway = await start({ name: 'gateway', entry: 'gateway/src/main.ts', port: gatewayPort }, systems.length + subgraphs.length);

  const endpoint = `${gateway.url}/graphql`;
  console.log(`
bizgraph is up: ${endpoint}

Get a token from the dev issuer (presets: sales, finance, support, admin, portal; or --scopes "…"):
  npm run -s token -- --preset sales

Try (the first customer always has orders, invoices and tickets; admin may read every field):
  TOKEN=$(npm run -s token -- --preset admin)
  curl -s ${endpoint} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
    -d '{"query":"{ customer(id: \\"cus_0001\\") { name email orders(first: 3) { nodes { number status total { amount currency } invoice { number status } } } tickets(first: 3) { nodes { subject status } } balance { amount currency } } }"}'

Health: ${gateway.url}/readyz · audit trail: ${env.AUDIT_LOG ?? `${env.BIZGRAPH_DATA_DIR ?? '.data'}/audit.log`}
Ctrl-C stops everything; data stays in ${env.BIZGRAPH_DATA_DIR ?? '.data'}/.
`);
}

main().catch(async (error: unknown) => {
  console.error(`bizgraph: failed to start: ${(error as Error).message}`);
  await stopAll(1);
});
