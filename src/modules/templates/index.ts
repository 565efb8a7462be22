/**
 * The templates module's public face: WhatsApp message templates — the builder's linter (Meta's
 * rules explained in words), submission, status from webhooks and syncs, edit and delete.
 */
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import type { JobRunner } from '../../jobs/pg-queue.ts';
import type { Recurring } from '../../jobs/scheduler.ts';
import { syncAllTemplatesHandler, syncAllTemplatesJob, syncChannelTemplatesHandler, syncChannelTemplatesJob } from './jobs/sync-templates.job.ts';
import { registerTemplateRoutes } from './templates.routes.ts';

export { applyTemplateStatusUpdates, syncTemplates } from './sync-templates.ts';
export { lintTemplate, hasErrors, type LintIssue } from './lint-template.ts';
export { describeLintIssue } from './lint-messages.ts';
export { type DraftContent, fromMetaComponents, toMetaComponents } from './template-components.ts';
export { orderedKeys, type TemplateDraft } from './template-draft.ts';
export { renderedText, renderTemplate, type RenderedTemplate, type TemplateParameter, templateParameters } from './template-parameters.ts';
export { templatesDemoSeeder } from './templates.demo.ts';
export { renderedTemplateSchema } from './templates.schemas.ts';

/** Every HTTP route of the templates module. */
export function registerTemplatesRoutes(app: App, deps: Deps) {
  registerTemplateRoutes(app, deps);
}

/** Registers the templates module's job handlers on a runner. */
export function registerTemplatesJobs(runner: JobRunner, deps: Deps): void {
  runner.register(syncAllTemplatesJob, syncAllTemplatesHandler(deps));
  runner.register(syncChannelTemplatesJob, syncChannelTemplatesHandler(deps));
}

/** The periodic template sync (hourly, like Meta's own review SLA allows; webhooks bring changes sooner). */
export const templatesRecurring: Recurring[] = [{ job: syncAllTemplatesJob, intervalSeconds: 3600 }];
