import type { FastifyRequest } from 'fastify';
import { requestLineLogger } from '../../../../common/logger.js';
import { graphqlRequestLogPlugin, registerRequestLog, type RequestLog } from '../../../../common/request-log.js';
import type { GatewayFeature } from '../../feature.js';
import type { RequestTrace } from '../../observability/request-trace.js';

/**
 * One log line per HTTP request (`common/request-log.ts`), with the GraphQL operations it ran and
 * the request's trace id (`traceOf`, from the request traces feature: 401s have one too).
 */
export function requestLogFeature(traceOf: (request: FastifyRequest) => RequestTrace | undefined): GatewayFeature {
  const logger = requestLineLogger('gateway');
  let requestLog: RequestLog | undefined;
  return {
    register(app) {
      requestLog = registerRequestLog(app, { logger, traceId: (request) => traceOf(request)?.traceId });
    },
    plugins: [graphqlRequestLogPlugin()],
    contributeContext(context, request) {
      requestLog?.attach(context, request);
    },
  };
}
