import type { GatewayId, WorkloadId } from './types.js';
import { isObservabilityVariant, OBSERVABILITY_VARIANT_IDS } from './variants.js';

/** Command line of `npm run bench [-- --replayed | --soak [--minutes N] | --fleet | --events] [--duration S] [--warmup S] [--gateways a,b] [--workloads a,b]`. */

export interface BenchArgs {
  mode: 'compare' | 'replayed' | 'soak' | 'fleet' | 'events';
  connections: number;
  /** Seconds of load before each measured run (discarded). */
  warmupSeconds: number;
  /** Seconds of each measured run. */
  durationSeconds: number;
  /**
   * Rounds of the headline pair, plain and bizgraph (caches off), measured in alternation per
   * workload (plain first in even rounds, bizgraph first in odd ones): each ratio is paired within
   * a round, and the table shows their median and every round's.
   */
  rounds: number;
  /** Soak length. */
  minutes: number;
  /** Soak: seconds between two RSS reports. */
  intervalSeconds: number;
  /** Gateways measured (all by default); `plain` is always kept, every ratio is to it, and `bizgraph` with any observability variant, whose ratios are to it. */
  gateways?: GatewayId[];
  /** Workloads measured (all by default). */
  workloads?: WorkloadId[];
  /** Directory for a CPU profile of each gateway (`node --cpu-prof`), written when it stops. */
  cpuProfDir?: string;
  /** Node options for the bizgraph gateways only (e.g. `--max-semi-space-size=32`): plain stays on Node's defaults. */
  bizgraphNodeOptions?: string[];
  /**
   * `--rate N`: every gateway is offered the same N requests per second in all, instead of as many
   * as its connections get answered. CPU per request then compares the gateways at equal load,
   * which matters on a machine where a core's cost per request depends on how busy it is.
   */
  ratePerSecond?: number;
  /** True when a duration or selection was overridden: such a run is written to its own file only, not to latest.json. */
  custom: boolean;
}

export const GATEWAY_IDS: readonly GatewayId[] = ['plain', 'bizgraph-apollo', 'bizgraph', ...OBSERVABILITY_VARIANT_IDS, 'bizgraph-warm', 'floor'];
export const WORKLOAD_IDS: readonly WorkloadId[] = ['a', 'b', 'c', 'd'];

