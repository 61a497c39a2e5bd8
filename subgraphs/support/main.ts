import { runService } from '../../common/process.js';
import { readSupportSubgraphConfig } from './config.js';
import { createSubgraph } from './server.js';

runService('support-subgraph', async () => {
  const config = readSupportSubgraphConfig(process.env);
  const server = await createSubgraph(config);
  return { url: await server.listen(config.port, config.host), server };
});
