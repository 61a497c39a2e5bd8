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

export interface HealthOptions {
  supergraph: { hash: string; source: string };
  subgraphs: readonly ProbeTarget[];
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

  const probe = (target: ProbeTarget): Promise<SubgraphState> => {
    const cached = cache.get(target.name);
    if (cached && Date.now() - cached.at < cacheMs) return cached.state;
    const { name, url } = target;
    const state = target.probe(probeTimeoutMs).then(
      (): SubgraphState => ({ name, url, state: 'up' }),
      (error: unknown): SubgraphState => ({ name, url, state: 'down', error: (error as Error)?.message ?? String(error) }),
    );
    // In-flight probes are shared too, so a burst of /readyz calls sends one probe per subgraph.
    cache.set(name, { at: Date.now(), state });
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
        const probed = await Promise.all(options.subgraphs.map(probe));
        const subgraphs = probed.map((state, i) => {
          const breaker = options.subgraphs[i]!.breaker?.();
          return breaker ? { ...state, breaker } : state;
        });
        return { status: 'ready', supergraph: options.supergraph, subgraphs };
      });
    },
  };
}
