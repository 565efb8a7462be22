import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { rowsOf } from './pg-queue.ts';
import type { Logger } from '../shared/logger.ts';
import type { JobDefinition, JobQueue } from './queue.ts';

/** A recurring job: enqueued every `intervalSeconds`. */
export interface Recurring {
  job: JobDefinition<Record<string, unknown>>;
  intervalSeconds: number;
}

/**
 * Enqueues recurring jobs. Several schedulers may run (one per worker process): each due slot is
 * claimed with `FOR UPDATE SKIP LOCKED` and its job carries the slot as idempotency key, so a slot
 * runs once however many schedulers see it.
 */
export class Scheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly database: Database,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    private readonly recurring: Recurring[],
  ) {}

  async start(tickMs = 5_000): Promise<void> {
    for (const r of this.recurring) {
      await this.database.rows(
        sql`insert into job_schedules (name, interval_seconds, next_run_at)
            values (${r.job.name}, ${r.intervalSeconds}, now())
            on conflict (name) do update set interval_seconds = excluded.interval_seconds`,
      );
    }
    await this.tick();
    this.#timer = setInterval(() => {
      this.#running = this.tick();
    }, tickMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /**
   * Enqueues every due slot once. Advancing the schedule and enqueueing its job happen in one
   * transaction, so a crash between the two neither loses the slot nor runs it twice. The slot key is
   * the new `next_run_at` at full precision: unique for every advance of a schedule.
   */
  async tick(): Promise<void> {
    try {
      await this.database.db.transaction(async (tx) => {
        const due = await rowsOf<{ name: string; slot: string }>(
          tx,
          sql`with due as (
                select name from job_schedules where next_run_at <= now() for update skip locked
              )
              update job_schedules s
                 set next_run_at = greatest(s.next_run_at + make_interval(secs => s.interval_seconds),
                                            now() + make_interval(secs => s.interval_seconds) - interval '1 second'),
                     updated_at = now()
                from due where s.name = due.name
              returning s.name, to_char(s.next_run_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as slot`,
        );
        for (const row of due) {
          const entry = this.recurring.find((r) => r.job.name === row.name);
          if (entry) await this.queue.enqueue(entry.job, {}, { idempotencyKey: `schedule:${row.slot}`, tx });
        }
      });
    } catch (err) {
      this.logger.error({ err }, 'scheduler tick failed');
    }
  }
}
