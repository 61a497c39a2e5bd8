import type { preHandlerHookHandler } from 'fastify';
import { operationLimitError } from '../../errors.js';
import type { GatewayFeature } from '../../feature.js';

/**
 * Fastify `preHandler` for `/graphql`: a batched HTTP request (JSON array body) with more than
 * `maxBatch` operations is answered 400 with one `OPERATION_LIMIT_EXCEEDED` error (`limit:
 * 'batch'`) before Apollo Server sees it, so none of its operations runs. Per-operation limits
 * still apply to each operation of an accepted batch.
 */
export function batchCapFeature(maxBatch: number): GatewayFeature {
  return { routeHooks: { preHandler: batchCap(maxBatch) } };
}

function batchCap(maxBatch: number): preHandlerHookHandler {
  return function capBatch(request, reply, done) {
    const { body } = request;
    if (!Array.isArray(body) || body.length <= maxBatch) {
      done();
      return;
    }
    const error = operationLimitError('batch', maxBatch, body.length);
    const { http: _http, ...extensions } = error.extensions;
    // Answered here without calling done(): fastify then runs neither later hooks nor the handler.
    void reply
      .code(400)
      .type('application/json; charset=utf-8')
      .send({ errors: [{ message: error.message, extensions }] });
  };
}
