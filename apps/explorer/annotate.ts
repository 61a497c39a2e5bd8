import type { ExecutionResult } from 'graphql';
import type { ExplorerCatalog, FieldAnnotation } from '../../common/contracts/explorer.js';

/** The catalog as the token may read it; an empty one when it may not (the docs then show plain descriptions). */
export async function readCatalog(token: string): Promise<ExplorerCatalog> {
  const response = await fetch('/explorer/catalog', { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) return { fields: {}, problem: `catalog: HTTP ${response.status}` };
  return (await response.json()) as ExplorerCatalog;
}

/** The Markdown the docs pane shows under a field's own description. */
export function describeAnnotation(annotation: FieldAnnotation): string {
  const access = annotation.scopes ? `\`${annotation.scopes}\`` : annotation.authenticated ? 'any signed-in caller' : 'no scope';
  const tags = annotation.tags.length > 0 ? annotation.tags.map((tag) => `\`${tag}\``).join(' ') : 'none';
  return [
    `**Owner:** system ${annotation.systems.map((system) => `\`${system}\``).join(', ')} · team ${annotation.teams.map((team) => `\`${team}\``).join(', ')}`,
    `**Scopes:** ${access} · **Tags:** ${tags}`,
  ].join('  \n');
}

interface IntrospectedType {
  name: string;
  fields?: Array<{ name: string; description?: string | null }> | null;
}

/**
 * Adds each field's owner, scopes and tags to its description in GraphiQL's introspection answer,
 * so the docs pane and the editor's hover show them next to the field.
 */
export function annotateIntrospection(answer: ExecutionResult, catalog: ExplorerCatalog): ExecutionResult {
  const types = (answer.data as { __schema?: { types?: IntrospectedType[] } } | null | undefined)?.__schema?.types;
  for (const type of types ?? []) {
    for (const field of type.fields ?? []) {
      const annotation = catalog.fields[`${type.name}.${field.name}`];
      if (annotation) field.description = [field.description, describeAnnotation(annotation)].filter(Boolean).join('\n\n');
    }
  }
  return answer;
}
