import { isAbstractType, isInterfaceType, isObjectType as isGraphQLObjectType, type GraphQLSchema } from 'graphql';
import { isCompositeType, isObjectType, isSubtype, type NamedType, type Schema, type Supergraph } from '@apollo/federation-internals';

/**
 * What the executor needs to know about one supergraph version, built once per version and shared
 * by every prepared plan: the API schema (shaping), its graphql-js form (introspection) and the
 * supergraph schema (type conditions in `requires` and rewrites). Type questions asked per response
 * value are memoised here, so a request pays a Map lookup, never a schema walk.
 */
export interface ExecutionSchema {
  readonly api: Schema;
  readonly apiGraphQL: GraphQLSchema;
  readonly supergraphGraphQL: GraphQLSchema;
  /** The API schema's type of that name, as `Schema.type` answers (built-ins included). */
  apiType(name: string): NamedType | undefined;
  /** `describeTypename`'s answer, memoised: shaping asks it for every object with a `__typename`. */
  typenameFacts(name: string): TypenameFacts;
  /** `isSubtype(condition, type)` over the API schema, by names (the shaping's fragment rule). */
  apiConditionApplies(condition: string, typeName: string): boolean;
  /**
   * Whether an object whose `__typename` is `typeName` matches `... on condition` in the
   * supergraph schema (the rule @apollo/gateway applies to `requires` and rewrites).
   */
  supergraphConditionApplies(condition: string, typeName: string): boolean;
}

export function createExecutionSchema(supergraph: Supergraph, apiGraphQL?: GraphQLSchema): ExecutionSchema {
  const api = supergraph.apiSchema();
  const supergraphGraphQL = supergraph.schema.toGraphQLJSSchema();
  const apiTypes = new Map<string, NamedType | undefined>();
  const apiConditions = new Map<string, boolean>();
  const supergraphConditions = new Map<string, boolean>();
  const facts = new Map<string, TypenameFacts>();

  function apiType(name: string): NamedType | undefined {
    if (apiTypes.has(name)) return apiTypes.get(name);
    const type = api.type(name);
    apiTypes.set(name, type);
    return type;
  }

  return {
    api,
    apiGraphQL: apiGraphQL ?? api.toGraphQLJSSchema(),
    supergraphGraphQL,
    apiType,
    typenameFacts(name) {
      let found = facts.get(name);
      if (!found) {
        const type = apiType(name);
        // Unknown names (a subgraph's bad `__typename`) share one answer rather than grow the map.
        if (!type) return NO_TYPE;
        facts.set(name, (found = typenameFacts(type)));
      }
      return found;
    },
    apiConditionApplies(condition, typeName) {
      const key = `${condition}\u0000${typeName}`;
      let applies = apiConditions.get(key);
      if (applies === undefined) {
        const conditionType = apiType(condition);
        const type = apiType(typeName);
        applies = !!conditionType && !!type && isSubtype(conditionType, type);
        apiConditions.set(key, applies);
      }
      return applies;
    },
    supergraphConditionApplies(condition, typeName) {
      if (condition === typeName) return true;
      const key = `${condition}\u0000${typeName}`;
      let applies = supergraphConditions.get(key);
      if (applies === undefined) {
        const type = supergraphGraphQL.getType(typeName);
        const conditionType = supergraphGraphQL.getType(condition);
        applies =
          !!type && !!conditionType && isAbstractType(conditionType) && (isGraphQLObjectType(type) || isInterfaceType(type)) && supergraphGraphQL.isSubType(conditionType, type);
        supergraphConditions.set(key, applies);
      }
      return applies;
    },
  };
}

/** Shaping's view of a runtime `__typename`: does it name a type, an object type, a composite type? */
export interface TypenameFacts {
  readonly type: NamedType | undefined;
  readonly isObject: boolean;
  readonly isComposite: boolean;
}

export function describeTypename(schema: ExecutionSchema, name: string): TypenameFacts {
  return schema.typenameFacts(name);
}

const NO_TYPE: TypenameFacts = { type: undefined, isObject: false, isComposite: false };

function typenameFacts(type: NamedType): TypenameFacts {
  return { type, isObject: isObjectType(type), isComposite: isCompositeType(type) };
}
