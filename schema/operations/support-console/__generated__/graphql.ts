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

/**
 * How urgent a ticket is. The priority sets the first-response target (`Ticket.slaDueAt`): URGENT 4
 * hours, HIGH 8, NORMAL 24, LOW 72 after the ticket was opened.
 */
export type TicketPriority =
  /** First response due within 8 hours. */
  | 'HIGH'
  /** First response due within 72 hours. */
  | 'LOW'
  /** First response due within 24 hours; the default. */
  | 'NORMAL'
  /** First response due within 4 hours. */
  | 'URGENT';

/** Where a ticket stands in the support desk's workflow. */
export type TicketStatus =
  /** Finished; no further work. */
  | 'CLOSED'
  /** Opened and not yet picked up by an agent. */
  | 'NEW'
  /** An agent is working on it. */
  | 'OPEN'
  /** Waiting for the requester's answer. */
  | 'PENDING'
  /** An agent gave a solution; not yet closed. */
  | 'SOLVED';

/** Changes to a ticket; fields left out (or null) stay unchanged. */
export type UpdateTicketInput = {
  /** New priority; moves `slaDueAt` to the new priority's target. */
  priority?: TicketPriority | null | undefined;
  /** New workflow status. */
  status?: TicketStatus | null | undefined;
};

export type AgentTicketQueryVariables = Exact<{
  id: string | number;
}>;


export type AgentTicketQuery = { ticket: { id: string, subject: string, description: string | null, status: TicketStatus, priority: TicketPriority, slaDueAt: string, customer: { id: string, name: string, email: string | null, phone: string | null, segment: CustomerSegment } | null, order: { number: string, status: OrderStatus } | null } | null };

export type AgentUpdateTicketMutationVariables = Exact<{
  id: string | number;
  input: UpdateTicketInput;
}>;


export type AgentUpdateTicketMutation = { updateTicket: { id: string, status: TicketStatus, priority: TicketPriority } | null };


export const AgentTicketDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AgentTicket"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticket"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"slaDueAt"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"segment"}}]}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<AgentTicketQuery, AgentTicketQueryVariables>;
export const AgentUpdateTicketDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AgentUpdateTicket"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateTicketInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateTicket"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}}]}}]}}]} as unknown as DocumentNode<AgentUpdateTicketMutation, AgentUpdateTicketMutationVariables>;