import type { Env } from '../../common/config.js';
import { readShutdownSettings } from '../../common/graceful-shutdown.js';
import { readMaxStringBytes } from '../../common/input-strings.js';
import { exportsSpans } from '../../common/trace-export.js';
import { readGatewayConfig } from '../../gateway/src/config.js';
import { readBillingSubgraphConfig } from '../../subgraphs/billing/config.js';
import { readCrmSubgraphConfig } from '../../subgraphs/crm/config.js';
import { readErpSubgraphConfig } from '../../subgraphs/erp/config.js';
import { readLogisticsSubgraphConfig } from '../../subgraphs/logistics/config.js';
import { readSupportSubgraphConfig } from '../../subgraphs/support/config.js';
import { readCrmSystemConfig } from '../../systems/crm/config.js';
import { readLogisticsSystemConfig } from '../../systems/logistics/config.js';
import { readSupportSystemConfig } from '../../systems/support/config.js';

/**
 * Which environment variables a process reads, found by reading its configuration with a given
 * environment and recording what it asks for: deployment descriptions (docker-compose.yml, the
 * Kubernetes manifests) are checked with it to set no variable their process ignores.
 */
/** What a process asks its environment for, recorded while its configuration is read. */
export function variablesRead(read: (env: Env) => void, environment: Record<string, string>, interpolate: (value: string) => string = (value) => value): Set<string> {
  const asked = new Set<string>();
  const values = Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, interpolate(String(value))]));
  const env = new Proxy(values, {
    get(target, name) {
      if (typeof name === 'string') asked.add(name);
      return target[name as string];
    },
  });
  read(env);
  return asked;
}

/** Everything a subgraph reads at start besides its own configuration (createSubgraphServer, tracing). */
const subgraphCommon = (env: Env) => {
  readShutdownSettings(env);
  readMaxStringBytes(env);
  exportsSpans(env);
  void env.READY_CHECK_TIMEOUT_MS;
  void env.DEBUG_ERRORS;
  void env.CACHE_MAX_AGE_SECONDS;
};
/** Each compiled entry's configuration reading, by the path a container runs (`dist/…/main.js`). */
export const READERS: Record<string, (env: Env) => void> = {
  'dist/gateway/src/main.js': (env) => {
    readGatewayConfig(env, []);
    exportsSpans(env);
  },
  'dist/subgraphs/crm/main.js': (env) => (readCrmSubgraphConfig(env), subgraphCommon(env)),
  'dist/subgraphs/erp/main.js': (env) => (readErpSubgraphConfig(env), subgraphCommon(env)),
  'dist/subgraphs/billing/main.js': (env) => (readBillingSubgraphConfig(env), subgraphCommon(env)),
  'dist/subgraphs/support/main.js': (env) => (readSupportSubgraphConfig(env), subgraphCommon(env)),
  'dist/subgraphs/logistics/main.js': (env) => (readLogisticsSubgraphConfig(env), subgraphCommon(env)),
  'dist/systems/crm/main.js': (env) => void readCrmSystemConfig(env),
  'dist/systems/support/main.js': (env) => void readSupportSystemConfig(env),
  'dist/systems/logistics/main.js': (env) => void readLogisticsSystemConfig(env),
};
