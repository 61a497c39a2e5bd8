import type { TicketPriority, TicketStatus } from './__generated__/resolvers-types.js';

/** A ticket as the support desk's API returns it; resolvers receive it as the parent. */
export interface TicketModel {
  id: string;
  subject: string;
  description: string | null;
  requesterEmail: string;
  orderNumber: string | null;
  status: TicketStatus;
  priority: TicketPriority;
  createdAt: string;
  updatedAt: string;
  slaDueAt: string;
}

/** A CRM customer as this subgraph knows it: only the key the desk has. */
export interface CustomerRef {
  email: string;
}

/** An ERP order as this subgraph knows it: only its number. */
export interface OrderRef {
  number: string;
}
