import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Order, Shipment } from './entities.js';
import { OrderFulfillment } from './process.js';
import { Query } from './query.js';

export const resolvers: Resolvers = { Query, Shipment, Order, OrderFulfillment };
