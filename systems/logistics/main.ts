import { runService } from '../../common/process.js';
import { readLogisticsSystemConfig } from './config.js';
import { createLogisticsSystem } from './server.js';

runService('logistics-system', async () => {
  const config = readLogisticsSystemConfig(process.env);
  const server = await createLogisticsSystem(config);
  const url = await server.listen(config.port, config.host);
  return { url, server };
});
