import { runSubgraph } from '../shared/kinds/main.js';
import { readCrmSubgraphConfig } from './config.js';
import { createSubgraph } from './server.js';

runSubgraph('crm', readCrmSubgraphConfig, createSubgraph);
