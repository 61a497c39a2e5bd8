import { readFileSync } from 'node:fs';
import { getNamedType, isInputObjectType, isInterfaceType, isObjectType, parse, type GraphQLArgument, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { fieldCoordinates } from '../../../common/usage/fields.js';
import type { UsageRecord } from '../../../common/usage/types.js';
import { MANIFEST_FORMAT, type PersistedOperation } from '../../../gateway/src/persisted/manifest.js';

/** An operation some client is known to send: from the persisted-operations manifest or the usage log. */
export interface KnownOperation {
  name: string;
  clients: string[];
  source: 'manifest' | 'usage';
  /** Usage log only: how often it ran and when last. */
  count?: number;
  lastSeen?: string;
  /** `Type.field` coordinates it selects. */
  fields: string[];
  /** Types it touches: parents of its fields, their return types and the input types it sends. */
  types: string[];
}

/** The manifest's operations; a missing file has none, a malformed one throws naming the path. */
export function readManifestOperations(path: string): PersistedOperation[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${path}: cannot be read (${(error as Error).message})`);
  }
  let manifest: { format?: unknown; operations?: unknown };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch {
    throw new Error(`${path}: not valid JSON`);
  }
  if (manifest?.format !== MANIFEST_FORMAT || !Array.isArray(manifest.operations)) throw new Error(`${path}: expected {"format":"${MANIFEST_FORMAT}","operations":[…]}`);
  return (manifest.operations as Partial<PersistedOperation>[]).map((operation, index) => {
    if (typeof operation?.name !== 'string' || typeof operation.body !== 'string') throw new Error(`${path}: operations[${index}] needs string "name" and "body"`);
    return operation as PersistedOperation;
  });
}

/**
 * What each known operation depends on, read against the base schema: the one its text was written
 * for (a field the proposal removes is still there to be found).
 */
export function knownOperations(schema: GraphQLSchema, manifest: readonly PersistedOperation[], usage: readonly UsageRecord[]): KnownOperation[] {
  const fromManifest = manifest.map((operation): KnownOperation => {
    const fields = fieldCoordinates(schema, parse(operation.body));
    return { name: operation.name, clients: operation.clientName ? [operation.clientName] : [], source: 'manifest', fields, types: typesTouched(schema, fields) };
  });
  const fromUsage = usage.map((record): KnownOperation => ({
    name: record.operationName ?? `anonymous ${record.operationHash.slice(0, 12)}`,
    clients: [record.clientName],
    source: 'usage',
    count: record.count,
    lastSeen: record.lastSeen,
    fields: record.fields,
    types: typesTouched(schema, record.fields),
  }));
  return [...fromManifest, ...fromUsage];
}

function typesTouched(schema: GraphQLSchema, fields: readonly string[]): string[] {
  const types = new Set<string>();
  const addInput = (type: GraphQLNamedType) => {
    if (types.has(type.name)) return;
    types.add(type.name);
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) addInput(getNamedType(field.type));
  };
  for (const coordinate of fields) {
    const [typeName, fieldName] = coordinate.split('.');
    const parent = schema.getType(typeName!);
    types.add(typeName!);
    if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) continue;
    const field = parent.getFields()[fieldName!];
    if (!field) continue;
    types.add(getNamedType(field.type).name);
    field.args.forEach((arg: GraphQLArgument) => addInput(getNamedType(arg.type)));
  }
  return [...types].sort();
}

/** `PortalAccount (web-portal; manifest)`, `CustomerPhone (crm-sync; 42 calls, last seen 2026-11-20)`. */
export function describeOperation(operation: KnownOperation): string {
  const clients = operation.clients.length > 0 ? operation.clients.join(', ') : 'no client name';
  const detail = operation.source === 'manifest' ? 'manifest' : `usage log: ${operation.count} call${operation.count === 1 ? '' : 's'}, last seen ${operation.lastSeen}`;
  return `${operation.name} (${clients}; ${detail})`;
}
