import {
  Kind,
  parse,
  print,
  visit,
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type InterfaceTypeDefinitionNode,
} from 'graphql';

/**
 * The authorization policy of a supergraph, read from its raw SDL: `@authenticated` and
 * `@requiresScopes` (field and type level) and `@tag` classification. The API schema that
 * @apollo/gateway builds drops these directives, so this is the only place they are read.
 */

/** Outer list: any of; inner list: all of (Federation's `@requiresScopes` semantics). */
export type ScopeAlternatives = readonly (readonly string[])[];

export interface Access {
  authenticated: boolean;
  /** Every entry must be satisfied (field level AND the returned type's level). */
  scopes: readonly ScopeAlternatives[];
}

export interface FieldPolicy {
  /** `Type.field` */
  coordinate: string;
  /** What it takes to read this field: its own directives plus those on the type it returns. */
  access: Access;
  /** Directives on the field itself only (lint: "has a policy of its own or via its type"). */
  declared: boolean;
  tags: readonly string[];
  /** Subgraphs that resolve the field. */
  subgraphs: readonly string[];
}

export interface SupergraphPolicy {
  fields: ReadonlyMap<string, FieldPolicy>;
  /** Type-level access for object and interface types that declare it. */
  types: ReadonlyMap<string, Access>;
  /** True when the supergraph links the authenticated/requiresScopes specs at all. */
  hasSecurityFeatures: boolean;
  /** The SDL handed to @apollo/gateway: the same, without `for: SECURITY` on those links. */
  executableSdl: string;
  /** Linked features marked `for: SECURITY` that the executor, not the policy, must serve (`@context`). */
  executionFeatures: readonly string[];
}

export interface PrincipalScopes {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

const SPEC_AUTHENTICATED = 'https://specs.apollo.dev/authenticated/';
const SPEC_REQUIRES_SCOPES = 'https://specs.apollo.dev/requiresScopes/';
const SPEC_TAG = 'https://specs.apollo.dev/tag/';
const SPEC_INACCESSIBLE = 'https://specs.apollo.dev/inaccessible/';
const SPEC_CONTEXT = 'https://specs.apollo.dev/context/';
/** Security features bizgraph enforces itself (the authz rewrite); @apollo/gateway must not see `for: SECURITY` on them. */
const SUPPORTED_SECURITY_SPECS = [SPEC_AUTHENTICATED, SPEC_REQUIRES_SCOPES];
/**
 * Security features that need no enforcement here: `@inaccessible` elements are left out of the
 * API schema by @apollo/gateway itself, so no client operation can name them.
 */
const SELF_ENFORCING_SECURITY_SPECS = [SPEC_INACCESSIBLE];
/**
 * Linked `for: SECURITY` by composition though they grant nothing: `@context`/`@fromContext` only
 * say where an argument's value comes from. A gateway that ignored them would answer wrongly, not
 * leak, so whether they can be served is the executor's call (bizgraph's serves them; with
 * @apollo/gateway the version refuses the supergraph), not the policy's.
 */
const EXECUTION_SPECS_MARKED_SECURITY = [SPEC_CONTEXT];

export const NO_REQUIREMENT: Access = { authenticated: false, scopes: [] };

export function allows(access: Access, principal: PrincipalScopes): boolean {
  if (access.authenticated && !principal.authenticated) return false;
  return access.scopes.every((alternatives) => alternatives.some((allOf) => allOf.every((scope) => principal.scopes.has(scope))));
}

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((arg: ConstArgumentNode) => arg.name.value === name)?.value;
}

function stringValue(value: ConstValueNode | undefined): string | undefined {
  return value?.kind === Kind.STRING || value?.kind === Kind.ENUM ? value.value : undefined;
}

/** Names under which the supergraph imports each spec's directive (`@link(as:)` / import renames). */
function linkedDirectiveNames(document: DocumentNode) {
  const names = {
    authenticated: undefined as string | undefined,
    requiresScopes: undefined as string | undefined,
    tag: 'tag',
    security: false,
    executionFeatures: [] as string[],
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const url = stringValue(argument(directive, 'url')) ?? '';
      const purpose = stringValue(argument(directive, 'for'));
      const alias = stringValue(argument(directive, 'as'));
      const accepted = [...SUPPORTED_SECURITY_SPECS, ...SELF_ENFORCING_SECURITY_SPECS, ...EXECUTION_SPECS_MARKED_SECURITY];
      if (purpose === 'SECURITY' && !accepted.some((spec) => url.startsWith(spec))) {
        throw new PolicyError(`unsupported security feature ${url}: refusing to serve a supergraph whose policy cannot be enforced`);
      }
      if (url.startsWith(SPEC_AUTHENTICATED)) names.authenticated = alias ?? 'authenticated';
      if (url.startsWith(SPEC_REQUIRES_SCOPES)) names.requiresScopes = alias ?? 'requiresScopes';
      if (url.startsWith(SPEC_TAG)) names.tag = alias ?? 'tag';
      if (EXECUTION_SPECS_MARKED_SECURITY.some((spec) => url.startsWith(spec))) names.executionFeatures.push(url);
      if (url.startsWith(SPEC_AUTHENTICATED) || url.startsWith(SPEC_REQUIRES_SCOPES)) names.security = true;
    }
  }
  return names;
}

