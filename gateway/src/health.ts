import type { FastifyInstance } from 'fastify';
import type { BreakerState } from './observability/events.js';

export interface ProbeTarget {
  name: string;
  url: string;
  /** Resolves when the subgraph (and the system behind it) is ready; rejects with a short reason otherwise. */
  probe(timeoutMs: number): Promise<void>;
  /** The circuit breaker's state now (read on every /readyz); absent → not listed. */
  breaker?(): BreakerState;
  /** Whether a client request got an answer from the subgraph since `at` (a `performance.now()` time). */
  answeredSince?(at: number): boolean;
}

/** A probe that got no answer at all in its time (as opposed to a subgraph answering "not ready"). */
export class ProbeTimeout extends Error {}

export interface SubgraphState {
  name: string;
  url: string;
  /** `unknown` until the first probe has answered. */
  state: 'up' | 'down' | 'unknown';
  /** When the subgraph entered this state (ISO 8601). */
  since: string;
  /** When the last probe answered or failed. */
  checkedAt?: string;
  /** Probes failed in a row (also while still `up`: fewer than `downAfterFailures`). */
  failures: number;
  /** The last failure's reason. */
  error?: string;
  /** The gateway's circuit breaker for it: `open` fails fetches fast, `half-open` lets one call test it. */
  breaker?: BreakerState;
}

/** The supergraph shown in /readyz: at least its version and source; with reloading, also when it was loaded and the last refusal. */
export interface SupergraphStatus {
  hash: string;
  source: string;
  [detail: string]: unknown;
}

export interface HealthOptions {
  /** A value, or a function read on every /readyz when the supergraph can be reloaded. */
  supergraph: SupergraphStatus | (() => SupergraphStatus);
  /** The subgraphs to probe; a function when they change with the supergraph (a removed subgraph is no longer probed). */
  subgraphs: readonly ProbeTarget[] | (() => readonly ProbeTarget[]);
  /** How often each subgraph is probed; a probe gets this long to answer. @default 2000 */
  probeIntervalMs?: number;
  /** Probes that must fail in a row before a subgraph is reported down (one slow answer under load is not an outage). @default 2 */
  downAfterFailures?: number;
}

export interface Health {
  /** Set once the supergraph is loaded and serving (probing starts); cleared while shutting down (probing stops). */
  setReady(ready: boolean, reason?: string): void;
  register(app: FastifyInstance): void;
  /** Each subgraph of the active version as /readyz lists it (the governance console reads it too). */
  subgraphStates(): SubgraphState[];
}

interface Tracked extends Omit<SubgraphState, 'breaker'> {
  inFlight: boolean;
}

/**
 * `/healthz` (the process is alive) and `/readyz` (a supergraph is loaded and serving). Subgraphs
 * are probed in the background, each at its own `/readyz` (which checks its system or database),
 * and `/readyz` answers from the last results at once: a load balancer's poll never waits on a
 * probe nor sends one. A subgraph is `down` only after `downAfterFailures` probes failed in a row,
 * and says since when. A dead subgraph never turns /readyz into 503: one dead system must not
 * take every gateway replica out of the load balancer. Probes bypass the circuit breaker and the
 * fetch pool (their own connection), so a subgraph busy with requests is not taken for a dead one;
 * and a probe unanswered while client requests to the same subgraph are being answered (its own
 * server queued the probe behind them) counts as answered.
 */
export function createHealth(options: HealthOptions): Health {
  const intervalMs = options.probeIntervalMs ?? 2000;
  const downAfter = options.downAfterFailures ?? 2;
  const tracked = new Map<string, Tracked>();
  let ready = false;
  let unreadyReason = 'no supergraph is serving';
  let timer: NodeJS.Timeout | undefined;
  const supergraph = typeof options.supergraph === 'function' ? options.supergraph : () => options.supergraph as SupergraphStatus;
  const subgraphs = typeof options.subgraphs === 'function' ? options.subgraphs : () => options.subgraphs as readonly ProbeTarget[];
  // By name and URL: a reload that moves a subgraph is tracked (and probed) at its new address.
  const keyOf = (target: ProbeTarget) => `${target.name}\u0000${target.url}`;

  const trackedFor = (target: ProbeTarget): Tracked => {
    let entry = tracked.get(keyOf(target));
    if (!entry) tracked.set(keyOf(target), (entry = { name: target.name, url: target.url, state: 'unknown', since: new Date().toISOString(), failures: 0, inFlight: false }));
    return entry;
  };

  const probe = async (target: ProbeTarget): Promise<void> => {
    const entry = trackedFor(target);
    // A probe still out is not doubled: it fails by its own timeout, which is the interval.
    if (entry.inFlight) return;
    entry.inFlight = true;
    let confirm = false;
    const sentAt = performance.now();
    try {
      try {
        await target.probe(intervalMs);
      } catch (error) {
        // Unanswered while it answers client requests: busy (its probe queued behind them), not down.
        // Only a timeout: a subgraph that answers "not ready" (its system frozen) is believed at once.
        if (!(error instanceof ProbeTimeout && target.answeredSince?.(sentAt))) throw error;
      }
      entry.failures = 0;
      entry.error = undefined;
      if (entry.state !== 'up') Object.assign(entry, { state: 'up', since: new Date().toISOString() });
    } catch (error) {
      entry.failures++;
      entry.error = (error as Error)?.message ?? String(error);
      if (entry.state !== 'down' && entry.failures >= downAfter) Object.assign(entry, { state: 'down', since: new Date().toISOString() });
      // A failure not yet believed is confirmed at once, not an interval later: an outage is
      // reported one interval plus `downAfter` probe times after it began, a blip still not at all.
      confirm = entry.state !== 'down' && timer !== undefined;
    } finally {
      entry.inFlight = false;
      entry.checkedAt = new Date().toISOString();
    }
    if (confirm) await probe(target);
  };

  const probeAll = () => {
    const targets = subgraphs();
    // A subgraph the active supergraph no longer has is forgotten.
    const current = new Set(targets.map(keyOf));
    for (const key of tracked.keys()) if (!current.has(key)) tracked.delete(key);
    for (const target of targets) void probe(target);
  };

  const subgraphStates = () =>
    subgraphs().map((target): SubgraphState => {
      const { inFlight: _inFlight, ...state } = trackedFor(target);
      const breaker = target.breaker?.();
      return breaker ? { ...state, breaker } : state;
    });

  return {
    subgraphStates,
    setReady(value, reason = 'no supergraph is serving') {
      ready = value;
      unreadyReason = reason;
      clearInterval(timer);
      timer = undefined;
      if (!value) return;
      probeAll();
      timer = setInterval(probeAll, intervalMs);
      timer.unref();
    },
    register(app) {
      app.get('/healthz', async () => ({ status: 'ok' }));
      app.get('/readyz', async (_request, reply) => {
        if (!ready) return reply.code(503).send({ status: 'unavailable', reason: unreadyReason });
        // Read together: the subgraphs listed are those of the version it names.
        const status = supergraph();
        return { status: 'ready', supergraph: status, probeIntervalMs: intervalMs, subgraphs: subgraphStates() };
      });
    },
  };
}
