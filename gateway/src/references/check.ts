import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, Kind, valueFromASTUntyped, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import type { WriteReference } from '../../../common/contracts/references.js';
import type { GatewayContext } from '../context.js';
import { requestScope, type SubgraphDataSource } from '../datasource/subgraph-data-source.js';
import { gatewayError } from '../errors.js';

/**
 * Checks the references a mutation writes into other systems before it is planned or sent: each
 * value is looked up in the system that owns it (one `_entities` request per target subgraph,
 * through its data source: the caller's internal token, resilience, metrics, the subgraph's own
 * entity cache). A value the owner does not know refuses the request (400 BAD_USER_INPUT naming
 * the input field); nothing is written. An owner that cannot be asked refuses the write as its
 * reference's policy says (`reject`: UPSTREAM_ERROR naming the system, the field null). It runs
 * inside authorization: a caller who may not run the mutation never learns whether a key exists.
 */
export function checkingReferences(gateway: GatewayInterface, references: readonly WriteReference[], dataSources: ReadonlyMap<string, SubgraphDataSource>): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    async load(options) {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor && referenceCheckingExecutor(loaded.executor, references, dataSources) };
    },
  };
}

interface Written {
  reference: WriteReference;
  value: string;
  /** The mutation field's response name (where a refusal is reported). */
  responseName: string;
}

const CHECK = 'query ReferenceCheck($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }';

function referenceCheckingExecutor(executor: GatewayExecutor, references: readonly WriteReference[], dataSources: ReadonlyMap<string, SubgraphDataSource>): GatewayExecutor {
  const byMutation = new Map<string, WriteReference[]>();
  for (const reference of references) byMutation.set(reference.mutation, [...(byMutation.get(reference.mutation) ?? []), reference]);
  return async (requestContext) => {
    const { operation, document } = requestContext;
    if (operation?.operation !== 'mutation' || byMutation.size === 0) return executor(requestContext);
    const written = writtenReferences(operation.selectionSet, document, requestContext.request.variables ?? {}, byMutation);
    if (written.length === 0) return executor(requestContext);
    const refusal = await verify(written, dataSources, requestContext as GatewayGraphQLRequestContext<GatewayContext>);
    return refusal ?? executor(requestContext);
  };
}

/** The referenced keys the operation's root mutation fields write (through inline fragments and spreads too). */
function writtenReferences(
  selectionSet: SelectionSetNode,
  document: DocumentNode,
  variables: Record<string, unknown>,
  byMutation: ReadonlyMap<string, WriteReference[]>,
): Written[] {
  const found: Written[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      for (const reference of byMutation.get(selection.name.value) ?? []) {
        const value = argumentValue(selection, reference.argument, variables);
        if (typeof value === 'string' || typeof value === 'number') found.push({ reference, value: String(value), responseName: selection.alias?.value ?? selection.name.value });
      }
    } else {
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection
          : document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value);
      if (fragment && 'selectionSet' in fragment && fragment.selectionSet) found.push(...writtenReferences(fragment.selectionSet, document, variables, byMutation));
    }
  }
  return found;
}

/** The value at a dotted argument path (`input.customerId`), from literals and variables alike. */
function argumentValue(field: FieldNode, path: string, variables: Record<string, unknown>): unknown {
  const [name, ...rest] = path.split('.');
  const argument = field.arguments?.find((candidate) => candidate.name.value === name);
  if (!argument) return undefined;
  let value: unknown = valueFromASTUntyped(argument.value, variables);
  for (const key of rest) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** Asks each target subgraph about its keys; the first refusal (unknown key, or an owner that cannot answer), or undefined. */
async function verify(written: readonly Written[], dataSources: ReadonlyMap<string, SubgraphDataSource>, requestContext: GatewayGraphQLRequestContext<GatewayContext>) {
  const bySubgraph = new Map<string, Written[]>();
  for (const entry of written) {
    // A supergraph without the owner (another company's graph) has nothing to check against.
    if (!dataSources.has(entry.reference.target.subgraph)) continue;
    bySubgraph.set(entry.reference.target.subgraph, [...(bySubgraph.get(entry.reference.target.subgraph) ?? []), entry]);
  }
  const outcomes = await Promise.all([...bySubgraph].map(([subgraph, entries]) => lookUp(dataSources.get(subgraph)!, entries, requestContext)));
  return outcomes.find((outcome) => outcome !== undefined);
}

async function lookUp(source: SubgraphDataSource, entries: readonly Written[], requestContext: GatewayGraphQLRequestContext<GatewayContext>) {
  const representations = entries.map(({ reference, value }) => ({ __typename: reference.target.type, [reference.target.key]: value }));
  let answer: { data?: { _entities?: unknown[] } | null; errors?: ReadonlyArray<{ path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }> };
  try {
    answer = (await source.fetch({
      query: CHECK,
      variables: { representations },
      ...requestScope(requestContext),
      operationType: 'query',
      path: [entries[0]!.responseName],
    })) as typeof answer;
  } catch {
    return unavailable(entries[0]!, source);
  }
  const found = answer.data?._entities;
  if (!Array.isArray(found) || found.length !== entries.length) return unavailable(entries[0]!, source);
  for (const [index, entry] of entries.entries()) {
    if (found[index] !== null && found[index] !== undefined) continue;
    const error = answer.errors?.find((candidate) => candidate.path?.[1] === index || candidate.path === undefined);
    const code = error?.extensions?.code;
    // A row-level rule hides the record from this caller: it exists; the owning system's own rule answers the write.
    if (code === 'FORBIDDEN') continue;
    // The owner failed (not: refused the key as malformed or unknown): it could not confirm.
    if (error && code !== 'BAD_USER_INPUT' && code !== 'NOT_FOUND') return unavailable(entry, source);
    const { reference, value } = entry;
    return {
      errors: [
        gatewayError('BAD_USER_INPUT', `${reference.argument} "${value}" names no ${reference.target.type} in ${source.origin.system}: nothing was written`, {
          field: reference.argument,
          system: source.origin.system,
        }),
      ],
    };
  }
  return undefined;
}

/** `reject`: the write is not sent; its field is null with UPSTREAM_ERROR naming the system that could not be asked. */
function unavailable(entry: Written, source: SubgraphDataSource) {
  const { reference, responseName } = entry;
  const error = new GraphQLError(`${source.origin.system} could not confirm ${reference.argument}; nothing was written (reference ${reference.name}: reject while unavailable)`, {
    path: [responseName],
    extensions: { code: 'UPSTREAM_ERROR', system: source.origin.system, subgraph: source.origin.subgraph, field: reference.argument },
  });
  return { data: { [responseName]: null }, errors: [error] };
}
