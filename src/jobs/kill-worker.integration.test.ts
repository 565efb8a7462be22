import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { ensureDead, type Spawned, spawnTs } from '../../test/support/processes.ts';
import { type Database, openDatabase } from '../db/client.ts';

/**
 * A worker process is killed with SIGKILL in the middle of a job; after a restart (PGlite) or once its
 * lease lapses (PostgreSQL, where another worker is running) the job runs again and completes exactly once.
 */
const FIXTURE = 'test/fixtures/job-worker.ts';
const spawned: Spawned[] = [];

function worker(mode: 'pglite' | 'postgres', target: string, env: Record<string, string> = {}) {
  const p = spawnTs(FIXTURE, [mode, target], { HANG_ATTEMPTS: '1', LEASE_MS: '2000', ...env });
  spawned.push(p);
  return p;
}

async function outcome(database: Database, jobId: string) {
  const [job] = await database.rows<{ state: string; attempts: number; last_error: string | null }>(
    sql`select state, attempts, last_error from jobs where id = ${jobId}`,
  );
  const starts = await database.rows<{ attempt: number; pid: number }>(sql`select attempt, pid from kill_test_starts where job_id = ${jobId} order by attempt`);
  const completions = await database.rows<{ attempt: number; pid: number }>(sql`select attempt, pid from kill_test_completions where job_id = ${jobId}`);
  return { job, starts, completions };
}

afterEach(async () => {
  await Promise.all(spawned.splice(0).map(ensureDead));
});

describe('kill -9 of a worker in the middle of a job', () => {
  it('PGlite on disk: the job runs again after restart and completes exactly once', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-kill-'));
    try {
      const first = worker('pglite', dataDir);
      const [, jobId] = (await first.waitForLine(/^STARTED (\S+) 1$/, 90_000)) as unknown as [string, string];
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');

      const second = worker('pglite', dataDir);
      expect((await second.waitForLine(/^ENQUEUED (\S+) (\w+)$/))[2]).toBe('false');
      await second.waitForLine(new RegExp(`^COMPLETED ${jobId} 2$`), 60_000);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);

      // A third start finds the job done and does not run it again.
      const third = worker('pglite', dataDir);
      const enq = await third.waitForLine(/^ENQUEUED (\S+) (\w+)$/);
      expect(enq.slice(1)).toEqual([jobId, 'false']);
      await third.waitForLine(/^RUNNING$/);
      await new Promise((r) => setTimeout(r, 500));
      third.child.kill('SIGTERM');
      expect(await third.exited).toBe(0);
      expect(third.stdout.some((l) => l.startsWith('STARTED'))).toBe(false);

      const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir) });
      try {
        const o = await outcome(database, jobId);
        expect(o.job).toMatchObject({ state: 'completed', attempts: 2, last_error: null });
        expect(o.starts.map((s) => s.attempt)).toEqual([1, 2]);
        expect(o.starts[0]!.pid).toBe(first.child.pid);
        expect(o.completions).toEqual([{ attempt: 2, pid: second.child.pid }]);
      } finally {
        await database.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'PostgreSQL: another worker takes the job over when the killed worker\'s lease lapses, and it completes exactly once',
    async () => {
      let ctx: TestContext | undefined;
      try {
        ctx = await createTestContext();
        const url = ctx.databaseUrl!;
        const a = worker('postgres', url);
        const b = worker('postgres', url);
        await a.waitForLine(/^RUNNING$/);
        await b.waitForLine(/^RUNNING$/);
        // Whichever worker claimed the job hangs in attempt 1: kill that one.
        const started = await Promise.race([
          a.waitForLine(/^STARTED (\S+) 1$/).then((m) => ({ m, victim: a, survivor: b })),
          b.waitForLine(/^STARTED (\S+) 1$/).then((m) => ({ m, victim: b, survivor: a })),
        ]);
        const jobId = started.m[1]!;
        started.victim.child.kill('SIGKILL');
        expect(await started.victim.exited).toBe('SIGKILL');

        await started.survivor.waitForLine(new RegExp(`^COMPLETED ${jobId} 2$`), 30_000);
        started.survivor.child.kill('SIGTERM');
        expect(await started.survivor.exited).toBe(0);

        // A restarted worker does not run it again.
        const again = worker('postgres', url);
        await again.waitForLine(/^RUNNING$/);
        await new Promise((r) => setTimeout(r, 1_500));
        again.child.kill('SIGTERM');
        expect(await again.exited).toBe(0);
        expect(again.stdout.some((l) => l.startsWith('STARTED'))).toBe(false);

        const o = await outcome(ctx.container.database, jobId);
        expect(o.job).toMatchObject({ state: 'completed', attempts: 2, last_error: null });
        expect(o.starts.map((s) => [s.attempt, s.pid])).toEqual([
          [1, started.victim.child.pid],
          [2, started.survivor.child.pid],
        ]);
        expect(o.completions).toEqual([{ attempt: 2, pid: started.survivor.child.pid }]);
      } finally {
        await ctx?.close();
      }
    },
    120_000,
  );

  it.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL: a restarted single worker picks the job up once the lease lapses', async () => {
    let ctx: TestContext | undefined;
    try {
      ctx = await createTestContext();
      const url = ctx.databaseUrl!;
      const first = worker('postgres', url);
      const [, jobId] = (await first.waitForLine(/^STARTED (\S+) 1$/)) as unknown as [string, string];
      first.child.kill('SIGKILL');
      await first.exited;
      const second = worker('postgres', url);
      await second.waitForLine(new RegExp(`^COMPLETED ${jobId} 2$`), 30_000);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      const o = await outcome(ctx.container.database, jobId);
      expect(o.job).toMatchObject({ state: 'completed', attempts: 2 });
      expect(o.completions).toHaveLength(1);
    } finally {
      await ctx?.close();
    }
  }, 120_000);
});
