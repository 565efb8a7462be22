import { sql } from 'drizzle-orm';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { JobRunner, type JobRunnerOptions } from '../../src/jobs/pg-queue.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { TestContext } from './context.ts';

/** A logger that stays quiet unless TEST_LOG_LEVEL asks otherwise. */
export const quietLogger = () => createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

/**
 * Another handle on the test database, as a second process would have: a separate pool on
 * PostgreSQL; on PGlite (one embedded instance per process) the same handle.
 */
export async function secondHandle(ctx: TestContext): Promise<{ database: Database; close(): Promise<void> }> {
  if (!ctx.databaseUrl) return { database: ctx.container.database, close: async () => {} };
  const database = await openDatabase({ kind: 'postgres', url: ctx.databaseUrl, poolSize: 4 });
  return { database, close: () => database.close() };
}

/** A runner with no jobs registered, for tests that register their own. */
export function bareRunner(database: Database, options: Partial<JobRunnerOptions> = {}): JobRunner {
  return new JobRunner(database, quietLogger(), { concurrency: 4, pollIntervalMs: 50, ...options });
}

/** The stored state of a job, with `delayMs` = how far in the future it is due. */
export interface JobRow {
  id: string;
  state: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_by: string | null;
  delay_ms: number;
  priority: number;
}

/** Reads one job row. */
export async function jobRow(database: Database, id: string): Promise<JobRow> {
  const rows = await database.rows<JobRow>(
    sql`select id, state, attempts, max_attempts, last_error, locked_by, priority,
               (extract(epoch from run_at - now()) * 1000)::float8 as delay_ms
          from jobs where id = ${id}`,
  );
  if (!rows[0]) throw new Error(`job ${id} not found`);
  return { ...rows[0], delay_ms: Number(rows[0].delay_ms) };
}

/** Makes a delayed job due now (the test's stand-in for waiting). */
export async function makeDue(database: Database, id: string): Promise<void> {
  await database.rows(sql`update jobs set run_at = now() where id = ${id}`);
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A promise with its resolver, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}
