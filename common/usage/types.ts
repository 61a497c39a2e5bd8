/**
 * One aggregated line of the gateway's usage log: how often one client ran one operation, and
 * which schema coordinates it selected. `schema:check` judges breaking changes against these;
 * `npm run usage -- Type.field` answers "who still reads it?".
 */
export interface UsageRecord {
  /** sha256 of the operation text (the APQ hash when sent by hash). */
  operationHash: string;
  operationName: string | null;
  /** `apollographql-client-name`, or `unknown`. */
  clientName: string;
  /** Sorted `Type.field` coordinates the operation selects (common/usage/fields.ts). */
  fields: string[];
  count: number;
  /** ISO 8601. */
  firstSeen: string;
  lastSeen: string;
}
