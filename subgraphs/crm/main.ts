import { runService } from '../../common/process.js';
import { startTracing } from '../../common/tracing.js';
import { readCrmSubgraphConfig } from './config.js';
import { createSubgraph } from './server.js';

// Before anything else: every request of this process gets a trace id and `traceparent` travels on.
const tracing = startTracing('crm-subgraph');

runService('crm-subgraph', async () => {
  const config = readCrmSubgraphConfig(process.env);
  const server = await createSubgraph(config);
  const url = await server.listen(config.port, config.host);
  return { url, server: tracing.closing(server) };
});
