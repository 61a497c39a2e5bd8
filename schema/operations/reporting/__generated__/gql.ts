/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query OrderPaymentStatus($status: OrderStatus, $after: String) {\n  orders(first: 100, status: $status, after: $after) {\n    nodes {\n      number\n      placedAt\n      paymentStatus\n      invoice {\n        number\n        dueAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.OrderPaymentStatusDocument,
    "query SegmentReport($segment: CustomerSegment, $after: String) {\n  customers(first: 100, segment: $segment, after: $after) {\n    nodes {\n      id\n      segment\n      country\n      accountManager\n      balance {\n        amount\n        currency\n      }\n      creditLimit {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.SegmentReportDocument,
};
const documents: Documents = {
    "query OrderPaymentStatus($status: OrderStatus, $after: String) {\n  orders(first: 100, status: $status, after: $after) {\n    nodes {\n      number\n      placedAt\n      paymentStatus\n      invoice {\n        number\n        dueAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.OrderPaymentStatusDocument,
    "query SegmentReport($segment: CustomerSegment, $after: String) {\n  customers(first: 100, segment: $segment, after: $after) {\n    nodes {\n      id\n      segment\n      country\n      accountManager\n      balance {\n        amount\n        currency\n      }\n      creditLimit {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.SegmentReportDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OrderPaymentStatus($status: OrderStatus, $after: String) {\n  orders(first: 100, status: $status, after: $after) {\n    nodes {\n      number\n      placedAt\n      paymentStatus\n      invoice {\n        number\n        dueAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query OrderPaymentStatus($status: OrderStatus, $after: String) {\n  orders(first: 100, status: $status, after: $after) {\n    nodes {\n      number\n      placedAt\n      paymentStatus\n      invoice {\n        number\n        dueAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SegmentReport($segment: CustomerSegment, $after: String) {\n  customers(first: 100, segment: $segment, after: $after) {\n    nodes {\n      id\n      segment\n      country\n      accountManager\n      balance {\n        amount\n        currency\n      }\n      creditLimit {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query SegmentReport($segment: CustomerSegment, $after: String) {\n  customers(first: 100, segment: $segment, after: $after) {\n    nodes {\n      id\n      segment\n      country\n      accountManager\n      balance {\n        amount\n        currency\n      }\n      creditLimit {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;