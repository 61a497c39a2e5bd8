import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../../gateway/src/persisted/build-manifest.js';
import { composeSupergraph, readSupergraphConfig } from '../compose.js';
import { apiSchemaOf } from '../lib/api-schema.js';

/**
 * The example consumer operations (schema/operations/<client>/) are what schema:check judges
 * changes against: they must stay valid for the current schema, and the committed manifest must be
 * what `npm run persist -- schema/operations` writes from them.
 */
const DIR = 'schema/operations';
const files = readdirSync(DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((client) =>
    readdirSync(join(DIR, client.name))
      .filter((name) => name.endsWith('.graphql'))
      .map((name) => ({ path: join(DIR, client.name, name), clientName: client.name })),
  )
  .map((file) => ({ ...file, text: readFileSync(file.path, 'utf8') }));

describe('schema/operations', () => {
  it('every operation validates against the working-tree supergraph', () => {
    const { supergraphSdl, errors } = composeSupergraph(readSupergraphConfig());
    expect(errors).toEqual([]);
    const schema = apiSchemaOf(supergraphSdl!);
    const manifest = buildManifest(files);
    expect(manifest.operations.map((operation) => [operation.name, validate(schema, parse(operation.body)).map((error) => error.message)])).toEqual(
      manifest.operations.map((operation) => [operation.name, []]),
    );
  });

  it('schema/persisted-operations.json is up to date (npm run persist -- schema/operations)', () => {
    expect(JSON.parse(readFileSync('schema/persisted-operations.json', 'utf8'))).toEqual(buildManifest(files));
    expect(new Set(buildManifest(files).operations.map((operation) => operation.clientName))).toEqual(new Set(['reporting', 'support-console', 'web-portal']));
  });
});
