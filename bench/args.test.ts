import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './args.js';

describe('bench arguments', () => {
  it('defaults to the comparison at 50 connections, 5 s warm-up and 15 s per run', () => {
    expect(parseBenchArgs([])).toEqual({ mode: 'compare', connections: 50, warmupSeconds: 5, durationSeconds: 15, rounds: 3, minutes: 10, intervalSeconds: 30, custom: false });
  });

  it('marks a run with overridden durations as custom (it never becomes latest.json)', () => {
    expect(parseBenchArgs(['--duration', '3', '--warmup=0'])).toMatchObject({ durationSeconds: 3, warmupSeconds: 0, custom: true });
  });

  it('reads the events mode, which takes durations only', () => {
    expect(parseBenchArgs(['--events'])).toMatchObject({ mode: 'events', custom: false });
    expect(parseBenchArgs(['--events', '--duration', '5', '--warmup', '1'])).toMatchObject({ mode: 'events', durationSeconds: 5, warmupSeconds: 1, custom: true });
    expect(() => parseBenchArgs(['--events', '--workloads', 'a'])).toThrow('--events takes --duration and --warmup only');
    expect(() => parseBenchArgs(['--events', '--fleet'])).toThrow('--replayed, --soak, --fleet, --events are different benchmarks');
  });

  it("reads the replayed mode, which takes the comparison's settings but no gateway selection", () => {
    expect(parseBenchArgs(['--replayed'])).toMatchObject({ mode: 'replayed', rounds: 3, custom: false });
    expect(parseBenchArgs(['--replayed', '--workloads', 'c', '--rounds', '1'])).toMatchObject({ mode: 'replayed', workloads: ['c'], rounds: 1, custom: true });
    expect(() => parseBenchArgs(['--replayed', '--gateways', 'bizgraph'])).toThrow('--replayed measures plain, bizgraph and the raw floor: it takes no --gateways');
    expect(() => parseBenchArgs(['--replayed', '--events'])).toThrow('--replayed, --soak, --fleet, --events are different benchmarks');
  });

  it('reads the fleet mode, which takes workloads and load settings but no gateway selection', () => {
    expect(parseBenchArgs(['--fleet'])).toMatchObject({ mode: 'fleet', custom: false });
    expect(parseBenchArgs(['--fleet', '--workloads', 'a', '--duration', '5'])).toMatchObject({ mode: 'fleet', workloads: ['a'], durationSeconds: 5, custom: true });
    expect(() => parseBenchArgs(['--fleet', '--gateways', 'bizgraph'])).toThrow('--fleet takes --workloads, --connections, --duration and --warmup only');
    expect(() => parseBenchArgs(['--fleet', '--soak'])).toThrow('--replayed, --soak, --fleet, --events are different benchmarks');
  });

  it('reads the soak mode and its length', () => {
    expect(parseBenchArgs(['--soak', '--minutes', '1', '--interval', '5'])).toMatchObject({ mode: 'soak', minutes: 1, intervalSeconds: 5, custom: false });
  });

  it('selects gateways (always with the plain baseline) and workloads, as a custom run', () => {
    expect(parseBenchArgs(['--gateways', 'bizgraph', '--workloads=d,a'])).toMatchObject({ gateways: ['plain', 'bizgraph'], workloads: ['a', 'd'], custom: true });
    expect(() => parseBenchArgs(['--gateways', 'bizgraph,router'])).toThrow(
      '--gateways: expected some of plain,bizgraph-apollo,bizgraph,bizgraph-no-request-log,bizgraph-no-metrics,bizgraph-no-audit,bizgraph-no-usage-log,bizgraph-quiet,bizgraph-spans,bizgraph-spans-sampled,bizgraph-defaults-again,bizgraph-warm,floor, got "router"',
    );
    expect(() => parseBenchArgs(['--workloads', ''])).toThrow('--workloads: expected some of a,b,c,d, got ""');
  });

  it('selects observability variants with bizgraph, their baseline, and never starts them for bizgraph alone', () => {
    expect(parseBenchArgs(['--gateways', 'bizgraph-spans,bizgraph-quiet']).gateways).toEqual(['plain', 'bizgraph', 'bizgraph-quiet', 'bizgraph-spans']);
    expect(parseBenchArgs(['--gateways', 'bizgraph']).gateways).toEqual(['plain', 'bizgraph']);
  });

  it('takes the connection count and a profile directory, as a custom run', () => {
    expect(parseBenchArgs(['--connections', '10', '--cpu-prof', 'profiles'])).toMatchObject({ connections: 10, cpuProfDir: 'profiles', custom: true });
    expect(() => parseBenchArgs(['--connections', '2.5'])).toThrow('--connections: expected a number ≥ 1, got "2.5"');
    expect(() => parseBenchArgs(['--cpu-prof'])).toThrow('--cpu-prof: expected a directory');
  });

  it('takes the rounds of plain and bizgraph as a whole number ≥ 1, as a custom run, for the comparison only', () => {
    expect(parseBenchArgs(['--rounds', '5'])).toMatchObject({ rounds: 5, custom: true });
    expect(() => parseBenchArgs(['--rounds', '0'])).toThrow('--rounds: expected a number ≥ 1, got "0"');
    expect(() => parseBenchArgs(['--rounds', '1.5'])).toThrow('--rounds: expected a number ≥ 1, got "1.5"');
    expect(() => parseBenchArgs(['--fleet', '--rounds', '2'])).toThrow('--fleet takes');
    expect(() => parseBenchArgs(['--events', '--rounds', '2'])).toThrow('--events takes');
  });

  it('takes a fixed offered rate for the comparisons only, as a custom run', () => {
    expect(parseBenchArgs(['--rate', '550'])).toMatchObject({ mode: 'compare', ratePerSecond: 550, custom: true });
    expect(parseBenchArgs(['--replayed', '--rate=200'])).toMatchObject({ mode: 'replayed', ratePerSecond: 200, custom: true });
    expect(parseBenchArgs([]).ratePerSecond).toBeUndefined();
    expect(() => parseBenchArgs(['--rate', '0'])).toThrow('--rate: expected a number ≥ 1, got "0"');
    expect(() => parseBenchArgs(['--soak', '--rate', '10'])).toThrow('--rate paces the comparison of gateways');
    expect(() => parseBenchArgs(['--fleet', '--rate', '10'])).toThrow('--rate paces the comparison of gateways');
  });

  it('takes Node flags for the bizgraph gateways, as a custom run', () => {
    expect(parseBenchArgs(['--bizgraph-node-options', '--max-semi-space-size=32 --max-old-space-size=512'])).toMatchObject({
      bizgraphNodeOptions: ['--max-semi-space-size=32', '--max-old-space-size=512'],
      custom: true,
    });
    expect(() => parseBenchArgs(['--bizgraph-node-options', 'max-semi-space-size=32'])).toThrow('--bizgraph-node-options: expected Node flags');
  });

  it('refuses unknown flags and bad numbers', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow('unknown argument "--fast"');
    expect(() => parseBenchArgs(['--minutes'])).toThrow('--minutes: expected a number ≥ 0.1, got ""');
    expect(() => parseBenchArgs(['--duration', 'ten'])).toThrow('--duration: expected a number ≥ 0.1, got "ten"');
  });
});
