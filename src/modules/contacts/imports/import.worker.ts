import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from '../../../db/client.ts';
import type { BatchContext } from './import-batch.ts';
import { type ImportProgress, type ImportStart, importRows, type RowsOutcome, type RunImportOptions } from './import-rows.ts';

/** What the server hands the worker thread (structured-cloned: Maps and Dates survive). */
export interface ImportWorkerData {
  connectionString: string;
  start: ImportStart;
  ctx: BatchContext;
  filePath: string;
  fileSize: number;
  options: Pick<RunImportOptions, 'batchSize' | 'stopAfterBatches' | 'failInsideBatch'>;
}

/** Messages the server sends: stop before the next batch (the worker is shutting down). */
export type ImportWorkerRequest = { type: 'abort' };

/** Messages the worker sends. */
export type ImportWorkerReply =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'warn'; message: string; error: string }
  | { type: 'done'; outcome: RowsOutcome }
  | { type: 'error'; error: { name: string; message: string; code?: string; retryAfterMs?: number } };

// One import per worker thread, on its own PostgreSQL connection: parsing, validation and planning
// allocate per row, and here they do it in a heap of its own whose size is capped (see run-import.ts),
// so the server's heap stays small and its event loop free while a large file is imported.
const data = workerData as ImportWorkerData;
const port = parentPort!;
const controller = new AbortController();
port.on('message', (m: ImportWorkerRequest) => {
  if (m.type === 'abort') controller.abort();
});
const post = (reply: ImportWorkerReply) => port.postMessage(reply);

const pool = new pg.Pool({ connectionString: data.connectionString, max: 1 });
pool.on('error', () => {});
// No schema: the loop writes with SQL of its own (the schema's modules would only slow the start).
const db = drizzle({ client: pool, casing: 'snake_case' }) as unknown as Db;
try {
  const outcome = await importRows(
    { db, kind: 'postgres', warn: (context, message) => post({ type: 'warn', message, error: String(context.err) }) },
    data.start,
    data.ctx,
    { stream: fs.createReadStream(data.filePath), size: data.fileSize },
    { ...data.options, signal: controller.signal, onProgress: (progress) => post({ type: 'progress', progress }) },
  );
  post({ type: 'done', outcome });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  const retryAfterMs = (e as { retryAfterMs?: unknown }).retryAfterMs;
  post({
    type: 'error',
    error: { name: e.name, message: e.message, code: typeof code === 'string' ? code : undefined, retryAfterMs: typeof retryAfterMs === 'number' ? retryAfterMs : undefined },
  });
} finally {
  await pool.end().catch(() => {});
  port.close();
}
