import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Customer, Order, Ticket } from './entities.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';

export const resolvers: Resolvers = { Query, Mutation, Ticket, Customer, Order };
