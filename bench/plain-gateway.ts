import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readInt, readOptionalUrl, readString } from '../common/config.js';
import { runService } from '../common/process.js';
import { createInternalTokenSigner, INTERNAL_TOKEN_TTL_SECONDS } from '../gateway/src/auth/internal-token.js';
import { SCOPES } from '../gateway/src/auth/presets.js';
import { loadPolicy } from '../gateway/src/authz/load.js';
import { DEFAULT_SUPERGRAPH, subgraphEnvName } from '../gateway/src/config.js';
import type { GatewayPrincipal } from '../gateway/src/context.js';
import { listSubgraphs } from '../gateway/src/supergraph.js';

/**
 * The benchmark's baseline: plain `@apollo/gateway` behind `@apollo/server`'s standalone HTTP
 * server, every default left alone (make-fetch-happen fetcher, no caches, no limits, no authz).
 * It serves the same supergraph as bizgraph, minus `for: SECURITY` on the policy links (the one
 * change @apollo/gateway needs to start at all), and its only addition is attaching the internal
 * token the subgraphs require. It ignores the caller's JWT and calls every subgraph as an admin.
 *
 * Env: PORT (default 0), HOST (127.0.0.1), BIZGRAPH_DATA_DIR (where the gateway's internal-token
 * key lives), BIZGRAPH_SUPERGRAPH (default the committed supergraph), SUBGRAPH_<NAME>_URL.
 */
const BENCH_ADMIN: GatewayPrincipal = { subject: 'bench-plain-gateway', scopes: SCOPES };
/** Re-signed well before the 60 s lifetime ends, so no token expires in flight. */
const RESIGN_EVERY_MS = (INTERNAL_TOKEN_TTL_SECONDS / 2) * 1000;

runService('plain-gateway', async () => {
  const env = process.env;
  const port = readInt(env, 'PORT', 0, { min: 0, max: 65535 });
  const host = readString(env, 'HOST', '127.0.0.1');
  const dataDir = readString(env, 'BIZGRAPH_DATA_DIR', '.data');
  const supergraphPath = readString(env, 'BIZGRAPH_SUPERGRAPH', DEFAULT_SUPERGRAPH);
  const source = { location: supergraphPath, variable: 'BIZGRAPH_SUPERGRAPH' as const };
  const sdl = await readFile(supergraphPath, 'utf8');
  const { executableSdl } = loadPolicy(sdl, source, 'apollo');
  const urls = new Map(listSubgraphs(sdl, source).map(({ name, url }) => [name, readOptionalUrl(env, `SUBGRAPH_${subgraphEnvName(name)}_URL`, ['http:', 'https:']) ?? url]));

  // One token per subgraph, signed up front and replaced on a timer: no signing on the request path.
  const signer = await createInternalTokenSigner({ dataDir });
  const tokens = new Map<string, string>();
  const resign = async () => {
    for (const name of urls.keys()) tokens.set(name, await signer.tokenFor(BENCH_ADMIN, name));
  };
  await resign();
  const timer = setInterval(() => void resign().catch((error: unknown) => console.error(String(error))), RESIGN_EVERY_MS);
  timer.unref();

  const gateway = new ApolloGateway({
    supergraphSdl: executableSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url: urls.get(name) ?? url,
        willSendRequest({ request }) {
          request.http?.headers.set('authorization', `Bearer ${tokens.get(name) ?? ''}`);
        },
      }),
  });
  // Lifecycle only, not performance: runService owns SIGINT/SIGTERM, a second handler would race it.
  const server = new ApolloServer({ gateway, stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, { listen: { port, host } });
  return { url: url.replace(/\/$/, ''), server: { close: () => server.stop() } };
});
