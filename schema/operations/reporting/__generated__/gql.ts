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
    "query ReportHighPriorityTickets($priority: TicketPriority!, $after: String) {\n  tickets(first: 500, priority: $priority, after: $after) {\n    nodes {\n      id\n      subject\n      status\n      priority\n      createdAt\n      customer {\n        id\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.ReportHighPriorityTicketsDocument,
    "query OrderPaymentStatus($status: OrderStatus, $after: String) {\n  orders(first: 100, status: $status, after: $after) {\n    nodes {\n      number\n      placedAt\n      paymentStatus\n      invoice {\n        number\n        dueAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.OrderPaymentStatusDocument,
    "query ReportOrderToCash($after: String) {\n  orders(first: 500, after: $after) {\n    nodes {\n      number\n      status\n      placedAt\n      total {\n        amount\n        currency\n      }\n      customer {\n        id\n      }\n      invoice {\n        number\n        status\n      }\n      shipments {\n        trackingNumber\n        status\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.ReportOrderToCashDocument,
    "query ReportOverdueInvoices($after: String) {\n  invoices(first: 500, status: OVERDUE, after: $after) {\n    nodes {\n      number\n      dueAt\n      amountDue {\n        amount\n        currency\n      }\n      customer {\n        id\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.ReportOverdueInvoicesDocument,
    "query ReportReceivablesAging($asOf: DateTime!) {\n  receivablesAging(asOf: $asOf) {\n    asOf\n    buckets {\n      bucket\n      currency\n      invoices\n      amountDue {\n        amount\n        currency\n      }\n    }\n  }\n}": typeof types.ReportReceivablesAgingDocument,
    "query ReportRevenueByMonth($from: DateTime!, $to: DateTime!) {\n  revenue(from: $from, to: $to, groupBy: [MONTH], first: 500) {\n    from\n    to\n    truncated\n    rows {\n      month\n      currency\n      invoices\n      invoiced {\n        amount\n        currency\n      }\n      paid {\n        amount\n        currency\n      }\n      outstanding {\n        amount\n        currency\n      }\n    }\n  }\n}": typeof types.ReportRevenueByMonthDocument,
    "query ReportSalesByMonth($from: DateTime!, $to: DateTime!) {\n  salesSummary(from: $from, to: $to, groupBy: [MONTH], first: 500) {\n    truncated\n    rows {\n      month\n      currency\n      orders\n      total {\n        amount\n        currency\n      }\n    }\n  }\n}": typeof types.ReportSalesByMonthDocument,
    "query SegmentReport($segment: CustomerSegment, $after: String) {\n  customers(first: 100, segment: $segment, after: $after) {\n    nodes {\n      id\n      segment\n      country\n      accountManager\n      balance {\n        amount\n        currency\n      }\n      creditLimit {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.SegmentReportDocument,
};
const documents: Documents = {
    "query ReportHighPriorityTickets($priority: TicketPriority!, $after: String) {\n  tickets(first: 500, priority: $priority, after: $after) {\n    nodes {\n      id\n      subject\n      status\n      priority\n      createdAt\n      customer {\n        id\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.ReportHighPriorityTicketsDocument,
    "query OrderPaymentStatus($status: OrderStatus, $after: String) {\n  orders(first: 100, status: $status, after: $after) {\n    nodes {\n      number\n      placedAt\n      paymentStatus\n      invoice {\n        number\n        dueAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.OrderPaymentStatusDocument,
    "query ReportOrderToCash($after: String) {\n  orders(first: 500, after: $after) {\n    nodes {\n      number\n      status\n      placedAt\n      total {\n        amount\n        currency\n      }\n      customer {\n        id\n      }\n      invoice {\n        number\n        status\n      }\n      shipments {\n        trackingNumber\n        status\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.ReportOrderToCashDocument,
    "query ReportOverdueInvoices($after: String) {\n  invoices(first: 500, status: OVERDUE, after: $after) {\n    nodes {\n      number\n      dueAt\n      amountDue {\n        amount\n        currency\n      }\n      customer {\n        id\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.ReportOverdueInvoicesDocument,
    "query ReportReceivablesAging($asOf: DateTime!) {\n  receivablesAging(asOf: $asOf) {\n    asOf\n    buckets {\n      bucket\n      currency\n      invoices\n      amountDue {\n        amount\n        currency\n      }\n    }\n  }\n}": types.ReportReceivablesAgingDocument,
    "query ReportRevenueByMonth($from: DateTime!, $to: DateTime!) {\n  revenue(from: $from, to: $to, groupBy: [MONTH], first: 500) {\n    from\n    to\n    truncated\n    rows {\n      month\n      currency\n      invoices\n      invoiced {\n        amount\n        currency\n      }\n      paid {\n        amount\n        currency\n      }\n      outstanding {\n        amount\n        currency\n      }\n    }\n  }\n}": types.ReportRevenueByMonthDocument,
    "query ReportSalesByMonth($from: DateTime!, $to: DateTime!) {\n  salesSummary(from: $from, to: $to, groupBy: [MONTH], first: 500) {\n    truncated\n    rows {\n      month\n      currency\n      orders\n      total {\n        amount\n        currency\n      }\n    }\n  }\n}": types.ReportSalesByMonthDocument,
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
export function graphql(source: "query ReportHighPriorityTickets($priority: TicketPriority!, $after: String) {\n  tickets(first: 500, priority: $priority, after: $after) {\n    nodes {\n      id\n      subject\n      status\n      priority\n      createdAt\n      customer {\n        id\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query ReportHighPriorityTickets($priority: TicketPriority!, $after: String) {\n  tickets(first: 500, priority: $priority, after: $after) {\n    nodes {\n      id\n      subject\n      status\n      priority\n      createdAt\n      customer {\n        id\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OrderPaymentStatus($status: OrderStatus, $after: String) {\n  orders(first: 100, status: $status, after: $after) {\n    nodes {\n      number\n      placedAt\n      paymentStatus\n      invoice {\n        number\n        dueAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query OrderPaymentStatus($status: OrderStatus, $after: String) {\n  orders(first: 100, status: $status, after: $after) {\n    nodes {\n      number\n      placedAt\n      paymentStatus\n      invoice {\n        number\n        dueAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReportOrderToCash($after: String) {\n  orders(first: 500, after: $after) {\n    nodes {\n      number\n      status\n      placedAt\n      total {\n        amount\n        currency\n      }\n      customer {\n        id\n      }\n      invoice {\n        number\n        status\n      }\n      shipments {\n        trackingNumber\n        status\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query ReportOrderToCash($after: String) {\n  orders(first: 500, after: $after) {\n    nodes {\n      number\n      status\n      placedAt\n      total {\n        amount\n        currency\n      }\n      customer {\n        id\n      }\n      invoice {\n        number\n        status\n      }\n      shipments {\n        trackingNumber\n        status\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReportOverdueInvoices($after: String) {\n  invoices(first: 500, status: OVERDUE, after: $after) {\n    nodes {\n      number\n      dueAt\n      amountDue {\n        amount\n        currency\n      }\n      customer {\n        id\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query ReportOverdueInvoices($after: String) {\n  invoices(first: 500, status: OVERDUE, after: $after) {\n    nodes {\n      number\n      dueAt\n      amountDue {\n        amount\n        currency\n      }\n      customer {\n        id\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReportReceivablesAging($asOf: DateTime!) {\n  receivablesAging(asOf: $asOf) {\n    asOf\n    buckets {\n      bucket\n      currency\n      invoices\n      amountDue {\n        amount\n        currency\n      }\n    }\n  }\n}"): (typeof documents)["query ReportReceivablesAging($asOf: DateTime!) {\n  receivablesAging(asOf: $asOf) {\n    asOf\n    buckets {\n      bucket\n      currency\n      invoices\n      amountDue {\n        amount\n        currency\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReportRevenueByMonth($from: DateTime!, $to: DateTime!) {\n  revenue(from: $from, to: $to, groupBy: [MONTH], first: 500) {\n    from\n    to\n    truncated\n    rows {\n      month\n      currency\n      invoices\n      invoiced {\n        amount\n        currency\n      }\n      paid {\n        amount\n        currency\n      }\n      outstanding {\n        amount\n        currency\n      }\n    }\n  }\n}"): (typeof documents)["query ReportRevenueByMonth($from: DateTime!, $to: DateTime!) {\n  revenue(from: $from, to: $to, groupBy: [MONTH], first: 500) {\n    from\n    to\n    truncated\n    rows {\n      month\n      currency\n      invoices\n      invoiced {\n        amount\n        currency\n      }\n      paid {\n        amount\n        currency\n      }\n      outstanding {\n        amount\n        currency\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReportSalesByMonth($from: DateTime!, $to: DateTime!) {\n  salesSummary(from: $from, to: $to, groupBy: [MONTH], first: 500) {\n    truncated\n    rows {\n      month\n      currency\n      orders\n      total {\n        amount\n        currency\n      }\n    }\n  }\n}"): (typeof documents)["query ReportSalesByMonth($from: DateTime!, $to: DateTime!) {\n  salesSummary(from: $from, to: $to, groupBy: [MONTH], first: 500) {\n    truncated\n    rows {\n      month\n      currency\n      orders\n      total {\n        amount\n        currency\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SegmentReport($segment: CustomerSegment, $after: String) {\n  customers(first: 100, segment: $segment, after: $after) {\n    nodes {\n      id\n      segment\n      country\n      accountManager\n      balance {\n        amount\n        currency\n      }\n      creditLimit {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query SegmentReport($segment: CustomerSegment, $after: String) {\n  customers(first: 100, segment: $segment, after: $after) {\n    nodes {\n      id\n      segment\n      country\n      accountManager\n      balance {\n        amount\n        currency\n      }\n      creditLimit {\n        amount\n        currency\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;