import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ROOT } from './processes.js';

/**
 * Which processes make up the stack, read from `schema/supergraph.yaml` so a subgraph added there
 * (by `npm run new:subgraph`) is started by `npm start` and the test stack with no further edits.
 */
export interface SubgraphProcess {
  name: string;
  /** `subgraphs/<name>/main.ts`. */
  entry: string;
  /** The port of its `routing_url`. */
  port: number;
  /** The business-system stand-in, when `systems/<name>/main.ts` exists. */
  system?: SystemProcess;
}

export interface SystemProcess {
  name: string;
  entry: string;
  /** By convention the subgraph's port + 100 (crm 4101, support 4104, logistics 4105). */
  port: number;
  /** `<NAME>_API_URL`: when set, the subgraph talks to that system and no stand-in starts. */
  apiUrlVariable: string;
  /** `<NAME>_WEBHOOK_URL`: where the stand-in posts its change webhooks (`/webhooks/<name>` of the subgraph). */
  webhookUrlVariable: string;
}

const STAND_IN_PORT_OFFSET = 100;

export function readTopology(root = ROOT): SubgraphProcess[] {
  const path = join(root, 'schema/supergraph.yaml');
  const config = YAML.parse(readFileSync(path, 'utf8')) as { subgraphs?: Record<string, { routing_url?: unknown }> } | null;
  return Object.entries(config?.subgraphs ?? {}).map(([name, entry]) => {
    const port = typeof entry.routing_url === 'string' ? Number(new URL(entry.routing_url).port) : NaN;
    if (!Number.isInteger(port) || port <= 0) throw new Error(`${path}: subgraphs.${name}.routing_url needs an explicit port`);
    const systemEntry = `systems/${name}/main.ts`;
    const prefix = name.toUpperCase();
    return {
      name,
      entry: `subgraphs/${name}/main.ts`,
      port,
      ...(existsSync(join(root, systemEntry))
        ? {
            system: {
              name: `${name}-system`,
              entry: systemEntry,
              port: port + STAND_IN_PORT_OFFSET,
              apiUrlVariable: `${prefix}_API_URL`,
              webhookUrlVariable: `${prefix}_WEBHOOK_URL`,
            },
          }
        : {}),
    };
  });
}
