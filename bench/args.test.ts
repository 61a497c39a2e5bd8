import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './args.js';

describe('bench arguments', () => {
  it('defaults to the comparison at 50 connections, 5 s warm-up and 15 s per run', () => {
    expect(parseBenchArgs([])).toEqual({ mode: 'compare', connections: 50, warmupSeconds: 5, durationSeconds: 15, minutes: 10, intervalSeconds: 30, custom: false });
  });

  it('marks a run with overridden durations as custom (it never becomes latest.json)', () => {
    expect(parseBenchArgs(['--duration', '3', '--warmup=0'])).toMatchObject({ durationSeconds: 3, warmupSeconds: 0, custom: true });
  });

  it('reads the soak mode and its length', () => {
    expect(parseBenchArgs(['--soak', '--minutes', '1', '--interval', '5'])).toMatchObject({ mode: 'soak', minutes: 1, intervalSeconds: 5, custom: false });
  });

  it('refuses unknown flags and bad numbers', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow('unknown argument "--fast"');
    expect(() => parseBenchArgs(['--minutes'])).toThrow('--minutes: expected a number ≥ 0.1, got ""');
    expect(() => parseBenchArgs(['--duration', 'ten'])).toThrow('--duration: expected a number ≥ 0.1, got "ten"');
  });
});
