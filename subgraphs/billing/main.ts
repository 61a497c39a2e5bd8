import { runSubgraph } from '../shared/kinds/main.js';
import { readBillingSubgraphConfig } from './config.js';
import { createSubgraph } from './server.js';

runSubgraph('billing', readBillingSubgraphConfig, createSubgraph);
