import { runService } from '../../common/process.js';
import { readCrmSubgraphConfig } from './config.js';
import { createSubgraph } from './server.js';

runService('crm-subgraph', async () => {
  const config = readCrmSubgraphConfig(process.env);
  const server = await createSubgraph(config);
  const url = await server.listen(config.port, config.host);
  return { url, server };
});
