import { inject } from 'vitest';
import type { Principal } from '../../subgraphs/shared/context.js';
import { graphql, http, type GraphQLResponse } from './graphql.js';
import { registerGateway, type Stack, type SubgraphName, type SystemName } from './stack.js';
import { devToken, HARNESS_PRINCIPAL, internalAuthorization, type DevTokenOptions } from './tokens.js';

/** A process of a shared stack as a borrowing file sees it: its URL (the process belongs to the runner). */
export interface SharedService {
  name: string;
  url: string;
}

/** What the lender (test/helpers/shared-stack-server.ts) sends about one of its stacks. */
export interface SharedStackDescriptor {
  id: number;
  dataDir: string;
  env: Record<string, string>;
  gatewayUrl: string;
  gateway: SharedService;
  systems: Record<string, SharedService>;
  subgraphs: Record<string, SharedService>;
}

/**
 * A default stack (`startStack()`, entity caches off, default seed) that several test files use one
 * after another. Only for files that read: nothing killed, restarted, reconfigured or written. A
 * file has the stack to itself while it holds it, so counters reset and read inside one test stay
 * exact; anything a test reads that an earlier file may have moved must be reset or read as a delta.
 */
export interface SharedStack extends Pick<Stack, 'dataDir' | 'env' | 'gatewayUrl' | 'query' | 'subgraphQuery'> {
  systems: Record<SystemName, SharedService> & Record<string, SharedService>;
  subgraphs: Record<SubgraphName, SharedService>;
  gateway: SharedService;
  /** Gives the stack back to the lender (it keeps running for the next file). */
  stop(): Promise<void>;
}

/**
 * Borrows a shared stack for this file (call in `beforeAll`, `stop()` in `afterAll`). `token`, as in
 * `startStack`, is the dev-issuer user token `query` carries; unset → anonymous.
 */
export async function borrowStack(options: { token?: DevTokenOptions } = {}): Promise<SharedStack> {
  const lender = inject('sharedStackLender');
  const borrowed = await http<SharedStackDescriptor & { message?: string }>('POST', `${lender}/borrow`);
  if (borrowed.status !== 200) throw new Error(`no shared stack: ${borrowed.body.message ?? borrowed.status}`);
  const descriptor = borrowed.body;
  registerGateway(descriptor.gateway.url, descriptor.dataDir);
  const authorization: Record<string, string> = options.token ? { authorization: `Bearer ${await devToken(descriptor.dataDir, options.token)}` } : {};
  let returned = false;
  return {
    dataDir: descriptor.dataDir,
    env: descriptor.env,
    gatewayUrl: descriptor.gatewayUrl,
    gateway: descriptor.gateway,
    systems: descriptor.systems as SharedStack['systems'],
    subgraphs: descriptor.subgraphs as SharedStack['subgraphs'],
    query: <D = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<D>> =>
      graphql<D>(descriptor.gatewayUrl, query, variables, { ...authorization, ...headers }),
    subgraphQuery: async <D = Record<string, any>>(name: SubgraphName, query: string, variables?: Record<string, unknown>, principal: Principal | null = HARNESS_PRINCIPAL) =>
      graphql<D>(`${descriptor.subgraphs[name]!.url}/graphql`, query, variables, await internalAuthorization(descriptor.dataDir, name, principal)),
    async stop() {
      if (returned) return;
      returned = true;
      await http('POST', `${lender}/return/${descriptor.id}`);
    },
  };
}
