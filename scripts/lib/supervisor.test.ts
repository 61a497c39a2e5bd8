import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ServiceProcess } from './processes.js';
import { createSupervisor } from './supervisor.js';

/** A child at the far edge of the supervisor: exits when told, counts its stops. */
function fakeService(name: string): ServiceProcess & { die(code: number): void; stops: number } {
  const child = new EventEmitter() as unknown as ServiceProcess['child'];
  const service = {
    name,
    url: `http://127.0.0.1:1/${name}`,
    child,
    startedInMs: 0,
    output: () => '',
    logLines: () => [],
    stops: 0,
    async stop() {
      service.stops++;
    },
    die(code: number) {
      (child as unknown as EventEmitter).emit('exit', code, null);
    },
  };
  return service;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the supervisor', () => {
  it('restarts a child that exits, with growing pauses while it keeps failing, and says so', async () => {
    const said: string[] = [];
    const pauses: number[] = [];
    const started: Array<ReturnType<typeof fakeService>> = [];
    let failStarts = 0;
    const supervisor = createSupervisor({
      say: (name, message) => said.push(`${name}: ${message}`),
      giveUp: () => said.push('gave up'),
      backoffMs: (attempt) => (pauses.push(attempt), 1),
    });
    await supervisor.add({
      name: 'crm',
      whileDown: 'its fields are unavailable',
      start: async () => {
        if (failStarts-- > 0) throw new Error('crm exited (1) before listening:\nstack');
        const service = fakeService('crm');
        started.push(service);
        return service;
      },
    });
    failStarts = 2;
    started[0]!.die(1);
    for (let i = 0; i < 20 && started.length < 2; i++) await tick();
    expect(started).toHaveLength(2);
    expect(pauses).toEqual([1, 2, 3]);
    expect(said[0]).toBe('crm: exited (1) unexpectedly (its fields are unavailable)');
    expect(said).toContain('crm: restart failed: crm exited (1) before listening:');
    expect(said.at(-1)).toMatch(/^crm: serving again at http:\/\/127\.0\.0\.1:1\/crm, \d+ ms after its restart began$/);
    expect(supervisor.running()).toEqual([started[1]]);
    expect(said).not.toContain('gave up');
    await supervisor.stop();
    expect(started[1]!.stops).toBe(1);
  });

  it('gives up on a critical child that fails the set number of times in a row, and restarts nothing after stop()', async () => {
    const given: string[] = [];
    const supervisor = createSupervisor({ say: () => undefined, giveUp: (name, reason) => given.push(reason), backoffMs: () => 1, maxCriticalFailures: 3 });
    const first = fakeService('gateway');
    let starts = 0;
    await supervisor.add({
      name: 'gateway',
      critical: true,
      start: async () => {
        if (starts++ === 0) return first;
        throw new Error('gateway exited (1) before listening');
      },
    });
    first.die(1);
    for (let i = 0; i < 20 && given.length === 0; i++) await tick();
    expect(given).toEqual(['gateway failed 3 times in a row; it cannot be kept up']);
    expect(starts).toBe(3);
    await supervisor.stop();
    await tick();
    expect(starts).toBe(3);
  });

  it('replaces a child on purpose: stops it, starts it again, and takes neither exit for a crash', async () => {
    const said: string[] = [];
    const started: Array<ReturnType<typeof fakeService>> = [];
    const supervisor = createSupervisor({ say: (name, message) => said.push(`${name}: ${message}`), giveUp: () => said.push('gave up'), backoffMs: () => 1 });
    await supervisor.add({
      name: 'gateway-0',
      start: async () => {
        const service = fakeService('gateway-0');
        started.push(service);
        return service;
      },
    });
    const replacement = await supervisor.replace('gateway-0');
    expect(started).toHaveLength(2);
    expect(started[0]!.stops).toBe(1);
    // The replaced child's exit comes after its stop: not a crash, nothing restarted.
    started[0]!.die(0);
    for (let i = 0; i < 5; i++) await tick();
    expect(started).toHaveLength(2);
    expect(said).toEqual([]);
    expect(supervisor.running()).toEqual([replacement]);
    // The replacement is watched like any child.
    started[1]!.die(1);
    for (let i = 0; i < 20 && started.length < 3; i++) await tick();
    expect(started).toHaveLength(3);
    await expect(supervisor.replace('nobody')).rejects.toThrow('no child named nobody');
    await supervisor.stop();
  });
});
