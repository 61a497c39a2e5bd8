import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Customer, InvoiceConnection, Order } from './entities.js';
import { Invoice, Payment } from './invoice.js';
import { Money } from './money.js';
import { Mutation } from './mutation.js';
import { OrderFulfillment } from './process.js';
import { Query } from './query.js';

export const resolvers: Resolvers = { Query, Mutation, Invoice, Payment, Order, Customer, InvoiceConnection, Money, OrderFulfillment };
