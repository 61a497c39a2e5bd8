import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { loadDevIssuer } from '../../gateway/src/auth/dev-issuer.js';
import { subgraphEnvName } from '../../gateway/src/config.js';
import { keyFiles } from '../../gateway/src/auth/key-files.js';
import { COMPOSE_BALANCER, haproxyConfig, startHaproxy, type Balancer } from './haproxy.js';
import { startService, type ServiceProcess } from './processes.js';
import { createSupervisor, type Supervisor } from './supervisor.js';
import { readTopology } from './topology.js';

/** The balancer's health check (the same as docker-compose.yml's): a draining gateway leaves rotation within `intervalMs × fall`. */
const CHECK = COMPOSE_BALANCER.check;
/**
 * A gateway keeps serving this long after SIGTERM: the balancer has stopped sending by then. Each
 * failed check may itself take up to `intervalMs` (HAProxy's check timeout) under load, hence one
 * interval more than `fall` of them, and a margin.
 */
const SHUTDOWN_DELAY_MS = CHECK.intervalMs * (CHECK.fall + 1) + 1000;

export interface FleetOptions {
  /** Gateway replicas. */
  gateways: number;
  dataDir: string;
  /** PostgreSQL databases of the ERP, billing and the usage log (shared by every replica). */
  databases: { erp: string; billing: string; usage: string };
  /** Redis shared by every replica: APQ, entity caches. */
  redisUrl: string;
  /** Ports: the balancer, each gateway (4000, 4010, …), each subgraph and stand-in by process name. */
  ports: { balancer: number; gateways: readonly number[]; processes: Readonly<Record<string, number>> };
  /** Added to every process's environment (SEED, log level, …). */
  env?: Record<string, string>;
  /** Every output line of every process (`npm run fleet` prefixes and prints them). */
  onLine?(name: string, line: string, stream: 'stdout' | 'stderr'): void;
  /** What the supervisor says about a process it restarts. */
  say?(name: string, message: string): void;
}

export interface Fleet {
  /** The balancer's base URL (`/graphql` behind it). */
  url: string;
  balancer: Balancer;
  /** Names of the gateway replicas, as the balancer calls them (`gateway-0`, …). */
  gatewayNames: readonly string[];
  /** The process of each gateway now (restarted ones replace their predecessors). */
  gateway(name: string): ServiceProcess;
  /** Gateway and subgraph environment (the fleet's secrets included), for tests that start more. */
  env: Record<string, string>;
  /** Replaces the gateways one at a time, each after the balancer sees the previous one up again. */
  rollingRestart(): Promise<void>;
  /** Until the balancer sees every gateway up (or throws after `timeoutMs`). */
  allUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The ERP, billing and usage-log databases of a fleet on the server at `adminUrl`
 * (`<prefix>_erp`, `_billing`, `_usage`), created when missing (`fresh`: dropped first, so the
 * subgraphs seed them again); their URLs.
 */
export async function ensureFleetDatabases(adminUrl: string, prefix = 'bizgraph_fleet', fresh = false): Promise<FleetOptions['databases']> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const urls: Record<string, string> = {};
  try {
    for (const part of ['erp', 'billing', 'usage']) {
      const name = `${prefix}_${part}`;
      if (fresh) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      urls[part] = url.toString();
    }
  } finally {
    await admin.end();
  }
  return { erp: urls.erp!, billing: urls.billing!, usage: urls.usage! };
}

