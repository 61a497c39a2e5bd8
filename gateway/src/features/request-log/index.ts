import { processLogger } from '../../../../common/logger.js';
import { graphqlRequestLogPlugin, registerRequestLog } from '../../../../common/request-log.js';
import type { GatewayFeature } from '../../feature.js';

/**
 * One log line per HTTP request (`common/request-log.ts`), with the GraphQL operations it ran.
 * After the request spans in the feature list: its hooks need the request's trace id.
 */
export function requestLogFeature(): GatewayFeature {
  const logger = processLogger('gateway');
  return { register: (app) => registerRequestLog(app, { logger }), plugins: [graphqlRequestLogPlugin()] };
}
