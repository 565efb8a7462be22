import fs from 'node:fs';
import v8 from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { vector } from '@electric-sql/pglite-pgvector';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** The Drizzle handle, identical in type for PGlite and node-postgres. Transactions are the same type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema>;

/** Where the data lives: embedded PGlite, a real PostgreSQL server, or PGlite in memory (tests). */
export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite-memory'; loadDataDir?: Blob | File }
  | { kind: 'postgres'; url: string; poolSize: number };

/**
 * The database handle every module receives: Drizzle for queries plus the few driver-level features
 * Drizzle does not cover (LISTEN/NOTIFY, multi-statement scripts, raw row queries).
 */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** Runs a query and returns its rows (both drivers expose `.rows`). */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** Runs a parameterless multi-statement script. */
  exec(script: string): Promise<void>;
  /** Subscribes to a NOTIFY channel; returns the unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Sends a NOTIFY (delivered after commit when called inside a transaction by SQL instead). */
  notify(channel: string, payload: string): Promise<void>;
  /** Whether the pgvector extension is available on this server. */
  hasVector(): Promise<boolean>;
  close(): Promise<void>;
  /** The underlying PGlite instance (embedded mode only), e.g. to dump a template for tests. */
  readonly pglite?: PGlite;
  /** The underlying pool (server mode only), e.g. for COPY streams. */
  readonly pool?: pg.Pool;
}

/**
 * PGlite's Postgres keeps its shared buffers inside the process's WebAssembly memory and touches them
 * all at start: the default 128 MB of them is most of an idle server's memory. 16 MB is plenty for the
 * single-session embedded database (the OS still caches the data files).
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * V8 compiles PGlite's WebAssembly Postgres with its baseline compiler (Liftoff) only, never tiering hot
 * functions up to TurboFan: the optimizing compiles cost a start ~400 ms of CPU and ~45 MB of resident
 * code, while a query costs the same (a primary-key lookup) to ~8% more (a catalog join) without them
 * (measured for bench/foundation.bench.ts). Set for the embedded server database only; the flag is
 * read when a module is compiled, so it must be set before the first `PGlite.create`.
 */
let liftoffOnly = false;
function compileWasmWithBaselineOnly(): void {
  if (liftoffOnly || process.env.CHARLA_PGLITE_OPTIMIZE === '1') return;
  liftoffOnly = true;
  v8.setFlagsFromString('--liftoff-only');
}

/** Opens the database; for PGlite the extensions are loaded into the instance at creation. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') return openPostgres(target.url, target.poolSize);
  const extensions = { vector, pg_trgm, unaccent };
  let client: PGlite;
  if (target.kind === 'pglite') {
    compileWasmWithBaselineOnly();
    fs.mkdirSync(target.dataDir, { recursive: true });
    client = await PGlite.create(target.dataDir, { extensions, relaxedDurability: false, startParams: PGLITE_START_PARAMS });
  } else {
    client = await PGlite.create({ extensions, loadDataDir: target.loadDataDir, relaxedDurability: true, startParams: PGLITE_START_PARAMS });
  }
  return openPglite(client);
}

function openPglite(client: PGlite): Database {
  const db = drizzlePglite({ client, schema, casing: 'snake_case' }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    pglite: client,
    async rows<T>(query: SQL) {
      const result = await db.execute(query);
      return (result as unknown as { rows: T[] }).rows;
    },
    async exec(script) {
      await client.exec(script);
    },
    async listen(channel, onPayload) {
      const unsubscribe = await client.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    async notify(channel, payload) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async hasVector() {
      return true;
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000 });
  // An idle client error (e.g. the server restarting) must not crash the process; the pool reconnects.
  pool.on('error', () => {});
  const db = drizzlePg({ client: pool, schema, casing: 'snake_case' }) as unknown as Db;
  let listener: pg.Client | undefined;
  let listenerReady: Promise<pg.Client> | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let vectorAvailable: boolean | undefined;

  // One dedicated connection carries every LISTEN of this process.
  const getListener = () => {
    listenerReady ??= (async () => {
      const c = new pg.Client({ connectionString: url });
      c.on('error', () => {});
      try {
        await c.connect();
      } catch (err) {
        listenerReady = undefined; // e.g. the server is at max_connections: the next listen tries again
        throw err;
      }
      c.on('notification', (msg) => {
        for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
      });
      listener = c;
      return c;
    })();
    return listenerReady;
  };

  return {
    kind: 'postgres',
    db,
    pool,
    async rows<T>(query: SQL) {
      const result = await db.execute(query);
      return (result as unknown as { rows: T[] }).rows;
    },
    async exec(script) {
      await pool.query(script);
    },
    async listen(channel, onPayload) {
      const c = await getListener();
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
      };
    },
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async hasVector() {
      if (vectorAvailable === undefined) {
        const r = await pool.query("select 1 from pg_extension where extname = 'vector'");
        vectorAvailable = r.rowCount === 1;
      }
      return vectorAvailable;
    },
    async close() {
      // Wait for a LISTEN connection still being opened, or it would open after close and keep the process alive.
      const c = listener ?? (listenerReady ? await listenerReady.catch(() => undefined) : undefined);
      await c?.end().catch(() => {});
      await pool.end();
    },
  };
}
