import { ConfigError } from './config.js';
import { createLogger, errorText, initProcessLogger, type Logger } from './logger.js';

export interface Closeable {
  close(): Promise<void>;
}

/**
 * Runs a process entry point: prints the `listening` line supervisors and tests wait for,
 * closes cleanly on SIGINT/SIGTERM, and turns a bad setting into a one-line message + exit 1.
 */
export function runService(service: string, start: () => Promise<{ url: string; server: Closeable; details?: Record<string, unknown> }>): void {
  let logger: Logger;
  try {
    // First: every later line (and the `listening` line) goes through this process's logger.
    logger = initProcessLogger(service);
  } catch (error) {
    // A bad LOG_LEVEL: said at the default level, then the process stops like any bad setting.
    createLogger(service, { env: {} }).fatal(`invalid configuration: ${(error as Error).message}`);
    process.exit(1);
  }
  start()
    .then(({ url, server, details }) => {
      // `details`: what else a reader of the log should know about this start (the gateway's executor).
      logger.info({ url, ...details }, 'listening');
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        logger.info({ signal }, 'shutting down');
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      if (process.env.BIZGRAPH_EXIT_WITH_PARENT === '1') {
        // Our parent holds the other end of stdin; end-of-file means it is gone.
        process.stdin.on('end', () => shutdown('parent exited'));
        process.stdin.on('error', () => shutdown('parent exited'));
        process.stdin.resume();
      }
    })
    .catch((error: unknown) => {
      const message = error instanceof ConfigError ? `invalid configuration: ${error.message}` : errorText(error);
      logger.fatal(message);
      process.exit(1);
    });
}
