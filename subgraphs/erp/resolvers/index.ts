import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Customer, Order, OrderConnection, OrderLine, Product, ProductConnection } from './entities.js';
import { OrderFulfillment } from './process.js';
import { Mutation, Query } from './query.js';

export const resolvers: Resolvers = { Query, Mutation, Product, Order, OrderLine, Customer, OrderConnection, ProductConnection, OrderFulfillment };