export const DEFAULTS = {
  connections: 50,
  warmupSeconds: 5,
  durationSeconds: 15,
  rounds: 3,
  minutes: 10,
  intervalSeconds: 30,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: npm run bench [-- --duration SECONDS --warmup SECONDS --gateways ${GATEWAY_IDS.join(',')} --workloads ${WORKLOAD_IDS.join(',')} --rounds N --connections N --rate N --cpu-prof DIR --bizgraph-node-options "FLAGS"]
       npm run bench -- --replayed [--workloads ${WORKLOAD_IDS.join(',')} --rounds N --connections N --rate N --duration SECONDS --warmup SECONDS --cpu-prof DIR --bizgraph-node-options "FLAGS"]
       npm run bench -- --soak [--minutes N] [--interval SECONDS]
       npm run bench -- --fleet [--workloads a,b] [--connections N --duration SECONDS --warmup SECONDS]
       npm run bench -- --events [--duration SECONDS --warmup SECONDS]`;

const MODES = { '--replayed': 'replayed', '--soak': 'soak', '--fleet': 'fleet', '--events': 'events' } as const;

const NUMERIC = {
  '--connections': 'connections',
  '--duration': 'durationSeconds',
  '--warmup': 'warmupSeconds',
  '--rounds': 'rounds',
  '--minutes': 'minutes',
  '--interval': 'intervalSeconds',
  '--rate': 'ratePerSecond',
} as const;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { mode: 'compare', ...DEFAULTS, custom: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.includes('=') ? (argv[i]!.split('=', 2) as [string, string]) : [argv[i]!, undefined];
    if (flag in MODES) {
      if (args.mode !== 'compare') throw new UsageError(`${Object.keys(MODES).join(', ')} are different benchmarks: give one\n${USAGE}`);
      args.mode = MODES[flag as keyof typeof MODES];
      continue;
    }
    if (flag === '--gateways' || flag === '--workloads') {
      const known: readonly string[] = flag === '--gateways' ? GATEWAY_IDS : WORKLOAD_IDS;
      const list = (inline ?? argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = list.find((id) => !known.includes(id));
      if (list.length === 0 || unknown !== undefined) throw new UsageError(`${flag}: expected some of ${known.join(',')}, got "${unknown ?? ''}"`);
      if (flag === '--gateways') args.gateways = withBaselines(list as GatewayId[]);
      else args.workloads = WORKLOAD_IDS.filter((id) => list.includes(id));
      args.custom = true;
      continue;
    }
    if (flag === '--cpu-prof') {
      const dir = inline ?? argv[++i];
      if (!dir) throw new UsageError(`--cpu-prof: expected a directory\n${USAGE}`);
      args.cpuProfDir = dir;
      args.custom = true;
      continue;
    }
    if (flag === '--bizgraph-node-options') {
      const flags = (inline ?? argv[++i] ?? '').split(/\s+/).filter(Boolean);
      if (flags.length === 0 || flags.some((option) => !option.startsWith('--')))
        throw new UsageError(`--bizgraph-node-options: expected Node flags such as "--max-semi-space-size=32"`);
      args.bizgraphNodeOptions = flags;
      args.custom = true;
      continue;
    }
    if (!(flag in NUMERIC)) throw new UsageError(`unknown argument "${argv[i]}"\n${USAGE}`);
    const raw = inline ?? argv[++i];
    const value = Number(raw);
    const min = flag === '--warmup' ? 0 : flag === '--connections' || flag === '--rounds' || flag === '--rate' ? 1 : 0.1;
    const integral = (flag !== '--connections' && flag !== '--rounds') || Number.isInteger(value);
    if (raw === undefined || raw === '' || !Number.isFinite(value) || !integral || value < min || value > 24 * 60 * 60) {
      throw new UsageError(`${flag}: expected a number ≥ ${min}, got "${raw ?? ''}"`);
    }
    args[NUMERIC[flag as keyof typeof NUMERIC]] = value;
    if (flag !== '--minutes' && flag !== '--interval') args.custom = true;
  }
  // The gateway-bound comparison measures the headline pair and the floor, nothing else.
  if (args.mode === 'replayed' && args.gateways) throw new UsageError(`--replayed measures plain, bizgraph and the raw floor: it takes no --gateways\n${USAGE}`);
  if (args.ratePerSecond !== undefined && args.mode !== 'compare' && args.mode !== 'replayed') {
    throw new UsageError(`--rate paces the comparison of gateways (with or without --replayed) only\n${USAGE}`);
  }
  // The fleet runs bizgraph's gateways only, from the build, unprofiled.
  if (args.mode === 'fleet' && (args.gateways || args.cpuProfDir || args.bizgraphNodeOptions || argv.includes('--rounds'))) {
    throw new UsageError(`--fleet takes --workloads, --connections, --duration and --warmup only\n${USAGE}`);
  }
  // The events benchmark places orders with writers of its own (1, 10, 50), on every transport.
  if (args.mode === 'events' && (args.gateways || args.workloads || args.cpuProfDir || args.bizgraphNodeOptions || argv.includes('--connections') || argv.includes('--rounds'))) {
    throw new UsageError(`--events takes --duration and --warmup only\n${USAGE}`);
  }
  return args;
}

/** The listed gateways in measuring order, with the baselines their ratios need: plain always, bizgraph for an observability variant. */
function withBaselines(list: readonly GatewayId[]): GatewayId[] {
  const variant = list.some(isObservabilityVariant);
  return GATEWAY_IDS.filter((id) => id === 'plain' || (id === 'bizgraph' && variant) || list.includes(id));
}
