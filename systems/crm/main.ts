import { runService } from '../../common/process.js';
import { readCrmSystemConfig } from './config.js';
import { createCrmSystem } from './server.js';

runService('crm-system', async () => {
  const config = readCrmSystemConfig(process.env);
  const server = await createCrmSystem(config);
  const url = await server.listen(config.port, config.host);
  return { url, server };
});
