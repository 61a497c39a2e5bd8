import type { GatewayExecutionResult, GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, Kind, valueFromASTUntyped, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import type { WriteReference } from '../../../common/contracts/references.js';
import type { GatewayContext } from '../context.js';
import { requestScope, type SubgraphDataSource } from '../datasource/subgraph-data-source.js';
import { gatewayError } from '../errors.js';
import { groupBy } from '../../../common/group-by.js';
import { askOwner } from './ask-owner.js';
import type { PendingReferences } from './pending.js';

/**
 * Checks the references a mutation writes into other systems before it is planned or sent: each
 * value is looked up in the system that owns it (one `_entities` request per target subgraph,
 * through its data source: the caller's internal token, resilience, metrics, the subgraph's own
 * entity cache). A value the owner does not know refuses the request (400 BAD_USER_INPUT naming
 * the input field); nothing is written. An owner that cannot be asked is handled as its reference's
 * policy says: `reject` refuses the write (UPSTREAM_ERROR naming the system, the field null);
 * `accept-pending` sends it, then marks the reference unverified (the pending list, re-checked by
 * `pending-feature.ts`, and `extensions.unverifiedReferences` in the answer). It runs
 * inside authorization: a caller who may not run the mutation never learns whether a key exists.
 */
export function checkingReferences(
  gateway: GatewayInterface,
  references: readonly WriteReference[],
  dataSources: ReadonlyMap<string, SubgraphDataSource>,
  pending?: PendingReferences,
): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    async load(options) {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor && referenceCheckingExecutor(loaded.executor, references, dataSources, pending) };
    },
  };
}

interface Written {
  reference: WriteReference;
  value: string;
  /** The mutation field's response name (where a refusal is reported). */
  responseName: string;
}

function referenceCheckingExecutor(
  executor: GatewayExecutor,
  references: readonly WriteReference[],
  dataSources: ReadonlyMap<string, SubgraphDataSource>,
  pending: PendingReferences | undefined,
): GatewayExecutor {
  const byMutation = groupBy(references, (reference) => reference.mutation);
  return async (requestContext) => {
    const { operation, document } = requestContext;
    if (operation?.operation !== 'mutation' || byMutation.size === 0) return executor(requestContext);
    const written = writtenReferences(operation.selectionSet, document, requestContext.request.variables ?? {}, byMutation);
    if (written.length === 0) return executor(requestContext);
    const verdict = await verify(written, dataSources, pending, requestContext as GatewayGraphQLRequestContext<GatewayContext>);
    if (verdict.refusal) return verdict.refusal;
    const result = await executor(requestContext);
    return verdict.unconfirmed.length > 0 && pending ? markUnverified(result, verdict.unconfirmed, pending) : result;
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

/**
 * Asks each target subgraph about its keys, then decides: an unknown key refuses the request; an
 * owner that cannot answer refuses the write (`reject`, or `accept-pending` with no room left in the
 * pending list), else the write goes on and its unconfirmed references are returned to be marked.
 */
async function verify(
  written: readonly Written[],
  dataSources: ReadonlyMap<string, SubgraphDataSource>,
  pending: PendingReferences | undefined,
  requestContext: GatewayGraphQLRequestContext<GatewayContext>,
) {
  // A supergraph without the owner (another company's graph) has nothing to check against.
  const bySubgraph = groupBy(written, ({ reference }) => (dataSources.has(reference.target.subgraph) ? reference.target.subgraph : null));
  const scope = requestScope(requestContext);
  const asked = await Promise.all(
    [...bySubgraph].map(async ([subgraph, entries]) => {
      const source = dataSources.get(subgraph)!;
      const answers = await askOwner(source, entries, scope, [entries[0]!.responseName]);
      return entries.map((entry, index) => ({ entry, source, answer: answers[index]! }));
    }),
  );
  const answered = asked.flat();
  const unknown = answered.find(({ answer }) => answer === 'unknown');
  if (unknown) {
    const { entry, source } = unknown;
    const { reference, value } = entry;
    const message = `${reference.argument} "${value}" names no ${reference.target.type} in ${source.origin.system}: nothing was written`;
    return { refusal: { errors: [gatewayError('BAD_USER_INPUT', message, { field: reference.argument, system: source.origin.system })] } };
  }
  const unconfirmed = answered.filter(({ answer }) => answer === 'unavailable');
  const refused = unconfirmed.find(({ entry }) => entry.reference.whenUnavailable === 'reject' || !pending?.hasRoom);
  if (refused) return { refusal: unavailable(refused.entry, refused.source) };
  return { unconfirmed };
}

/** Marks the references an answered write carried unverified, and tells the client which. */
async function markUnverified(result: GatewayExecutionResult, unconfirmed: ReadonlyArray<{ entry: Written; source: SubgraphDataSource }>, pending: PendingReferences) {
  const at = new Date();
  // A write that failed stored nothing: there is nothing to verify later.
  const stored = unconfirmed.filter(({ entry }) => {
    const field = (result.data as Record<string, unknown> | null | undefined)?.[entry.responseName];
    return field !== null && field !== undefined;
  });
  // Added together: one rewrite of the list for all of them.
  await Promise.all(
    stored.map(({ entry, source }) => pending.add({ reference: entry.reference.name, value: entry.value, system: source.origin.system, subgraph: source.origin.subgraph }, at)),
  );
  const marked = stored.map(({ entry, source }) => ({
    reference: entry.reference.name,
    field: entry.reference.argument,
    value: entry.value,
    system: source.origin.system,
    path: [entry.responseName],
  }));
  return marked.length === 0 ? result : { ...result, extensions: { ...result.extensions, unverifiedReferences: marked } };
}

/** The write is not sent; its field is null with UPSTREAM_ERROR naming the system that could not be asked. */
function unavailable(entry: Written, source: SubgraphDataSource) {
  const { reference, responseName } = entry;
  // An accept-pending reference is refused only when there is no room to mark it (a full list, or none).
  const why = reference.whenUnavailable === 'accept-pending' ? 'accept-pending, but the pending list has no room' : 'reject while unavailable';
  const error = new GraphQLError(`${source.origin.system} could not confirm ${reference.argument}; nothing was written (reference ${reference.name}: ${why})`, {
    path: [responseName],
    extensions: { code: 'UPSTREAM_ERROR', system: source.origin.system, subgraph: source.origin.subgraph, field: reference.argument },
  });
  return { data: { [responseName]: null }, errors: [error] };
}
