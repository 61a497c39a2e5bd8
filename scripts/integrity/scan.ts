import { request } from 'undici';
import { WRITE_REFERENCES } from '../../common/contracts/references.js';
import { groupBy } from '../../common/group-by.js';
import type { ReferenceSpec } from './references.js';

/** The scan could not complete (a system down, the gateway refusing): exit 1, never orphans. */
export class ScanError extends Error {
  override name = 'ScanError';
}

/** One record of a page, as `pageQuery` selects it. */
export interface ReferenceNode {
  key: string;
  reference: { value: string | null } | null;
  target: { resolved: unknown } | null;
}

export interface Orphan {
  /** The source record, e.g. the invoice number. */
  source: string;
  /** The dangling reference value, e.g. the order number the ERP does not know. */
  reference: string;
}

/** A reference the gateway accepted unverified (its owner could not be asked) and has not confirmed yet. */
export interface UnverifiedReference {
  /** The referenced key as written. */
  reference: string;
  /** `unverified`: not asked yet; `unknown`: the owner answered and does not know it. */
  state: 'unverified' | 'unknown';
  firstWrittenAt: string;
  /** The source records the scan saw holding it, ordered. */
  sources: string[];
}

export interface ReferenceResult {
  name: string;
  description: string;
  source: string;
  target: string;
  /** Source records holding a reference. */
  checked: number;
  /** Records whose reference the target does not know, ordered by source key. */
  orphans: Orphan[];
  /** References written while the target could not be asked and not confirmed since (`accept-pending`), ordered by key. */
  unverified: UnverifiedReference[];
}

/** An entry of the gateway's `GET /references/pending`. */
export interface PendingEntry {
  reference: string;
  value: string;
  state: 'unverified' | 'unknown';
  firstWrittenAt: string;
}

/** `orphans / checked`, 0 when nothing was checked. */
export function orphanRatio(result: Pick<ReferenceResult, 'checked' | 'orphans'>): number {
  return result.checked === 0 ? 0 : result.orphans.length / result.checked;
}

/** `invoice.order` → `IntegrityInvoiceOrder`: one named operation per reference (usage log, safelist). */
export function operationName(spec: ReferenceSpec): string {
  return `Integrity${spec.name
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}`;
}

/**
 * The page operation of one reference; `first` and `after` are variables. The text is sent exactly
 * as `--write-operations` writes it, so a safelist manifest built from those files admits it.
 */
