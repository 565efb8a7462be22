import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { secondHandle } from '../../test/support/jobs.ts';
import { newId } from '../shared/ids.ts';
import { RateLimiter } from './rate-limiter.ts';

/**
 * The limiter hands out reservations: each call returns how long to wait before its slot. We check the
 * schedule it hands out, not how fast anything runs: the i-th of a quick series of calls at R/s must wait
 * i/R seconds minus the time that passed since the first call (measured around the calls), and the
 * stored "theoretical arrival time" must advance by exactly 1/R per call.
 */
const CLOCK_SLACK_MS = 5;

let ctx: TestContext;
let limiter: RateLimiter;

beforeAll(async () => {
  ctx = await createTestContext();
  limiter = new RateLimiter(ctx.container.database);
  await limiter.reserve('warm-up', 1000);
});
afterAll(() => ctx?.close());

const key = () => `test:${newId()}`;

async function tatOf(k: string): Promise<number> {
  const [row] = await ctx.container.database.rows<{ tat: string }>(sql`select tat_micros::text as tat from rate_limits where key = ${k}`);
  return Number(row!.tat);
}

/** Makes `n` quick reservations; returns each wait with the time elapsed since the first call began. */
async function series(l: RateLimiter, k: string, rate: number, n: number, burst = 1) {
  const t0 = performance.now();
  const out: { wait: number; elapsed: number; tat: number }[] = [];
  for (let i = 0; i < n; i++) {
    const wait = await l.reserve(k, rate, 1, burst);
    out.push({ wait, elapsed: performance.now() - t0, tat: await tatOf(k) });
  }
  return out;
}

/** Asserts `wait` is `dueMs` minus some time no longer than `elapsed` (rounded up to the millisecond). */
function expectDue(wait: number, dueMs: number, elapsed: number) {
  expect(wait).toBeLessThanOrEqual(dueMs + 1);
  expect(wait).toBeGreaterThanOrEqual(Math.max(0, dueMs - elapsed - CLOCK_SLACK_MS));
}

describe('rate limiter', () => {
  it('spaces reservations at R per second 1/R apart', async () => {
    const s = await series(limiter, key(), 2, 6);
    expect(s[0]!.wait).toBe(0);
    s.forEach(({ wait, elapsed, tat }, i) => {
      if (i > 0) expectDue(wait, i * 500, elapsed);
      if (i > 0) expect(tat - s[i - 1]!.tat).toBe(500_000);
    });
  });

  it('reserving n slots at once pushes the next caller back by n intervals', async () => {
    const k = key();
    const t0 = performance.now();
    expect(await limiter.reserve(k, 4, 3)).toBe(0);
    const wait = await limiter.reserve(k, 4, 1);
    expectDue(wait, 750, performance.now() - t0);
  });

  it('keys are independent', async () => {
    const a = key();
    const b = key();
    await limiter.reserve(a, 1, 5);
    expect(await limiter.reserve(b, 1)).toBe(0);
  });

  it('lets a burst through at once, then paces', async () => {
    const s = await series(limiter, key(), 1, 7, 5);
    expect(s.slice(0, 5).map((r) => r.wait)).toEqual([0, 0, 0, 0, 0]);
    expectDue(s[5]!.wait, 1000, s[5]!.elapsed);
    expectDue(s[6]!.wait, 2000, s[6]!.elapsed);
  });

  it('an idle key does not bank unused slots beyond the burst', async () => {
    const k = key();
    await limiter.reserve(k, 10);
    // Pretend the key was last used an hour ago.
    await ctx.container.database.rows(sql`update rate_limits set tat_micros = tat_micros - 3600000000 where key = ${k}`);
    const s = await series(limiter, k, 10, 3);
    expect(s[0]!.wait).toBe(0);
    expectDue(s[1]!.wait, 100, s[1]!.elapsed);
    expectDue(s[2]!.wait, 200, s[2]!.elapsed);
  });

  it('is shared between two database handles (two processes on PostgreSQL): concurrent reservations get distinct slots', async () => {
    const other = await secondHandle(ctx);
    try {
      const limiters = [limiter, new RateLimiter(other.database)];
      const k = key();
      const t0 = Date.now();
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) => limiters[i % 2]!.reserve(k, 1).then((wait) => wait + (Date.now() - t0))),
      );
      // At 1/s, the 16 reservations occupy the slots 0 s, 1 s, ..., 15 s exactly once each.
      const seconds = results.map((ms) => Math.round(ms / 1000)).sort((x, y) => x - y);
      expect(seconds).toEqual(Array.from({ length: 16 }, (_, i) => i));
      const [row] = await ctx.container.database.rows<{ ahead: string }>(
        sql`select (tat_micros - (extract(epoch from clock_timestamp()) * 1000000)::bigint)::text as ahead from rate_limits where key = ${k}`,
      );
      expect(Math.abs(Number(row!.ahead) / 1000 - 16_000)).toBeLessThan(1_000);
    } finally {
      await other.close();
    }
  });

  it('penalize pushes the next free slot into the future', async () => {
    const k = key();
    const t0 = performance.now();
    expect(await limiter.reserve(k, 10)).toBe(0);
    await limiter.penalize(k, 5_000);
    const wait = await limiter.reserve(k, 10);
    expectDue(wait, 5_100, performance.now() - t0);
  });

  it('penalize works on a key that was never reserved (the very first call was refused)', async () => {
    const k = key();
    const t0 = performance.now();
    await limiter.penalize(k, 3_000);
    const wait = await limiter.reserve(k, 10);
    expectDue(wait, 3_000, performance.now() - t0);
  });

  it('penalize from another handle is seen by this one', async () => {
    const other = await secondHandle(ctx);
    try {
      const k = key();
      const t0 = performance.now();
      await limiter.reserve(k, 10);
      await new RateLimiter(other.database).penalize(k, 2_000);
      expectDue(await limiter.reserve(k, 10), 2_100, performance.now() - t0);
    } finally {
      await other.close();
    }
  });

  it('acquire waits for its slot and can be aborted', async () => {
    const k = key();
    await limiter.acquire(k, 1);
    const controller = new AbortController();
    const pending = limiter.acquire(k, 1, 1, 1, controller.signal);
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    const already = new AbortController();
    already.abort(new Error('already stopped'));
    await expect(limiter.acquire(k, 0.001, 1, 1, already.signal)).rejects.toThrow('already stopped');
  });

  it('rejects a non-positive rate', async () => {
    await expect(limiter.reserve(key(), 0)).rejects.toThrow();
    await expect(limiter.reserve(key(), -1)).rejects.toThrow();
    await expect(limiter.reserve(key(), Number.NaN)).rejects.toThrow();
  });
});
