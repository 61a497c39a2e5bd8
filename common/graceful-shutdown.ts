import type { FastifyInstance } from 'fastify';
import { readInt, type Env } from './config.js';

export interface ShutdownSettings {
  /**
   * `SHUTDOWN_DELAY_MS`: after SIGTERM, how long the process keeps serving while `/readyz` already
   * answers 503, so a load balancer's health check takes it out of rotation before its listener
   * closes (set it to the balancer's check interval × the failures it needs). @default 0
   */
  delayMs: number;
  /** `SHUTDOWN_GRACE_MS`: the longest in-flight requests may take to finish before their connections are cut. @default 10000 */
  graceMs: number;
}

export function readShutdownSettings(env: Env): ShutdownSettings {
  return {
    delayMs: readInt(env, 'SHUTDOWN_DELAY_MS', 0, { min: 0, max: 600_000 }),
    graceMs: readInt(env, 'SHUTDOWN_GRACE_MS', 10_000, { min: 0, max: 600_000 }),
  };
}

export interface GracefulShutdown {
  /** True from the moment draining starts: `/readyz` answers 503. */
  readonly draining: boolean;
  /**
   * Drains the server: unready at once, serving for `delayMs`, then no new connections; answers
   * still in flight finish (each with `Connection: close`) for up to `graceMs`, after which the
   * remaining connections are cut. Resolves with whether any had to be (`forced`).
   */
  drain(): Promise<{ forced: boolean }>;
}

/**
 * Graceful shutdown of a fastify server. Closing a Node HTTP server alone does not end keep-alive
 * connections whose answer is still being written: each would be kept open until its keep-alive
 * timeout (fastify's is 72 s), so a SIGTERM would take over a minute or be ended by a SIGKILL. Here
 * every answer sent while draining carries `Connection: close`, so its connection ends with it.
 * Call it right after creating the app: the hook is app-wide and costs one boolean test per answer.
 */
export function gracefulShutdown(app: FastifyInstance, settings: ShutdownSettings): GracefulShutdown {
  let draining = false;
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  return {
    get draining() {
      return draining;
    },
    async drain() {
      draining = true;
      if (settings.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.delayMs));
      let forced = false;
      const deadline = setTimeout(() => {
        forced = true;
        app.server.closeAllConnections();
      }, settings.graceMs);
      try {
        await app.close();
      } finally {
        clearTimeout(deadline);
      }
      return { forced };
    },
  };
}
