import { processLogger } from '../../common/logger.js';
import { runService } from '../../common/process.js';
import { startTracing } from '../../common/tracing.js';
import { readErpConfig } from './config.js';
import { createSubgraph } from './server.js';

// Before anything else: every request of this process gets a trace id and `traceparent` travels on.
const tracing = startTracing('erp-subgraph');

runService('erp-subgraph', async () => {
  const config = readErpConfig(process.env);
  const server = await createSubgraph(config);
  const { kind, migrated, seeded, seedMs } = server.startup;
  processLogger('erp-subgraph').info({ kind, migrated, seeded, seedMs }, 'database ready');
  return { url: await server.listen(config.port, config.host), server: tracing.closing(server) };
});
