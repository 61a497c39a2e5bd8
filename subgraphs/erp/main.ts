import { runService } from '../../common/process.js';
import { readErpConfig } from './config.js';
import { createSubgraph } from './server.js';

runService('erp-subgraph', async () => {
  const config = readErpConfig(process.env);
  const server = await createSubgraph(config);
  const { kind, migrated, seeded, seedMs } = server.startup;
  console.log(JSON.stringify({ level: 'info', service: 'erp-subgraph', msg: 'database ready', kind, migrated, seeded, seedMs }));
  return { url: await server.listen(config.port, config.host), server };
});
