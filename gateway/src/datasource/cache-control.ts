/** The part of Apollo Server's cache policy a subgraph answer restricts. */
export interface CachePolicy {
  restrict(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void;
}

/**
 * Restricts the client request's cache policy by one subgraph answer's `cache-control` header,
 * by @apollo/gateway's rule: `max-age` in whole seconds, otherwise 0 (an answer without the header
 * makes the client's answer uncacheable); `private` / `public` set the scope. The response cache
 * then keeps an answer no longer than its shortest-lived source.
 */
export function restrictCachePolicy(policy: CachePolicy, header: string | undefined): void {
  policy.restrict(header ? hintOf(header) : NO_HEADER);
}

type Hint = Readonly<{ maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' }>;
const NO_HEADER: Hint = Object.freeze({ maxAge: 0 });
/** Parsed hints by header value: subgraphs send a few values over and over, each parsed once. */
const hints = new Map<string, Hint>();
/** Distinct values kept; beyond it a value is parsed every time. */
const MAX_HINTS = 256;

function hintOf(header: string): Hint {
  let hint = hints.get(header);
  if (hint === undefined) {
    hint = Object.freeze(parse(header));
    if (hints.size < MAX_HINTS) hints.set(header, hint);
  }
  return hint;
}

function parse(header: string): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  for (const part of header.trim().split(/\s*,\s*/)) {
    const [name, raw] = part.split(/\s*=\s*/, 2);
    const value = raw?.replace(/^"|"$/g, '');
    if (name === 'max-age' && value !== undefined && /^[0-9]+$/.test(value)) hint.maxAge = Number(value);
    else if (name === 'private' && raw === undefined) hint.scope = 'PRIVATE';
    else if (name === 'public' && raw === undefined) hint.scope = 'PUBLIC';
  }
  return hint;
}
