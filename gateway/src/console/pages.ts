import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { integrityReportFile } from '../../../common/contracts/integrity-report.js';
import { projectPath } from '../../../common/project-root.js';
import type { Authenticator } from '../auth/authenticate.js';
import type { GatewayConfig } from '../config.js';
import { createCatalogCache, type CatalogSource } from '../explorer/catalog.js';
import { createExplorerRoutes } from '../explorer/routes.js';
import type { SubgraphState } from '../health.js';
import { log } from '../log.js';
import { registerConsoleApi } from './api.js';
import type { FetchStats } from './fetch-stats.js';
import { readUsageFrom } from '../../../common/usage/store.js';

export interface OperatorPagesOptions {
  config: Pick<GatewayConfig, 'explorer' | 'production' | 'auth' | 'usage' | 'audit'>;
  authenticator: Authenticator;
  subgraphStates(): SubgraphState[];
  fetchStats: FetchStats;
  active(): CatalogSource;
}

/**
 * What people open in a browser and what it calls: the explorer (`/explorer`, `/graphql` for a
 * browser, the docs pane's catalog) when `EXPLORER` is on, and the governance console's APIs
 * (always there, behind governance:read). One catalog per supergraph version serves both.
 */
export function registerOperatorPages(app: FastifyInstance, options: OperatorPagesOptions): void {
  const { config, authenticator } = options;
  const catalog = createCatalogCache();
  createExplorerRoutes({
    config: config.explorer,
    production: config.production,
    devIssuer: config.auth.jwks.kind === 'dev' ? { dataDir: config.auth.dataDir } : undefined,
    log: (message, fields) => log('warn', message, fields),
    catalog: { cache: catalog, active: options.active, scopesOf: async (authorization) => (await authenticator.authenticate(authorization))?.scopes ?? null },
  })?.register(app);
  registerConsoleApi(app, {
    authenticate: (authorization) => authenticator.authenticate(authorization),
    subgraphStates: options.subgraphStates,
    recentFetches: (subgraph) => options.fetchStats.recent(subgraph),
    active: options.active,
    catalog,
    readUsage: () => readUsageFrom(config.usage.store),
    auditFile:
      config.audit.sink.kind === 'file'
        ? { path: config.audit.sink.path }
        : {
            unavailable: `the audit trail goes to ${config.audit.sink.kind === 'stdout' ? 'stdout (read it in your log pipeline)' : 'nowhere (AUDIT_LOG=off)'}, not to a file this gateway can read`,
          },
    readIntegrityReport: () => readFile(integrityReportFile(config.auth.dataDir), 'utf8').catch(() => undefined),
    readChangelog: () => readFile(projectPath('schema/CHANGELOG.md'), 'utf8').catch(() => 'No schema/CHANGELOG.md here: `npm run changelog` writes it.'),
  });
}
