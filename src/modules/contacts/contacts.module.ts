import multipart from '@fastify/multipart';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import type { JobRunner } from '../../jobs/pg-queue.ts';
import { registerContactFieldRoutes } from './contact-fields.routes.ts';
import { registerContactRoutes } from './contacts.routes.ts';
import { registerConsentRoutes } from './consents.routes.ts';
import { registerDataRightsRoutes } from './data-rights.routes.ts';
import { registerGroupRoutes } from './groups.routes.ts';
import { registerImportRoutes } from './imports/imports.routes.ts';
import { registerPhotoRoutes } from './photo.routes.ts';
import { importContactsHandler, importContactsJob } from './jobs/import-contacts.job.ts';
import { pruneImportsHandler, pruneImportsJob } from './jobs/prune-imports.job.ts';
import type { Recurring } from '../../jobs/scheduler.ts';

/** Every HTTP route of the contacts module (contacts, groups, custom fields, imports, consent). */
export function registerContactsRoutes(app: App, deps: Deps) {
  registerContactRoutes(app, deps);
  registerConsentRoutes(app, deps);
  registerDataRightsRoutes(app, deps);
  registerGroupRoutes(app, deps);
  registerContactFieldRoutes(app, deps);
  // Uploads (imports) need the multipart parser; registered in a child scope unless the app already has one.
  app.register(async (scope) => {
    if (!scope.hasContentTypeParser('multipart/form-data')) await scope.register(multipart);
    registerImportRoutes(scope, deps);
    registerPhotoRoutes(scope, deps);
  });
}

/** Registers the module's job handlers on a runner (`createContainer().registerJobs`). */
export function registerContactsJobs(runner: JobRunner, deps: Deps): void {
  runner.register(importContactsJob, importContactsHandler(deps));
  runner.register(pruneImportsJob, pruneImportsHandler(deps));
}

/** The module's recurring jobs, for the scheduler. */
export const contactsRecurring: Recurring[] = [{ job: pruneImportsJob, intervalSeconds: 3600 }];
