import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { CounterTally, HistogramTally } from '../../../../common/metric-tally.js';
import { boundedLabel, CLIENT_PATTERN, CODE_PATTERN, LATENCY_BUCKETS, NAME_PATTERN } from '../../../../common/metrics.js';
import { describeOperation, describeRawOperation, outcomeOf, type OperationOutcome } from '../../operation.js';
import { deniedCoordinates } from '../../authz/enforce.js';
import type { GatewayContext } from '../../context.js';

export interface RequestMetrics {
  /** Counts every operation Apollo Server answers (executed or refused), at `willSendResponse`. */
  plugin: ApolloServerPlugin<GatewayContext>;
  /**
   * Counts a request refused before any operation ran, which no plugin sees: a refused token
   * (outcome `unauthenticated`), a wait for admission past the deadline (`GATEWAY_OVERLOADED`,
   * outcome `error`) or a request that is not one the gateway accepts (`BAD_REQUEST`, see
   * `GatewayFeature`, outcome `rejected`).
   */
  refusedBeforeOperation(error: unknown, request: FastifyRequest, startedAt: number): void;
}

interface Observation {
  operationName: string | null;
  operationType: string | null;
  clientName: string | null;
  outcome: OperationOutcome;
  errors: readonly unknown[];
  denied: readonly string[];
  seconds: number;
  /** Whether new operation/client names may get their own series (only resolved operations). */
  admit: boolean;
}

/**
 * Per-operation gateway metrics: requests by operation, client, type and outcome (the audit
 * trail's outcome), duration, errors by code and authorization denials by coordinate. Operation
 * and client names are client-supplied, so their series are capped (see `boundedLabel`) and only
 * an operation that parsed and validated may add a new name — a stream of junk requests cannot
 * push real names out.
 */
export function createRequestMetrics(registry: Registry, options: { maxTokens: number }): RequestMetrics {
  const registers = [registry];
  const requests = new CounterTally({
    name: 'bizgraph_gateway_requests_total',
    help: 'GraphQL operations answered, by operation name, client name (apollographql-client-name), operation type and outcome.',
    labelNames: ['operation', 'client', 'type', 'outcome'],
    registers,
  });
  const duration = new HistogramTally({
    name: 'bizgraph_gateway_request_duration_seconds',
    help: 'From the HTTP request (before authentication) to the answer of each operation.',
    labelNames: ['operation', 'type'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const errors = new CounterTally({ name: 'bizgraph_gateway_errors_total', help: 'Errors sent to clients, by extensions.code.', labelNames: ['code'], registers });
  const denials = new CounterTally({
    name: 'bizgraph_gateway_authz_denials_total',
    help: 'Operations in which authorization removed (filter mode) or refused (reject mode) a field, by coordinate Type.field.',
    labelNames: ['coordinate'],
    registers,
  });
  const operationLabel = boundedLabel({ max: 100, pattern: NAME_PATTERN, fallback: 'anonymous' });
  const clientLabel = boundedLabel({ max: 20, pattern: CLIENT_PATTERN, fallback: 'unknown' });
  // Subgraphs of foreign supergraphs may send any code: bounded like the names.
  const codeLabel = boundedLabel({ max: 50, pattern: CODE_PATTERN, fallback: 'unknown' });

  const record = (o: Observation) => {
    const operation = operationLabel(o.operationName, o.admit);
    const type = o.operationType ?? 'unknown';
    requests.add([operation, clientLabel(o.clientName, o.admit), type, o.outcome]);
    duration.observe([operation, type], o.seconds);
    for (const error of o.errors) errors.add([codeLabel(codeOf(error))]);
    // Coordinates come from the supergraph's policy, so they are bounded by the schema.
    for (const coordinate of o.denied) denials.add([coordinate]);
  };

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ contextValue }) {
      // Timed from the HTTP request's arrival, before authentication; without HTTP (executeOperation) from here.
      const started = contextValue.startedAt ?? performance.now();
      return {
        async willSendResponse({ contextValue, request, response, document, operation }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const sent = result.errors ?? [];
          const hasData = typeof result.data === 'object' && result.data !== null;
          const named = operation ? { operationName: operation.name?.value ?? null, operationType: operation.operation } : describeOperation(document, request.operationName);
          record({
            ...named,
            clientName: request.http?.headers.get('apollographql-client-name') ?? null,
            outcome: outcomeOf(
              response.http.status,
              hasData,
              sent.length,
              sent.map(codeOf).filter((code): code is string => code !== null),
            ),
            errors: sent,
            denied: deniedCoordinates(contextValue),
            seconds: (performance.now() - started) / 1000,
            admit: operation !== undefined,
          });
        },
      };
    },
  };

  return {
    plugin,
    refusedBeforeOperation(error, request, started) {
      // No operation ran (a refused token, an expired wait), so the plugin never sees this request.
      const raw = describeRawOperation(request.method === 'GET' ? request.query : request.body, options.maxTokens);
      const header = request.headers['apollographql-client-name'];
      const code = codeOf(error);
      record({
        operationName: raw.operationName,
        operationType: raw.operationType,
        clientName: typeof header === 'string' ? header : null,
        // BAD_REQUEST: the caller's mistake (400); GATEWAY_OVERLOADED (503) and anything else: ours.
        outcome: code === 'UNAUTHENTICATED' ? 'unauthenticated' : code === 'BAD_REQUEST' ? 'rejected' : 'error',
        errors: [error],
        denied: [],
        seconds: (performance.now() - started) / 1000,
        admit: false,
      });
    },
  };
}

function codeOf(error: unknown): string | null {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' && code !== '' ? code : null;
}
