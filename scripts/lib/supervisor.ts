import type { ServiceProcess } from './processes.js';

/**
 * What `npm start` does with its children: a child that exits unexpectedly is started again, on its
 * own port, after a growing pause (0.5 s, 1 s, 2 s … 15 s; a child that had run for a while starts
 * over at 0.5 s), and every exit and return is said. A critical child (the gateway: without it
 * nothing is served) that fails `maxCriticalFailures` times in a row is given up on: the supervisor
 * reports it and the caller stops everything and exits non-zero, rather than run on without it.
 */

export interface SupervisedSpec {
  name: string;
  /** Starts the child; resolves once it listens, rejects when it exits before. */
  start(): Promise<ServiceProcess>;
  /** Without it the stack serves nothing: give up (and exit) when it cannot be kept up. */
  critical?: boolean;
  /** What its absence means for users, said when it exits (e.g. "its fields answer SUBGRAPH_UNAVAILABLE"). */
  whileDown?: string;
}

export interface SupervisorOptions {
  say(name: string, message: string): void;
  /** A critical child could not be kept up: the caller stops everything and exits non-zero. */
  giveUp(name: string, reason: string): void;
  /** Pause before restart attempt `attempt` (1-based). @default 500 ms doubling to 15 s */
  backoffMs?(attempt: number): number;
  /** A child that ran this long before exiting is restarted as if for the first time. @default 30 s */
  stableAfterMs?: number;
  /** Failed starts or exits in a row after which a critical child is given up on. @default 5 */
  maxCriticalFailures?: number;
}

export interface Supervisor {
  /** Starts a child and watches it from then on. */
  add(spec: SupervisedSpec): Promise<ServiceProcess>;
  /** The children running now (restarted ones replace their predecessors). */
  running(): ServiceProcess[];
  /**
   * Replaces a child on purpose (a rolling restart): stops the running one gracefully (its exit is
   * expected, not restarted), then starts it again and watches the new one.
   */
  replace(name: string, graceMs?: number): Promise<ServiceProcess>;
  /** Stops watching and stops every child. */
  stop(graceMs?: number): Promise<void>;
}

const defaultBackoff = (attempt: number) => Math.min(500 * 2 ** (attempt - 1), 15_000);

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const backoffMs = options.backoffMs ?? defaultBackoff;
  const stableAfterMs = options.stableAfterMs ?? 30_000;
  const maxCriticalFailures = options.maxCriticalFailures ?? 5;
  const current = new Map<string, ServiceProcess>();
  const specs = new Map<string, SupervisedSpec>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;

  const watch = (spec: SupervisedSpec, service: ServiceProcess, failuresBefore: number) => {
    current.set(spec.name, service);
    const startedAt = Date.now();
    service.child.once('exit', (code, signal) => {
      if (stopping || current.get(spec.name) !== service) return;
      current.delete(spec.name);
      // A child that ran for a while had recovered: its failures start over.
      const failures = Date.now() - startedAt >= stableAfterMs ? 1 : failuresBefore + 1;
      const consequence = spec.whileDown ? ` (${spec.whileDown})` : '';
      options.say(spec.name, `exited (${code ?? signal}) unexpectedly${consequence}`);
      scheduleRestart(spec, failures);
    });
  };

  const scheduleRestart = (spec: SupervisedSpec, failures: number) => {
    if (spec.critical && failures >= maxCriticalFailures) {
      options.giveUp(spec.name, `${spec.name} failed ${failures} times in a row; it cannot be kept up`);
      return;
    }
    const delay = backoffMs(failures);
    options.say(spec.name, `restarting in ${(delay / 1000).toFixed(1)} s (attempt ${failures})`);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopping) return;
      const began = Date.now();
      spec.start().then(
        (service) => {
          if (stopping) return void service.stop();
          options.say(spec.name, `serving again at ${service.url}, ${Date.now() - began} ms after its restart began`);
          watch(spec, service, failures);
        },
        (error: unknown) => {
          if (stopping) return;
          const firstLine = String((error as Error)?.message ?? error).split('\n')[0];
          options.say(spec.name, `restart failed: ${firstLine}`);
          scheduleRestart(spec, failures + 1);
        },
      );
    }, delay);
    timers.add(timer);
  };

  /** Starts a child and watches it, unless the supervisor began stopping meanwhile. */
  const startWatched = async (spec: SupervisedSpec) => {
    const service = await spec.start();
    if (stopping) {
      await service.stop();
      throw new Error('the supervisor is stopping');
    }
    watch(spec, service, 0);
    return service;
  };

  return {
    async add(spec) {
      specs.set(spec.name, spec);
      return startWatched(spec);
    },
    running: () => [...current.values()],
    async replace(name, graceMs = 15_000) {
      const spec = specs.get(name);
      if (!spec) throw new Error(`no child named ${name}`);
      const running = current.get(name);
      // Forgotten first: its exit is then not taken for a crash.
      current.delete(name);
      await running?.stop(graceMs);
      return startWatched(spec);
    },
    async stop(graceMs = 8000) {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...current.values()].map((service) => service.stop(graceMs)));
    },
  };
}
