import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Customer } from './customer.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';

export const resolvers: Resolvers = { Query, Mutation, Customer };
