import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../../../common/atomic-file.js';

/**
 * Where the HTTP transport (NATS_URL unset) finds each consuming subgraph: the embedded default
 * has no broker, so the producers POST to the consumers. Each consuming subgraph, once it listens,
 * writes its base URL to `<BIZGRAPH_DATA_DIR>/events/subscribers/<name>.url` (the data dir every
 * process of one stack shares); a subgraph restarted on another port overwrites it, and producers
 * read it again when it changed. `EVENTS_<NAME>_URL` overrides it (subgraphs on other hosts).
 */
export function subscriberFile(dataDir: string, name: string): string {
  return join(dataDir, 'events', 'subscribers', `${name}.url`);
}

/** Announces this subgraph's base URL (e.g. `http://127.0.0.1:4003`) to the producers. */
export async function announceSubscriber(dataDir: string, name: string, baseUrl: string): Promise<void> {
  mkdirSync(join(dataDir, 'events', 'subscribers'), { recursive: true });
  await writeFileAtomically(subscriberFile(dataDir, name), `${baseUrl}\n`);
}

export type SubscriberUrls = (name: string) => string | undefined;

/** Reads subscribers' base URLs: the env override, else the announced file (re-read when it changes), else undefined (not started yet: retried later). */
export function subscriberUrls(dataDir: string, env: NodeJS.ProcessEnv = process.env): SubscriberUrls {
  const cache = new Map<string, { mtimeMs: number; url: string }>();
  return (name) => {
    const override = env[`EVENTS_${name.toUpperCase()}_URL`];
    if (override) return override.replace(/\/+$/, '');
    const file = subscriberFile(dataDir, name);
    try {
      const { mtimeMs } = statSync(file);
      const known = cache.get(name);
      if (known && known.mtimeMs === mtimeMs) return known.url;
      const url = readFileSync(file, 'utf8').trim();
      cache.set(name, { mtimeMs, url });
      return url;
    } catch {
      return undefined;
    }
  };
}
