import { readInt, type Env } from '../../../common/config.js';

/** How the gateway protects itself and one subgraph from each other (see `resilience.ts`). */
export interface SubgraphPolicy {
  /** `SUBGRAPH_TIMEOUT_MS` / `SUBGRAPH_<NAME>_TIMEOUT_MS`: deadline of one attempt, headers and body included. @default 10000 */
  timeoutMs: number;
  /** `SUBGRAPH_RETRIES` / `SUBGRAPH_<NAME>_RETRIES`: extra attempts of a query fetch after a transient failure (mutations: never). @default 2 */
  retries: number;
  /** `SUBGRAPH_RETRY_BUDGET_PERCENT` / `SUBGRAPH_<NAME>_RETRY_BUDGET_PERCENT`: retries allowed as a share of the last 10 s of fetches (plus 10 per window), so an outage never multiplies load. @default 20 */
  retryBudgetPercent: number;
  /** `SUBGRAPH_BREAKER_FAILURES` / `SUBGRAPH_<NAME>_BREAKER_FAILURES`: consecutive failed attempts that open the circuit; 0 turns the breaker off. @default 5 */
  breakerFailures: number;
  /** `SUBGRAPH_BREAKER_HALF_OPEN_MS` / `SUBGRAPH_<NAME>_BREAKER_HALF_OPEN_MS`: how long an open circuit fails fast before one probe call may test the subgraph. @default 5000 */
  breakerHalfOpenMs: number;
  /** `SUBGRAPH_MAX_CONCURRENCY` / `SUBGRAPH_<NAME>_MAX_CONCURRENCY`: fetches in flight to the subgraph at once (bulkhead). @default 256 */
  maxConcurrency: number;
  /** `SUBGRAPH_MAX_QUEUE` / `SUBGRAPH_<NAME>_MAX_QUEUE`: fetches waiting for a slot; beyond it the fetch fails at once. @default 64 */
  maxQueue: number;
}

export interface ResilienceConfig {
  /** `REQUEST_DEADLINE_MS`: no subgraph attempt or retry of a client request starts or runs past this, counted from the request's arrival. @default 15000 */
  requestDeadlineMs: number;
  /** The settings every subgraph gets unless overridden. */
  defaults: SubgraphPolicy;
  /** `SUBGRAPH_<NAME>_<SETTING>` overrides, keyed by `<NAME>` (see `subgraphEnvName`). */
  overrides: Readonly<Record<string, Partial<SubgraphPolicy>>>;
}

type Range = { min: number; max: number };
const SETTINGS: ReadonlyArray<{ key: keyof SubgraphPolicy; suffix: string; fallback: number; range: Range }> = [
  { key: 'timeoutMs', suffix: 'TIMEOUT_MS', fallback: 10_000, range: { min: 1, max: 600_000 } },
  { key: 'retries', suffix: 'RETRIES', fallback: 2, range: { min: 0, max: 10 } },
  { key: 'retryBudgetPercent', suffix: 'RETRY_BUDGET_PERCENT', fallback: 20, range: { min: 0, max: 100 } },
  { key: 'breakerFailures', suffix: 'BREAKER_FAILURES', fallback: 5, range: { min: 0, max: 10_000 } },
  { key: 'breakerHalfOpenMs', suffix: 'BREAKER_HALF_OPEN_MS', fallback: 5000, range: { min: 1, max: 3_600_000 } },
  { key: 'maxConcurrency', suffix: 'MAX_CONCURRENCY', fallback: 256, range: { min: 1, max: 100_000 } },
  { key: 'maxQueue', suffix: 'MAX_QUEUE', fallback: 64, range: { min: 0, max: 100_000 } },
];

export function readResilienceConfig(env: Env): ResilienceConfig {
  const defaults = Object.fromEntries(SETTINGS.map(({ key, suffix, fallback, range }) => [key, readInt(env, `SUBGRAPH_${suffix}`, fallback, range)])) as unknown as SubgraphPolicy;
  const overrides: Record<string, Partial<SubgraphPolicy>> = {};
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith('SUBGRAPH_') || raw === undefined || raw === '') continue;
    // No suffix ends another one, so at most one setting matches; `SUBGRAPH_TIMEOUT_MS` itself leaves no name.
    const setting = SETTINGS.find(({ suffix }) => variable.endsWith(`_${suffix}`));
    if (!setting) continue;
    const name = variable.slice('SUBGRAPH_'.length, -(setting.suffix.length + 1));
    if (!name) continue;
    (overrides[name] ??= {})[setting.key] = readInt(env, variable, setting.fallback, setting.range);
  }
  return { requestDeadlineMs: readInt(env, 'REQUEST_DEADLINE_MS', 15_000, { min: 1, max: 3_600_000 }), defaults, overrides };
}

/** The policy of one subgraph: its overrides over the defaults. `envName` is `subgraphEnvName(subgraph)`. */
export function policyFor(config: ResilienceConfig, envName: string): SubgraphPolicy {
  return { ...config.defaults, ...config.overrides[envName] };
}

/** The longest attempt timeout of any subgraph: the shared connection pool's backstop must not cut one short. */
export function longestTimeoutMs(config: ResilienceConfig): number {
  return Math.max(config.defaults.timeoutMs, ...Object.values(config.overrides).map((override) => override.timeoutMs ?? 0));
}
