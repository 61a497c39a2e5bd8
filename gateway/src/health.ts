import type { FastifyInstance } from 'fastify';
import type { BreakerState } from './observability/events.js';

export interface ProbeTarget {
  name: string;
  url: string;
  /** Resolves when the subgraph answers a trivial query; rejects with a short reason otherwise. */
  probe(timeoutMs: number): Promise<void>;
  /** The circuit breaker's state now (read on every /readyz, never cached); absent → not listed. */
  breaker?(): BreakerState;
}

export interface SubgraphState {
  name: string;
  url: string;
  state: 'up' | 'down';
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
  /** @default 1000 */
  probeTimeoutMs?: number;
  /** How long one probe result is reused, so load balancers polling /readyz don't load subgraphs. @default 2000 */
  cacheMs?: number;
}

export interface Health {
  /** Set once the supergraph is loaded and serving; cleared while shutting down. */
  setReady(ready: boolean): void;
  register(app: FastifyInstance): void;
}

/**
 * `/healthz` (the process is alive) and `/readyz` (a supergraph is loaded and serving). Each
 * subgraph's state is listed in the body, but a dead subgraph never turns /readyz into 503:
 * one dead system must not take every gateway replica out of the load balancer. Probes bypass
 * the circuit breaker (they call the subgraph directly), so /readyz shows a subgraph `up` again
 * as soon as it is, while its breaker may still be `open` until its half-open call succeeds.
 */
export function createHealth(options: HealthOptions): Health {
  const probeTimeoutMs = options.probeTimeoutMs ?? 1000;
  const cacheMs = options.cacheMs ?? 2000;
  const cache = new Map<string, { at: number; state: Promise<SubgraphState> }>();
  let ready = false;
  const supergraph = typeof options.supergraph === 'function' ? options.supergraph : () => options.supergraph as SupergraphStatus;
  const subgraphs = typeof options.subgraphs === 'function' ? options.subgraphs : () => options.subgraphs as readonly ProbeTarget[];

  const probe = (target: ProbeTarget): Promise<SubgraphState> => {
    // By name and URL: a reload that moves a subgraph is probed at its new address at once.
    const key = `${target.name}\u0000${target.url}`;
    const cached = cache.get(key);
    if (cached && Date.now() - cached.at < cacheMs) return cached.state;
    const { name, url } = target;
    const state = target.probe(probeTimeoutMs).then(
      (): SubgraphState => ({ name, url, state: 'up' }),
      (error: unknown): SubgraphState => ({ name, url, state: 'down', error: (error as Error)?.message ?? String(error) }),
    );
    // In-flight probes are shared too, so a burst of /readyz calls sends one probe per subgraph.
    cache.set(key, { at: Date.now(), state });
    return state;
  };

  return {
    setReady(value) {
      ready = value;
    },
    register(app) {
      app.get('/healthz', async () => ({ status: 'ok' }));
      app.get('/readyz', async (_request, reply) => {
        if (!ready) return reply.code(503).send({ status: 'unavailable', reason: 'no supergraph is serving' });
        // Read once per answer: the subgraphs listed are those of the version it names.
        const [status, targets] = [supergraph(), subgraphs()];
        const probed = await Promise.all(targets.map(probe));
        const states = probed.map((state, i) => {
          const breaker = targets[i]!.breaker?.();
          return breaker ? { ...state, breaker } : state;
        });
        return { status: 'ready', supergraph: status, subgraphs: states };
      });
    },
  };
}
