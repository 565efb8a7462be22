import os from 'node:os';
import { sql } from 'drizzle-orm';
import type { Database, Db } from '../db/client.ts';
import { PermanentError, RetryableError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { coalesce } from './coalesce.ts';
import type { Logger } from '../shared/logger.ts';
import { backoffDelay, type EnqueueOptions, type JobDefinition, type JobHandler, type JobQueue } from './queue.ts';

/** NOTIFY channel that wakes idle workers when a job is enqueued. */
export const JOBS_CHANNEL = 'charla_jobs';

const DEFAULT_BACKOFF = { baseMs: 2_000, maxMs: 15 * 60_000 };
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_MAX_ATTEMPTS = 5;
/** A job whose worker keeps dying (lease lapses) is given up after this many extra claims. */
const CRASH_ALLOWANCE = 3;
/** After aborting the jobs still running at the end of a stop, how long they get to settle. */
const ABORT_GRACE_MS = 1_000;

/** The job queue on the database: enqueue side. Works identically on PGlite and PostgreSQL. */
export class PgJobQueue implements JobQueue {
  /** Enqueues outside a transaction made while one is being written share the next statement. */
  readonly #enqueueAlone = coalesce((records: EnqueueRecord[]) => this.#insertMany(records));

  constructor(private readonly database: Database) {}

  async enqueue<P>(job: JobDefinition<P>, payload: P, options: EnqueueOptions = {}) {
    const parsed = job.payload.parse(payload);
    const id = newId();
    if (!options.tx) {
      return this.#enqueueAlone({
        id,
        name: job.name,
        payload: parsed,
        key: options.idempotencyKey ?? null,
        priority: options.priority ?? 0,
        runAt: (options.runAt ?? new Date()).toISOString(),
        maxAttempts: options.maxAttempts ?? job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      });
    }
    const db = options.tx;
    // One round trip: the insert and the wake-up notification (sent only when a job was created).
    const rows = await rowsOf<{ id: string }>(
      db,
      sql`with ins as (
            insert into jobs (id, name, payload, idempotency_key, priority, run_at, max_attempts)
            values (${id}, ${job.name}, ${JSON.stringify(parsed)}::jsonb, ${options.idempotencyKey ?? null},
                    ${options.priority ?? 0}, ${(options.runAt ?? new Date()).toISOString()}::timestamptz,
                    ${options.maxAttempts ?? job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS})
            on conflict (name, idempotency_key) do nothing
            returning id
          )
          select id, pg_notify(${JOBS_CHANNEL}, ${job.name})::text as notified from ins`,
    );
    if (rows.length === 0) {
      const existing = await rowsOf<{ id: string }>(
        db,
        sql`select id from jobs where name = ${job.name} and idempotency_key = ${options.idempotencyKey ?? null}`,
      );
      return { id: existing[0]?.id ?? '', created: false };
    }
    return { id, created: true };
  }

  async enqueueMany<P>(job: JobDefinition<P>, items: { payload: P; options?: Omit<EnqueueOptions, 'tx'> }[], tx?: Db) {
    if (items.length === 0) return 0;
    const db = tx ?? this.database.db;
    const records = items.map(({ payload, options = {} }) => ({
      id: newId(),
      payload: job.payload.parse(payload),
      key: options.idempotencyKey ?? null,
      priority: options.priority ?? 0,
      runAt: (options.runAt ?? new Date()).toISOString(),
      maxAttempts: options.maxAttempts ?? job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    }));
    const rows = await rowsOf<{ n: number }>(
      db,
      sql`with input as (
            select * from jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
              as r(id uuid, payload jsonb, key text, priority int, "runAt" timestamptz, "maxAttempts" int)
          ), ins as (
            insert into jobs (id, name, payload, idempotency_key, priority, run_at, max_attempts)
            select id, ${job.name}, payload, key, priority, "runAt", "maxAttempts" from input
            on conflict (name, idempotency_key) do nothing
            returning 1
          )
          select count(*)::int as n from ins`,
    );
    await db.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${job.name})`);
    return rows[0]?.n ?? 0;
  }

  /**
   * Inserts jobs (of any names) in one statement, waking workers once per name, and answers each with
   * its id: the new one, or the existing job's when its idempotency key was taken (also by an
   * earlier record of the same batch).
   */
  async #insertMany(records: EnqueueRecord[]): Promise<{ id: string; created: boolean }[]> {
    const rows = await this.database.rows<{ id: string }>(
      sql`with input as (
            select * from jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
              as r(id uuid, name text, payload jsonb, key text, priority int, "runAt" timestamptz, "maxAttempts" int)
          ), ins as (
            insert into jobs (id, name, payload, idempotency_key, priority, run_at, max_attempts)
            select id, name, payload, key, priority, "runAt", "maxAttempts" from input
            on conflict (name, idempotency_key) do nothing
            returning id, name
          ), woken as (
            select pg_notify(${JOBS_CHANNEL}, n.name) from (select distinct name from ins) as n
          )
          select id::text from ins where (select count(*) from woken) >= 0`,
    );
    const created = new Set(rows.map((r) => r.id));
    const taken = records.filter((r) => !created.has(r.id));
    const existing = new Map<string, string>();
    if (taken.length) {
      const found = await this.database.rows<{ id: string; name: string; key: string }>(
        sql`select j.id::text, j.name, j.idempotency_key as key from jobs j
            join jsonb_to_recordset(${JSON.stringify(taken.map((t) => ({ name: t.name, key: t.key })))}::jsonb) as r(name text, key text)
              on j.name = r.name and j.idempotency_key = r.key`,
      );
      for (const f of found) existing.set(`${f.name}\u0000${f.key}`, f.id);
    }
    return records.map((r) =>
      created.has(r.id) ? { id: r.id, created: true } : { id: existing.get(`${r.name}\u0000${r.key}`) ?? '', created: false },
    );
  }

  async cancel(jobId: string) {
    const rows = await this.database.rows(
      sql`update jobs set state = 'cancelled', updated_at = now() where id = ${jobId} and state = 'queued' returning id`,
    );
    return rows.length > 0;
  }
}

/** A job to insert, as the enqueue statements take it. */
interface EnqueueRecord {
  id: string;
  name: string;
  payload: unknown;
  key: string | null;
  priority: number;
  runAt: string;
  maxAttempts: number;
}

interface ClaimedJob {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

/** Options of a worker process's runner. */
export interface JobRunnerOptions {
  concurrency: number;
  /** Poll even without notifications, to pick up delayed jobs and lapsed leases (default 1 s). */
  pollIntervalMs?: number;
  /** Requeue jobs left `running` by a previous process at start (true when nothing else shares the database). */
  recoverOrphansAtStart?: boolean;
  workerId?: string;
}

/**
 * Claims due jobs with `FOR UPDATE SKIP LOCKED`, runs their handlers with bounded concurrency, keeps
 * their leases alive, and records the outcome: completed, retried with backoff, or failed.
 */
export class JobRunner {
  readonly workerId: string;
  readonly #definitions = new Map<string, { definition: JobDefinition<unknown>; handler: JobHandler<unknown> }>();
  readonly #inFlight = new Map<string, { controller: AbortController; done: Promise<void>; leaseMs: number; name: string }>();
  #stopping = false;
  #started = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  /**
   * Records a job as completed. Jobs finishing while an earlier batch is being recorded are recorded
   * together in the next statement (group commit); each caller's promise settles when its own
   * completion is stored, or with the statement's error.
   */
  readonly #complete = coalesce(async (ids: string[]) => {
    await this.database.rows(
      sql`update jobs set state = 'completed', completed_at = now(), locked_by = null, locked_until = null,
              last_error = null, updated_at = now()
          where id = any(${sqlUuidArray(ids)}) and locked_by = ${this.workerId}`,
    );
    return ids.map(() => undefined);
  });

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
    private readonly options: JobRunnerOptions,
  ) {
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${newId().slice(-6)}`;
  }

  /** Registers the handler of a job name. */
  register<P>(definition: JobDefinition<P>, handler: JobHandler<P>): this {
    this.#definitions.set(definition.name, {
      definition: definition as JobDefinition<unknown>,
      handler: handler as JobHandler<unknown>,
    });
    return this;
  }

  /** Starts claiming jobs. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    if (this.options.recoverOrphansAtStart) {
      const recovered = await this.database.rows(
        sql`update jobs set state = 'queued', locked_by = null, locked_until = null, run_at = now(), updated_at = now(),
                last_error = 'interrupted: the process running it stopped'
            where state = 'running' returning id`,
      );
      if (recovered.length) this.logger.warn({ count: recovered.length }, 'requeued jobs interrupted by a previous stop');
    }
    this.#unlisten = await this.database.listen(JOBS_CHANNEL, () => this.#wake?.());
    const beatEvery = Math.max(250, Math.floor(this.#minLease() / 3));
    this.#heartbeat = setInterval(() => void this.#extendLeases(), beatEvery);
    this.#heartbeat.unref();
    this.#loop = this.#run();
  }

  /** Stops claiming, waits for running handlers (up to `timeoutMs`), then aborts and requeues the rest. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.#started || this.#stopping) return;
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    const all = Promise.allSettled([...this.#inFlight.values()].map((j) => j.done));
    const timedOut = await Promise.race([all.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) {
      for (const j of this.#inFlight.values()) j.controller.abort();
      // Handlers that honour the signal settle (and requeue themselves) quickly; the rest are requeued here.
      await Promise.race([all, sleep(ABORT_GRACE_MS)]);
      await this.#requeueInterrupted([...this.#inFlight.keys()]);
    }
    clearInterval(this.#heartbeat);
    await this.#unlisten?.();
  }

  /** Runs every job that is due now and waits for them; for tests and the CLI. */
  async drain(maxRounds = 1_000): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds; round++) {
      const claimed = await this.#claim(this.options.concurrency);
      if (claimed.length === 0) break;
      total += claimed.length;
      await Promise.all(claimed.map((job) => this.#execute(job)));
    }
    return total;
  }

  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  async #run(): Promise<void> {
    const poll = this.options.pollIntervalMs ?? 1_000;
    let lastSweep = 0;
    while (!this.#stopping) {
      try {
        if (Date.now() - lastSweep > poll) {
          lastSweep = Date.now();
          await this.#sweepLapsedLeases();
        }
        const free = this.options.concurrency - this.#inFlight.size;
        // While busy, claim several jobs per statement rather than one after each completion.
        const worthClaiming = this.#inFlight.size === 0 ? 1 : Math.max(1, Math.floor(this.options.concurrency / 4));
        const claimed = free >= worthClaiming ? await this.#claim(free) : [];
        for (const job of claimed) this.#start(job);
        if (claimed.length === free && free > 0) continue;
      } catch (err) {
        this.logger.error({ err }, 'job runner loop failed; retrying');
      }
      await new Promise<void>((resolve) => {
        // stop() may have been called while claiming, when there was no wake function to call yet.
        if (this.#stopping) return resolve();
        const timer = setTimeout(resolve, poll);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  #start(job: ClaimedJob): void {
    const definition = this.#definitions.get(job.name)?.definition;
    const controller = new AbortController();
    const leaseMs = definition?.leaseMs ?? DEFAULT_LEASE_MS;
    const done = this.#execute(job, controller)
      // Recording the outcome failed (the database went away): the job stays `running` under this
      // worker's lease and is requeued when the lease lapses. Nobody awaits `done` until a stop, so
      // a rejection here would surface as an unhandled one.
      .catch((err: unknown) => this.logger.error({ err, jobId: job.id, job: job.name }, 'could not record the outcome of a job'))
      .finally(() => {
        this.#inFlight.delete(job.id);
        this.#wake?.();
      });
    this.#inFlight.set(job.id, { controller, done, leaseMs, name: job.name });
  }

  /** How many more jobs of each kind with a {@link JobDefinition.maxShare} this runner may start now. */
  #room(): Map<string, number> {
    const room = new Map<string, number>();
    for (const [name, { definition }] of this.#definitions) {
      if (definition.maxShare === undefined) continue;
      room.set(name, Math.max(1, Math.floor(this.options.concurrency * definition.maxShare)));
    }
    for (const { name } of this.#inFlight.values()) if (room.has(name)) room.set(name, room.get(name)! - 1);
    return room;
  }

  async #claim(limit: number): Promise<ClaimedJob[]> {
    const room = this.#room();
    const names = [...this.#definitions.keys()].filter((name) => (room.get(name) ?? 1) > 0);
    if (names.length === 0 || limit <= 0) return [];
    const claimed = await this.#claimOf(names, limit);
    // A kind with little room left may have come back more often than it has room: the extra ones go
    // back to the queue at once, without spending an attempt (other runners, or this one later, take them).
    const kept: ClaimedJob[] = [];
    const extra: string[] = [];
    for (const job of claimed) {
      const left = room.get(job.name);
      if (left === undefined || left > 0) {
        kept.push(job);
        if (left !== undefined) room.set(job.name, left - 1);
      } else extra.push(job.id);
    }
    if (extra.length) {
      await this.database.rows(
        sql`update jobs set state = 'queued', locked_by = null, locked_until = null, attempts = greatest(attempts - 1, 0), updated_at = now()
            where id = any(${sqlUuidArray(extra)}) and locked_by = ${this.workerId} and state = 'running'`,
      );
    }
    return kept;
  }

  async #claimOf(names: string[], limit: number): Promise<ClaimedJob[]> {
    const leaseMs = this.#minLease();
    return this.database.rows<ClaimedJob>(
      sql`with next as (
            select id from jobs
            where state = 'queued' and run_at <= now() and name = any(${sqlTextArray(names)})
            order by priority desc, run_at
            limit ${limit}
            for update skip locked
          )
          update jobs j set state = 'running', attempts = j.attempts + 1, locked_by = ${this.workerId},
                 locked_until = now() + make_interval(secs => ${leaseMs / 1000}), updated_at = now()
          from next where j.id = next.id
          returning j.id, j.name, j.payload, j.attempts, j.max_attempts`,
    );
  }

  async #execute(job: ClaimedJob, controller = new AbortController()): Promise<void> {
    const registered = this.#definitions.get(job.name);
    const definition = registered?.definition;
    const log = this.logger.child({ jobId: job.id, job: job.name, attempt: job.attempts });
    const started = Date.now();
    try {
      if (!registered || !definition) throw new PermanentError(`No handler registered for job "${job.name}"`);
      const payload = definition.payload.parse(job.payload);
      await registered.handler(payload, {
        jobId: job.id,
        attempt: job.attempts,
        signal: controller.signal,
        heartbeat: () => this.#extendLeases([job.id]),
      });
      if (controller.signal.aborted) {
        // Stopped mid-run: a handler that returns after the abort may not have finished its work.
        await this.#requeueInterrupted([job.id]);
        return;
      }
      await this.#complete(job.id);
      log.debug({ ms: Date.now() - started }, 'job completed');
    } catch (err) {
      if (controller.signal.aborted) {
        // Failing because the runner is stopping is not the job's fault: it keeps its attempt.
        await this.#requeueInterrupted([job.id]);
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      const permanent =
        err instanceof PermanentError || (err instanceof Error && err.name === 'ZodError') || job.attempts >= job.max_attempts;
      if (permanent) {
        log.error({ err, ms: Date.now() - started }, 'job failed permanently');
        await this.database.rows(
          sql`update jobs set state = 'failed', completed_at = now(), locked_by = null, locked_until = null,
                  last_error = ${message.slice(0, 2000)}, updated_at = now()
              where id = ${job.id} and locked_by = ${this.workerId}`,
        );
        return;
      }
      const delay =
        err instanceof RetryableError && err.retryAfterMs !== undefined
          ? err.retryAfterMs
          : backoffDelay(job.attempts, definition?.backoff ?? DEFAULT_BACKOFF);
      log.warn({ err: message, retryInMs: delay }, 'job failed; will retry');
      await this.database.rows(
        sql`update jobs set state = 'queued', locked_by = null, locked_until = null,
                run_at = now() + make_interval(secs => ${delay / 1000}), last_error = ${message.slice(0, 2000)},
                updated_at = now()
            where id = ${job.id} and locked_by = ${this.workerId}`,
      );
    }
  }

  /** Puts jobs this runner was made to abandon back in the queue, without spending their attempt. */
  async #requeueInterrupted(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.database.rows(
      sql`update jobs set state = 'queued', locked_by = null, locked_until = null, run_at = now(),
              attempts = greatest(attempts - 1, 0), last_error = 'interrupted: the worker was stopping', updated_at = now()
          where id = any(${sqlUuidArray(ids)}) and locked_by = ${this.workerId} and state = 'running'`,
    );
  }

  async #extendLeases(ids = [...this.#inFlight.keys()]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.database.rows(
        sql`update jobs set locked_until = now() + make_interval(secs => ${this.#minLease() / 1000})
            where id = any(${sqlUuidArray(ids)}) and locked_by = ${this.workerId} and state = 'running'`,
      );
    } catch (err) {
      this.logger.warn({ err }, 'could not extend job leases');
    }
  }

  /** Jobs whose worker died: back to the queue, or failed when they keep killing workers. */
  async #sweepLapsedLeases(): Promise<void> {
    await this.database.rows(
      sql`update jobs set
            state = (case when attempts >= max_attempts + ${CRASH_ALLOWANCE} then 'failed' else 'queued' end)::job_state,
            completed_at = (case when attempts >= max_attempts + ${CRASH_ALLOWANCE} then now() end),
            locked_by = null, locked_until = null, run_at = now(), updated_at = now(),
            last_error = 'interrupted: its worker stopped responding'
          where state = 'running' and locked_until < now()`,
    );
  }

  #minLease(): number {
    let min = DEFAULT_LEASE_MS;
    for (const { definition } of this.#definitions.values()) min = Math.min(min, definition.leaseMs ?? DEFAULT_LEASE_MS);
    return min;
  }
}

/** Runs a query on a Drizzle handle (database or transaction) and returns its rows. */
export async function rowsOf<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

/** A `uuid[]` parameter (both drivers accept the array literal text form). */
export function sqlUuidArray(ids: string[]) {
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
}

/** A `text[]` parameter built from plain identifiers. */
export function sqlTextArray(values: string[]) {
  return sql`${`{${values.map((v) => `"${v.replace(/["\\]/g, '')}"`).join(',')}}`}::text[]`;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
