import { ConfigError } from '../../../common/config.js';
import type { SupergraphSource } from '../config.js';
import { readSupergraphPolicy, type SupergraphPolicy } from './policy.js';

/**
 * Reads the supergraph's authorization policy or refuses to start: the gateway's own enforcement
 * is the only guard (@apollo/gateway enforces none), so a policy it cannot read must not be served.
 */
export function loadPolicy(sdl: string, source: Pick<SupergraphSource, 'location' | 'variable'>): SupergraphPolicy {
  try {
    return readSupergraphPolicy(sdl);
  } catch (error) {
    throw new ConfigError(source.variable, `${source.location}: cannot read the authorization policy: ${(error as Error).message}`);
  }
}