export function pageQuery(spec: ReferenceSpec): string {
  return `query ${operationName(spec)}($first: Int!, $after: String) {
  page: ${spec.connection}(first: $first, after: $after) {
    nodes {
      key: ${spec.sourceKey}
      reference: ${spec.referenceField} { value: ${spec.referenceKey} }
      target: ${spec.referenceField} { resolved: ${spec.targetField} }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
}

/**
 * Counts the references and orphans of the records seen so far, by source key: a record that
 * shows up on two pages (offset paging while records are added) is counted once. A record without
 * a reference value (a ticket about no order) holds no reference; one whose reference value is
 * there but whose target part is null is an orphan.
 */
export class ReferenceTally {
  private readonly records = new Map<string, { value: string; orphan: boolean }>();

  add(nodes: readonly ReferenceNode[]): void {
    for (const node of nodes) {
      const value = node.reference?.value ?? null;
      if (value === null) continue;
      this.records.set(node.key, { value, orphan: node.target === null });
    }
  }

  /** The counts, and the gateway's pending entries of this reference with the records that hold them. */
  result(spec: ReferenceSpec, pending: readonly PendingEntry[] = []): ReferenceResult {
    const orphans = [...this.records]
      .filter(([, record]) => record.orphan)
      .map(([source, { value }]) => ({ source, reference: value }))
      .sort((a, b) => compare(a.source, b.source));
    // The records holding each value, found once (not a pass over every record per pending entry).
    const holders = groupBy(this.records, ([, record]) => record.value);
    const unverified = pending
      .filter((entry) => entry.reference === spec.name)
      .map(({ value, state, firstWrittenAt }) => ({
        reference: value,
        state,
        firstWrittenAt,
        sources: (holders.get(value) ?? []).map(([source]) => source).sort(compare),
      }))
      .sort((a, b) => compare(a.reference, b.reference));
    return { name: spec.name, description: spec.description, source: spec.source, target: spec.target, checked: this.records.size, orphans, unverified };
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface GraphQLError {
  message: string;
  extensions?: Record<string, unknown>;
}
interface PageBody {
  data?: { page?: { nodes: ReferenceNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null } | null;
  errors?: GraphQLError[];
  extensions?: { staleIfError?: Array<{ system?: string }> };
}

export interface ScanOptions {
  /** Gateway GraphQL endpoint. */
  url: string;
  token: string;
  pageSize: number;
}

/** Who failed, named by the gateway's `extensions.system` (or `subgraph`), else the message. */
function describeErrors(spec: ReferenceSpec, errors: readonly GraphQLError[]): string {
  const systems = [...new Set(errors.map((error) => error.extensions?.system ?? error.extensions?.subgraph).filter((name): name is string => typeof name === 'string'))];
  const first = errors[0]!;
  const code = typeof first.extensions?.code === 'string' ? ` ${first.extensions.code}` : '';
  const who = systems.length > 0 ? `system ${systems.join(', ')} failed` : 'the gateway answered with errors';
  // Refusals the operator can fix: say how.
  const hints: Record<string, string> = {
    OPERATION_LIMIT_EXCEEDED: ' (lower --page-size)',
    UNAUTHENTICATED: ' (check --token, or --data-dir for the dev issuer)',
    PERSISTED_QUERY_NOT_ALLOWED: ' (add the operations of --write-operations to the safelist manifest)',
  };
  const hint = hints[String(first.extensions?.code)] ?? '';
  return `${spec.name} (${spec.source} → ${spec.target}): ${who}:${code} ${first.message}${hint}`;
}

async function fetchPage(spec: ReferenceSpec, options: ScanOptions, after: string | null): Promise<NonNullable<NonNullable<PageBody['data']>['page']>> {
  let status: number;
  let text: string;
  try {
    const response = await request(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}`, 'apollographql-client-name': 'bizgraph-integrity' },
      body: JSON.stringify({ query: pageQuery(spec), variables: { first: options.pageSize, after } }),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    throw new ScanError(`${spec.name}: gateway at ${options.url} unreachable: ${(error as Error).message}`);
  }
  let body: PageBody;
  try {
    body = JSON.parse(text) as PageBody;
  } catch {
    throw new ScanError(`${spec.name}: gateway at ${options.url} answered HTTP ${status} with no GraphQL body: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw new ScanError(describeErrors(spec, body.errors));
  // Values served from a cache because their system failed are not the systems as they are now.
  const stale = body.extensions?.staleIfError;
  if (stale?.length) {
    const systems = [...new Set(stale.map((item) => item.system ?? 'unknown'))].join(', ');
    throw new ScanError(`${spec.name} (${spec.source} → ${spec.target}): system ${systems} failed: the gateway served cached values (staleIfError)`);
  }
  const page = body.data?.page;
  if (status !== 200 || !page) throw new ScanError(`${spec.name}: gateway answered HTTP ${status} without a page of ${spec.connection}`);
  return page;
}

/**
 * The gateway's pending (unverified) references, when any chosen reference is written with a check
 * (`WRITE_REFERENCES`): `GET /references/pending` beside the GraphQL endpoint.
 */
export async function fetchPending(references: readonly ReferenceSpec[], options: ScanOptions): Promise<PendingEntry[]> {
  const written = new Set(WRITE_REFERENCES.map((reference) => reference.name));
  if (!references.some((spec) => written.has(spec.name))) return [];
  const url = new URL('/references/pending', options.url).toString();
  let status: number;
  let body: { pending?: PendingEntry[]; errors?: GraphQLError[] } | undefined;
  try {
    const response = await request(url, { headers: { authorization: `Bearer ${options.token}` } });
    status = response.statusCode;
    body = (await response.body.json().catch(() => undefined)) as typeof body;
  } catch (error) {
    throw new ScanError(`pending references: gateway at ${url} unreachable: ${(error as Error).message}`);
  }
  if (status !== 200 || !Array.isArray(body?.pending)) {
    throw new ScanError(`pending references: gateway answered HTTP ${status}${body?.errors?.[0] ? `: ${body.errors[0].message}` : ''}`);
  }
  return body.pending;
}

/** Pages the source connection of one reference to its end and tallies it. */
async function tallyReference(spec: ReferenceSpec, options: ScanOptions): Promise<ReferenceTally> {
  const tally = new ReferenceTally();
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(spec, options, after);
    tally.add(page.nodes);
    if (!page.pageInfo.hasNextPage) break;
    if (page.pageInfo.endCursor === null || page.pageInfo.endCursor === after) {
      throw new ScanError(`${spec.name}: ${spec.connection} reported a next page without a new cursor`);
    }
    after = page.pageInfo.endCursor;
  }
  return tally;
}

/**
 * Scans the references one after the other: a scan is a background job, not a load test. The
 * pending list is read last, so the report lists what is unverified when it is written (an entry
 * accepted during the scan included); each entry names the records the scan saw holding it.
 */
export async function scanAll(references: readonly ReferenceSpec[], options: ScanOptions): Promise<ReferenceResult[]> {
  const tallies: Array<[ReferenceSpec, ReferenceTally]> = [];
  for (const spec of references) tallies.push([spec, await tallyReference(spec, options)]);
  const pending = await fetchPending(references, options);
  return tallies.map(([spec, tally]) => tally.result(spec, pending));
}
