import { runSubgraph } from '../shared/kinds/main.js';
import { readErpSubgraphConfig } from './config.js';
import { createSubgraph } from './server.js';

runSubgraph('erp', readErpSubgraphConfig, createSubgraph);
