/**
 * bizgraph's query-plan executor: plans are Apollo's (`QueryPlanner`), execution is ours.
 *
 *   const schema = createExecutionSchema(supergraph);            // once per supergraph version
 *   const prepared = preparePlan(schema, plan, document, name);  // once per cached plan
 *   const result = await executePlan(prepared, variables, fetch); // per request
 */
export { createExecutionSchema, type ExecutionSchema } from './schema-index.js';
export { preparePlan, UnsupportedPlanError, type PreparedPlan } from './prepare.js';
export { executePlan } from './execute.js';
export type { PlanExecutionResult, SubgraphError, SubgraphFetch, SubgraphRequest, SubgraphResponse } from './types.js';
