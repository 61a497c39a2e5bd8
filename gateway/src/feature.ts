import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, onResponseHookHandler, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { GatewayContext } from './context.js';
import type { SubgraphObserver } from './datasource/observer.js';

/**
 * Fastify hooks a feature adds to the `/graphql` route (after the app-wide ones). Callback style
 * (`done`), not async: an async hook costs a promise and a microtask per request.
 */
export interface GraphQLRouteHooks {
  onRequest?: onRequestHookHandler;
  preHandler?: preHandlerHookHandler;
  onSend?: onSendHookHandler<unknown>;
  onResponse?: onResponseHookHandler;
}

/**
 * What one gateway feature (`features/<name>/index.ts`) contributes; every member is optional.
 * `server.ts` composes an ordered list of features: their plugins, validation rules and hooks run
 * in list order, and they are closed in reverse order, once. Everything here is built once at
 * start-up; what runs per request must not allocate what could be made once.
 */
export interface GatewayFeature {
  /** Apollo Server plugins, in the order they run. */
  plugins?: ApolloServerPlugin<GatewayContext>[];
  /** Apollo Server `validationRules` (run once per document: Apollo caches the validation). */
  validationRules?: ValidationRule[];
  /** Apollo Server `parseOptions` (at most one feature may set them). */
  parseOptions?: ParseOptions;
  /** Apollo Server `persistedQueries` (at most one feature may set them). @default false */
  persistedQueries?: ApolloServerOptions<GatewayContext>['persistedQueries'];
  /** Hooks on the `/graphql` route. */
  routeHooks?: GraphQLRouteHooks;
  /** App-wide hooks and extra routes; called right after the app is created, before `/graphql` exists. */
  register?(app: FastifyInstance): void;
  /** Told of each subgraph fetch of a client operation (the data source imports no feature). */
  subgraphObserver?: SubgraphObserver;
  /**
   * Fills this feature's slots of a `/graphql` request's context (declared in `context.ts`), after
   * authentication. Must be cheap and must not create closures: it runs for every request.
   */
  contributeContext?(context: GatewayContext, request: FastifyRequest, reply: FastifyReply): void;
  /**
   * The request was refused before any operation ran, so no plugin sees it: its context could not
   * be built (an invalid token, answered 401), its deadline passed while it waited for admission
   * (`GATEWAY_OVERLOADED`, 503), or it was not a GraphQL request the gateway accepts (CSRF
   * prevention, no query, an empty batch, a body that is not JSON: 400 `BAD_REQUEST`).
   * `startedAt` is `performance.now()` at the request's arrival.
   */
  refusedBeforeOperation?(error: unknown, request: FastifyRequest, startedAt: number): void;
  /** Releases what the feature holds (files, connections, timers, subscriptions). */
  close?(): Promise<void> | void;
}

/** The features of one gateway, put together once at start-up for `server.ts`. */
export interface ComposedFeatures {
  plugins: ApolloServerPlugin<GatewayContext>[];
  validationRules: ValidationRule[];
  parseOptions: ParseOptions | undefined;
  persistedQueries: ApolloServerOptions<GatewayContext>['persistedQueries'];
  /** Each `/graphql` hook as the list of the features' handlers, in list order (fastify takes arrays). */
  routeHooks: { [K in keyof GraphQLRouteHooks]?: NonNullable<GraphQLRouteHooks[K]>[] };
  observers: SubgraphObserver[];
  register(app: FastifyInstance): void;
  contributeContext(context: GatewayContext, request: FastifyRequest, reply: FastifyReply): void;
  refusedBeforeOperation(error: unknown, request: FastifyRequest, startedAt: number): void;
  /** Closes every feature in reverse list order, each once even when one fails; rejects with the first failure. */
  close(): Promise<void>;
}

const HOOKS = ['onRequest', 'preHandler', 'onSend', 'onResponse'] as const;

/**
 * Puts an ordered feature list together. Everything per request is prepared here: the context
 * hooks run from prebuilt arrays, so composing adds no per-request closure.
 */
export function composeFeatures(features: readonly GatewayFeature[]): ComposedFeatures {
  const routeHooks: ComposedFeatures['routeHooks'] = {};
  for (const name of HOOKS) {
    const handlers = features.flatMap((feature) => feature.routeHooks?.[name] ?? []);
    if (handlers.length > 0) (routeHooks as Record<string, unknown[]>)[name] = handlers;
  }
  const contributors = features.filter((feature) => feature.contributeContext);
  const refusalWatchers = features.filter((feature) => feature.refusedBeforeOperation);
  return {
    plugins: features.flatMap((feature) => feature.plugins ?? []),
    validationRules: features.flatMap((feature) => feature.validationRules ?? []),
    parseOptions: single(features, 'parseOptions'),
    persistedQueries: single(features, 'persistedQueries') ?? false,
    routeHooks,
    observers: features.flatMap((feature) => (feature.subgraphObserver ? [feature.subgraphObserver] : [])),
    register(app) {
      for (const feature of features) feature.register?.(app);
    },
    contributeContext(context, request, reply) {
      for (const feature of contributors) feature.contributeContext!(context, request, reply);
    },
    refusedBeforeOperation(error, request, startedAt) {
      for (const feature of refusalWatchers) feature.refusedBeforeOperation!(error, request, startedAt);
    },
    async close() {
      let failure: unknown;
      for (const feature of [...features].reverse()) {
        try {
          await feature.close?.();
        } catch (error) {
          failure ??= error;
        }
      }
      if (failure !== undefined) throw failure;
    },
  };
}

/** An Apollo Server option only one feature may own: two would silently override each other. */
function single<K extends 'parseOptions' | 'persistedQueries'>(features: readonly GatewayFeature[], key: K): GatewayFeature[K] {
  const owners = features.filter((feature) => feature[key] !== undefined);
  if (owners.length > 1) throw new Error(`two gateway features set Apollo Server's ${key}`);
  return owners[0]?.[key];
}
