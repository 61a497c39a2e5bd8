/** Command line of `npm run bench [-- --soak [--minutes N]] [--duration S] [--warmup S]`. */

export interface BenchArgs {
  mode: 'compare' | 'soak';
  connections: number;
  /** Seconds of load before each measured run (discarded). */
  warmupSeconds: number;
  /** Seconds of each measured run. */
  durationSeconds: number;
  /** Soak length. */
  minutes: number;
  /** Soak: seconds between two RSS reports. */
  intervalSeconds: number;
  /** True when a duration was overridden: such a run is written to its own file only, not to latest.json. */
  custom: boolean;
}

export const DEFAULTS = {
  connections: 50,
  warmupSeconds: 5,
  durationSeconds: 15,
  minutes: 10,
  intervalSeconds: 30,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: npm run bench [-- --duration SECONDS --warmup SECONDS]
       npm run bench -- --soak [--minutes N] [--interval SECONDS]`;

const NUMERIC = {
  '--duration': 'durationSeconds',
  '--warmup': 'warmupSeconds',
  '--minutes': 'minutes',
  '--interval': 'intervalSeconds',
} as const;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { mode: 'compare', ...DEFAULTS, custom: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.includes('=') ? (argv[i]!.split('=', 2) as [string, string]) : [argv[i]!, undefined];
    if (flag === '--soak') {
      args.mode = 'soak';
      continue;
    }
    if (!(flag in NUMERIC)) throw new UsageError(`unknown argument "${argv[i]}"\n${USAGE}`);
    const raw = inline ?? argv[++i];
    const value = Number(raw);
    const min = flag === '--warmup' ? 0 : 0.1;
    if (raw === undefined || raw === '' || !Number.isFinite(value) || value < min || value > 24 * 60 * 60) {
      throw new UsageError(`${flag}: expected a number ≥ ${min}, got "${raw ?? ''}"`);
    }
    args[NUMERIC[flag as keyof typeof NUMERIC]] = value;
    if (flag === '--duration' || flag === '--warmup') args.custom = true;
  }
  return args;
}
