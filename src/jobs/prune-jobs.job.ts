import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { defineJob, type JobHandler } from './queue.ts';

/** Idempotency keys of finished jobs are honoured for this long, then the rows are deleted. */
export const FINISHED_JOB_RETENTION_DAYS = 14;

/** Deletes finished jobs past retention, in batches so the table never locks for long. */
export const pruneJobsJob = defineJob({ name: 'jobs.prune', payload: z.object({}), maxAttempts: 3 });

/** The handler of `jobs.prune`. */
export function pruneJobsHandler(database: Database): JobHandler<Record<string, unknown>> {
  return async () => {
    for (let i = 0; i < 100; i++) {
      const rows = await database.rows(sql`
        delete from jobs where id in (
          select id from jobs
           where state in ('completed', 'failed', 'cancelled')
             and completed_at < now() - make_interval(days => ${FINISHED_JOB_RETENTION_DAYS})
           limit 5000)
        returning 1`);
      if (rows.length < 5000) break;
    }
  };
}
