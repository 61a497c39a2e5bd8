/**
 * GraphQL type → the model its resolvers receive as parent, as `<path from __generated__>#<Type>`.
 * Read by the root codegen.ts.
 */
export const mappers: Record<string, string> = {
  Invoice: '../models.js#InvoiceModel',
  Payment: '../models.js#PaymentModel',
  Order: '../models.js#OrderRef',
  Customer: '../models.js#CustomerRef',
  InvoiceConnection: '../models.js#InvoiceConnectionModel',
  Money: '../../shared/money.js#Money as MoneyModel',
  OrderFulfillment: '../../shared/process/steps.js#FulfillmentRef',
  FulfillmentStep: '../../shared/process/steps.js#FulfillmentStepModel',
};
