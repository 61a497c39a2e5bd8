import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../common/config.js';
import { ROOT } from '../scripts/lib/processes.js';
import { DEFAULT_SUPERGRAPH, readGatewayConfig, subgraphEnvName } from '../gateway/src/config.js';
import { longestTimeoutMs, policyFor } from '../gateway/src/datasource/resilience-config.js';
import { startGateway } from './fixtures/acme/harness.js';

describe('readGatewayConfig', () => {
  it('has documented defaults, the committed supergraph resolved from the project root', () => {
    const config = readGatewayConfig({}, []);
    // The auth settings have their own tests (test/auth-config.test.ts).
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      production: false,
      supergraph: { location: resolve(ROOT, 'schema/supergraph.graphql'), kind: 'file', variable: 'BIZGRAPH_SUPERGRAPH' },
      subgraphUrls: {},
      subgraphSystems: {},
      subgraphTimeoutMs: 10_000,
      subgraphConnections: 64,
      subgraphCompression: false,
      authzMode: 'filter',
      executor: 'bizgraph',
      metrics: true,
      requestLog: true,
      heapGrowthPercent: 50,
      saturatedConcurrency: 8,
      limits: { maxDepth: 12, maxAliases: 15, maxTokens: 2000, maxDirectives: 50, maxCost: 5000, maxBatch: 10, maxQueryBytes: 65_536, maxStringBytes: 65_536 },
      audit: { sink: { kind: 'file', path: resolve('.data/audit.log'), createdByDefault: true }, failClosed: false },
    });
    expect(DEFAULT_SUPERGRAPH).toBe(resolve(ROOT, 'schema/supergraph.graphql'));
  });

  it('reads every setting, the --supergraph flag winning over BIZGRAPH_SUPERGRAPH', () => {
    const config = readGatewayConfig(
      {
        PORT: '0',
        HOST: '0.0.0.0',
        NODE_ENV: 'production',
        GATEWAY_SIGNING_KEY_FILE: '/run/secrets/gateway-internal.pem',
        BIZGRAPH_SUPERGRAPH: '/elsewhere.graphql',
        SUBGRAPH_INVENTORY_URL: 'http://127.0.0.1:9001/graphql',
        SUBGRAPH_ORDER_HISTORY_URL: 'https://orders.example/graphql',
        SUBGRAPH_REVIEWS_SYSTEM: 'feedback',
        SUBGRAPH_TIMEOUT_MS: '250',
        SUBGRAPH_CONNECTIONS: '8',
        SUBGRAPH_COMPRESSION: 'on',
        // Production refuses the embedded dev issuer.
        JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
        AUTHZ_MODE: 'reject',
        GATEWAY_EXECUTOR: 'apollo',
      },
      ['--supergraph', 'http://127.0.0.1:9000/supergraph.graphql'],
    );
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      production: true,
      supergraph: { location: 'http://127.0.0.1:9000/supergraph.graphql', kind: 'url', variable: '--supergraph' },
      subgraphUrls: { INVENTORY: 'http://127.0.0.1:9001/graphql', ORDER_HISTORY: 'https://orders.example/graphql' },
      subgraphSystems: { REVIEWS: 'feedback' },
      subgraphTimeoutMs: 250,
      subgraphConnections: 8,
      subgraphCompression: true,
      authzMode: 'reject',
      executor: 'apollo',
      auth: { jwks: { kind: 'remote', url: 'https://idp.example/.well-known/jwks.json' } },
    });
  });

  it('resolves a relative supergraph path from the working directory; accepts --supergraph=PATH', () => {
    expect(readGatewayConfig({ BIZGRAPH_SUPERGRAPH: 'a/b.graphql' }, []).supergraph).toEqual({ location: resolve('a/b.graphql'), kind: 'file', variable: 'BIZGRAPH_SUPERGRAPH' });
    expect(readGatewayConfig({}, ['--supergraph=/x.graphql']).supergraph).toEqual({ location: '/x.graphql', kind: 'file', variable: '--supergraph' });
  });

  it('has resilience defaults: 15 s request deadline, 10 s attempts, 2 retries within 20 %, breaker after 5, bulkhead 256 + 64', () => {
    expect(readGatewayConfig({}, []).resilience).toEqual({
      requestDeadlineMs: 15_000,
      defaults: { timeoutMs: 10_000, retries: 2, retryBudgetPercent: 20, breakerFailures: 5, breakerHalfOpenMs: 5000, maxConcurrency: 256, maxQueue: 64 },
      overrides: {},
    });
  });

  it('reads resilience settings for every subgraph and per subgraph, overrides winning', () => {
    const { resilience, subgraphTimeoutMs } = readGatewayConfig(
      {
        REQUEST_DEADLINE_MS: '3000',
        SUBGRAPH_TIMEOUT_MS: '800',
        SUBGRAPH_RETRIES: '1',
        SUBGRAPH_RETRY_BUDGET_PERCENT: '10',
        SUBGRAPH_BREAKER_FAILURES: '3',
        SUBGRAPH_BREAKER_HALF_OPEN_MS: '2000',
        SUBGRAPH_MAX_CONCURRENCY: '32',
        SUBGRAPH_MAX_QUEUE: '4',
        SUBGRAPH_CRM_TIMEOUT_MS: '1500',
        SUBGRAPH_CRM_BREAKER_HALF_OPEN_MS: '100',
        SUBGRAPH_ORDER_HISTORY_RETRIES: '0',
        SUBGRAPH_ORDER_HISTORY_BREAKER_FAILURES: '0',
        SUBGRAPH_ERP_MAX_CONCURRENCY: '8',
        SUBGRAPH_ERP_MAX_QUEUE: '0',
        SUBGRAPH_ERP_RETRY_BUDGET_PERCENT: '50',
      },
      [],
    );
    expect(subgraphTimeoutMs).toBe(800);
    expect(resilience.requestDeadlineMs).toBe(3000);
    expect(resilience.overrides).toEqual({
      CRM: { timeoutMs: 1500, breakerHalfOpenMs: 100 },
      ORDER_HISTORY: { retries: 0, breakerFailures: 0 },
      ERP: { maxConcurrency: 8, maxQueue: 0, retryBudgetPercent: 50 },
    });
    const defaults = { timeoutMs: 800, retries: 1, retryBudgetPercent: 10, breakerFailures: 3, breakerHalfOpenMs: 2000, maxConcurrency: 32, maxQueue: 4 };
    expect(policyFor(resilience, subgraphEnvName('billing'))).toEqual(defaults);
    expect(policyFor(resilience, subgraphEnvName('crm'))).toEqual({ ...defaults, timeoutMs: 1500, breakerHalfOpenMs: 100 });
    expect(policyFor(resilience, subgraphEnvName('order-history'))).toEqual({ ...defaults, retries: 0, breakerFailures: 0 });
    // The shared connection pool's timeouts must not cut the slowest subgraph's attempts short.
    expect(longestTimeoutMs(resilience)).toBe(1500);
  });

  it('names subgraph variables by upper-casing and replacing non-alphanumerics', () => {
    expect(subgraphEnvName('order-history.v2')).toBe('ORDER_HISTORY_V2');
  });

  it.each([
    [{ PORT: 'abc' }, [], 'PORT'],
    [{ PORT: '70000' }, [], 'PORT'],
    [{ SUBGRAPH_TIMEOUT_MS: '-1' }, [], 'SUBGRAPH_TIMEOUT_MS'],
    [{ SUBGRAPH_TIMEOUT_MS: '0' }, [], 'SUBGRAPH_TIMEOUT_MS'],
    [{ SUBGRAPH_CONNECTIONS: '1.5' }, [], 'SUBGRAPH_CONNECTIONS'],
    [{ REQUEST_DEADLINE_MS: '0' }, [], 'REQUEST_DEADLINE_MS'],
    [{ SUBGRAPH_RETRIES: '11' }, [], 'SUBGRAPH_RETRIES'],
    [{ SUBGRAPH_RETRY_BUDGET_PERCENT: '150' }, [], 'SUBGRAPH_RETRY_BUDGET_PERCENT'],
    [{ SUBGRAPH_BREAKER_FAILURES: 'five' }, [], 'SUBGRAPH_BREAKER_FAILURES'],
    [{ SUBGRAPH_BREAKER_HALF_OPEN_MS: '0' }, [], 'SUBGRAPH_BREAKER_HALF_OPEN_MS'],
    [{ SUBGRAPH_MAX_CONCURRENCY: '0' }, [], 'SUBGRAPH_MAX_CONCURRENCY'],
    [{ SUBGRAPH_MAX_QUEUE: '-1' }, [], 'SUBGRAPH_MAX_QUEUE'],
    [{ SUBGRAPH_CRM_TIMEOUT_MS: '0' }, [], 'SUBGRAPH_CRM_TIMEOUT_MS'],
    [{ SUBGRAPH_ERP_RETRIES: '2.5' }, [], 'SUBGRAPH_ERP_RETRIES'],
    [{ SUBGRAPH_ERP_BREAKER_HALF_OPEN_MS: 'soon' }, [], 'SUBGRAPH_ERP_BREAKER_HALF_OPEN_MS'],
    [{ SUBGRAPH_COMPRESSION: 'gzip' }, [], 'SUBGRAPH_COMPRESSION'],
    [{ GATEWAY_EXECUTOR: 'graphql-js' }, [], 'GATEWAY_EXECUTOR'],
    [{ SUBGRAPH_INVENTORY_URL: 'not a url' }, [], 'SUBGRAPH_INVENTORY_URL'],
    [{ SUBGRAPH_INVENTORY_URL: 'ftp://host/graphql' }, [], 'SUBGRAPH_INVENTORY_URL'],
    [{ BIZGRAPH_SUPERGRAPH: 'ftp://host/supergraph.graphql' }, [], 'BIZGRAPH_SUPERGRAPH'],
    [{}, ['--supergraph'], '--supergraph'],
  ] as const)('rejects %j %j naming %s', (env, argv, variable) => {
    let error: unknown;
    try {
      readGatewayConfig(env, argv);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });
});

