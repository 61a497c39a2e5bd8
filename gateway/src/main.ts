import { runService } from '../../common/process.js';
import { startPassedTracing } from '../../common/passed-tracing.js';
import { readGatewayConfig } from './config.js';

// Before anything else. Each request's trace lives in its context (features/tracing), so no
// AsyncLocalStorage context manager, and no tracer provider at all unless spans are exported.
const tracing = startPassedTracing('gateway', process.env);

runService('gateway', async () => {
  const config = readGatewayConfig(process.env, process.argv.slice(2));
  // Loaded after the settings are validated: a bad variable fails at once, not after seconds of imports.
  const { createGateway } = await import('./server.js');
  const gateway = await createGateway(config);
  const url = await gateway.listen(config.port, config.host);
  return { url, server: tracing.closing(gateway), details: { executor: config.executor } };
});
