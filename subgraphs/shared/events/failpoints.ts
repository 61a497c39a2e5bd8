/**
 * Deterministic crash points for the crash tests of issue 17 (test/events-crash-*.test.ts): with
 * `EVENTS_FAILPOINT=<name>` (or `<name>:<n>` for the n-th pass, default the first) the process
 * kills itself with SIGKILL when it reaches that point, as a power cut would: no `finally`, no
 * ack, no closing of the database. Honoured only when `NODE_ENV=test`, so a stray variable in
 * production does nothing.
 */
export type FailpointName =
  /** relay.ts: a row was read from the outbox (its transaction committed long ago), not yet published. */
  | 'relay.before-publish'
  /** consumer.ts: the effect's transaction committed, the delivery is not yet acknowledged. */
  | 'consumer.after-effect-before-ack';

const FAILPOINT_NAMES: readonly FailpointName[] = ['relay.before-publish', 'consumer.after-effect-before-ack'];

interface Armed {
  name: FailpointName;
  /** Passes left before the kill (1 = this one). */
  remaining: number;
}

/** Parses `EVENTS_FAILPOINT`; undefined when unset, empty, or outside tests. Throws on a name it does not know. */
export function readFailpoint(env: NodeJS.ProcessEnv): Armed | undefined {
  const raw = env.EVENTS_FAILPOINT?.trim();
  if (!raw || env.NODE_ENV !== 'test') return undefined;
  const match = /^([a-z.-]+)(?::(\d+))?$/.exec(raw);
  const name = match?.[1] as FailpointName | undefined;
  const nth = match?.[2] === undefined ? 1 : Number(match[2]);
  if (!name || !FAILPOINT_NAMES.includes(name) || nth < 1) {
    throw new Error(`EVENTS_FAILPOINT: expected one of ${FAILPOINT_NAMES.join(', ')}, optionally followed by :N (N ≥ 1); got "${raw}"`);
  }
  return { name, remaining: nth };
}

let armed: Armed | undefined | null = null;

/** Kills this process at the armed point's n-th pass; a no-op everywhere else. */
export function failpoint(name: FailpointName): void {
  if (armed === null) armed = readFailpoint(process.env);
  if (armed?.name !== name) return;
  if (--armed.remaining > 0) return;
  process.stderr.write(`EVENTS_FAILPOINT ${name}: killing process ${process.pid} with SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