describe('gateway process with a bad setting', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT: expected an integer'],
    [{ SUBGRAPH_TIMEOUT_MS: '-1' }, 'SUBGRAPH_TIMEOUT_MS: expected an integer'],
    [{ SUBGRAPH_ERP_BREAKER_FAILURES: 'x' }, 'SUBGRAPH_ERP_BREAKER_FAILURES: expected an integer'],
    [{ SUBGRAPH_INVENTORY_URL: 'nope' }, 'SUBGRAPH_INVENTORY_URL: not a valid URL'],
  ])('%j exits non-zero naming the variable', async (env, message) => {
    await expect(startGateway(env)).rejects.toThrow(new RegExp(`exited \\(1\\) before listening:[\\s\\S]*invalid configuration: ${message}`));
  });

  it('exits non-zero when the supergraph is a subgraph SDL', async () => {
    await expect(startGateway({}, ['--supergraph', 'test/fixtures/acme/inventory.graphql'])).rejects.toThrow(
      /exited \(1\) before listening:[\s\S]*--supergraph: \S+inventory\.graphql is not a Federation 2 supergraph/,
    );
  });

  it('exits non-zero when the supergraph file does not exist', async () => {
    await expect(startGateway({}, ['--supergraph', 'test/fixtures/acme/missing.graphql'])).rejects.toThrow(
      /exited \(1\) before listening:[\s\S]*--supergraph: cannot read supergraph \S+missing\.graphql/,
    );
  });
});
