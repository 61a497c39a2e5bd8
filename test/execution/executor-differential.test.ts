import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSupergraphPolicy } from '../../gateway/src/authz/policy.js';
import { compareGenerated, compareOne, describeMismatches, type RunSummary } from './cases.js';
import { NO_FAULTS } from './fake-subgraphs.js';
import { composeFixture, loadSupergraph } from './harness.js';
import { repositoryOperations } from './repo-operations.js';

/**
 * Differential proof of bizgraph's executor against @apollo/gateway's `executeQueryPlan`.
 *
 *   npx vitest run test/execution                       # fixed seed, 5,000+ generated operations
 *   EXECUTION_DIFF_SEED=random EXECUTION_DIFF_CASES=100000 npx vitest run test/execution
 *
 * EXECUTION_DIFF_CASES is the total of generated operations, split evenly between the three
 * supergraphs below (invalid ones are skipped); the seed is printed, and each mismatch names its case seed.
 */
const ROOT = join(import.meta.dirname, '../..');
const FIXED_SEED = 20261205;
const requestedSeed = process.env.EXECUTION_DIFF_SEED;
const SEED = requestedSeed === 'random' ? Math.floor(Math.random() * 2 ** 31) : requestedSeed ? Number(requestedSeed) : FIXED_SEED;
const TOTAL_CASES = Number(process.env.EXECUTION_DIFF_CASES ?? 8700);
const PER_SUPERGRAPH = Math.ceil(TOTAL_CASES / 3);
const LONG_RUN_TIMEOUT = Math.max(120_000, TOTAL_CASES * 50);

const bizgraph = () => loadSupergraph('bizgraph', readSupergraphPolicy(readFileSync(join(ROOT, 'schema/supergraph.graphql'), 'utf8')).executableSdl);
const catalog = () => loadSupergraph('catalog', composeFixture(join(ROOT, 'test/fixtures/execution/catalog')));
// The media company the gateway serves in test/gateway-federation-features.test.ts: @interfaceObject, @override, @tag.
const media = () => loadSupergraph('media', readFileSync(join(ROOT, 'test/fixtures/media/supergraph.graphql'), 'utf8'));

function expectNoMismatch(summary: RunSummary) {
  console.log(`execution differential seed ${SEED}: ${JSON.stringify({ ...summary, mismatches: summary.mismatches.length })}`);
  expect(summary.mismatches.length, describeMismatches(summary.mismatches)).toBe(0);
}

describe(`query-plan executor vs @apollo/gateway (seed ${SEED})`, () => {
  it('answers the repository operations exactly as Apollo does', async () => {
    const env = bizgraph();
    const summary: RunSummary = { cases: 0, skippedInvalid: 0, withErrors: 0, withValueCompletion: 0, withNullData: 0, mismatches: [] };
    for (const [index, { source, query }] of repositoryOperations(ROOT).entries()) {
      await compareOne(env, query, {}, NO_FAULTS, `${source}#${index}`, summary);
      await compareOne(env, query, {}, { seed: `${SEED}:${index}`, nullRate: 0.1, pathErrorRate: 0.5, pathlessErrorRate: 0.2 }, `${source}#${index} faulty`, summary);
    }
    expectNoMismatch(summary);
    // schema/operations alone holds six; the test files add the inline ones that validate.
    expect(summary.cases).toBeGreaterThanOrEqual(12);
  });

  it('answers generated operations over bizgraph’s supergraph exactly as Apollo does', { timeout: LONG_RUN_TIMEOUT }, async () => {
    const summary = await compareGenerated(bizgraph(), SEED, PER_SUPERGRAPH);
    expectNoMismatch(summary);
    expect(summary.cases).toBeGreaterThan(PER_SUPERGRAPH * 0.8);
    expect(summary.withErrors).toBeGreaterThan(0);
    expect(summary.withValueCompletion).toBeGreaterThan(0);
  });

  it(
    'answers generated operations over @interfaceObject, @requires, @provides, @override and a cross-subgraph union exactly as Apollo does',
    { timeout: LONG_RUN_TIMEOUT },
    async () => {
      const summary = await compareGenerated(catalog(), SEED, PER_SUPERGRAPH);
      expectNoMismatch(summary);
      expect(summary.cases).toBeGreaterThan(PER_SUPERGRAPH * 0.8);
    },
  );

  it('answers generated operations over the media company’s supergraph (@interfaceObject, @override, @tag) exactly as Apollo does', { timeout: LONG_RUN_TIMEOUT }, async () => {
    const summary = await compareGenerated(media(), SEED, PER_SUPERGRAPH);
    expectNoMismatch(summary);
    expect(summary.cases).toBeGreaterThan(PER_SUPERGRAPH * 0.5);
  });
});
