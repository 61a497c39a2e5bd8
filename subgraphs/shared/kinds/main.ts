import type { Env } from '../../../common/config.js';
import { runService } from '../../../common/process.js';
import { startTracing } from '../../../common/tracing.js';
import type { SubgraphBaseConfig } from '../config.js';
import type { SubgraphServer } from '../server.js';

/**
 * A subgraph's `main.ts` in one call: reads the config from the environment (a bad value stops the
 * process naming the variable), builds the server and listens, with tracing and signal handling.
 */
export function runSubgraph<Config extends SubgraphBaseConfig>(name: string, readConfig: (env: Env) => Config, createSubgraph: (config: Config) => Promise<SubgraphServer>): void {
  // Before the server exists: every request of this process gets a trace id and `traceparent` travels on.
  const tracing = startTracing(`${name}-subgraph`);
  runService(`${name}-subgraph`, async () => {
    const config = readConfig(process.env);
    const server = await createSubgraph(config);
    return { url: await server.listen(config.port, config.host), server: tracing.closing(server) };
  });
}
