import { and, isNotNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../container.ts';
import { webhookEvents } from '../../db/schema/index.ts';
import type { JobRunner } from '../../jobs/pg-queue.ts';
import { defineJob } from '../../jobs/queue.ts';
import type { Recurring } from '../../jobs/scheduler.ts';
import { processWebhookHandler, processWebhookJob } from './jobs/process-webhook.job.ts';

/** How long processed webhook deliveries are kept: past Meta's 7-day retry window, so late retries still dedupe. */
const WEBHOOK_RETENTION_MS = 8 * 24 * 3600_000;

/** Removes processed webhook deliveries older than the retention. */
export const pruneWebhookEventsJob = defineJob({ name: 'channels.prune-webhook-events', payload: z.object({}), maxAttempts: 3 });

/** Registers the channels module's job handlers on a runner. */
export function registerChannelsJobs(runner: JobRunner, deps: Deps): void {
  runner.register(processWebhookJob, processWebhookHandler(deps));
  runner.register(pruneWebhookEventsJob, async () => {
    const cutoff = new Date(Date.now() - WEBHOOK_RETENTION_MS);
    await deps.database.db.delete(webhookEvents).where(and(isNotNull(webhookEvents.processedAt), lt(webhookEvents.receivedAt, cutoff)));
  });
}

/** The channels module's recurring jobs. */
export const channelsRecurring: Recurring[] = [{ job: pruneWebhookEventsJob, intervalSeconds: 3600 }];
