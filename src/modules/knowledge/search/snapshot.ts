import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { Database } from '../../../db/client.ts';

/** Runs one statement of a snapshot and returns its rows. */
export type Read = <T>(query: SQL) => Promise<T[]>;

const dialect = new PgDialect({ casing: 'snake_case' });

/**
 * Sequential scans are off for the whole read: the planner underrates the cost of matching every chunk's
 * tsvector and picks a sequential scan for queries that match a few percent of a mid-sized knowledge base;
 * the GIN and HNSW indexes are always the cheaper path for retrieval (and the other reads go by primary key
 * or organization index anyway). Joins run in the order the statements are written (the collapse limits
 * at 1): the retrieval statement's CTEs and subqueries are written in the order they should run, and
 * letting the planner search every join order took longer (~4 ms at 50,000 chunks) than running it. Its
 * plans are not cached instead (a named statement's generic plan): those ignore which lexemes a query
 * has, and a varied set of questions ran several times slower.
 */
const SETTINGS = 'set local enable_seqscan = off; set local join_collapse_limit = 1; set local from_collapse_limit = 1';

/**
 * Runs `first`, then `body`, in one read-only REPEATABLE READ transaction: every statement sees the same
 * committed state, so a query analyzed against one version of the knowledge (its languages, lexicon and
 * document frequencies) is never matched against the chunks of another, whatever commits meanwhile.
 *
 * `first` must carry its values inlined (no parameters): it travels with BEGIN and the settings in one
 * simple-protocol message, so on PostgreSQL opening the snapshot costs no round trip of its own. COMMIT
 * is queued behind the last statement and the connection returns to the pool when it completes; the
 * caller does not wait for it (nothing was written, there is nothing to confirm). On PGlite, which runs
 * one transaction at a time, the statements of this one cannot interleave with any write either.
 */
export async function inSnapshot<F, T>(database: Database, first: SQL, body: (firstRows: F[], read: Read) => Promise<T>): Promise<T> {
  const { sql: head, params } = dialect.sqlToQuery(first);
  if (params.length) throw new Error('the first statement of a snapshot must have its values inlined');
  if (database.pool) return onPostgres(database.pool, head, body);
  if (!database.pglite) throw new Error('database has neither a pool nor an embedded instance');
  return database.pglite.transaction(async (tx) => {
    const results = await tx.exec(`set transaction isolation level repeatable read, read only; ${SETTINGS}; ${head}`);
    const read: Read = async <R>(query: SQL) => {
      const q = dialect.sqlToQuery(query);
      return (await tx.query<R>(q.sql, q.params as unknown[])).rows;
    };
    return body(results.at(-1)!.rows as F[], read);
  });
}

async function onPostgres<F, T>(pool: pg.Pool, head: string, body: (firstRows: F[], read: Read) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    const results = (await client.query(`begin isolation level repeatable read, read only; ${SETTINGS}; ${head}`)) as unknown as pg.QueryResult[];
    const read: Read = async <R>(query: SQL) => {
      const q = dialect.sqlToQuery(query);
      return (await client.query(q.sql, q.params as unknown[])).rows as R[];
    };
    return await body(results.at(-1)!.rows as F[], read);
  } finally {
    // After an error COMMIT ends the failed transaction as a rollback would; a connection that cannot even
    // do that is closed rather than handed to the next caller.
    client.query('commit').then(
      () => client.release(),
      (err: Error) => client.release(err),
    );
  }
}
