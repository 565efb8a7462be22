import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { bareRunner, jobRow, makeDue, secondHandle, waitFor } from '../../test/support/jobs.ts';
import type { Database } from '../db/client.ts';
import { PgJobQueue } from './pg-queue.ts';
import { defineJob } from './queue.ts';

const echoJob = defineJob({ name: 'test.echo', payload: z.object({ n: z.number() }) });
const otherJob = defineJob({ name: 'test.other', payload: z.object({ n: z.number() }) });

let ctx: TestContext;
let database: Database;
let queue: PgJobQueue;
/** Payloads each handler saw, in order. */
let seen: { job: string; n: number; jobId: string }[];

function runner(db: Database = database, options: { concurrency?: number; workerId?: string } = {}) {
  return bareRunner(db, options)
    .register(echoJob, async ({ n }, c) => {
      seen.push({ job: 'echo', n, jobId: c.jobId });
    })
    .register(otherJob, async ({ n }, c) => {
      seen.push({ job: 'other', n, jobId: c.jobId });
    });
}

beforeAll(async () => {
  ctx = await createTestContext();
  database = ctx.container.database;
  queue = new PgJobQueue(database);
});
afterAll(() => ctx?.close());
beforeEach(async () => {
  seen = [];
  await database.rows(sql`delete from jobs`);
});

