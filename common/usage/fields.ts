import { getNamedType, isCompositeType, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * The schema coordinates (`Type.field`) an operation document selects, sorted and unique: what a
 * consumer depends on. Fields are named on the type they are selected on (an interface field
 * selected through the interface is `Interface.field`); `__typename` and introspection are left
 * out, and a field the schema does not know (an operation written for another version) is skipped.
 */
export function fieldCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const coordinates = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.FIELD](node) {
        const parent = typeInfo.getParentType();
        const name = node.name.value;
        if (!parent || name.startsWith('__') || !isCompositeType(getNamedType(parent))) return;
        if (!typeInfo.getFieldDef()) return;
        coordinates.add(`${parent.name}.${name}`);
      },
    }),
  );
  return [...coordinates].sort();
}
