import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * Operations a server (the gateway, each subgraph) can run: a query, or a mutation when the schema has a mutation type.
 * graphql-js 16 validates neither (17 adds `KnownOperationTypesRule`, whose message this keeps), so
 * without this rule a `subscription` or a `mutation` on a query-only supergraph reached the
 * authorization rewrite and failed there as a 500 (a subgraph answered INTERNAL_SERVER_ERROR). A subscription is refused even when the
 * schema declares a subscription type: bizgraph serves GraphQL over HTTP requests only.
 */
export const knownOperationTypesRule: ValidationRule = (context: ValidationContext) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const supported = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : undefined;
    if (supported) return;
    const message =
      node.operation === 'subscription' && schema.getSubscriptionType()
        ? 'The subscription operation is not supported by this gateway: subscriptions are not served over HTTP.'
        : `The ${node.operation} operation is not supported by the schema.`;
    context.reportError(new GraphQLError(message, { nodes: [node] }));
  },
});
