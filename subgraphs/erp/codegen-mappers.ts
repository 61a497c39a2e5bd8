/**
 * GraphQL type → the model its resolvers receive as parent, as `<path from __generated__>#<Type>`.
 * Read by the root codegen.ts.
 */
export const mappers: Record<string, string> = {
  Product: '../models.js#ProductModel',
  Order: '../models.js#OrderModel',
  OrderLine: '../models.js#OrderLineModel',
  Customer: '../models.js#CustomerRef',
  OrderConnection: '../models.js#OrderConnectionModel',
  ProductConnection: '../models.js#ProductConnectionModel',
  OrderFulfillment: '../models.js#OrderFulfillmentModel',
  StuckProcess: '../models.js#StuckProcessModel',
  StuckProcessConnection: '../models.js#StuckProcessConnectionModel',
  FulfillmentStep: '../../shared/process/steps.js#FulfillmentStepModel',
};
