import type { Closeable } from './process.js';

/** What every process's tracing offers its `main.ts`, however it was started. */
export interface Tracing {
  /** True when spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  /** Closes `server`, then flushes and stops tracing: pass the result to `runService`. */
  closing(server: Closeable): Closeable;
  /** Flushes pending spans (bounded) and stops the provider. */
  shutdown(): Promise<void>;
}

/** A collector that is down at shutdown must not hold the process past its supervisor's grace period. */
const SHUTDOWN_BUDGET_MS = 2000;

/** Spans leave the process only when an OTLP endpoint is configured (the exporter reads which one). */
export function exportsSpans(env: NodeJS.ProcessEnv): boolean {
  return nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined || nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) !== undefined;
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** `Tracing` over a provider (none when nothing is recorded): a bounded shutdown, once. */
export function tracingOf(provider: { shutdown(): Promise<void> } | undefined, exporting: boolean): Tracing {
  let stopped: Promise<void> | undefined;
  const shutdown = () => {
    stopped ??= Promise.race([(provider?.shutdown() ?? Promise.resolve()).catch(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_BUDGET_MS).unref())]);
    return stopped;
  };
  return {
    exporting,
    shutdown,
    closing: (server) => ({
      async close() {
        try {
          await server.close();
        } finally {
          await shutdown();
        }
      },
    }),
  };
}
