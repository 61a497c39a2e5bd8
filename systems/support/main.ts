import { runService } from '../../common/process.js';
import { readSupportSystemConfig } from './config.js';
import { createSupportSystem } from './server.js';

runService('support-system', async () => {
  const config = readSupportSystemConfig(process.env);
  const server = await createSupportSystem(config);
  const url = await server.listen(config.port, config.host);
  return { url, server };
});
