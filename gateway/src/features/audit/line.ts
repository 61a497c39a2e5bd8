import type { OperationOutcome } from '../../operation.js';
import type { ClassifiedDelivery } from './classified.js';

export type AuditOutcome = OperationOutcome;

/**
 * One audit line: who asked which operation and which classified fields they received. It never
 * holds field values, variables, headers other than the client name/version, or tokens.
 */
export interface AuditLine {
  /** Always `audit`: tells these lines apart from the gateway's log lines on a shared stdout. */
  type: 'audit';
  /** When the HTTP request arrived (ISO 8601, UTC). */
  time: string;
  requestId: string;
  /** The token's `sub`; null for anonymous callers and for refused tokens. */
  subject: string | null;
  /** `apollographql-client-name` / `apollographql-client-version` headers (≤128 characters). */
  clientName: string | null;
  clientVersion: string | null;
  operationName: string | null;
  /** SHA-256 (hex) of the query text, or the APQ hash the client sent. */
  operationHash: string | null;
  operationType: 'query' | 'mutation' | 'subscription' | null;
  outcome: AuditOutcome;
  /** Classified fields non-null in the final response, sorted by coordinate. */
  classified: ClassifiedDelivery[];
  /** Coordinates authorization removed (filter mode) or refused (reject mode), sorted. */
  denied: string[];
  /** Unique `extensions.code` values of the errors sent, sorted. */
  errorCodes: string[];
  /** From the HTTP request's arrival to this line. */
  durationMs: number;
}

export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
