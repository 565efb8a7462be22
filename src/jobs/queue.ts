import type { z } from 'zod';
import type { Db } from '../db/client.ts';

/**
 * A job is a name, a zod payload schema and one idempotent handler. The definition (what modules
 * enqueue) is separate from the handler (registered on the runner with its dependencies). Handlers may
 * be called more than once for the same job (a worker killed mid-run, a lease that lapsed), so their
 * side effects must be idempotent — usually through a unique key on what they write or send.
 */
export interface JobDefinition<P> {
  name: string;
  payload: z.ZodType<P>;
  /** Attempts before the job is marked failed (default 5). */
  maxAttempts?: number;
  /** Exponential backoff: `baseMs * 2^(attempt-1)` with ±20% jitter, capped at `maxMs`. */
  backoff?: { baseMs: number; maxMs: number };
  /** How long a worker holds the job before another may take it over, extended while it runs (default 60 s). */
  leaseMs?: number;
  /**
   * The share of a runner's slots jobs of this kind may hold at once (0–1, at least one slot; default:
   * all). For kinds that can be due by the dozen and wait most of their run — a campaign that fell behind
   * its number's pace has every remaining batch due — so the other jobs (customers' messages, status
   * webhooks, assistant turns) always find a free slot.
   */
  maxShare?: number;
}

/** What a running handler can see and do. */
export interface JobContext {
  jobId: string;
  attempt: number;
  signal: AbortSignal;
  /** Extends the lease of a long job beyond the automatic heartbeat (rarely needed). */
  heartbeat(): Promise<void>;
}

/** Options when enqueuing one job. */
export interface EnqueueOptions {
  /**
   * A job with the same name and key is enqueued at most once, whatever its state (kept until the
   * finished job is pruned), so it never runs twice to completion.
   */
  idempotencyKey?: string;
  /** Do not run before this time. */
  runAt?: Date;
  /** Higher runs first among due jobs. */
  priority?: number;
  maxAttempts?: number;
  /** Enqueue inside the caller's transaction: the job exists only if the transaction commits. */
  tx?: Db;
}

/** The queue port: modules enqueue through it and never see the adapter. */
export interface JobQueue {
  enqueue<P>(job: JobDefinition<P>, payload: P, options?: EnqueueOptions): Promise<{ id: string; created: boolean }>;
  /** Enqueues many jobs of one kind in one statement (campaign fan-out). */
  enqueueMany<P>(job: JobDefinition<P>, items: { payload: P; options?: Omit<EnqueueOptions, 'tx'> }[], tx?: Db): Promise<number>;
  /** Cancels a queued job (running jobs finish). */
  cancel(jobId: string): Promise<boolean>;
}

/** A job's handler; receives the parsed payload. */
export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<void>;

/** Declares a job with its payload type inferred from the schema. */
export function defineJob<S extends z.ZodType>(definition: {
  name: string;
  payload: S;
  maxAttempts?: number;
  backoff?: { baseMs: number; maxMs: number };
  leaseMs?: number;
  maxShare?: number;
}): JobDefinition<z.infer<S>> {
  return { ...definition, payload: definition.payload as z.ZodType<z.infer<S>> };
}

/** The delay before retry number `attempt` (1-based) under a job's backoff policy. */
export function backoffDelay(attempt: number, backoff: { baseMs: number; maxMs: number }, random = Math.random): number {
  const exp = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = exp * 0.2 * (random() * 2 - 1);
  return Math.max(0, Math.round(exp + jitter));
}
