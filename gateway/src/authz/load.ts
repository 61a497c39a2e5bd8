import type { DocumentNode } from 'graphql';
import { ConfigError } from '../../../common/config.js';
import type { ExecutorKind, SupergraphSource } from '../config.js';
import { readSupergraphPolicy, type SupergraphPolicy } from './policy.js';

/**
 * Linked features bizgraph's executor serves and @apollo/gateway 2.14 does not: it refuses
 * `@context` supergraphs, and its executor ignores the plan's `contextRewrites` besides.
 */
const SERVED_ONLY_BY_BIZGRAPH = ['https://specs.apollo.dev/context/'];

/**
 * Reads the supergraph's authorization policy or refuses to start: the gateway's own enforcement
 * is the only guard (@apollo/gateway enforces none), so a policy it cannot read must not be served.
 * A feature the executor that will serve it cannot serve is refused here too, naming the setting
 * that chose it (`executor` is left out by offline tools, which only read the policy).
 */
export function loadPolicy(supergraph: string | DocumentNode, source: Pick<SupergraphSource, 'location' | 'variable'>, executor?: ExecutorKind): SupergraphPolicy {
  let policy: SupergraphPolicy;
  try {
    policy = readSupergraphPolicy(supergraph);
  } catch (error) {
    throw new ConfigError(source.variable, `${source.location}: cannot read the authorization policy: ${(error as Error).message}`);
  }
  const unserved = executor === 'apollo' ? policy.executionFeatures.filter((url) => SERVED_ONLY_BY_BIZGRAPH.some((spec) => url.startsWith(spec))) : [];
  if (unserved.length > 0) {
    throw new ConfigError(
      'GATEWAY_EXECUTOR',
      `${source.location} links ${unserved.join(', ')}, which GATEWAY_EXECUTOR=apollo cannot serve (@apollo/gateway ignores @fromContext values); use GATEWAY_EXECUTOR=bizgraph`,
    );
  }
  return policy;
}
