import { GraphQLError } from 'graphql';
import { ERRORS, errorCodeDef } from '@apollo/federation-internals';
import type { ResponsePath } from '@apollo/query-planner';
import { getOwn, type SubgraphError } from './types.js';

/**
 * Subgraph errors as the client sees them: message (or a default naming the subgraph), the
 * subgraph's extensions plus `serviceName`, a federation error code (`DOWNSTREAM_SERVICE_ERROR`
 * unless the subgraph sent a known one or a code of its own), and the path re-rooted at the
 * client's response: the same rules as @apollo/gateway's `downstreamServiceError`.
 */
export function downstreamServiceError(error: SubgraphError, serviceName: string, path: ResponsePath | undefined): GraphQLError {
  const message = error.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = {
    originalError: error as Error,
    path,
    extensions: { ...error.extensions, serviceName },
  };
  const codeDefinition = errorCodeDef(error as GraphQLError);
  if (!codeDefinition && error.extensions?.code) return new GraphQLError(message, options);
  return (codeDefinition ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

/**
 * Response paths of the non-null values found at a plan path (`@` = every list element), in
 * result order: entity `n` of an entity fetch answers for the `n`-th of these.
 */
export function responsePathsAt(planPath: ResponsePath, data: unknown): ResponsePath[] {
  const paths: ResponsePath[] = [];
  collectPaths([], planPath, 0, data, paths);
  return paths;
}

function collectPaths(current: ResponsePath, planPath: ResponsePath, step: number, data: unknown, into: ResponsePath[]): void {
  if (data === null || data === undefined) return;
  const head = planPath[step];
  if (head === undefined) {
    into.push(current.slice());
    return;
  }
  if (Array.isArray(data)) {
    // `@` steps into each element; a field name over a list applies to each element too.
    const next = head === '@' ? step + 1 : step;
    data.forEach((element: unknown, index) => {
      current.push(index);
      collectPaths(current, planPath, next, element, into);
      current.pop();
    });
    return;
  }
  if (head === '@') throw new Error('expected array when encountering `@`');
  if (typeof head !== 'string') throw new Error(`unknown path part "${String(head)}"`);
  if (typeof data !== 'object' || !Object.prototype.hasOwnProperty.call(data, head)) return;
  current.push(head);
  collectPaths(current, planPath, step + 1, getOwn(data, head), into);
  current.pop();
}
