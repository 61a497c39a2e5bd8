import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, type ProbeTarget } from '../gateway/src/health.js';

/** Probe targets at the far edge of health.ts: each counts its probes and answers as told. */
function target(name: string, answer: () => Promise<void>): ProbeTarget & { probes: number[] } {
  const probes: number[] = [];
  return {
    name,
    url: `http://127.0.0.1:1/${name}`,
    probes,
    probe(timeoutMs) {
      probes.push(timeoutMs);
      return answer();
    },
  };
}

describe('gateway /healthz and /readyz', () => {
  let app: FastifyInstance;
  afterEach(() => app?.close());

  const setup = (targets: ProbeTarget[], cacheMs?: number) => {
    app = Fastify();
    const health = createHealth({ supergraph: { hash: 'abc123abc123', source: '/s.graphql' }, subgraphs: targets, cacheMs });
    health.register(app);
    return health;
  };

  it('answers /readyz 503 until a supergraph is serving, /healthz 200 all along', async () => {
    const health = setup([target('a', async () => {})]);
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const starting = await app.inject('/readyz');
    expect(starting.statusCode).toBe(503);
    expect(starting.json()).toEqual({ status: 'unavailable', reason: 'no supergraph is serving' });
    health.setReady(true);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    health.setReady(false);
    expect((await app.inject('/readyz')).statusCode).toBe(503);
  });

  it('lists a failing subgraph as down and stays 200', async () => {
    setup([target('a', async () => {}), target('b', async () => Promise.reject(new Error('connect ECONNREFUSED')))]).setReady(true);
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ready',
      supergraph: { hash: 'abc123abc123', source: '/s.graphql' },
      subgraphs: [
        { name: 'a', url: 'http://127.0.0.1:1/a', state: 'up' },
        { name: 'b', url: 'http://127.0.0.1:1/b', state: 'down', error: 'connect ECONNREFUSED' },
      ],
    });
  });

  it('probes each subgraph once (1 s budget) for a burst of /readyz calls, again after the cache expires', async () => {
    const a = target('a', async () => {});
    setup([a], 50).setReady(true);
    await Promise.all(Array.from({ length: 5 }, () => app.inject('/readyz')));
    expect(a.probes).toEqual([1000]);
    // A fixed wait on purpose: the probe cache's 50 ms expiring is the subject.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await app.inject('/readyz');
    expect(a.probes).toEqual([1000, 1000]);
  });
});
