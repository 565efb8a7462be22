import type { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { RetryableError } from '../../../shared/errors.ts';
import { rowsOf } from '../../../jobs/pg-queue.ts';
import { type BatchContext, type BatchCounts, type BatchResult, ConcurrentContactWrite, importBatch } from './import-batch.ts';
import { parseRow } from './row-parser.ts';
import { type FileRow, MAX_IMPORT_ROWS, readRows } from './read-rows.ts';
import type { TextEncodingName } from './text-decoding.ts';

/**
 * Rows committed per transaction (the checkpoint granularity). Each batch costs a handful of round
 * trips whatever its size, and on a busy server every round trip waits for a CPU: big batches keep
 * that overhead small, while two batches in memory stay a few megabytes.
 */
export const IMPORT_BATCH_SIZE = 5000;

/** Progress as the import advances (for the CLI's bar). */
export interface ImportProgress {
  rowsProcessed: number;
  totalRows: number | null;
  counts: BatchCounts;
}

/** Options to observe or interrupt a run (tests use `stopAfterBatches` to simulate a crash). */
export interface RunImportOptions {
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Stop (throwing) after this many batches were committed in this run, as a crash would. */
  stopAfterBatches?: number;
  /** Throw inside the transaction of batch number N of this run, before its commit. */
  failInsideBatch?: number;
  /** Rows per batch (IMPORT_BATCH_SIZE unless a test wants small batches). */
  batchSize?: number;
  /**
   * On PostgreSQL, run the batch loop in a worker thread (`true`) or in this thread (`false`); by
   * default, a worker for files of WORKER_MIN_BYTES or more. PGlite always runs it in this thread.
   */
  worker?: boolean;
}

/** Thrown by `stopAfterBatches`/`failInsideBatch` to simulate a crash. */
export class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

/** The import row as the run found it (the columns the batch loop reads). */
export interface ImportStart {
  id: string;
  format: 'csv' | 'xlsx';
  encoding: string;
  delimiter: string;
  rowsProcessed: number;
  totalRows: number | null;
}

/** How the batch loop ended; the caller records the import's final status. */
export type RowsOutcome = 'completed' | 'cancelled' | 'superseded' | 'file_unreadable';

/** What the batch loop needs from its surroundings (the server's, or a worker thread's own). */
export interface RowsEnv {
  db: Db;
  kind: 'pglite' | 'postgres';
  warn(context: Record<string, unknown>, message: string): void;
}

type ParsedRow = ReturnType<typeof parseRow>;

/**
 * Reads the stored file from the start, skips the data rows before the checkpoint, and commits each
 * batch of rows together with the new checkpoint and counters in one transaction — so after a crash at
 * any point the next run continues exactly after the last committed batch, with nothing imported twice
 * and nothing lost. Cancellation is honoured between batches.
 */
export async function importRows(
  env: RowsEnv,
  start: ImportStart,
  ctx: BatchContext,
  file: { stream: Readable; size: number },
  options: RunImportOptions = {},
): Promise<RowsOutcome> {
  const { db } = env;
  const importId = start.id;
  const counter = { bytesRead: 0 };
  const rows = readRows(file.stream, { format: start.format, encoding: start.encoding as TextEncodingName, delimiter: start.delimiter }, counter);
  let offset = start.rowsProcessed;
  let seen = 0;
  let header = true;
  let batchesThisRun = 0;
  let batch: ParsedRow[] = [];
  const batchSize = options.batchSize ?? IMPORT_BATCH_SIZE;
  type Outcome = 'ok' | 'cancelled' | 'superseded';

  // On PostgreSQL the checkpoint commits together with its batch, so a commit lost in a server crash
  // loses both and the batch is imported again: batches need not wait for their WAL flush. Not on
  // PGlite, which has no WAL writer: unflushed commits would wait for a later synchronous one, and a
  // killed process would lose every batch since.
  const asyncCommit = env.kind === 'postgres' ? sql`set_config('synchronous_commit', 'off', true)` : sql`null`;
  const commit = async (parsed: ParsedRow[]): Promise<Outcome> => {
    if (options.signal?.aborted) throw new RetryableError('the worker is stopping; the import resumes from its checkpoint', 0);
    const estimate = start.format === 'csv' || counter.bytesRead === 0 ? start.totalRows : Math.round(((offset + parsed.length) * file.size) / counter.bytesRead);
    const attempt = () =>
      db.transaction(async (tx): Promise<BatchResult | 'cancelled' | 'superseded'> => {
        const [lock] = await rowsOf<{ rows_processed: number; cancel: boolean; status: string }>(
          tx,
          sql`select rows_processed, cancel_requested_at is not null as cancel, status, ${asyncCommit}
              from contact_imports where id = ${importId}::uuid for update`,
        );
        if (lock?.status !== 'running' || lock.rows_processed !== offset) return 'superseded';
        if (lock.cancel) return 'cancelled';
        const result = await importBatch(tx, ctx, parsed);
        if (options.failInsideBatch === batchesThisRun + 1) throw new SimulatedCrash('crash inside a batch');
        const counts = result.counts;
        await rowsOf(
          tx,
          sql`update contact_imports set rows_processed = rows_processed + ${parsed.length},
                created_count = created_count + ${counts.created}, updated_count = updated_count + ${counts.updated},
                skipped_count = skipped_count + ${counts.skipped}, failed_count = failed_count + ${counts.failed},
                total_rows = ${estimate}, updated_at = now()
              where id = ${importId}::uuid`,
        );
        return result;
      });
    let outcome: Awaited<ReturnType<typeof attempt>>;
    for (let tries = 1; ; tries++) {
      try {
        outcome = await attempt();
        break;
      } catch (err) {
        // Someone took one of these phones or e-mails since the batch looked: plan it again.
        if (!(err instanceof ConcurrentContactWrite) || tries >= 3) throw err;
      }
    }
    if (typeof outcome === 'string') return outcome;
    for (const [k, v] of outcome.newGroups) ctx.groupCache.set(k, v);
    offset += parsed.length;
    batchesThisRun++;
    options.onProgress?.({ rowsProcessed: offset, totalRows: estimate, counts: outcome.counts });
    if (options.stopAfterBatches === batchesThisRun) throw new SimulatedCrash(`stopped after ${batchesThisRun} batch(es)`);
    return 'ok';
  };

  // Pipelining: while the database writes batch N, this thread reads and validates batch N+1 (phone
  // normalization is the CPU hot spot): rows are parsed as they are read. Commits stay strictly in
  // order, one at a time.
  const pipe: { inflight: Promise<Outcome> | null } = { inflight: null };
  const settle = async (): Promise<Outcome> => {
    const pending = pipe.inflight;
    pipe.inflight = null;
    return pending ? pending : 'ok';
  };
  const launch = (parsed: ParsedRow[]) => {
    const previous = pipe.inflight;
    pipe.inflight = (async () => {
      const before = previous ? await previous : 'ok';
      return before === 'ok' ? commit(parsed) : before;
    })();
    // Awaited later; a failure meanwhile must not count as unhandled.
    pipe.inflight.catch(() => {});
  };

  const iterator = rows[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<FileRow>;
      try {
        next = await iterator.next();
      } catch (err) {
        // The file itself is damaged (a truncated zip, broken XML): what was committed stays, the rest cannot be read.
        env.warn({ err, importId }, 'import file could not be read');
        const r = await settle();
        return r === 'ok' ? 'file_unreadable' : r;
      }
      if (next.done) break;
      const row = next.value;
      if (header) {
        header = false;
        continue;
      }
      seen++;
      if (seen <= offset) continue;
      batch.push(parseRow(seen > MAX_IMPORT_ROWS ? { ...row, problem: 'row_limit_exceeded' } : row, ctx));
      if (batch.length >= batchSize) {
        // At most one batch waits behind the one being written: memory stays at two batches.
        if (pipe.inflight) {
          const r = await settle();
          if (r !== 'ok') return r;
        }
        launch(batch);
        batch = [];
      }
    }
    if (batch.length) launch(batch);
    const r = await settle();
    if (r !== 'ok') return r;
  } finally {
    file.stream.destroy();
    await pipe.inflight?.catch(() => {});
  }
  return 'completed';
}
