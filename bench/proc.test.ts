import { describe, expect, it } from 'vitest';
import { clockTicksPerSecond, parseCpuTicks, parseMachineTicks, parseRssBytes, readCpuMs, readMachineTicks, readRssBytes } from './proc.js';

describe('/proc parsing', () => {
  it('adds utime (field 14) and stime (field 15) of a stat line', () => {
    const stat = '4242 (node) S 1 4242 4242 0 -1 4194560 5000 0 12 0 1234 567 3 4 20 0 11 0 559723 1000000 25000 18446744073709551615';
    expect(parseCpuTicks(stat)).toBe(1234 + 567);
  });

  it('finds the fields after a command name holding spaces and parentheses', () => {
    const stat = '77 (tsx (main) x) R 1 77 77 0 -1 0 0 0 0 0 10 20 0 0 20 0 1 0 1 1 1';
    expect(parseCpuTicks(stat)).toBe(30);
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => parseCpuTicks('no parentheses here')).toThrow(/not a \/proc/);
  });

  it("adds the machine's busy ticks (all but idle and iowait) and its total from /proc/stat's cpu line", () => {
    const stat = 'cpu  100 5 50 800 20 3 2 1 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\nintr 12345\n';
    expect(parseMachineTicks(stat)).toEqual({ busy: 100 + 5 + 50 + 3 + 2 + 1, total: 981 });
    expect(() => parseMachineTicks('intr 1 2 3')).toThrow(/not a \/proc\/stat/);
    const now = readMachineTicks();
    expect(now.total).toBeGreaterThan(now.busy);
  });

  it('reads VmRSS in bytes from a status text, and nothing from a zombie', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  210000 kB\nVmRSS:\t  183456 kB\nRssAnon:\t 150000 kB\n';
    expect(parseRssBytes(status)).toBe(183456 * 1024);
    expect(parseRssBytes('Name:\tnode\nState:\tZ (zombie)\n')).toBeUndefined();
  });

  it('reads this very process: CPU time grows with work, RSS is its memory', () => {
    const before = readCpuMs(process.pid)!;
    const until = process.cpuUsage();
    while (process.cpuUsage(until).user < 60_000) Math.sqrt(Math.random());
    expect(readCpuMs(process.pid)! - before).toBeGreaterThanOrEqual(1000 / clockTicksPerSecond());
    const rss = readRssBytes(process.pid)!;
    expect(rss).toBeGreaterThan(process.memoryUsage().heapUsed / 4);
    expect(readRssBytes(2 ** 22 + 1)).toBeUndefined();
  });
});
