import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { bareRunner, gate, jobRow, makeDue, secondHandle, waitFor } from '../../test/support/jobs.ts';
import type { Database } from '../db/client.ts';
import { PermanentError, RetryableError } from '../shared/errors.ts';
import { PgJobQueue } from './pg-queue.ts';
import { defineJob, type JobHandler } from './queue.ts';

const payload = z.object({ label: z.string() });
const BASE_MS = 60_000;
const flaky = defineJob({ name: 'test.flaky', payload, maxAttempts: 4, backoff: { baseMs: BASE_MS, maxMs: 3 * BASE_MS } });

let ctx: TestContext;
let database: Database;
let queue: PgJobQueue;

beforeAll(async () => {
  ctx = await createTestContext();
  database = ctx.container.database;
  queue = new PgJobQueue(database);
});
afterAll(() => ctx?.close());
beforeEach(async () => {
  await database.rows(sql`delete from jobs`);
});

/** A runner with one handler for `flaky`. */
const runnerWith = (handler: JobHandler<{ label: string }>, db = database, workerId?: string) =>
  bareRunner(db, { workerId }).register(flaky, handler);

describe('retries', () => {
  it('retries a failing job with exponential backoff and completes it when the handler succeeds', async () => {
    const attempts: number[] = [];
    const r = runnerWith(async (_p, c) => {
      attempts.push(c.attempt);
      if (c.attempt < 3) throw new Error(`boom ${c.attempt}`);
    });
    const { id } = await queue.enqueue(flaky, { label: 'x' });

    await r.drain();
    let row = await jobRow(database, id);
    expect(row).toMatchObject({ state: 'queued', attempts: 1, last_error: 'boom 1', locked_by: null });
    // First retry after base ±20% jitter.
    expect(row.delay_ms).toBeGreaterThan(BASE_MS * 0.8 - 2_000);
    expect(row.delay_ms).toBeLessThanOrEqual(BASE_MS * 1.2);
    expect(await r.drain()).toBe(0);

    await makeDue(database, id);
    await r.drain();
    row = await jobRow(database, id);
    expect(row).toMatchObject({ state: 'queued', attempts: 2, last_error: 'boom 2' });
    // Second retry after twice the base.
    expect(row.delay_ms).toBeGreaterThan(BASE_MS * 1.6 - 2_000);
    expect(row.delay_ms).toBeLessThanOrEqual(BASE_MS * 2.4);

    await makeDue(database, id);
    await r.drain();
    row = await jobRow(database, id);
    expect(row).toMatchObject({ state: 'completed', attempts: 3, last_error: null });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('caps the backoff at maxMs', async () => {
    const r = runnerWith(async () => {
      throw new Error('always');
    });
    const { id } = await queue.enqueue(flaky, { label: 'x' }, { maxAttempts: 10 });
    for (let i = 0; i < 4; i++) {
      await makeDue(database, id);
      await r.drain();
    }
    const row = await jobRow(database, id);
    expect(row.attempts).toBe(4);
    // Attempt 4 would be 8× base without the cap; the cap is 3× base (+20% jitter at most).
    expect(row.delay_ms).toBeLessThanOrEqual(3 * BASE_MS * 1.2);
    expect(row.delay_ms).toBeGreaterThan(3 * BASE_MS * 0.8 - 2_000);
  });

  it('fails the job after maxAttempts and never runs it again', async () => {
    let calls = 0;
    const r = runnerWith(async () => {
      calls++;
      throw new Error(`failure ${calls}`);
    });
    const { id } = await queue.enqueue(flaky, { label: 'x' });
    for (let i = 0; i < 6; i++) {
      await makeDue(database, id);
      await r.drain();
    }
    expect(calls).toBe(4);
    expect(await jobRow(database, id)).toMatchObject({ state: 'failed', attempts: 4, last_error: 'failure 4' });
  });

  it('RetryableError(retryAfterMs) retries after exactly that delay instead of the backoff', async () => {
    const r = runnerWith(async (_p, c) => {
      if (c.attempt === 1) throw new RetryableError('vendor said 429', 90_000);
    });
    const { id } = await queue.enqueue(flaky, { label: 'x' });
    await r.drain();
    const row = await jobRow(database, id);
    expect(row).toMatchObject({ state: 'queued', attempts: 1, last_error: 'vendor said 429' });
    expect(row.delay_ms).toBeGreaterThan(88_000);
    expect(row.delay_ms).toBeLessThanOrEqual(90_000);
    await makeDue(database, id);
    await r.drain();
    expect((await jobRow(database, id)).state).toBe('completed');
  });

  it('RetryableError without a delay uses the backoff', async () => {
    const r = runnerWith(async () => {
      throw new RetryableError('temporary');
    });
    const { id } = await queue.enqueue(flaky, { label: 'x' });
    await r.drain();
    const row = await jobRow(database, id);
    expect(row.state).toBe('queued');
    expect(row.delay_ms).toBeGreaterThan(BASE_MS * 0.8 - 2_000);
  });

  it('PermanentError fails the job at once, whatever attempts remain', async () => {
    let calls = 0;
    const r = runnerWith(async () => {
      calls++;
      throw new PermanentError('invalid recipient');
    });
    const { id } = await queue.enqueue(flaky, { label: 'x' });
    await r.drain();
    await makeDue(database, id);
    await r.drain();
    expect(calls).toBe(1);
    expect(await jobRow(database, id)).toMatchObject({ state: 'failed', attempts: 1, last_error: 'invalid recipient' });
  });

  it('a stored payload that no longer matches the schema fails permanently without calling the handler', async () => {
    let calls = 0;
    const r = runnerWith(async () => {
      calls++;
    });
    const { id } = await queue.enqueue(flaky, { label: 'x' });
    await database.rows(sql`update jobs set payload = '{"label": 42}'::jsonb where id = ${id}`);
    await r.drain();
    expect(calls).toBe(0);
    expect((await jobRow(database, id)).state).toBe('failed');
  });
});

describe('leases', () => {
  it('a job whose worker stopped renewing its lease is taken over by another runner', async () => {
    // What a killed worker leaves behind: a running job, locked by it, with a lease in the past.
    const { id } = await queue.enqueue(flaky, { label: 'orphan' });
    await database.rows(
      sql`update jobs set state = 'running', attempts = 1, locked_by = 'dead-worker', locked_until = now() - interval '1 second' where id = ${id}`,
    );
    const ran: number[] = [];
    const r = runnerWith(async (_p, c) => {
      ran.push(c.attempt);
    }, database, 'rescuer');
    await r.start();
    try {
      await waitFor(async () => (await jobRow(database, id)).state === 'completed', 10_000, 'the orphan to complete');
    } finally {
      await r.stop();
    }
    expect(ran).toEqual([2]);
  });

  it('a running job with a live lease is left alone', async () => {
    const { id } = await queue.enqueue(flaky, { label: 'busy' });
    await database.rows(
      sql`update jobs set state = 'running', attempts = 1, locked_by = 'busy-worker', locked_until = now() + interval '1 hour' where id = ${id}`,
    );
    let calls = 0;
    const r = runnerWith(async () => {
      calls++;
    });
    await r.start();
    await new Promise((res) => setTimeout(res, 300));
    await r.stop();
    expect(calls).toBe(0);
    expect(await jobRow(database, id)).toMatchObject({ state: 'running', locked_by: 'busy-worker' });
  });

  it('gives up on a job that keeps killing its workers', async () => {
    const { id } = await queue.enqueue(flaky, { label: 'poison' }, { maxAttempts: 2 });
    await database.rows(
      sql`update jobs set state = 'running', attempts = 5, locked_by = 'dead', locked_until = now() - interval '1 second' where id = ${id}`,
    );
    let calls = 0;
    const r = runnerWith(async () => {
      calls++;
    });
    await r.start();
    try {
      await waitFor(async () => (await jobRow(database, id)).state === 'failed', 10_000, 'the poison job to fail');
    } finally {
      await r.stop();
    }
    expect(calls).toBe(0);
  });

  it('a worker whose lease was taken over cannot overwrite the new owner\'s outcome', async () => {
    const other = await secondHandle(ctx);
    const slow = gate();
    const started = gate();
    const byWorker: string[] = [];
    const a = runnerWith(async () => {
      byWorker.push('a');
      started.open();
      await slow.promise;
      throw new Error('a failed late');
    }, database, 'worker-a');
    const b = runnerWith(async () => {
      byWorker.push('b');
    }, other.database, 'worker-b');
    try {
      const { id } = await queue.enqueue(flaky, { label: 'contended' });
      await a.start();
      await started.promise;
      // Worker A stalls (e.g. a long GC pause): its lease lapses and B takes the job over.
      await a.stop(0).catch(() => {});
      await database.rows(sql`update jobs set state = 'running', locked_by = 'worker-a', locked_until = now() - interval '1 second' where id = ${id}`);
      await b.start();
      await waitFor(async () => (await jobRow(database, id)).state === 'completed', 10_000, 'B to complete the job');
      slow.open();
      await new Promise((res) => setTimeout(res, 100));
      expect(await jobRow(database, id)).toMatchObject({ state: 'completed', last_error: null });
      expect(byWorker).toEqual(['a', 'b']);
    } finally {
      slow.open();
      await b.stop();
      await other.close();
    }
  });

  it('keeps extending the lease of a job that runs longer than its lease', async () => {
    const shortLease = defineJob({ name: 'test.short-lease', payload, leaseMs: 1_500 });
    const release = gate();
    let calls = 0;
    const r = bareRunner(database, { workerId: 'holder' }).register(shortLease, async () => {
      calls++;
      await release.promise;
    });
    const rescuer = bareRunner(database, { workerId: 'rescuer' }).register(shortLease, async () => {
      calls++;
    });
    const { id } = await queue.enqueue(shortLease, { label: 'long' });
    await r.start();
    await waitFor(async () => (await jobRow(database, id)).state === 'running', 5_000, 'the job to start');
    await rescuer.start();
    // Several lease lengths later the job is still held by its worker and ran only once.
    await new Promise((res) => setTimeout(res, 4_000));
    expect(await jobRow(database, id)).toMatchObject({ state: 'running', locked_by: 'holder' });
    release.open();
    await waitFor(async () => (await jobRow(database, id)).state === 'completed', 5_000, 'completion');
    await r.stop();
    await rescuer.stop();
    expect(calls).toBe(1);
  });
});

describe('graceful stop', () => {
  it('stop() stops claiming, waits for in-flight jobs to finish, and leaves the rest queued', async () => {
    const release = gate();
    const started = gate();
    const finished: string[] = [];
    const r = runnerWith(async ({ label }) => {
      started.open();
      await release.promise;
      finished.push(label);
    });
    const inFlight = await queue.enqueue(flaky, { label: 'in-flight' });
    await r.start();
    await started.promise;
    const stopping = r.stop();
    const later = await queue.enqueue(flaky, { label: 'later' });
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await new Promise((res) => setTimeout(res, 200));
    expect(stopped).toBe(false);
    release.open();
    await stopping;
    expect(finished).toEqual(['in-flight']);
    expect((await jobRow(database, inFlight.id)).state).toBe('completed');
    expect(await jobRow(database, later.id)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('when in-flight jobs outlast the stop timeout, aborts them and requeues them without spending an attempt', async () => {
    const started = gate();
    let aborted = false;
    const r = runnerWith(async (_p, c) => {
      started.open();
      await new Promise<void>((resolve) => {
        c.signal.addEventListener('abort', () => {
          aborted = true;
          resolve();
        });
      });
    });
    const { id } = await queue.enqueue(flaky, { label: 'stuck' });
    await r.start();
    await started.promise;
    await r.stop(100);
    expect(aborted).toBe(true);
    await new Promise((res) => setTimeout(res, 50));
    expect(await jobRow(database, id)).toMatchObject({ state: 'queued', attempts: 0, locked_by: null });
    const again = runnerWith(async () => {});
    await again.drain();
    expect((await jobRow(database, id)).state).toBe('completed');
  });
});

describe('shares of the slots', () => {
  it('runs a kind with maxShare on at most its share of the slots; other jobs run meanwhile; none spends an extra attempt', async () => {
    const greedy = defineJob({ name: 'test.greedy', payload, maxShare: 0.5 });
    const other = defineJob({ name: 'test.other', payload });
    const release = gate();
    let running = 0;
    let peak = 0;
    const done: string[] = [];
    const r = bareRunner(database, { concurrency: 4 })
      .register(greedy, async ({ label }) => {
        running++;
        peak = Math.max(peak, running);
        await release.promise;
        running--;
        done.push(label);
      })
      .register(other, async ({ label }) => {
        done.push(label);
      });
    // Six greedy jobs, all due and ahead of the others (higher priority), then two others.
    const greedyIds = [];
    for (let i = 0; i < 6; i++) greedyIds.push((await queue.enqueue(greedy, { label: `g${i}` }, { priority: 10 })).id);
    await queue.enqueue(other, { label: 'o1' });
    await queue.enqueue(other, { label: 'o2' });
    await r.start();
    try {
      // Half of the four slots hold greedy jobs; the others are not kept waiting behind the rest of them.
      await waitFor(() => done.includes('o1') && done.includes('o2'), 5_000, 'the other jobs');
      expect(running).toBe(2);
      expect(peak).toBe(2);
      release.open();
      await waitFor(() => greedyIds.length === done.filter((l) => l.startsWith('g')).length, 5_000, 'every greedy job');
      expect(peak).toBe(2);
      for (const id of greedyIds) expect(await jobRow(database, id)).toMatchObject({ state: 'completed', attempts: 1 });
    } finally {
      release.open();
      await r.stop();
    }
  });
});
