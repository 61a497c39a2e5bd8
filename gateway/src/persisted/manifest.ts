import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../../common/config.js';

/** The manifest format `npm run persist` writes and the gateway reads in safelist mode. */
export const MANIFEST_FORMAT = 'bizgraph-persisted-operations/1';

export interface PersistedOperation {
  /** sha256 (hex) of `body`: the hash clients send in `extensions.persistedQuery.sha256Hash`. */
  id: string;
  name: string;
  /** The exact text clients send; any other spelling has another hash and is refused. */
  body: string;
  /** The client that sends it (its `apollographql-client-name`), for `schema:check`'s consumer impact. */
  clientName?: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  operations: PersistedOperation[];
}

/** Apollo Server's APQ hash: sha256 of the exact query text, hex. */
export function operationHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The hash a client sent in `extensions.persistedQuery.sha256Hash`, or undefined unless it is a string. */
export function sentPersistedQueryHash(extensions: unknown): string | undefined {
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

/**
 * Reads the manifest once, at start: hash → body. A missing file, bad JSON, an unknown format or
 * an id that is not its body's hash stops the gateway with a ConfigError naming PERSISTED_MANIFEST.
 */
export function readManifest(path: string): ReadonlyMap<string, string> {
  const fail = (message: string): never => {
    throw new ConfigError('PERSISTED_MANIFEST', `${path}: ${message}`);
  };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); create it with npm run persist`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    fail('is not valid JSON');
  }
  const { format, operations } = (manifest ?? {}) as Partial<Manifest>;
  if (format !== MANIFEST_FORMAT) fail(`expected "format": "${MANIFEST_FORMAT}"`);
  if (!Array.isArray(operations)) fail('expected an "operations" array');
  const byHash = new Map<string, string>();
  operations!.forEach((operation, index) => {
    const { id, name, body } = (operation ?? {}) as Partial<PersistedOperation>;
    if (typeof id !== 'string' || typeof name !== 'string' || typeof body !== 'string') fail(`operations[${index}] needs string "id", "name" and "body"`);
    const { clientName } = operation as Partial<PersistedOperation>;
    if (clientName !== undefined && (typeof clientName !== 'string' || !clientName)) fail(`operations[${index}] (${name}): "clientName" must be a non-empty string when present`);
    if (operationHash(body!) !== id) fail(`operations[${index}] (${name}): "id" is not the sha256 of "body"`);
    byHash.set(id!, body!);
  });
  return byHash;
}