/** The fleet's own secrets, created once under the data dir: the gateways' signing key and the systems' API keys and webhook secrets. */
function fleetSecrets(dataDir: string): Record<string, string> {
  const keysDir = join(dataDir, 'keys');
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const signingKeyFile = join(keysDir, 'fleet-gateway-internal.pem');
  if (!existsSync(signingKeyFile)) {
    writeFileSync(signingKeyFile, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  const secret = (name: string) => {
    const file = join(keysDir, `fleet-${name}`);
    if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
    return readFileSync(file, 'utf8').trim();
  };
  return {
    GATEWAY_SIGNING_KEY_FILE: signingKeyFile,
    CRM_API_KEY: secret('crm-api-key'),
    SUPPORT_API_KEY: secret('support-api-key'),
    LOGISTICS_API_KEY: secret('logistics-api-key'),
    CRM_WEBHOOK_SECRET: secret('crm-webhook-secret'),
    LOGISTICS_WEBHOOK_SECRET: secret('logistics-webhook-secret'),
    // The fleet's events go over signed HTTP (no NATS_URL): compose and Kubernetes use JetStream.
    EVENTS_SIGNING_SECRET: secret('events-signing-secret'),
  };
}

/**
 * The fleet topology as plain processes, the way docker-compose.yml describes it for containers:
 * the stand-ins, the subgraphs (ERP and billing on PostgreSQL, entity caches on Redis), N gateways
 * on their own ports sharing Redis (APQ), PostgreSQL (usage log) and one mounted signing key,
 * all in production mode, and HAProxy in front health-checking `/readyz`. A process that dies is
 * restarted (the supervisor of `npm start`); `rollingRestart` replaces the gateways one at a time.
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const { dataDir, ports } = options;
  const secrets = fleetSecrets(dataDir);
  // Callers' tokens: the dev issuer's key, whose JWKS file the production gateways trust.
  await loadDevIssuer(dataDir);
  const balancerUrl = `http://127.0.0.1:${ports.balancer}`;
  const base: Record<string, string> = {
    BIZGRAPH_DATA_DIR: dataDir,
    NODE_ENV: 'production',
    REDIS_URL: options.redisUrl,
    // Subgraphs verify internal tokens with what the gateways publish, through the balancer.
    GATEWAY_JWKS_URL: `${balancerUrl}/.well-known/internal-jwks.json`,
    ...secrets,
    ...options.env,
  };
  const supervisor: Supervisor = createSupervisor({
    say: options.say ?? (() => {}),
    giveUp: (name, reason) => options.say?.(name, reason),
  });
  const run = (name: string, entry: string, port: number, env: Record<string, string>) =>
    supervisor.add({
      name,
      start: () => startService({ name, entry, env: { ...base, ...env, PORT: String(port) }, onLine: (line, stream) => options.onLine?.(name, line, stream) }),
    });
  let balancer: Balancer | undefined;
  try {
    const topology = readTopology();
    const portOf = (name: string) => ports.processes[name] ?? 0;
    const systemUrls: Record<string, string> = {};
    await Promise.all(
      topology.flatMap(({ name, system }) => {
        if (!system) return [];
        systemUrls[system.apiUrlVariable] = `http://127.0.0.1:${portOf(system.name)}`;
        return [run(system.name, system.entry, portOf(system.name), { [system.webhookUrlVariable]: `http://127.0.0.1:${portOf(name)}/webhooks/${name}` })];
      }),
    );
    const databases = { ERP_DATABASE_URL: options.databases.erp, BILLING_DATABASE_URL: options.databases.billing };
    const entityCache = { ENTITY_CACHE: 'on', ENTITY_CACHE_NAMESPACE: `fleet-${randomBytes(4).toString('hex')}` };
    await Promise.all(topology.map(({ name, entry }) => run(name, entry, portOf(name), { ...systemUrls, ...databases, ...entityCache })));

    const subgraphUrls = Object.fromEntries(topology.map(({ name }) => [`SUBGRAPH_${subgraphEnvName(name)}_URL`, `http://127.0.0.1:${portOf(name)}/graphql`]));
    const gatewayNames = ports.gateways.slice(0, options.gateways).map((_port, index) => `gateway-${index}`);
    const gatewayEnv = (index: number) => ({
      ...subgraphUrls,
      JWT_JWKS_URL: keyFiles(dataDir, 'dev-issuer').jwksFile,
      USAGE_DATABASE_URL: options.databases.usage,
      AUDIT_LOG: join(dataDir, `audit-${gatewayNames[index]}.log`),
      SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
    });
    await Promise.all(gatewayNames.map((name, index) => run(name, 'gateway/src/main.ts', ports.gateways[index]!, gatewayEnv(index))));

    const spec = {
      port: ports.balancer,
      gateways: gatewayNames.map((name, index) => ({ name, port: ports.gateways[index]! })),
      check: CHECK,
      statsSocket: join(dataDir, 'haproxy.sock'),
    };
    const configFile = join(dataDir, 'haproxy.cfg');
    writeFileSync(configFile, haproxyConfig(spec));
    balancer = await startHaproxy(configFile, spec);
    const up = balancer;
    const allUp = async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await up.states();
        if (gatewayNames.every((name) => states[name] === 'UP')) return;
        if (Date.now() > deadline) throw new Error(`the balancer does not see every gateway up: ${JSON.stringify(states)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await allUp();
    return {
      url: balancerUrl,
      balancer: up,
      gatewayNames,
      env: base,
      gateway: (name) => supervisor.running().find((service) => service.name === name)!,
      allUp,
      async rollingRestart() {
        for (const name of gatewayNames) {
          await supervisor.replace(name);
          await allUp();
        }
      },
      async stop() {
        await up.stop();
        await supervisor.stop();
      },
    };
  } catch (error) {
    await balancer?.stop();
    await supervisor.stop();
    throw error;
  }
}
