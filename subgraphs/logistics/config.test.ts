import { describe, expect, it } from 'vitest';
import { readLogisticsSubgraphConfig } from './config.js';

/** The logistics subgraph's settings: its events database is PGlite unless LOGISTICS_DATABASE_URL names a server. */
describe('logistics subgraph config', () => {
  it('uses PGlite under the data dir when LOGISTICS_DATABASE_URL is unset, else the server it names', () => {
    expect(readLogisticsSubgraphConfig({ BIZGRAPH_DATA_DIR: '/tmp/x' }).databaseUrl).toBeUndefined();
    expect(readLogisticsSubgraphConfig({ LOGISTICS_DATABASE_URL: 'postgres://app@db.internal:5432/logistics' }).databaseUrl).toBe('postgres://app@db.internal:5432/logistics');
  });

  it('refuses a URL that is not PostgreSQL, naming the variable', () => {
    expect(() => readLogisticsSubgraphConfig({ LOGISTICS_DATABASE_URL: 'mysql://app@db/logistics' })).toThrow('LOGISTICS_DATABASE_URL: expected a postgres: or postgresql: URL');
    expect(() => readLogisticsSubgraphConfig({ LOGISTICS_DATABASE_URL: 'not a url' })).toThrow('LOGISTICS_DATABASE_URL: not a valid URL');
  });
});
