import { readOnOff, type Env } from '../../../../common/config.js';

/** Settings of provenance (`extensions.sources`), read once at start-up. */
export interface ProvenanceConfig {
  /**
   * `PROVENANCE` = `on|off`, default `off`: whether answers carry `extensions.sources` when the
   * client sends no `bizgraph-provenance` header (`1` asks for it, `0` declines it either way).
   */
  defaultOn: boolean;
}

export function readProvenanceConfig(env: Env): ProvenanceConfig {
  return { defaultOn: readOnOff(env, 'PROVENANCE', false) };
}
