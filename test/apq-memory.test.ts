import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRssBytes } from '../bench/proc.js';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { http } from './helpers/graphql.js';
import { startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';

/**
 * Issue 14: memory a stranger can fill stays bounded. 1,000 distinct operations, each padded with
 * a comment to 250 KB (LIMIT_MAX_QUERY_BYTES raised to let them in: 250 MB of text in all), are
 * registered as automatic persisted queries, parsed, validated, authorized and planned. Every
 * cache they reach is bounded by the size of the text it keeps (persisted queries 8 MiB,
 * documents 3 MiB, plans and authorization rewrites 4 MiB each), so the gateway's RSS grows by
 * at most 96 MB, most of it garbage not yet collected. Before, the APQ store (5,000 entries) and
 * the plan and rewrite caches (1,000 and 2,000 entries) kept every one of them.
 */

const REGISTRATIONS = 1000;
const PADDING = 250_000;
const RSS_GROWTH_BOUND_MB = 96;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const padded = (index: number) => `query Padded${index} { products { id } } # ${String(index).padStart(6, '0')}${'x'.repeat(PADDING)}`;

describe('memory a stranger can fill', () => {
  let inventory: ServiceProcess;
  let gateway: ServiceProcess;
  const register = (query: string) => http('POST', `${gateway.url}/graphql`, { body: { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } } });
  const byHash = (query: string) => http('POST', `${gateway.url}/graphql`, { body: { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } } });
  const rssMb = () => Math.round((readRssBytes(gateway.child.pid!) ?? Number.NaN) / (1024 * 1024));

  beforeAll(async () => {
    inventory = await startAcme('inventory');
    gateway = await startGateway({
      LIMIT_MAX_QUERY_BYTES: String(PADDING + 1000),
      SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`,
      SUBGRAPH_REVIEWS_URL: 'http://127.0.0.1:9/graphql',
    });
  });
  afterAll(() => stopAll([gateway, inventory]));

  it(`stays within ${RSS_GROWTH_BOUND_MB} MB of RSS growth after ${REGISTRATIONS} padded persisted queries, keeping the recent ones`, async () => {
    // Warmed up first: the first operations load and compile code that is not what is measured.
    for (let index = 0; index < 20; index++) expect((await register(padded(REGISTRATIONS + index))).status).toBe(200);
    const before = rssMb();
    let peak = before;
    for (let start = 0; start < REGISTRATIONS; start += 10) {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, offset) => register(padded(start + offset))));
      for (const answer of answers) expect(answer.body).toEqual({ data: { products: [{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }] } });
      peak = Math.max(peak, rssMb());
    }
    const after = rssMb();
    console.log(`gateway RSS: ${before} MB before, ${after} MB after ${REGISTRATIONS} registrations of ${PADDING} bytes, peak ${peak} MB`);
    expect(after - before).toBeLessThanOrEqual(RSS_GROWTH_BOUND_MB);
    // The store is bounded, not off: the latest text is found by its hash, the first was dropped.
    expect((await byHash(padded(REGISTRATIONS - 1))).body).toMatchObject({ data: { products: expect.any(Array) } });
    expect((await byHash(padded(0))).body).toMatchObject({ errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
  });
});
