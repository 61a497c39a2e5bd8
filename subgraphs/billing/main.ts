import { runService } from '../../common/process.js';
import { readBillingConfig } from './config.js';
import { createSubgraph } from './server.js';

runService('billing-subgraph', async () => {
  const config = readBillingConfig(process.env);
  const server = await createSubgraph(config);
  const url = await server.listen(config.port, config.host);
  return { url, server };
});
