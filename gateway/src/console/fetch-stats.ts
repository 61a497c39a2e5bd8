import { gatewayEvents, type FetchOutcome } from '../observability/events.js';

/**
 * The console's "recent error rate and p99" per subgraph: the last `capacity` fetch attempts of each
 * subgraph (time, duration, failed or not) in fixed typed arrays, so recording one allocates
 * nothing; a read keeps those of the last `windowMs` and sorts their durations once.
 */
export interface RecentFetchStats {
  /** Attempts in the window (at most `capacity`: a busier subgraph's figures cover less time). */
  attempts: number;
  /** Share that failed: timeouts, refusals, open breaker, full bulkhead, GraphQL errors. */
  errorRate: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  windowSeconds: number;
}

const FAILED: ReadonlySet<FetchOutcome> = new Set(['graphql_error', 'timeout', 'unavailable', 'circuit_open', 'bulkhead_full']);

class Ring {
  private readonly at: Float64Array;
  private readonly durations: Float64Array;
  private readonly failed: Uint8Array;
  private next = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.at = new Float64Array(capacity);
    this.durations = new Float64Array(capacity);
    this.failed = new Uint8Array(capacity);
  }

  add(at: number, durationMs: number, failed: boolean): void {
    this.at[this.next] = at;
    this.durations[this.next] = durationMs;
    this.failed[this.next] = failed ? 1 : 0;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  since(from: number, windowMs: number): RecentFetchStats {
    const durations: number[] = [];
    let failures = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.at[i]! < from) continue;
      durations.push(this.durations[i]!);
      failures += this.failed[i]!;
    }
    durations.sort((a, b) => a - b);
    const quantile = (q: number) => (durations.length === 0 ? null : durations[Math.min(durations.length - 1, Math.ceil(q * durations.length) - 1)]!);
    return {
      attempts: durations.length,
      errorRate: durations.length === 0 ? null : failures / durations.length,
      p50Ms: quantile(0.5),
      p99Ms: quantile(0.99),
      windowSeconds: windowMs / 1000,
    };
  }
}

export interface FetchStats {
  recent(subgraph: string): RecentFetchStats;
  close(): void;
}

export function createFetchStats(options: { windowMs?: number; capacity?: number; now?: () => number } = {}): FetchStats {
  const windowMs = options.windowMs ?? 5 * 60_000;
  const capacity = options.capacity ?? 2048;
  const now = options.now ?? Date.now;
  const rings = new Map<string, Ring>();
  const stop = gatewayEvents.on('subgraphFetch', (event) => {
    let ring = rings.get(event.subgraph);
    if (!ring) rings.set(event.subgraph, (ring = new Ring(capacity)));
    ring.add(now(), event.durationMs, FAILED.has(event.outcome));
  });
  return {
    recent: (subgraph) => rings.get(subgraph)?.since(now() - windowMs, windowMs) ?? { attempts: 0, errorRate: null, p50Ms: null, p99Ms: null, windowSeconds: windowMs / 1000 },
    close: stop,
  };
}
