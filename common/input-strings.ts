import { readInt, type Env } from './config.js';
import { Kind, visit, type ASTNode, type DocumentNode, type StringValueNode } from 'graphql';

/**
 * What a client may put in a string, checked at both edges (the gateway before planning, each
 * subgraph before resolving): no NUL (PostgreSQL cannot store it, C libraries cut the string there,
 * logs hide what follows), no lone UTF-16 surrogate (what an invalid UTF-8 sequence or a
 * `"\ud800"` escape becomes: it cannot be encoded again, so every system would store something
 * else), and no more than `maxBytes` of UTF-8 (a 1 MB id sent to a REST system becomes a request
 * line it refuses, a 1 MB name a row nobody can show).
 */

/**
 * `LIMIT_MAX_STRING_BYTES`, read alike by the gateway and every subgraph (the same variable reaches
 * every process). The default fits the schema's longest documented string (a ticket's description,
 * 10,000 characters: up to 40,000 bytes) and refuses a megabyte id. @default 65536
 */
export function readMaxStringBytes(env: Env): number {
  return readInt(env, 'LIMIT_MAX_STRING_BYTES', 65_536, { min: 16, max: 1_048_576 });
}

export type StringProblem = 'nul' | 'not-unicode' | 'too-long';

export interface UnacceptableString {
  problem: StringProblem;
  /** The argument, variable or input field, as a dotted path (`input.lines.0.sku`). */
  field: string;
  /** UTF-8 bytes of the string (for `too-long`). */
  bytes: number;
}

/** ES2024's `String.prototype.isWellFormed` (in Node 20), outside the project's TypeScript lib. */
type WellFormedCheck = string & { isWellFormed(): boolean };

/** The problem with one string, or undefined. The common case (short, clean) costs two scans of the string. */
export function stringProblem(value: string, maxBytes: number): StringProblem | undefined {
  if (value.includes('\u0000')) return 'nul';
  if (!(value as WellFormedCheck).isWellFormed()) return 'not-unicode';
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most strings need no byte count at all.
  if (value.length * 3 > maxBytes && (value.length > maxBytes || Buffer.byteLength(value, 'utf8') > maxBytes)) return 'too-long';
  return undefined;
}

/** The first unacceptable string anywhere inside `value` (variables, input objects, lists), with its path. */
export function findUnacceptableString(value: unknown, path: string, maxBytes: number): UnacceptableString | undefined {
  if (typeof value === 'string') {
    const problem = stringProblem(value, maxBytes);
    return problem && { problem, field: path, bytes: problem === 'too-long' ? Buffer.byteLength(value, 'utf8') : 0 };
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findUnacceptableString(value[index], `${path}.${index}`, maxBytes);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    // A key is a string the client chose as well (an input field name, or an unknown one).
    const keyProblem = stringProblem(key, maxBytes);
    if (keyProblem) return { problem: keyProblem, field: path, bytes: 0 };
    const found = findUnacceptableString((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, maxBytes);
    if (found) return found;
  }
  return undefined;
}

/** The variables of a request (`{ name: value }`), each under its own name. */
export function findUnacceptableVariable(variables: Readonly<Record<string, unknown>> | undefined, maxBytes: number): UnacceptableString | undefined {
  return variables ? findUnacceptableString(variables, '', maxBytes) : undefined;
}

/**
 * The first unacceptable string literal of a document, with the argument path it is given to
 * (`order.number`, `createOrder.input.lines.0.sku`; a variable's default value: `$name`).
 */
export function findUnacceptableLiteral(document: DocumentNode, maxBytes: number): (UnacceptableString & { node: StringValueNode }) | undefined {
  let found: (UnacceptableString & { node: StringValueNode }) | undefined;
  visit(document, {
    StringValue(node, _key, parent, path, ancestors) {
      const problem = stringProblem(node.value, maxBytes);
      if (!problem) return undefined;
      found = { problem, field: literalPath(path, [...ancestors, parent!]), bytes: problem === 'too-long' ? Buffer.byteLength(node.value, 'utf8') : 0, node };
      return false;
    },
  });
  return found;
}

/**
 * Names a literal by the argument, input fields and list positions that lead to it. `chain[i]`
 * (the visitor's ancestors, then the parent) is what `path[i]` was taken from, so a key met on a list of values is the element's position.
 */
function literalPath(path: ReadonlyArray<string | number>, chain: ReadonlyArray<ASTNode | ReadonlyArray<ASTNode>>): string {
  const parts: string[] = [];
  for (let index = chain.length - 1; index >= 0; index--) {
    const ancestor = chain[index]!;
    if (Array.isArray(ancestor)) {
      const owner = chain[index - 1];
      if (owner && !Array.isArray(owner) && (owner as ASTNode).kind === Kind.LIST) parts.unshift(String(path[index]));
      continue;
    }
    const node = ancestor as ASTNode;
    if (node.kind === Kind.OBJECT_FIELD) parts.unshift(node.name.value);
    else if (node.kind === Kind.ARGUMENT) {
      parts.unshift(node.name.value);
      // The field or directive the argument belongs to sits above its `arguments` array.
      const owner = chain[index - 2];
      if (owner && !Array.isArray(owner) && ((owner as ASTNode).kind === Kind.FIELD || (owner as ASTNode).kind === Kind.DIRECTIVE)) {
        parts.unshift(((owner as ASTNode).kind === Kind.DIRECTIVE ? '@' : '') + (owner as { name: { value: string } }).name.value);
      }
      break;
    } else if (node.kind === Kind.VARIABLE_DEFINITION) {
      parts.unshift(`$${node.variable.name.value}`);
      break;
    }
  }
  return parts.join('.');
}

/** What a client reads: the problem in words, naming the field. */
export function describeUnacceptable(found: UnacceptableString, maxBytes: number): string {
  const where = found.field ? `"${found.field}"` : 'a variable name';
  switch (found.problem) {
    case 'nul':
      return `${where} contains a NUL character (U+0000), which no system accepts`;
    case 'not-unicode':
      return `${where} is not valid Unicode (a lone surrogate, or invalid UTF-8 in the request)`;
    case 'too-long':
      return `${where} is ${found.bytes} bytes long; the limit is ${maxBytes} bytes`;
  }
}
