import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from '../../common/atomic-file.js';
import type { SeedCustomer } from '../seed/types.js';

export type Segment = SeedCustomer['segment'];

/** A customer as the CRM keeps it; `revision` becomes the ETag. */
export interface StoredCustomer {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  segment: Segment;
  country: string;
  accountManager: string | null;
  createdAt: string;
  updatedAt: string;
  revision: number;
}

/** A customer as the API answers it. `version` is exactly the ETag header value. */
export interface ApiCustomer extends Omit<StoredCustomer, 'revision'> {
  version: string;
}

/**
 * ETag format: a strong entity tag holding the revision number, quotes included, e.g. `"3"`.
 * The API's `version` field carries the same string, so clients send it back as `If-Match`.
 */
export function etagOf(revision: number): string {
  return `"${revision}"`;
}

export function toApiCustomer(customer: StoredCustomer): ApiCustomer {
  const { revision, ...rest } = customer;
  return { ...rest, version: etagOf(revision) };
}

export interface ListQuery {
  limit: number;
  /** Only customers whose id sorts after this one (the decoded cursor). */
  afterId?: string;
  segment?: string;
  country?: string;
}

/** Read access inside a write, so checks and the write see the same state. */
export interface StoreView {
  get(id: string): StoredCustomer | undefined;
  byEmail(email: string): StoredCustomer | undefined;
}

export interface Mutation<R> {
  /** The customer to store; omitted when the write is refused. */
  next?: StoredCustomer;
  result: R;
}

export interface CustomerStore extends StoreView {
  getMany(ids: readonly string[]): StoredCustomer[];
  getManyByEmail(emails: readonly string[]): StoredCustomer[];
  list(query: ListQuery): { rows: StoredCustomer[]; hasMore: boolean };
  count(): number;
  /** Runs `work` alone (writes are serialized) and persists `next` before resolving. */
  mutate<R>(work: (view: StoreView) => Mutation<R>): Promise<R>;
}

interface StoreFile {
  format: 1;
  customers: StoredCustomer[];
}

const byId = (a: StoredCustomer, b: StoredCustomer) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function fromSeed(customer: SeedCustomer): StoredCustomer {
  return { ...customer, updatedAt: customer.createdAt, revision: 1 };
}

/** Opens `<dataDir>/crm/customers.json`, seeding it on first start. */
export async function openCustomerStore(dataDir: string, seed: () => readonly SeedCustomer[]): Promise<CustomerStore> {
  const path = join(dataDir, 'crm', 'customers.json');
  await mkdir(dirname(path), { recursive: true });
  let sorted: StoredCustomer[];
  if (existsSync(path)) {
    sorted = (JSON.parse(await readFile(path, 'utf8')) as StoreFile).customers.sort(byId);
  } else {
    sorted = seed().map(fromSeed).sort(byId);
    await writeFileAtomically(path, JSON.stringify({ format: 1, customers: sorted } satisfies StoreFile));
  }
  const ids = new Map<string, StoredCustomer>();
  const emails = new Map<string, StoredCustomer>();
  const index = () => {
    ids.clear();
    emails.clear();
    for (const customer of sorted) {
      ids.set(customer.id, customer);
      emails.set(customer.email.toLowerCase(), customer);
    }
  };
  index();

  const view: StoreView = {
    get: (id) => ids.get(id),
    byEmail: (email) => emails.get(email.toLowerCase()),
  };
  let queue: Promise<unknown> = Promise.resolve();

  return {
    ...view,
    getMany: (wanted) => wanted.flatMap((id) => ids.get(id) ?? []),
    getManyByEmail: (wanted) => wanted.flatMap((email) => emails.get(email.toLowerCase()) ?? []),
    count: () => sorted.length,
    list({ limit, afterId, segment, country }) {
      const rows: StoredCustomer[] = [];
      let hasMore = false;
      for (const customer of sorted) {
        if (afterId !== undefined && customer.id <= afterId) continue;
        if (segment !== undefined && customer.segment !== segment) continue;
        if (country !== undefined && customer.country !== country) continue;
        if (rows.length === limit) {
          hasMore = true;
          break;
        }
        rows.push(customer);
      }
      return { rows, hasMore };
    },
    mutate<R>(work: (view: StoreView) => Mutation<R>): Promise<R> {
      const run = async () => {
        const { next, result } = work(view);
        if (next) {
          const updated = sorted.map((customer) => (customer.id === next.id ? next : customer));
          if (!ids.has(next.id)) {
            updated.push(next);
            updated.sort(byId);
          }
          // Persist first: the change is visible (and answered) only once it is on disk.
          await writeFileAtomically(path, JSON.stringify({ format: 1, customers: updated } satisfies StoreFile));
          sorted = updated;
          index();
        }
        return result;
      };
      const done = queue.then(run, run);
      queue = done.catch(() => undefined);
      return done;
    },
  };
}