describe('enqueue, claim, complete', () => {
  it('runs an enqueued job once with its payload and records it as completed', async () => {
    const { id, created } = await queue.enqueue(echoJob, { n: 7 });
    expect(created).toBe(true);
    expect((await jobRow(database, id)).state).toBe('queued');
    expect(await runner().drain()).toBe(1);
    expect(seen).toEqual([{ job: 'echo', n: 7, jobId: id }]);
    const row = await jobRow(database, id);
    expect(row.state).toBe('completed');
    expect(row.attempts).toBe(1);
    expect(row.locked_by).toBeNull();
    expect(await runner().drain()).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('rejects a payload that does not match the job schema before storing anything', async () => {
    await expect(queue.enqueue(echoJob, { n: 'x' } as unknown as { n: number })).rejects.toThrow();
    const rows = await database.rows(sql`select 1 from jobs`);
    expect(rows).toHaveLength(0);
  });

  it('only claims jobs whose names the runner handles', async () => {
    await queue.enqueue(otherJob, { n: 1 });
    const onlyEcho = bareRunner(database).register(echoJob, async ({ n }) => {
      seen.push({ job: 'echo', n, jobId: '' });
    });
    expect(await onlyEcho.drain()).toBe(0);
    expect(await runner().drain()).toBe(1);
    expect(seen.map((s) => s.job)).toEqual(['other']);
  });

  it('enqueued inside a transaction, a job exists only if the transaction commits', async () => {
    await database.db.transaction(async (tx) => {
      await queue.enqueue(echoJob, { n: 1 }, { tx });
    });
    await expect(
      database.db.transaction(async (tx) => {
        await queue.enqueue(echoJob, { n: 2 }, { tx });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await runner().drain();
    expect(seen.map((s) => s.n)).toEqual([1]);
  });
});

describe('idempotency keys', () => {
  it('the same name and key give one job, which runs once — even when enqueued again after it completed', async () => {
    const first = await queue.enqueue(echoJob, { n: 1 }, { idempotencyKey: 'order-42' });
    const second = await queue.enqueue(echoJob, { n: 2 }, { idempotencyKey: 'order-42' });
    expect(second).toEqual({ id: first.id, created: false });
    await runner().drain();
    const third = await queue.enqueue(echoJob, { n: 3 }, { idempotencyKey: 'order-42' });
    expect(third).toEqual({ id: first.id, created: false });
    await runner().drain();
    expect(seen).toEqual([{ job: 'echo', n: 1, jobId: first.id }]);
  });

  it('the same key under another job name is another job', async () => {
    const a = await queue.enqueue(echoJob, { n: 1 }, { idempotencyKey: 'k' });
    const b = await queue.enqueue(otherJob, { n: 2 }, { idempotencyKey: 'k' });
    expect(b.created).toBe(true);
    expect(b.id).not.toBe(a.id);
    await runner().drain();
    expect(seen.map((s) => s.job).sort()).toEqual(['echo', 'other']);
  });

  it('jobs without a key are never merged', async () => {
    await queue.enqueue(echoJob, { n: 1 });
    await queue.enqueue(echoJob, { n: 1 });
    expect(await runner().drain()).toBe(2);
  });

  it('enqueues made at the same time share one statement yet each gets its own answer', async () => {
    const [a, b, c, d] = await Promise.all([
      queue.enqueue(echoJob, { n: 1 }, { idempotencyKey: 'same' }),
      queue.enqueue(echoJob, { n: 2 }, { idempotencyKey: 'same' }),
      queue.enqueue(otherJob, { n: 3 }, { idempotencyKey: 'same' }),
      queue.enqueue(echoJob, { n: 4 }),
    ]);
    expect(a!.created).toBe(true);
    expect(b).toEqual({ id: a!.id, created: false });
    expect(c!.created).toBe(true);
    expect(c!.id).not.toBe(a!.id);
    expect(d!.created).toBe(true);
    expect(await runner().drain()).toBe(3);
    expect(seen.map((s) => s.n).sort()).toEqual([1, 3, 4]);
    // Later, the taken key answers with the existing job.
    expect(await queue.enqueue(echoJob, { n: 5 }, { idempotencyKey: 'same' })).toEqual({ id: a!.id, created: false });
  });

  it('concurrent enqueues of one key from two database handles create exactly one job', async () => {
    const other = await secondHandle(ctx);
    try {
      const queues = [queue, new PgJobQueue(other.database)];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => queues[i % 2]!.enqueue(echoJob, { n: i }, { idempotencyKey: 'concurrent' })),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results[0]!.id).not.toBe('');
      const rows = await database.rows(sql`select id from jobs where idempotency_key = 'concurrent'`);
      expect(rows).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('two runners started on separate handles run each of many jobs exactly once', async () => {
    const other = await secondHandle(ctx);
    const a = runner(database, { concurrency: 3, workerId: 'runner-a' });
    const b = runner(other.database, { concurrency: 3, workerId: 'runner-b' });
    try {
      await a.start();
      await b.start();
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) ids.push((await queue.enqueue(echoJob, { n: i }, { idempotencyKey: `many-${i % 30}` })).id);
      const unique = [...new Set(ids)];
      expect(unique).toHaveLength(30);
      await waitFor(async () => {
        const rows = await database.rows<{ n: number }>(sql`select count(*)::int as n from jobs where state = 'completed'`);
        return rows[0]!.n === 30;
      }, 20_000, 'all jobs to complete');
      expect(seen).toHaveLength(30);
      expect(new Set(seen.map((s) => s.jobId))).toEqual(new Set(unique));
    } finally {
      await a.stop();
      await b.stop();
      await other.close();
    }
  });
});

describe('scheduling', () => {
  it('does not run a job before its runAt, and runs it once due', async () => {
    const { id } = await queue.enqueue(echoJob, { n: 1 }, { runAt: new Date(Date.now() + 3600_000) });
    expect(await runner().drain()).toBe(0);
    const row = await jobRow(database, id);
    expect(row.delay_ms).toBeGreaterThan(3500_000);
    await makeDue(database, id);
    expect(await runner().drain()).toBe(1);
    expect((await jobRow(database, id)).state).toBe('completed');
  });

  it('runs due jobs by priority, highest first', async () => {
    await queue.enqueue(echoJob, { n: 1 }, { priority: 0 });
    await queue.enqueue(echoJob, { n: 2 }, { priority: 10 });
    await queue.enqueue(echoJob, { n: 3 }, { priority: 5 });
    await runner(database, { concurrency: 1 }).drain();
    expect(seen.map((s) => s.n)).toEqual([2, 3, 1]);
  });
});

describe('enqueueMany', () => {
  it('inserts many jobs in one call, skipping keys that exist already or repeat within the batch', async () => {
    await queue.enqueue(echoJob, { n: 0 }, { idempotencyKey: 'r-0' });
    const created = await queue.enqueueMany(echoJob, [
      { payload: { n: 100 }, options: { idempotencyKey: 'r-0' } },
      { payload: { n: 1 }, options: { idempotencyKey: 'r-1' } },
      { payload: { n: 2 }, options: { idempotencyKey: 'r-2' } },
      { payload: { n: 22 }, options: { idempotencyKey: 'r-2' } },
      { payload: { n: 3 } },
      { payload: { n: 4 }, options: { runAt: new Date(Date.now() + 3600_000) } },
    ]);
    expect(created).toBe(4);
    await runner().drain();
    expect(seen.map((s) => s.n).sort((x, y) => x - y)).toEqual([0, 1, 2, 3]);
    expect(await queue.enqueueMany(echoJob, [])).toBe(0);
  });

  it('validates every payload before inserting any', async () => {
    await expect(
      queue.enqueueMany(echoJob, [{ payload: { n: 1 } }, { payload: { n: 'bad' } as unknown as { n: number } }]),
    ).rejects.toThrow();
    expect(await database.rows(sql`select 1 from jobs`)).toHaveLength(0);
  });

  it('inside a transaction that rolls back, inserts nothing', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await queue.enqueueMany(echoJob, [{ payload: { n: 1 } }, { payload: { n: 2 } }], tx);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await database.rows(sql`select 1 from jobs`)).toHaveLength(0);
  });
});

describe('cancel', () => {
  it('a cancelled queued job never runs; finished jobs cannot be cancelled', async () => {
    const { id } = await queue.enqueue(echoJob, { n: 1 }, { runAt: new Date(Date.now() + 60_000) });
    expect(await queue.cancel(id)).toBe(true);
    await makeDue(database, id);
    expect(await runner().drain()).toBe(0);
    expect((await jobRow(database, id)).state).toBe('cancelled');

    const done = await queue.enqueue(echoJob, { n: 2 });
    await runner().drain();
    expect(await queue.cancel(done.id)).toBe(false);
    expect((await jobRow(database, done.id)).state).toBe('completed');
    expect(await queue.cancel('00000000-0000-7000-8000-000000000000')).toBe(false);
  });

  it('a cancelled job keeps its idempotency key: enqueueing it again does not revive it', async () => {
    const { id } = await queue.enqueue(echoJob, { n: 1 }, { idempotencyKey: 'c', runAt: new Date(Date.now() + 60_000) });
    await queue.cancel(id);
    expect(await queue.enqueue(echoJob, { n: 1 }, { idempotencyKey: 'c' })).toEqual({ id, created: false });
    await runner().drain();
    expect(seen).toHaveLength(0);
  });
});
