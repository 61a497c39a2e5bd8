import { runService } from '../../common/process.js';
import { startTracing } from '../../common/tracing.js';
import { readLogisticsSubgraphConfig } from './config.js';
import { createSubgraph } from './server.js';

// Before anything else: every request of this process gets a trace id and `traceparent` travels on.
const tracing = startTracing('logistics-subgraph');

runService('logistics-subgraph', async () => {
  const config = readLogisticsSubgraphConfig(process.env);
  const server = await createSubgraph(config);
  return { url: await server.listen(config.port, config.host), server: tracing.closing(server) };
});
