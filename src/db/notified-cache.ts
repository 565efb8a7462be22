import { sql } from 'drizzle-orm';
import type { Database, Db } from './client.ts';

/** NOTIFY channel on which every process learns which cached rows changed (payload `<namespace>:<key>`). */
export const CACHE_CHANNEL = 'charla_cache';

/** How long an entry may be served without a notification; bounds staleness if one is ever lost. */
const DEFAULT_TTL_MS = 15_000;
const DEFAULT_MAX_ENTRIES = 10_000;
/** After a failed LISTEN (e.g. the server had no free connection), how long until the next attempt. */
const LISTEN_RETRY_MS = 5_000;

/**
 * A per-process cache of rows that nearly every request reads (an API key, its organization), kept
 * coherent across processes through the database. Why: on a small machine one database round trip
 * costs several times a whole framework request, so re-reading them on every request divides
 * throughput (see bench/foundation.bench.ts).
 *
 * Writers call `invalidateCached(db, tx, namespace, key)` inside their transaction: the entry is dropped
 * here at once, and a NOTIFY, delivered at commit, drops it in every process; after the transaction,
 * `forgetCached` drops it here once more, so a read that raced the commit cannot leave the old value
 * behind (a load stores its result only if no invalidation happened while it ran). Nothing is cached
 * until the process listens on the channel, and entries expire after a short TTL regardless.
 */
export class NotifiedCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  #generation = 0;

  readonly #listening: () => Promise<boolean>;

  /** `listening`: whether invalidations are being received (a promise, or a function giving the current one). */
  constructor(
    listening: Promise<boolean> | (() => Promise<boolean>),
    private readonly options: { ttlMs: number; maxEntries: number },
  ) {
    this.#listening = typeof listening === 'function' ? listening : () => listening;
  }

  /** The cached value of `key` when it is fresh, without loading it (lets hot paths stay synchronous). */
  peek(key: string): V | undefined {
    const hit = this.#entries.get(key);
    return hit && hit.expiresAt > Date.now() ? hit.value : undefined;
  }

  /** The cached value of `key`, or the loader's result (cached when defined). */
  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.#entries.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.value;
    const generation = this.#generation;
    const value = await load();
    if (value !== undefined && generation === this.#generation && (await this.#listening())) {
      if (this.#entries.size >= this.options.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(key, { value, expiresAt: Date.now() + this.options.ttlMs });
    }
    return value;
  }

  /** Drops `key` in this process. */
  forget(key: string): void {
    this.#generation++;
    this.#entries.delete(key);
  }
}

interface Registry {
  /** Whether this process listens for invalidations (until it does, nothing is cached). */
  listening: Promise<boolean>;
  caches: Map<string, NotifiedCache<unknown>>;
}

// Keyed by the database's root Drizzle handle, so services that receive only `db` find it; a
// transaction handle finds nothing, and reads inside transactions always go to the database.
const registries = new WeakMap<Db, Registry>();

/**
 * Listens for invalidations on `database` and enables its caches; called once by the container. While
 * LISTEN fails (no notifications, so no caching: every read goes to the database) it is retried every
 * few seconds, so a server that was briefly out of connections does not leave the process uncached.
 */
export function enableNotifiedCaches(database: Database): void {
  if (registries.has(database.db)) return;
  const caches = new Map<string, NotifiedCache<unknown>>();
  const listen = (): Promise<boolean> =>
    database
      .listen(CACHE_CHANNEL, (payload) => {
        const colon = payload.indexOf(':');
        caches.get(payload.slice(0, colon))?.forget(payload.slice(colon + 1));
      })
      .then(
        () => true,
        () => {
          setTimeout(() => {
            registry.listening = listen();
          }, LISTEN_RETRY_MS).unref();
          return false;
        },
      );
  const registry: Registry = { listening: listen(), caches };
  registries.set(database.db, registry);
}

/**
 * The cache `namespace` of the database behind `db`, or undefined when `db` is a transaction or caching
 * is not enabled (then read from the database).
 */
export function notifiedCache<V>(db: Db, namespace: string, options: Partial<{ ttlMs: number; maxEntries: number }> = {}): NotifiedCache<V> | undefined {
  const registry = registries.get(db);
  if (!registry) return undefined;
  let cache = registry.caches.get(namespace);
  if (!cache) {
    cache = new NotifiedCache<unknown>(() => registry.listening, {
      ttlMs: options.ttlMs ?? DEFAULT_TTL_MS,
      maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
    });
    registry.caches.set(namespace, cache);
  }
  // The registry holds one cache per namespace; each namespace is used with one value type.
  return cache as NotifiedCache<V>;
}

/**
 * Inside a transaction `tx` on `db`: drops `namespace:key` in this process now and, when the transaction
 * commits, in every process. Call `forgetCached` after the commit as well.
 */
export async function invalidateCached(db: Db, tx: Db, namespace: string, key: string): Promise<void> {
  forgetCached(db, namespace, key);
  await tx.execute(sql`select pg_notify(${CACHE_CHANNEL}, ${`${namespace}:${key}`})`);
}

/** Drops `namespace:key` in this process (after the commit of a change that invalidated it). */
export function forgetCached(db: Db, namespace: string, key: string): void {
  registries.get(db)?.caches.get(namespace)?.forget(key);
}
