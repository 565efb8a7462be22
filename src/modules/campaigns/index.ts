/**
 * The campaigns module's public face: bulk sends of an approved template to an audience — variable
 * mapping, scheduling, paced dispatch, per-recipient status, automatic resends, export.
 */
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import type { JobRunner } from '../../jobs/pg-queue.ts';
import type { Recurring } from '../../jobs/scheduler.ts';
import { registerCampaignRoutes } from './campaigns.routes.ts';
import { sendBatchHandler, sendBatchJob } from './dispatch/send-batch.job.ts';
import { startCampaignHandler, startCampaignJob } from './dispatch/start-campaign.job.ts';
import { campaignTickHandler, campaignTickJob } from './jobs/campaign-tick.job.ts';

export { isCampaignMessage, onInboundForCampaigns, onInboundsForCampaigns } from './campaign-hooks.ts';
export { campaignsDemoSeeder } from './campaigns.demo.ts';

/** Every HTTP route of the campaigns module. */
export function registerCampaignsRoutes(app: App, deps: Deps) {
  registerCampaignRoutes(app, deps);
}

/** Registers the campaigns module's job handlers on a runner. */
export function registerCampaignsJobs(runner: JobRunner, deps: Deps): void {
  runner.register(startCampaignJob, startCampaignHandler(deps));
  runner.register(sendBatchJob, sendBatchHandler(deps));
  runner.register(campaignTickJob, campaignTickHandler(deps));
}

/** The campaigns' clock: schedules, resends, recovery and totals. */
export const campaignsRecurring: Recurring[] = [{ job: campaignTickJob, intervalSeconds: 15 }];
