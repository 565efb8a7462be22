import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { and, eq, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Deps } from '../../../container.ts';
import type { Db } from '../../../db/client.ts';
import { contactGroups, contactImports } from '../../../db/schema/index.ts';
import { FileNotFoundError, LocalStorage } from '../../../adapters/storage/local-storage.ts';
import { RetryableError } from '../../../shared/errors.ts';
import { resolveLocale } from '../../../shared/i18n.ts';
import { asFieldDefs, loadFieldDefs, orgRegion } from '../contacts.repository.ts';
import { getOrganization } from '../../organizations/organizations.service.ts';
import type { ImportTarget } from './header-matching.ts';
import type { BatchContext } from './import-batch.ts';
import { importRows, type RowsOutcome, type RunImportOptions, SimulatedCrash } from './import-rows.ts';
import type { ImportWorkerData, ImportWorkerReply, ImportWorkerRequest } from './import.worker.ts';

export { IMPORT_BATCH_SIZE, type ImportProgress, type RunImportOptions, SimulatedCrash } from './import-rows.ts';

type ImportRow = typeof contactImports.$inferSelect;

/**
 * Heap of the import's worker thread. Rows are parsed, validated and planned batch by batch, and a
 * batch lives across database round trips, so nearly everything a row allocates is promoted to the old
 * generation and dies there: left alone, V8 lets that garbage grow to several times the live data
 * (~150 MB more resident memory for 100,000 rows) before collecting it. A capped heap is collected as
 * it fills; two batches of live rows need a fraction of this.
 */
const WORKER_HEAP_MB = 64;
/**
 * Files smaller than this are imported in the server's thread: starting the worker (loading its
 * modules, through tsx from the TypeScript sources) costs ~1 s of CPU, more than such a file's garbage.
 */
export const WORKER_MIN_BYTES = 2 * 1024 * 1024;
const WORKER_URL = new URL('./import.worker.ts', import.meta.url);

/**
 * Runs (or resumes) an import: the batch loop (`importRows`: read the stored file, skip the rows
 * before the checkpoint, commit each batch with its checkpoint) and then the import's final status.
 * On PostgreSQL a large file's loop runs in a worker thread with a capped heap and its own connection
 * (the server's heap and event loop stay out of it); on PGlite, which lives in this thread, and for
 * small files it runs here.
 * Returns the import's final status, or `superseded` when another worker is already ahead.
 */
export async function runImport(deps: Deps, importId: string, options: RunImportOptions = {}): Promise<string> {
  const db = deps.database.db;
  const [start] = await db
    .update(contactImports)
    .set({ status: 'running', startedAt: sql`coalesce(${contactImports.startedAt}, now())`, updatedAt: new Date() })
    .where(and(eq(contactImports.id, importId), sql`${contactImports.status} in ('queued', 'running')`))
    .returning();
  if (!start) return 'noop';
  if (start.cancelRequestedAt) return finish(deps, start, 'cancelled');
  if (!start.fileKey) return finish(deps, start, 'failed', 'file_missing');

  const ctx = await batchContext(db, start);
  let file: Awaited<ReturnType<typeof deps.storage.get>>;
  try {
    file = await deps.storage.get(start.fileKey);
  } catch (err) {
    if (err instanceof FileNotFoundError) return finish(deps, start, 'failed', 'file_missing');
    throw err;
  }
  const connectionString = (deps.database.pool as (pg.Pool & { options?: pg.PoolConfig }) | undefined)?.options?.connectionString;
  let outcome: RowsOutcome | { failed: Error };
  const inWorker = options.worker ?? file.size >= WORKER_MIN_BYTES;
  if (inWorker && deps.database.kind === 'postgres' && connectionString && deps.storage instanceof LocalStorage) {
    file.stream.destroy();
    const data: ImportWorkerData = {
      connectionString,
      start,
      ctx,
      filePath: deps.storage.pathOf(start.fileKey),
      fileSize: file.size,
      options: { batchSize: options.batchSize, stopAfterBatches: options.stopAfterBatches, failInsideBatch: options.failInsideBatch },
    };
    outcome = await runInWorker(deps, data, options);
    // The worker thread itself failed — most likely a batch too large for its heap (rows of huge cells),
    // or its modules could not load: the batches committed so far stay, and this run continues in the
    // server's own thread from the checkpoint.
    if (typeof outcome === 'object') {
      deps.logger.warn({ importId, err: outcome.failed }, 'import worker failed; continuing in the server thread');
      return runImport(deps, importId, { ...options, worker: false });
    }
  } else {
    const warn = (context: Record<string, unknown>, message: string) => deps.logger.warn(context, message);
    outcome = await importRows({ db, kind: deps.database.kind, warn }, start, ctx, file, options);
  }
  if (outcome === 'superseded') return 'superseded';
  if (outcome === 'file_unreadable') return finish(deps, start, 'failed', 'file_unreadable');
  return finish(deps, start, outcome);
}

/**
 * Runs the batch loop in a worker thread; the loop's errors come back as the errors it would throw here,
 * a failure of the thread itself (out of memory, modules not loaded, exited) as `{ failed }`.
 */
