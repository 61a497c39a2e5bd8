import { runSubgraph } from '../shared/kinds/main.js';
import { readLogisticsSubgraphConfig } from './config.js';
import { createSubgraph } from './server.js';

runSubgraph('logistics', readLogisticsSubgraphConfig, createSubgraph);
