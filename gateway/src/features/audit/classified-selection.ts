import { isAbstractType, isObjectType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import type { TagLookup } from './classified.js';

/** Per document and schema: can an answer to it hold a classified field at all? */
const verdicts = new WeakMap<DocumentNode, WeakMap<GraphQLSchema, boolean>>();

/**
 * Whether any field the document selects (in any operation or fragment, whatever `@skip`/`@include`
 * say) is classified on its type, on an interface it implements, or on any possible type of an
 * abstract parent. When not, walking the answer for classified values can only find none, and the
 * walk (which visits every object of a 500-row list) is skipped. The verdict is remembered per
 * parsed document: Apollo Server reuses the same document object for the same query text.
 */
export function mayDeliverClassified(schema: GraphQLSchema, document: DocumentNode, tagsOf: TagLookup): boolean {
  let bySchema = verdicts.get(document);
  if (!bySchema) verdicts.set(document, (bySchema = new WeakMap()));
  let verdict = bySchema.get(schema);
  if (verdict === undefined) {
    verdict = selectsClassified(schema, document, tagsOf);
    bySchema.set(schema, verdict);
  }
  return verdict;
}

function selectsClassified(schema: GraphQLSchema, document: DocumentNode, tagsOf: TagLookup): boolean {
  const tagged = (coordinate: string) => (tagsOf(coordinate)?.length ?? 0) > 0;
  const classifiedOn = (type: GraphQLNamedType, field: string): boolean => {
    if (tagged(`${type.name}.${field}`)) return true;
    if (isObjectType(type)) return type.getInterfaces().some((iface) => tagged(`${iface.name}.${field}`));
    if (isAbstractType(type)) return schema.getPossibleTypes(type).some((possible) => classifiedOn(possible, field));
    return false;
  };
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && classifiedOn(parent, node.name.value)) found = true;
      },
    }),
  );
  return found;
}
