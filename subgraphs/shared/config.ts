import { readInt, readString, type Env } from '../../common/config.js';

/** Common settings every subgraph reads. */
export interface SubgraphBaseConfig {
  port: number;
  host: string;
  production: boolean;
  dataDir: string;
}

export function readSubgraphBaseConfig(env: Env, defaultPort: number): SubgraphBaseConfig {
  return {
    port: readInt(env, 'PORT', defaultPort, { min: 0, max: 65535 }),
    host: readString(env, 'HOST', '127.0.0.1'),
    production: env.NODE_ENV === 'production',
    dataDir: readString(env, 'BIZGRAPH_DATA_DIR', '.data'),
  };
}
