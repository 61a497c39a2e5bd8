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
    "query PortalInvoices($status: InvoiceStatus) {\n  invoices(first: 20, status: $status) {\n    nodes {\n      number\n      status\n      issuedAt\n      dueAt\n      amountDue {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.PortalInvoicesDocument,
    "query PortalAccount($customerId: ID!) {\n  customer(id: $customerId) {\n    id\n    name\n    email\n    phone\n    orders(first: 5) {\n      nodes {\n        number\n        status\n        placedAt\n        total {\n          ...MoneyAmount\n        }\n      }\n    }\n  }\n}\n\nfragment MoneyAmount on Money {\n  amount\n  currency\n}": typeof types.PortalAccountDocument,
};
const documents: Documents = {
    "query PortalInvoices($status: InvoiceStatus) {\n  invoices(first: 20, status: $status) {\n    nodes {\n      number\n      status\n      issuedAt\n      dueAt\n      amountDue {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.PortalInvoicesDocument,
    "query PortalAccount($customerId: ID!) {\n  customer(id: $customerId) {\n    id\n    name\n    email\n    phone\n    orders(first: 5) {\n      nodes {\n        number\n        status\n        placedAt\n        total {\n          ...MoneyAmount\n        }\n      }\n    }\n  }\n}\n\nfragment MoneyAmount on Money {\n  amount\n  currency\n}": types.PortalAccountDocument,
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
export function graphql(source: "query PortalInvoices($status: InvoiceStatus) {\n  invoices(first: 20, status: $status) {\n    nodes {\n      number\n      status\n      issuedAt\n      dueAt\n      amountDue {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query PortalInvoices($status: InvoiceStatus) {\n  invoices(first: 20, status: $status) {\n    nodes {\n      number\n      status\n      issuedAt\n      dueAt\n      amountDue {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PortalAccount($customerId: ID!) {\n  customer(id: $customerId) {\n    id\n    name\n    email\n    phone\n    orders(first: 5) {\n      nodes {\n        number\n        status\n        placedAt\n        total {\n          ...MoneyAmount\n        }\n      }\n    }\n  }\n}\n\nfragment MoneyAmount on Money {\n  amount\n  currency\n}"): (typeof documents)["query PortalAccount($customerId: ID!) {\n  customer(id: $customerId) {\n    id\n    name\n    email\n    phone\n    orders(first: 5) {\n      nodes {\n        number\n        status\n        placedAt\n        total {\n          ...MoneyAmount\n        }\n      }\n    }\n  }\n}\n\nfragment MoneyAmount on Money {\n  amount\n  currency\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;