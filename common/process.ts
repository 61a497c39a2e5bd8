import { ConfigError } from './config.js';

export interface Closeable {
  close(): Promise<void>;
}

/**
 * Runs a process entry point: prints the `listening` line supervisors and tests wait for,
 * closes cleanly on SIGINT/SIGTERM, and turns a bad setting into a one-line message + exit 1.
 */
export function runService(service: string, start: () => Promise<{ url: string; server: Closeable }>): void {
  start()
    .then(({ url, server }) => {
      console.log(JSON.stringify({ level: 'info', service, msg: 'listening', url }));
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        console.log(JSON.stringify({ level: 'info', service, msg: 'shutting down', signal }));
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
      const message = error instanceof ConfigError ? `invalid configuration: ${error.message}` : String((error as Error)?.stack ?? error);
      console.error(JSON.stringify({ level: 'fatal', service, msg: message }));
      process.exit(1);
    });
}
