import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
} from 'graphql';
import { PAGE_ARGUMENTS } from '../../../../gateway/src/features/limits/cost.js';
import { buildSupergraphSchema, listSizesOf } from '../../../../gateway/src/features/limits/list-sizes.js';
import type { Finding, RuleInput } from '../types.js';

/**
 * Every list of objects is sized for the cost limit: it pages (`first`/`last`), its parent type is
 * reached only through fields that page (a connection's `nodes`, an aggregate's `rows`), or its owner
 * declares `@listSize(assumedSize: N)` (the cost spec). Otherwise the gateway counts it as one item,
 * however long it is: the cost limit's open door, as a field without a policy is authorization's.
 */
export function listSizes(input: RuleInput): Finding[] {
  const schema = buildSupergraphSchema(input.supergraphSdl);
  const sized = listSizesOf(schema);
  const types = Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLObjectType | GraphQLInterfaceType => (isObjectType(type) || isInterfaceType(type)) && !/^(__|join__|link__)/.test(type.name),
  );
  const pages = (field: GraphQLField<unknown, unknown>) => field.args.some((argument) => PAGE_ARGUMENTS.has(argument.name));
  const reachedOnlyPaged = new Map<string, boolean>();
  for (const type of types) {
    for (const field of Object.values(type.getFields())) {
      const returned = getNamedType(field.type).name;
      reachedOnlyPaged.set(returned, (reachedOnlyPaged.get(returned) ?? true) && pages(field));
    }
  }
  const findings: Finding[] = [];
  for (const type of types) {
    for (const field of Object.values(type.getFields())) {
      if (!isListType(getNullableType(field.type)) || !isCompositeType(getNamedType(field.type)) || pages(field)) continue;
      const coordinate = `${type.name}.${field.name}`;
      if (sized.has(coordinate) || reachedOnlyPaged.get(type.name)) continue;
      findings.push({
        severity: 'error',
        rule: 'list-size',
        coordinate,
        message: `${coordinate} returns a list with no first/last: declare how many items it holds with @listSize(assumedSize: N) (cost spec), or the cost limit counts it as one item however long it is`,
      });
    }
  }
  return findings;
}
