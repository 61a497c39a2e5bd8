import { Kind, parse, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { MANIFEST_FORMAT, operationHash, type Manifest } from './manifest.js';

/** A reason `npm run persist` refuses the operations (exit 2). */
export class ManifestBuildError extends Error {}

export interface OperationFile {
  /** Shown in messages. */
  path: string;
  text: string;
  /** The client whose operations these are (the subdirectory name under `npm run persist -- DIR`). */
  clientName?: string;
}

/**
 * The safelist manifest of a directory's `.graphql` files. Each named operation becomes one entry
 * whose body is the operation's text as written, followed by the fragments it uses (transitively,
 * sorted by name, from any file), separated by blank lines; that body is what clients send.
 * Anonymous operations, duplicate operation or fragment names and unknown fragments are refused.
 */
export function buildManifest(files: readonly OperationFile[]): Manifest {
  const operations = new Map<string, { node: OperationDefinitionNode; source: string; path: string; clientName?: string }>();
  const fragments = new Map<string, { node: FragmentDefinitionNode; source: string; path: string }>();
  for (const file of files) {
    let document: DocumentNode;
    try {
      document = parse(file.text);
    } catch (error) {
      throw new ManifestBuildError(`${file.path}: ${(error as Error).message}`);
    }
    for (const definition of document.definitions) {
      const source = file.text.slice(definition.loc!.start, definition.loc!.end);
      if (definition.kind === Kind.OPERATION_DEFINITION) {
        const name = definition.name?.value;
        if (!name) throw new ManifestBuildError(`${file.path}: anonymous ${definition.operation}; every persisted operation needs a unique name`);
        const other = operations.get(name);
        if (other) throw new ManifestBuildError(`${file.path}: operation "${name}" is already defined in ${other.path}`);
        operations.set(name, { node: definition, source, path: file.path, ...(file.clientName ? { clientName: file.clientName } : {}) });
      } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        const name = definition.name.value;
        const other = fragments.get(name);
        if (other) throw new ManifestBuildError(`${file.path}: fragment "${name}" is already defined in ${other.path}`);
        fragments.set(name, { node: definition, source, path: file.path });
      } else {
        throw new ManifestBuildError(`${file.path}: only operations and fragments belong in an operations directory`);
      }
    }
  }
  if (operations.size === 0) throw new ManifestBuildError('no operations found');

  const used = (node: OperationDefinitionNode | FragmentDefinitionNode, path: string, into: Set<string>) => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (into.has(name)) return;
        const fragment = fragments.get(name);
        if (!fragment) throw new ManifestBuildError(`${path}: unknown fragment "${name}"`);
        into.add(name);
        used(fragment.node, fragment.path, into);
      },
    });
    return into;
  };
  const entries = [...operations.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, { node, source, path, clientName }]) => {
      const parts = [source, ...[...used(node, path, new Set())].sort().map((fragment) => fragments.get(fragment)!.source)];
      const body = parts.join('\n\n');
      return { id: operationHash(body), name, body, ...(clientName ? { clientName } : {}) };
    });
  return { format: MANIFEST_FORMAT, operations: entries };
}
