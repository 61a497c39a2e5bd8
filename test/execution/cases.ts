import { NO_FAULTS, type FaultPlan } from './fake-subgraphs.js';
import { collapseFetchFailures, comparable, planOperation, runApollo, runOurs, validOperation, type DifferentialSupergraph } from './harness.js';
import { generateOperation } from './operation-generator.js';
import { createRandom, hashString, type Random } from './random.js';

/**
 * The differential loop: for each case, one plan, executed by @apollo/gateway and by bizgraph
 * over the same fake subgraph answers; any difference is reported with the seed and operation.
 */

export interface Mismatch {
  supergraph: string;
  seed: string;
  query: string;
  variables: Record<string, unknown>;
  faults: FaultPlan;
  apollo: ReturnType<typeof comparable>;
  ours: ReturnType<typeof comparable>;
}

export interface RunSummary {
  cases: number;
  skippedInvalid: number;
  withErrors: number;
  withValueCompletion: number;
  withNullData: number;
  mismatches: Mismatch[];
}

/** About a third of the cases get faults: nulls, errors with and without paths, a subgraph down. */
export function faultsFor(random: Random, caseSeed: string, subgraphs: readonly string[]): FaultPlan {
  if (!random.chance(0.35)) return NO_FAULTS;
  return {
    seed: caseSeed,
    nullRate: random.pick([0, 0.03, 0.1]),
    pathErrorRate: random.pick([0, 0.2, 0.5]),
    pathlessErrorRate: random.pick([0, 0.1]),
    ...(random.chance(0.15) ? { downSubgraph: random.pick(subgraphs) } : {}),
  };
}

export async function compareOne(
  env: DifferentialSupergraph,
  query: string,
  variables: Record<string, unknown>,
  faults: FaultPlan,
  seed: string,
  summary: RunSummary,
): Promise<void> {
  const document = validOperation(env, query);
  if (!document) {
    summary.skippedInvalid++;
    return;
  }
  summary.cases++;
  const plan = planOperation(env, document);
  const apollo = comparable(await runApollo(env, plan, document, variables, faults));
  const ours = comparable(collapseFetchFailures(await runOurs(env, plan, document, variables, faults)));
  if (apollo.errors) summary.withErrors++;
  if (apollo.valueCompletion) summary.withValueCompletion++;
  if (apollo.data === 'null') summary.withNullData++;
  if (JSON.stringify(apollo) !== JSON.stringify(ours)) summary.mismatches.push({ supergraph: env.name, seed, query, variables, faults, apollo, ours });
}

/** Generated cases `first` .. `first + count - 1` of `baseSeed`; each case's seed is printed on failure. */
export async function compareGenerated(env: DifferentialSupergraph, baseSeed: number, count: number): Promise<RunSummary> {
  const summary: RunSummary = { cases: 0, skippedInvalid: 0, withErrors: 0, withValueCompletion: 0, withNullData: 0, mismatches: [] };
  const subgraphs = env.supergraph.subgraphs().names();
  for (let index = 0; index < count; index++) {
    const seed = `${baseSeed}:${env.name}:${index}`;
    const random = createRandom(hashString(seed));
    const { query, variables } = generateOperation(env.apiGraphQL, random);
    await compareOne(env, query, variables, faultsFor(random, seed, subgraphs), seed, summary);
  }
  return summary;
}

export function describeMismatches(mismatches: readonly Mismatch[]): string {
  return mismatches
    .slice(0, 5)
    .map((mismatch) =>
      [
        `seed ${mismatch.seed} (${mismatch.supergraph})`,
        mismatch.query,
        `variables: ${JSON.stringify(mismatch.variables)}`,
        `faults: ${JSON.stringify(mismatch.faults)}`,
        `apollo: ${JSON.stringify(mismatch.apollo)}`,
        `ours:   ${JSON.stringify(mismatch.ours)}`,
      ].join('\n'),
    )
    .join('\n\n');
}