function readScopes(directive: ConstDirectiveNode, where: string): ScopeAlternatives {
  const value = argument(directive, 'scopes');
  if (value?.kind !== Kind.LIST) throw new PolicyError(`${where}: @requiresScopes without a scopes list`);
  return value.values.map((inner) => {
    if (inner.kind !== Kind.LIST) throw new PolicyError(`${where}: @requiresScopes scopes must be a list of lists`);
    return inner.values.map((scope) => {
      const name = stringValue(scope);
      if (!name) throw new PolicyError(`${where}: @requiresScopes scope must be a string`);
      return name;
    });
  });
}

function readAccess(directives: readonly ConstDirectiveNode[] | undefined, names: ReturnType<typeof linkedDirectiveNames>, where: string) {
  let authenticated = false;
  const scopes: ScopeAlternatives[] = [];
  let declared = false;
  for (const directive of directives ?? []) {
    if (names.authenticated && directive.name.value === names.authenticated) {
      authenticated = true;
      declared = true;
    }
    if (names.requiresScopes && directive.name.value === names.requiresScopes) {
      // Scopes imply an authenticated caller: an anonymous principal has none.
      authenticated = true;
      scopes.push(readScopes(directive, where));
      declared = true;
    }
  }
  return { access: { authenticated, scopes } as Access, declared };
}

function tagsOf(directives: readonly ConstDirectiveNode[] | undefined, tagName: string): string[] {
  return (directives ?? [])
    .filter((d) => d.name.value === tagName)
    .map((d) => stringValue(argument(d, 'name')))
    .filter((t): t is string => !!t);
}

function graphNames(document: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === 'join__graph');
      names.set(value.name.value, (graph && stringValue(argument(graph, 'name'))) ?? value.name.value.toLowerCase());
    }
  }
  return names;
}

function joinGraphs(directives: readonly ConstDirectiveNode[] | undefined, directiveName: string, graphs: Map<string, string>): string[] {
  return (directives ?? [])
    .filter((d) => d.name.value === directiveName)
    .map((d) => stringValue(argument(d, 'graph')))
    .filter((g): g is string => !!g)
    .map((g) => graphs.get(g) ?? g);
}

function namedType(field: FieldDefinitionNode): string {
  let type = field.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  return type.name.value;
}

function combine(a: Access, b: Access | undefined): Access {
  if (!b) return a;
  return { authenticated: a.authenticated || b.authenticated, scopes: [...a.scopes, ...b.scopes] };
}

/** Reads the policy; throws PolicyError when the SDL is not a supergraph or its policy is malformed. */
export function readSupergraphPolicy(supergraph: string | DocumentNode): SupergraphPolicy {
  let document: DocumentNode;
  try {
    document = typeof supergraph === 'string' ? parse(supergraph) : supergraph;
  } catch (error) {
    throw new PolicyError(`supergraph SDL does not parse: ${(error as Error).message}`);
  }
  const names = linkedDirectiveNames(document);
  const graphs = graphNames(document);
  const types = new Map<string, Access>();
  const objectLike = document.definitions.filter(
    (d): d is ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.INTERFACE_TYPE_DEFINITION,
  );
  const internal = (name: string) => name.startsWith('join__') || name.startsWith('link__');
  for (const type of objectLike) {
    const { access, declared } = readAccess(type.directives, names, type.name.value);
    if (declared) types.set(type.name.value, access);
  }
  // Type-level policy also applies to scalars and enums a field returns.
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCALAR_TYPE_DEFINITION && definition.kind !== Kind.ENUM_TYPE_DEFINITION) continue;
    const { access, declared } = readAccess(definition.directives, names, definition.name.value);
    if (declared) types.set(definition.name.value, access);
  }
  const fields = new Map<string, FieldPolicy>();
  for (const type of objectLike) {
    if (internal(type.name.value)) continue;
    const typeGraphs = joinGraphs(type.directives, 'join__type', graphs);
    for (const field of type.fields ?? []) {
      const coordinate = `${type.name.value}.${field.name.value}`;
      const own = readAccess(field.directives, names, coordinate);
      const fieldGraphs = joinGraphs(field.directives, 'join__field', graphs);
      fields.set(coordinate, {
        coordinate,
        access: combine(own.access, types.get(namedType(field))),
        declared: own.declared,
        tags: tagsOf(field.directives, names.tag),
        subgraphs: fieldGraphs.length > 0 ? fieldGraphs : typeGraphs,
      });
    }
  }
  return { fields, types, hasSecurityFeatures: names.security, executableSdl: withoutSecurityPurpose(document), executionFeatures: names.executionFeatures };
}

/** @apollo/gateway refuses `for: SECURITY` links it cannot enforce; bizgraph enforces them itself. */
function withoutSecurityPurpose(document: DocumentNode): string {
  const stripped = visit(document, {
    Directive(node) {
      if (node.name.value !== 'link') return undefined;
      const url = stringValue(argument(node as ConstDirectiveNode, 'url')) ?? '';
      if (!SUPPORTED_SECURITY_SPECS.some((spec) => url.startsWith(spec))) return undefined;
      return { ...node, arguments: node.arguments?.filter((arg) => arg.name.value !== 'for') };
    },
  });
  return print(stripped);
}
