import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from './columns.ts';

export const jobStateEnum = pgEnum('job_state', ['queued', 'running', 'completed', 'failed', 'cancelled']);

/**
 * The durable job queue. A row is the job; workers claim due rows with `FOR UPDATE SKIP LOCKED`
 * and hold a lease (`locked_until`) that they extend while working, so a killed worker's job is
 * picked up again once its lease lapses. Completed rows keep their idempotency key until pruned.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: idColumn(),
    name: text().notNull(),
    payload: jsonb().notNull(),
    state: jobStateEnum().notNull().default('queued'),
    idempotencyKey: text(),
    priority: integer().notNull().default(0),
    runAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(5),
    lockedBy: text(),
    lockedUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    completedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('jobs_idempotency_idx').on(t.name, t.idempotencyKey),
    index('jobs_due_idx').on(t.priority.desc().nullsFirst(), t.runAt).where(sql`state = 'queued'`),
    index('jobs_lease_idx').on(t.lockedUntil).where(sql`state = 'running'`),
    index('jobs_finished_idx').on(t.completedAt).where(sql`state in ('completed', 'failed', 'cancelled')`),
  ],
);

/** Recurring jobs (cron-like, fixed interval); the scheduler enqueues one run per slot, idempotently. */
export const jobSchedules = pgTable('job_schedules', {
  name: text().primaryKey(),
  intervalSeconds: integer().notNull(),
  payload: jsonb().notNull().default({}),
  nextRunAt: timestamp({ withTimezone: true }).notNull(),
  updatedAt: updatedAt(),
});

/**
 * Rate limiter state per key (e.g. `whatsapp:<channelId>`), a GCRA "theoretical arrival time" in
 * microseconds since the epoch, shared by every worker through the database.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text().primaryKey(),
  tatMicros: bigint({ mode: 'number' }).notNull(),
  ratePerSecond: doublePrecision().notNull(),
  updatedAt: updatedAt(),
});
