import { lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../container.ts';
import { pendingStatuses } from '../../db/schema/index.ts';
import type { JobRunner } from '../../jobs/pg-queue.ts';
import { defineJob } from '../../jobs/queue.ts';
import type { Recurring } from '../../jobs/scheduler.ts';
import { downloadMediaHandler, downloadMediaJob } from './jobs/download-media.job.ts';
import { markReadHandler, markReadJob } from './jobs/mark-read.job.ts';
import { sendMessageHandler, sendMessageJob } from './jobs/send-message.job.ts';

/** Drops status reports parked for messages that never got their provider id (a week is Meta's retry horizon). */
export const prunePendingStatusesJob = defineJob({ name: 'inbox.prune-pending-statuses', payload: z.object({}), maxAttempts: 3 });

/** Registers the inbox module's job handlers on a runner. */
export function registerInboxJobs(runner: JobRunner, deps: Deps): void {
  runner.register(sendMessageJob, sendMessageHandler(deps));
  runner.register(downloadMediaJob, downloadMediaHandler(deps));
  runner.register(markReadJob, markReadHandler(deps));
  runner.register(prunePendingStatusesJob, async () => {
    await deps.database.db.delete(pendingStatuses).where(lt(pendingStatuses.receivedAt, new Date(Date.now() - 7 * 24 * 3600_000)));
  });
}

/** The inbox module's recurring jobs. */
export const inboxRecurring: Recurring[] = [{ job: prunePendingStatusesJob, intervalSeconds: 3600 }];
