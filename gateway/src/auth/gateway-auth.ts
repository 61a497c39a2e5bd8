import type { FastifyInstance } from 'fastify';
import { createAuthenticator, type Authenticator } from './authenticate.js';
import type { AuthConfig } from './config.js';
import { createInternalTokenSigner, type InternalTokenSigner } from './internal-token.js';
import { loadUserKeys } from './jwks.js';

export interface GatewayAuth {
  /** Verifies the caller's bearer token (the `context` function calls it). */
  authenticator: Authenticator;
  /** Signs the internal tokens the data sources send to subgraphs. */
  internalTokens: InternalTokenSigner;
  /** `/.well-known/jwks.json` (dev issuer only) and `/.well-known/internal-jwks.json`. */
  registerRoutes(app: FastifyInstance): void;
}

/**
 * Everything the gateway needs for authentication and subgraph trust, built once at start: the
 * user-token keys (remote, file or dev issuer), the verifier, and the internal-token signer.
 */
export async function createGatewayAuth(config: AuthConfig): Promise<GatewayAuth> {
  const [keys, internalTokens] = await Promise.all([loadUserKeys(config), createInternalTokenSigner({ dataDir: config.dataDir, keyFiles: config.signingKeyFiles })]);
  return {
    authenticator: createAuthenticator(config, keys.getKey),
    internalTokens,
    registerRoutes(app) {
      // With JWT_JWKS_URL the identity provider publishes its keys; the gateway serves none of them.
      if (keys.devJwks) {
        const devJwks = keys.devJwks;
        app.get('/.well-known/jwks.json', async (_request, reply) => reply.header('cache-control', 'max-age=300').send(devJwks));
      }
      app.get('/.well-known/internal-jwks.json', async (_request, reply) => reply.header('cache-control', 'max-age=60').send(internalTokens.jwks));
    },
  };
}