async function runInWorker(deps: Deps, data: ImportWorkerData, options: RunImportOptions): Promise<RowsOutcome | { failed: Error }> {
  const worker = new Worker(bootstrapSource(), {
    eval: true,
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 16 },
  });
  const abort = () => worker.postMessage({ type: 'abort' } satisfies ImportWorkerRequest);
  if (options.signal?.aborted) abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    return await new Promise<RowsOutcome | { failed: Error }>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
      };
      worker.on('message', (reply: ImportWorkerReply) => {
        if (reply.type === 'progress') options.onProgress?.(reply.progress);
        else if (reply.type === 'warn') deps.logger.warn({ importId: data.start.id, err: reply.error }, reply.message);
        else if (reply.type === 'done') settle(() => resolve(reply.outcome));
        else settle(() => reject(workerError(reply.error)));
      });
      worker.once('error', (err) => settle(() => resolve({ failed: err })));
      worker.once('exit', (code) => settle(() => resolve({ failed: new Error(`import worker exited (${code}) before finishing`) })));
    });
  } finally {
    options.signal?.removeEventListener('abort', abort);
    await worker.terminate();
  }
}

/** The error the batch loop threw in the worker, as the same kind of error here (for retries and tests). */
function workerError(e: Extract<ImportWorkerReply, { type: 'error' }>['error']): Error {
  if (e.name === 'SimulatedCrash') return new SimulatedCrash(e.message);
  if (e.name === 'RetryableError') return new RetryableError(e.message, e.retryAfterMs);
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code) err.code = e.code;
  return err;
}

/** The packages the worker's modules import, loaded before tsx's hooks are (see bootstrapSource). */
const WORKER_PACKAGES = ['drizzle-orm', 'drizzle-orm/node-postgres', 'pg', 'papaparse', 'libphonenumber-js/max', 'uuid'];

/**
 * The worker's entry: when the source is TypeScript (run through tsx, as `charla` is), the worker thread
 * registers tsx's loader itself — Node 20 does not pass the parent's module hooks on to workers. The
 * packages are imported first, by Node alone: through tsx's hooks (a round trip to its loader thread
 * per file) they cost the start ~0.6 s of CPU more; the TypeScript modules then find them loaded.
 */
function bootstrapSource(): string {
  const target = JSON.stringify(WORKER_URL.href);
  if (!WORKER_URL.pathname.endsWith('.ts')) return `import(${target});`;
  const tsx = JSON.stringify(tsxApiUrl());
  const packages = JSON.stringify(packageUrls());
  return `Promise.all(${packages}.map((p) => import(p))).then(() => import(${tsx})).then(({ register }) => { register(); return import(${target}); });`;
}

/** WORKER_PACKAGES as URLs (an eval'd worker resolves bare names from the working directory); none if unknown. */
function packageUrls(): string[] {
  try {
    if (typeof import.meta.resolve === 'function') return WORKER_PACKAGES.map((p) => import.meta.resolve(p));
  } catch {
    // a package that does not resolve here: the worker loads it through tsx like the rest
  }
  return [];
}

/** The ESM entry of tsx's register API (its CommonJS twin cannot register ESM hooks from a worker). */
function tsxApiUrl(): string {
  try {
    if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  } catch {
    // not available under every test runner; fall back to require resolution below
  }
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}

async function batchContext(db: Db, imp: ImportRow): Promise<BatchContext> {
  const org = await getOrganization(db, imp.organizationId);
  const defs = asFieldDefs(await loadFieldDefs(db, imp.organizationId));
  let groupId = imp.options.groupId;
  if (groupId) {
    const [g] = await db
      .select({ id: contactGroups.id })
      .from(contactGroups)
      .where(and(eq(contactGroups.id, groupId), eq(contactGroups.organizationId, imp.organizationId)));
    groupId = g?.id ?? null;
  }
  return {
    organizationId: imp.organizationId,
    importId: imp.id,
    options: imp.options,
    groupId,
    groupCache: new Map(),
    mapping: imp.mapping as ImportTarget[],
    fields: new Map(defs.map((d) => [d.key, d])),
    // Read fresh (not the cached organization): a country set a moment ago must apply to this import.
    region: await orgRegion(db, imp.organizationId),
    consentText: `${imp.fileName} (${resolveLocale(org.locale)})`,
  };
}

/** Marks the import finished (unless it already is) and deletes the uploaded file: it holds personal data. */
async function finish(deps: Deps, imp: ImportRow, status: 'completed' | 'failed' | 'cancelled', errorCode?: string): Promise<string> {
  await deps.database.db
    .update(contactImports)
    .set({
      status,
      errorCode: errorCode ?? null,
      totalRows: status === 'completed' ? sql`${contactImports.rowsProcessed}` : sql`${contactImports.totalRows}`,
      fileKey: null,
      finishedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(and(eq(contactImports.id, imp.id), sql`${contactImports.status} in ('queued', 'running', 'uploaded')`));
  if (imp.fileKey) await deps.storage.delete(imp.fileKey);
  return status;
}
