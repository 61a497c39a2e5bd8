import type { Queryable } from '../../../common/contracts/sql.js';
import type { StepName } from './slo.js';

/**
 * One step of an order's fulfillment as `FulfillmentStep` shows it (the SDL documents each
 * field). Built by the system that owns the step from its own tables: its consumer tables
 * (processed_events, event_attempts, dead_letters, keyed by `process_key` = the order number) and
 * its own records (billing's invoices, the ERP's milestones).
 */
export interface FulfillmentStepModel {
  step: Uppercase<StepName>;
  system: string;
  status: StepStatus;
  startedAt: string | null;
  completedAt: string | null;
  dueAt: string | null;
  overdue: boolean;
  attempts: number;
  lastError: string | null;
  traceId: string | null;
}

/** SKIPPED: the step no longer applies (the order was cancelled before it completed). */
export type StepStatus = 'PENDING' | 'DONE' | 'FAILED' | 'DEAD_LETTERED' | 'SKIPPED';

/** What one consumer did with the events of one process (an order). */
export interface ConsumerState {
  /** When an event was applied, null when none was. */
  processedAt: string | null;
  /** When the (first) event arrived at the producer: when the step became due. */
  occurredAt: string | null;
  traceparent: string | null;
  /** Failed deliveries so far (a retried or dead-lettered event). */
  failures: number;
  lastError: string | null;
  /** Set when an event is dead-lettered and not replayed. */
  deadAt: string | null;
}

/** The key of a ConsumerState in `consumerStates`' answer. */
export const stateKey = (processKey: string, consumer: string) => `${processKey}\t${consumer}`;

interface StateRow {
  kind: 'processed' | 'attempt' | 'dead';
  consumer: string;
  process_key: string;
  at: Date | string;
  occurred_at: Date | string | null;
  traceparent: string | null;
  attempts: number;
  error: string | null;
}

/**
 * Every given consumer's state for every given process key, in ONE statement over the three
 * consumer tables (their process_key indexes serve it). Keys absent from the answer saw nothing.
 */
export async function consumerStates(db: Queryable, processKeys: readonly string[], consumers: readonly string[]): Promise<Map<string, ConsumerState>> {
  const { rows } = await db.query<StateRow>(
    `SELECT 'processed' AS kind, consumer, process_key, processed_at AS at, occurred_at, traceparent, 0 AS attempts, NULL::text AS error
       FROM processed_events WHERE process_key = ANY($1) AND consumer = ANY($2)
     UNION ALL
     SELECT 'attempt', consumer, process_key, last_attempt_at, occurred_at, traceparent, attempts, last_error
       FROM event_attempts WHERE process_key = ANY($1) AND consumer = ANY($2)
     UNION ALL
     SELECT 'dead', consumer, process_key, dead_at, NULL, event->>'traceparent', attempts, last_error
       FROM dead_letters WHERE process_key = ANY($1) AND consumer = ANY($2) AND replayed_at IS NULL
     ORDER BY at`,
    [processKeys, consumers],
  );
  const states = new Map<string, ConsumerState>();
  for (const row of rows) {
    const key = stateKey(row.process_key, row.consumer);
    let state = states.get(key);
    if (!state) states.set(key, (state = { processedAt: null, occurredAt: null, traceparent: null, failures: 0, lastError: null, deadAt: null }));
    const at = iso(row.at);
    state.occurredAt ??= row.occurred_at === null ? null : iso(row.occurred_at);
    state.traceparent ??= row.traceparent;
    if (row.kind === 'processed') state.processedAt = at;
    else {
      state.failures = Math.max(state.failures, Number(row.attempts));
      state.lastError = row.error;
      if (row.kind === 'dead') state.deadAt = at;
    }
  }
  return states;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** The trace id (32 hex digits) of a W3C traceparent, null when there is none. */
export const traceIdOf = (traceparent: string | null): string | null => /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '')?.[1] ?? null;

export interface StepInput {
  step: StepName;
  system: string;
  /** The consumer's state for this order; undefined when it saw nothing yet. */
  state: ConsumerState | undefined;
  /** The step's own record of completion when it has one (e.g. the ERP's delivered_at); else the processed time. */
  completedAt?: string | null;
  /** When the step became due when the consumer state does not say (e.g. the ERP's shipped_at). */
  startedAt?: string | null;
  /** The order was cancelled (or never approved): a step not done by then is SKIPPED. */
  skipped: boolean;
  sloMs: number;
  now: number;
}

/** A step from its consumer's state: DONE, DEAD_LETTERED, FAILED (being retried), SKIPPED or PENDING. */
export function consumerStep(input: StepInput): FulfillmentStepModel {
  const { state } = input;
  const completedAt = input.completedAt ?? state?.processedAt ?? null;
  const status: StepStatus = completedAt ? 'DONE' : state?.deadAt ? 'DEAD_LETTERED' : state && state.failures > 0 ? 'FAILED' : input.skipped ? 'SKIPPED' : 'PENDING';
  const startedAt = input.startedAt ?? state?.occurredAt ?? null;
  const failures = state?.failures ?? 0;
  return step(input, {
    status,
    startedAt,
    completedAt,
    attempts: status === 'DONE' && state?.processedAt ? failures + 1 : failures,
    lastError: state?.lastError ?? null,
    traceparent: state?.traceparent ?? null,
  });
}

interface StepFacts {
  status: StepStatus;
  startedAt: string | null;
  completedAt: string | null;
  attempts: number;
  lastError: string | null;
  traceparent: string | null;
  /** Default: startedAt + the step's SLO. */
  dueAt?: string | null;
}

/** The model from what the owning system knows; `overdue` when not DONE or SKIPPED by its due time. */
export function step(input: Pick<StepInput, 'step' | 'system' | 'sloMs' | 'now'>, facts: StepFacts): FulfillmentStepModel {
  const dueAt = facts.dueAt !== undefined ? facts.dueAt : facts.startedAt === null ? null : new Date(Date.parse(facts.startedAt) + input.sloMs).toISOString();
  const open = facts.status !== 'DONE' && facts.status !== 'SKIPPED';
  return {
    step: input.step.toUpperCase() as Uppercase<StepName>,
    system: input.system,
    status: facts.status,
    startedAt: facts.startedAt,
    completedAt: facts.completedAt,
    dueAt,
    overdue: open && dueAt !== null && Date.parse(dueAt) < input.now,
    attempts: facts.attempts,
    lastError: facts.lastError,
    traceId: traceIdOf(facts.traceparent),
  };
}

/** `OrderFulfillment`'s key as billing and logistics receive it from the ERP. */
export interface FulfillmentRef {
  orderNumber: string;
  customerId: string;
}
