/**
 * GraphQL type → the model its resolvers receive as parent, as `<path from __generated__>#<Type>`.
 * Read by the root codegen.ts.
 */
export const mappers: Record<string, string> = {
  Shipment: '../models.js#ShipmentModel',
  Order: '../models.js#OrderRef',
  OrderFulfillment: '../../shared/process/steps.js#FulfillmentRef',
  FulfillmentStep: '../../shared/process/steps.js#FulfillmentStepModel',
};
