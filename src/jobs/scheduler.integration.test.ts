import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { quietLogger, secondHandle } from '../../test/support/jobs.ts';
import type { Database } from '../db/client.ts';
import { PgJobQueue } from './pg-queue.ts';
import { defineJob } from './queue.ts';
import { type Recurring, Scheduler } from './scheduler.ts';

const hourly = defineJob({ name: 'test.hourly', payload: z.object({}) });
const daily = defineJob({ name: 'test.daily', payload: z.object({}) });
const recurring: Recurring[] = [
  { job: hourly, intervalSeconds: 3600 },
  { job: daily, intervalSeconds: 86_400 },
];

let ctx: TestContext;
let database: Database;

beforeAll(async () => {
  ctx = await createTestContext();
  database = ctx.container.database;
});
afterAll(() => ctx?.close());
beforeEach(async () => {
  await database.rows(sql`delete from jobs`);
  await database.rows(sql`delete from job_schedules`);
});

const scheduler = (db: Database) => new Scheduler(db, new PgJobQueue(db), quietLogger(), recurring);
const jobsOf = (name: string) => database.rows<{ idempotency_key: string }>(sql`select idempotency_key from jobs where name = ${name} order by created_at`);
/** Moves every schedule's next slot into the past, as if the interval had elapsed. */
const elapse = () => database.rows(sql`update job_schedules set next_run_at = now() - interval '1 second'`);

describe('scheduler', () => {
  it('enqueues each recurring job at start, then once per elapsed interval', async () => {
    const s = scheduler(database);
    await s.start(60_000);
    try {
      expect(await jobsOf('test.hourly')).toHaveLength(1);
      expect(await jobsOf('test.daily')).toHaveLength(1);
      await s.tick();
      await s.tick();
      expect(await jobsOf('test.hourly')).toHaveLength(1);
      await elapse();
      await s.tick();
      const keys = (await jobsOf('test.hourly')).map((j) => j.idempotency_key);
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(2);
    } finally {
      await s.stop();
    }
  });

  it('two schedulers (two processes) enqueue each slot once', async () => {
    const other = await secondHandle(ctx);
    const a = scheduler(database);
    const b = scheduler(other.database);
    try {
      await Promise.all([a.start(60_000), b.start(60_000)]);
      for (let round = 0; round < 5; round++) {
        await elapse();
        await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      }
      expect(await jobsOf('test.hourly')).toHaveLength(6);
      expect(await jobsOf('test.daily')).toHaveLength(6);
    } finally {
      await a.stop();
      await b.stop();
      await other.close();
    }
  });

  it('a scheduler that was down for several intervals enqueues one run, not a backlog', async () => {
    const s = scheduler(database);
    await s.start(60_000);
    await s.stop();
    await database.rows(sql`update job_schedules set next_run_at = now() - interval '10 hours'`);
    await s.tick();
    await s.tick();
    expect(await jobsOf('test.hourly')).toHaveLength(2);
    const [row] = await database.rows<{ ahead: number }>(
      sql`select extract(epoch from next_run_at - now())::float8 as ahead from job_schedules where name = 'test.hourly'`,
    );
    expect(Number(row!.ahead)).toBeGreaterThan(3500);
  });

  it('the recurring jobs run through the real container: every registered recurring job has a handler', async () => {
    const runner = ctx.newRunner();
    const s = new Scheduler(database, ctx.container.queue, quietLogger(), ctx.container.recurring);
    await s.start(60_000);
    await s.stop();
    const due = await database.rows<{ name: string }>(sql`select name from jobs where state = 'queued'`);
    expect(due.length).toBe(ctx.container.recurring.length);
    await runner.drain();
    const states = await database.rows<{ state: string }>(sql`select state from jobs`);
    expect(states.every((r) => r.state === 'completed')).toBe(true);
  });
});
