import { runSubgraph } from '../shared/kinds/main.js';
import { readSupportSubgraphConfig } from './config.js';
import { createSubgraph } from './server.js';

runSubgraph('support', readSupportSubgraphConfig, createSubgraph);
