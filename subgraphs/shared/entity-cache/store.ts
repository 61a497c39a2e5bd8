import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';

/**
 * The entity cache's key-value store: keyv over a bounded in-memory Map, or over Redis (shared by
 * every replica). Every call is bounded by `timeoutMs` and never throws: `@keyv/redis` with no
 * reachable server neither resolves nor rejects (DESIGN.md facts), and a dead or slow store must
 * never fail or stall a request. A failed or late read is a miss; a failed or late write is skipped.
 */
export interface StoreEntry<T> {
  key: string;
  value: T;
  ttlMs: number;
}

export interface EntityStore {
  /** One value (or undefined) per key, in one round trip (Redis MGET); all undefined when the store fails. */
  getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>>;
  /** One round trip (Redis MULTI/EXEC). */
  setMany<T>(entries: readonly StoreEntry<T>[]): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  redisUrl?: string;
  timeoutMs: number;
  maxEntries: number;
  /** Called for every failed (`error`) or late (`timeout`) store call, and every error the client emits. */
  onFailure(kind: 'error' | 'timeout', error?: unknown): void;
}

/**
 * A Map that forgets its least recently used entry when full (Keyv's default Map grows without
 * bound, and anyone who can name keys could fill it). Reads move an entry to the back.
 */
export class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override get(key: string): V | undefined {
    const value = super.get(key);
    if (value !== undefined) {
      super.delete(key);
      super.set(key, value);
    }
    return value;
  }
  override set(key: string, value: V): this {
    if (!this.has(key) && this.size >= this.max) this.delete(this.keys().next().value!);
    else if (this.has(key)) super.delete(key);
    return super.set(key, value);
  }
}

export function createEntityStore(options: StoreOptions): EntityStore {
  const { timeoutMs, onFailure } = options;
  const redis = options.redisUrl === undefined ? undefined : new KeyvRedis(options.redisUrl, { throwOnConnectError: false, connectionTimeout: Math.max(timeoutMs, 1000) });
  // No Keyv namespace: keys arrive complete (`<namespace>:<system>:<Type>:<key>`), readable in redis-cli.
  const keyv = new Keyv({ store: redis ?? new BoundedMap(options.maxEntries), namespace: undefined, useKeyPrefix: false });
  // Without a listener, Keyv's 'error' event would crash the process when Redis goes away.
  keyv.on('error', (error: unknown) => onFailure('error', error));

  const bounded = <T>(work: () => Promise<T>, fallback: T): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<T>((resolve) => {
      timer = setTimeout(() => {
        onFailure('timeout');
        resolve(fallback);
      }, timeoutMs);
      timer.unref();
    });
    const settled = Promise.resolve()
      .then(work)
      .catch((error: unknown) => {
        onFailure('error', error);
        return fallback;
      });
    return Promise.race([settled, late]).finally(() => clearTimeout(timer));
  };

  return {
    getMany: <T>(keys: readonly string[]) =>
      keys.length === 0
        ? Promise.resolve([])
        : bounded(
            () => keyv.getMany<T>([...keys]) as Promise<Array<T | undefined>>,
            keys.map(() => undefined),
          ),
    setMany: async (entries) => {
      if (entries.length === 0) return;
      await bounded(() => keyv.setMany(entries.map(({ key, value, ttlMs }) => ({ key, value, ttl: ttlMs }))), []);
    },
    deleteMany: async (keys) => {
      if (keys.length === 0) return;
      await bounded(() => keyv.deleteMany([...keys]), false);
    },
    // Disconnecting from a dead server can hang as well: bounded too.
    close: () => bounded(() => keyv.disconnect(), undefined),
  };
}
