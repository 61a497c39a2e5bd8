/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The commercial segment the CRM assigns a customer by size, used to filter and report on customers. */
export type CustomerSegment =
  | 'ENTERPRISE'
  | 'MID_MARKET'
  | 'SMB';

/**
 * Where an order stands in the ERP's fulfilment process. The legacy ERP stores one-letter codes
 * (D, A, S, F, X); the subgraph maps them to these values.
 */
export type OrderStatus =
  /** Approved and its stock reserved; not yet shipped. Orders created through the API start here. */
  | 'APPROVED'
  /** Cancelled; it will not be shipped. */
  | 'CANCELLED'
  /** Received by the customer. */
  | 'DELIVERED'
  /** Entered but not yet approved. */
  | 'DRAFT'
  /** Handed to the carrier. */
  | 'SHIPPED';

/** How far an order is paid, judged by billing from the order's invoice. */
export type PaymentStatus =
  /** Billing has no invoice for the order (yet). */
  | 'NOT_INVOICED'
  /** Invoiced; payments cover the whole amount. */
  | 'PAID'
  /** Invoiced; payments received cover part of the amount. */
  | 'PARTIALLY_PAID'
  /** Invoiced; no payment received. */
  | 'UNPAID'
  /** Every invoice of the order is void: nothing is owed. */
  | 'VOID';

export type OrderPaymentStatusQueryVariables = Exact<{
  status?: OrderStatus | null | undefined;
  after?: string | null | undefined;
}>;


export type OrderPaymentStatusQuery = { orders: { nodes: Array<{ number: string, placedAt: string, paymentStatus: PaymentStatus | null, invoice: { number: string, dueAt: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type SegmentReportQueryVariables = Exact<{
  segment?: CustomerSegment | null | undefined;
  after?: string | null | undefined;
}>;


export type SegmentReportQuery = { customers: { nodes: Array<{ id: string, segment: CustomerSegment, country: string, accountManager: string | null, balance: { amount: string, currency: string } | null, creditLimit: { amount: string, currency: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };


export const OrderPaymentStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OrderPaymentStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"OrderStatus"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"paymentStatus"}},{"kind":"Field","name":{"kind":"Name","value":"invoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"dueAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<OrderPaymentStatusQuery, OrderPaymentStatusQueryVariables>;
export const SegmentReportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SegmentReport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"segment"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CustomerSegment"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"segment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"segment"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"segment"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"accountManager"}},{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"creditLimit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<SegmentReportQuery, SegmentReportQueryVariables>;