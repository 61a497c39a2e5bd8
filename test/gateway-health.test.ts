import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, ProbeTimeout, type Health, type ProbeTarget } from '../gateway/src/health.js';
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

  it('reports a subgraph down only after failures in a row (confirmed at once), says since when, and up again after one success', async () => {
    // Answers from a script: each probe takes the next outcome; `undefined` is a success.
    const script: Array<string | undefined> = [];
    const flaky = target('b', async () => {
      const failure = script.shift();
      if (failure) throw new Error(failure);
    });
    // Probed by hand: an interval too long to tick, and each setReady(true) probes every subgraph once.
    app = Fastify();
    health = createHealth({ supergraph: { hash: 'abc123abc123', source: '/s.graphql' }, subgraphs: [flaky], probeIntervalMs: 3_600_000, downAfterFailures: 3 });
    health.register(app);
    const probeRound = async () => {
      health!.setReady(true);
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await probeRound();
    const up = await stateOf('b');
    expect(up).toMatchObject({ name: 'b', url: 'http://127.0.0.1:1/b', state: 'up', failures: 0 });
    expect(flaky.probes).toHaveLength(1);

    // A blip: the failed probe is confirmed at once by another, which succeeds. Not an outage.
    script.push('connect ECONNREFUSED', undefined);
    await probeRound();
    expect(await stateOf('b')).toMatchObject({ state: 'up', since: up.since, failures: 0 });
    expect(flaky.probes).toHaveLength(3);

    // Two failures are still not an outage when the third probe answers.
    script.push('connect ECONNREFUSED', 'connect ECONNREFUSED', undefined);
    await probeRound();
    expect(await stateOf('b')).toMatchObject({ state: 'up', since: up.since, failures: 0 });
    expect(flaky.probes).toHaveLength(6);

    // Three in a row, within one round: down, with the last reason; confirming stops there.
    script.push('connect ECONNREFUSED', 'connect ECONNREFUSED', 'billing did not answer within 800 ms', 'never asked');
    await probeRound();
    const down = await stateOf('b');
    expect(down).toMatchObject({ state: 'down', failures: 3, error: 'billing did not answer within 800 ms' });
    expect(Date.parse(down.since as string)).toBeGreaterThan(Date.parse(up.since as string));
    expect(flaky.probes).toHaveLength(9);

    script.length = 0;
    await probeRound();
    const back = await stateOf('b');
    expect(back).toMatchObject({ state: 'up', failures: 0 });
    expect(back.error).toBeUndefined();
    expect(flaky.probes).toHaveLength(10);
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

  it('takes an unanswered probe for a busy subgraph while client requests to it are answered, and for a dead one when none is', async () => {
    // Every probe times out; client answers arrive (or not) as the test says.
    let answeredAt = -Infinity;
    const asked: number[] = [];
    const busy: ProbeTarget & { probes: number[] } = {
      ...target('erp', async () => {
        throw new ProbeTimeout('no answer within 40 ms');
      }),
      answeredSince(at) {
        asked.push(at);
        return answeredAt >= at;
      },
    };
    app = Fastify();
    health = createHealth({ supergraph: { hash: 'abc123abc123', source: '/s.graphql' }, subgraphs: [busy], probeIntervalMs: 3_600_000, downAfterFailures: 2 });
    health.register(app);
    const probeRound = async () => {
      health!.setReady(true);
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    // Client requests are being answered (a clock past every probe's send): serving, so up, no failure counted.
    answeredAt = Infinity;
    await probeRound();
    expect(await stateOf('erp')).toMatchObject({ state: 'up', failures: 0 });
    expect(busy.probes).toHaveLength(1);
    expect(asked).toHaveLength(1);
    // No client answer since: two timeouts in a row (the second confirming at once) make it down.
    answeredAt = -Infinity;
    await probeRound();
    expect(await stateOf('erp')).toMatchObject({ state: 'down', failures: 2, error: 'no answer within 40 ms' });
    expect(busy.probes).toHaveLength(3);

    // A refusal is believed even while requests are answered: the subgraph says its system is not ready.
    answeredAt = Infinity;
    const refusing = { ...busy, probe: async () => Promise.reject(new Error('crm did not answer within 800 ms')) };
    health.setReady(false);
    health = createHealth({ supergraph: { hash: 'abc123abc123', source: '/s.graphql' }, subgraphs: [refusing], probeIntervalMs: 3_600_000, downAfterFailures: 2 });
    await app.close();
    app = Fastify();
    health.register(app);
    await probeRound();
    expect(await stateOf('erp')).toMatchObject({ state: 'down', failures: 2, error: 'crm did not answer within 800 ms' });
  });
});
