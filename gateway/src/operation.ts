import { hash } from 'node:crypto';
import { getOperationAST, parse, type DocumentNode } from 'graphql';
import { outcomeOf, type RequestOutcome } from '../../common/request-log.js';
import { sentPersistedQueryHash } from './persisted/manifest.js';

/**
 * What the audit trail, the request metrics and the request log all say of one operation: its
 * name, type and hash, and how it ended. One definition, so the three never disagree.
 */
export type OperationOutcome = RequestOutcome;
/** The rule is common/request-log.ts's, which the subgraphs' request lines use too. */
export { outcomeOf };

export interface OperationDescription {
  operationName: string | null;
  /** SHA-256 (hex) of the query text, or the APQ hash the client sent. */
  operationHash: string | null;
  operationType: 'query' | 'mutation' | 'subscription' | null;
}

const MAX_TEXT = 128;

/** A client-supplied string as logged: at most 128 characters, null when absent. */
export function clip(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_TEXT) : null;
}

export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Unique, sorted `extensions.code` strings of formatted errors. */
export function errorCodesOf(errors: readonly unknown[] | undefined): string[] {
  const codes = new Set<string>();
  for (const error of errors ?? []) {
    const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
    if (typeof code === 'string' && code !== '') codes.add(code.slice(0, MAX_TEXT));
  }
  return [...codes].sort();
}

/** The operation a document names (by `operationName`, or its only one); undefined when it cannot tell. */
export function describeOperation(document: DocumentNode | undefined, operationName: unknown): Pick<OperationDescription, 'operationName' | 'operationType'> {
  const operation = document ? getOperationAST(document, typeof operationName === 'string' ? operationName : undefined) : null;
  return {
    operationName: clip(operation?.name?.value ?? operationName),
    operationType: operation?.operation ?? null,
  };
}

/**
 * Operation name, type and hash from a raw HTTP body or query string, for requests refused before
 * Apollo Server parsed them (a 401). The query is parsed under the token limit, never executed.
 */
export function describeRawOperation(raw: unknown, maxTokens: number): OperationDescription {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { operationName: null, operationHash: null, operationType: null };
  const { query, operationName, extensions } = raw as Record<string, unknown>;
  let parsedExtensions = extensions;
  if (typeof extensions === 'string') {
    try {
      parsedExtensions = JSON.parse(extensions);
    } catch {
      parsedExtensions = undefined;
    }
  }
  const apq = sentPersistedQueryHash(parsedExtensions);
  const text = typeof query === 'string' && query !== '' ? query : undefined;
  let document: DocumentNode | undefined;
  try {
    document = text === undefined ? undefined : parse(text, { noLocation: true, maxTokens });
  } catch {
    document = undefined;
  }
  return {
    ...describeOperation(document, operationName),
    operationHash: apq !== undefined && /^[0-9a-f]{64}$/i.test(apq) ? apq : text === undefined ? null : sha256(text),
  };
}
