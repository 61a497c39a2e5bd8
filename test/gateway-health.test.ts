import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, type Health, type ProbeTarget } from '../gateway/src/health.js';
import { eventually } from './fixtures/acme/harness.js';

/** Probe targets at the far edge of health.ts: each counts its probes and answers as its script says. */
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

const INTERVAL_MS = 40;

describe('gateway /healthz and /readyz', () => {
  let app: FastifyInstance;
  let health: Health | undefined;
  afterEach(async () => {
    health?.setReady(false);
    await app?.close();
  });

  const setup = (targets: ProbeTarget[], downAfterFailures = 2) => {
    app = Fastify();
    health = createHealth({ supergraph: { hash: 'abc123abc123', source: '/s.graphql' }, subgraphs: targets, probeIntervalMs: INTERVAL_MS, downAfterFailures });
    health.register(app);
    return health;
  };
  const readyz = async () => (await app.inject('/readyz')).json() as { subgraphs: Array<Record<string, unknown>> };
  const stateOf = async (name: string) => (await readyz()).subgraphs.find((subgraph) => subgraph.name === name)!;

  it('answers /readyz 503 until a supergraph is serving, /healthz 200 all along', async () => {
    const serving = setup([target('a', async () => {})]);
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const starting = await app.inject('/readyz');
    expect(starting.statusCode).toBe(503);
    expect(starting.json()).toEqual({ status: 'unavailable', reason: 'no supergraph is serving' });
    serving.setReady(true);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    serving.setReady(false);
    expect((await app.inject('/readyz')).statusCode).toBe(503);
  });

  it('answers from the last probe results at once, never waiting on a probe that hangs', async () => {
    const hanging = target('hanging', () => new Promise<void>(() => undefined));
    setup([hanging]).setReady(true);
    const started = Date.now();
    const answer = await app.inject('/readyz');
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({
      status: 'ready',
      supergraph: { hash: 'abc123abc123' },
      probeIntervalMs: INTERVAL_MS,
      subgraphs: [{ name: 'hanging', state: 'unknown', failures: 0 }],
    });
    expect(Date.now() - started).toBeLessThan(INTERVAL_MS * 10);
    // One probe out at a time, with the interval as its timeout.
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 3));
    expect(hanging.probes).toEqual([INTERVAL_MS]);
  });

  it('reports a subgraph down only after failures in a row, says since when, and up again after one success', async () => {
    let failing = false;
    let reason = 'connect ECONNREFUSED';
    const flaky = target('b', async () => {
      if (failing) throw new Error(reason);
    });
    // Probed by hand: an interval too long to tick, and each setReady(true) probes every subgraph once.
    app = Fastify();
    health = createHealth({ supergraph: { hash: 'abc123abc123', source: '/s.graphql' }, subgraphs: [flaky], probeIntervalMs: 3_600_000, downAfterFailures: 3 });
    health.register(app);
    const probeOnce = async () => {
      health!.setReady(true);
      await new Promise((resolve) => setImmediate(resolve));
    };
    await probeOnce();
    const up = await stateOf('b');
    expect(up).toMatchObject({ name: 'b', url: 'http://127.0.0.1:1/b', state: 'up', failures: 0 });
    failing = true;
    for (const failures of [1, 2]) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await probeOnce();
      // One or two failed probes are not an outage: still up, since the same moment.
      expect(await stateOf('b')).toMatchObject({ state: 'up', since: up.since, failures, error: reason });
    }
    reason = 'billing did not answer within 1500 ms';
    await probeOnce();
    const down = await stateOf('b');
    expect(down).toMatchObject({ state: 'down', failures: 3, error: reason });
    expect(Date.parse(down.since as string)).toBeGreaterThan(Date.parse(up.since as string));
    failing = false;
    await probeOnce();
    const back = await stateOf('b');
    expect(back).toMatchObject({ state: 'up', failures: 0 });
    expect(back.error).toBeUndefined();
    expect(flaky.probes).toHaveLength(5);
  });

  it('probes in the background at its interval: a burst of /readyz calls sends no probe', async () => {
    const a = target('a', async () => {});
    setup([a]).setReady(true);
    await eventually(async () => {
      if (a.probes.length < 1) throw new Error('not probed yet');
    });
    const before = a.probes.length;
    await Promise.all(Array.from({ length: 50 }, () => app.inject('/readyz')));
    // At most the interval's own probes happened meanwhile, not one per call.
    expect(a.probes.length - before).toBeLessThan(5);
  });
});
