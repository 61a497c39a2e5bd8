import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { GraphQLError } from 'graphql';
import type { WriteReference } from '../../../common/contracts/references.js';
import type { Authenticator } from '../auth/authenticate.js';
import type { GatewayContext } from '../context.js';
import type { SubgraphDataSource } from '../datasource/subgraph-data-source.js';
import { log } from '../log.js';
import { groupBy } from '../../../common/group-by.js';
import { askOwner } from './ask-owner.js';
import { PendingReferences, type PendingReference } from './pending.js';

export interface PendingReferencesOptions {
  /** Where the list is kept (`<BIZGRAPH_DATA_DIR>/pending-references.json`). */
  file: string;
  /** `REFERENCE_RECHECK_INTERVAL_MS`: how often unverified entries are asked about again. */
  intervalMs: number;
  references: readonly WriteReference[];
  /** The active version's data sources, read at each re-check. */
  dataSources(): ReadonlyMap<string, SubgraphDataSource>;
  authenticator: Authenticator;
}

export interface PendingReferencesFeature {
  store: PendingReferences;
  /** Asks every owner about its unverified entries once (the timer calls it; tests may too). */
  recheck(): Promise<void>;
  /** `GET /references/pending`. */
  register(app: FastifyInstance): void;
  start(): void;
  close(): Promise<void>;
}

/** Keys per `_entities` request of a re-check: an outage's backlog is asked in bounded requests. */
const RECHECK_BATCH = 100;

/**
 * The `accept-pending` side of the write references: the list of references written unverified,
 * a timer that asks each owner again (as the gateway itself, with the reference's read scopes:
 * a confirmed key leaves the list, an unknown one stays as an orphan), and `GET /references/pending`
 * for `npm run integrity` and operators (a caller sees the references whose read scopes it holds).
 */
export function createPendingReferences(options: PendingReferencesOptions): PendingReferencesFeature {
  const store = PendingReferences.open(options.file);
  const byName = new Map(options.references.map((reference) => [reference.name, reference]));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function recheckReference(reference: WriteReference, entries: readonly PendingReference[], source: SubgraphDataSource): Promise<void> {
    const context: GatewayContext = { requestId: `reference-recheck-${randomUUID()}`, principal: { subject: 'bizgraph-reference-recheck', scopes: reference.readScopes } };
    for (let start = 0; start < entries.length; start += RECHECK_BATCH) {
      const batch = entries.slice(start, start + RECHECK_BATCH);
      const answers = await askOwner(
        source,
        batch.map(({ value }) => ({ reference, value })),
        { context, operationType: 'query' },
        [],
      );
      const at = new Date();
      // Settled together: the batch costs one rewrite of the list.
      await Promise.all(
        batch.map((entry, index) => {
          const answer = answers[index]!;
          if (answer !== 'unavailable')
            log(answer === 'found' ? 'info' : 'warn', `pending reference ${answer === 'found' ? 'confirmed' : 'unknown to its owner'}`, {
              reference: reference.name,
              value: entry.value,
              system: entry.system,
            });
          return store.settle(entry.reference, entry.value, answer, at);
        }),
      );
      // The owner is still down: the rest waits for the next round instead of piling up failures.
      if (answers.every((answer) => answer === 'unavailable')) return;
    }
  }

  async function recheckAll(): Promise<void> {
    const sources = options.dataSources();
    const byReference = groupBy(store.unverified(), (entry) => entry.reference);
    await Promise.all(
      [...byReference].map(([name, entries]) => {
        const reference = byName.get(name);
        const source = reference && sources.get(reference.target.subgraph);
        // A reference or owner the running supergraph no longer has stays listed, unasked.
        return reference && source ? recheckReference(reference, entries, source) : undefined;
      }),
    );
  }

  // One round at a time: a slow owner never has two rounds asking it at once.
  const recheck = () => (running ??= recheckAll().finally(() => (running = undefined)));

  return {
    store,
    recheck,
    start() {
      timer = setInterval(() => void recheck().catch((error: unknown) => log('error', 'pending reference re-check failed', { error: String(error) })), options.intervalMs);
      timer.unref();
    },
    register(app) {
      app.get('/references/pending', async (request, reply) => {
        let principal;
        try {
          principal = await options.authenticator.authenticate(request.headers.authorization, request.id);
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          return reply.code(401).send({ errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] });
        }
        const scopes = new Set(principal?.scopes ?? []);
        const readable = options.references.filter((reference) => reference.readScopes.every((scope) => scopes.has(scope)));
        if (readable.length === 0) {
          const needed = options.references.map((reference) => `${reference.name}: ${reference.readScopes.join(' ')}`).join('; ');
          const code = principal ? 403 : 401;
          return reply
            .code(code)
            .send({ errors: [{ message: `no reference is readable with this token (${needed})`, extensions: { code: principal ? 'FORBIDDEN' : 'UNAUTHENTICATED' } }] });
        }
        const names = new Set(readable.map((reference) => reference.name));
        return { references: [...names].sort(), pending: store.list().filter((entry) => names.has(entry.reference)) };
      });
    },
    async close() {
      clearInterval(timer);
      await running?.catch(() => {});
      await store.flushed();
    },
  };
}
