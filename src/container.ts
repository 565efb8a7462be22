import type { Config } from './config/config.ts';
import path from 'node:path';
import { createMailer, type Mailer } from './adapters/mail/mailer.ts';
import { type FileStorage, LocalStorage } from './adapters/storage/local-storage.ts';
import { type Database, type DatabaseTarget, openDatabase } from './db/client.ts';
import { enableNotifiedCaches } from './db/notified-cache.ts';
import { runMigrations } from './db/migrate.ts';
import { type JobRunner, PgJobQueue } from './jobs/pg-queue.ts';
import type { JobQueue } from './jobs/queue.ts';
import { RateLimiter } from './jobs/rate-limiter.ts';
import type { Recurring } from './jobs/scheduler.ts';
import type { DemoSeeder } from './modules/demo/demo.service.ts';
import { identityDemoSeeder } from './modules/identity/identity.demo.ts';
import { identityJobs } from './modules/identity/identity.jobs.ts';
import { channelsDemoSeeder, channelsRecurring, registerChannelsJobs } from './modules/channels/index.ts';
import { contactsDemoSeeder, contactsRecurring, registerContactsJobs } from './modules/contacts/index.ts';
import { inboxRecurring, registerInboxJobs } from './modules/inbox/index.ts';
import { integrationsDemoSeeder } from './modules/integrations/index.ts';
import { assistantDemoSeeder, registerAssistantJobs } from './modules/assistant/index.ts';
import { knowledgeDemoSeeder, registerKnowledgeJobs } from './modules/knowledge/index.ts';
import { registerTemplatesJobs, templatesDemoSeeder, templatesRecurring } from './modules/templates/index.ts';
import { campaignsDemoSeeder, campaignsRecurring, registerCampaignsJobs } from './modules/campaigns/index.ts';
import { sendMailHandler, sendMailJob } from './modules/mail/mail.service.ts';
import { createLogger, type Logger } from './shared/logger.ts';
import { resolveMasterKey, SecretBox } from './shared/secrets.ts';
import { pruneJobsJob, pruneJobsHandler } from './jobs/prune-jobs.job.ts';

/**
 * Everything a module may depend on. Built once by `createContainer` (the one composition root) and
 * passed explicitly to routes, services and job handlers; the CLI and the worker reuse it without HTTP.
 */
export interface Deps {
  config: Readonly<Config>;
  logger: Logger;
  database: Database;
  queue: JobQueue;
  rateLimiter: RateLimiter;
  secrets: SecretBox;
  mailer: Mailer;
  /** Uploaded and downloaded files (`<CHARLA_DATA_DIR>/files`). */
  storage: FileStorage;
  demoSeeders: DemoSeeder[];
}

/** The container plus what only the process owner needs (registering job handlers, closing). */
export interface Container extends Deps {
  /** Registers every module's job handlers on a runner. */
  registerJobs(runner: JobRunner): void;
  /** Recurring jobs for the scheduler. */
  recurring: Recurring[];
  close(): Promise<void>;
}

/** Options mainly for tests: an in-memory database, a pre-made logger. */
export interface ContainerOptions {
  database?: DatabaseTarget;
  logger?: Logger;
  migrate?: boolean;
}

/** Builds the container: config → database (migrated) → adapters → modules. */
export async function createContainer(config: Readonly<Config>, options: ContainerOptions = {}): Promise<Container> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const target: DatabaseTarget =
    options.database ?? (config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dataDir: config.database.dataDir });
  const database = await openDatabase(target);
  // Per-process caches of hot rows (API keys), invalidated across processes by NOTIFY.
  enableNotifiedCaches(database);
  if (options.migrate !== false) {
    const { applied } = await runMigrations(database);
    if (applied > 0) logger.info({ applied }, 'database migrations applied');
  }
  const secrets = new SecretBox(resolveMasterKey(config.secretKey, config.dataDir));
  const mailer = createMailer(config.smtp, logger);
  const queue = new PgJobQueue(database);
  const deps: Deps = {
    config,
    logger,
    database,
    queue,
    rateLimiter: new RateLimiter(database),
    secrets,
    mailer,
    storage: new LocalStorage(path.join(config.dataDir, 'files')),
    demoSeeders: [identityDemoSeeder, contactsDemoSeeder, channelsDemoSeeder, templatesDemoSeeder, campaignsDemoSeeder, knowledgeDemoSeeder, integrationsDemoSeeder, assistantDemoSeeder],
  };
  return {
    ...deps,
    registerJobs(runner) {
      runner.register(sendMailJob, sendMailHandler(database.db, mailer));
      runner.register(pruneJobsJob, pruneJobsHandler(database));
      for (const { job, handler } of identityJobs(deps)) runner.register(job, handler);
      registerChannelsJobs(runner, deps);
      registerContactsJobs(runner, deps);
      registerInboxJobs(runner, deps);
      registerKnowledgeJobs(runner, deps);
      registerTemplatesJobs(runner, deps);
      registerCampaignsJobs(runner, deps);
      registerAssistantJobs(runner, deps);
    },
    recurring: [
      { job: pruneJobsJob, intervalSeconds: 3600 },
      ...channelsRecurring,
      ...inboxRecurring,
      ...contactsRecurring,
      ...templatesRecurring,
      ...campaignsRecurring,
      ...identityJobs(deps).filter((j) => j.everySeconds).map((j) => ({ job: j.job, intervalSeconds: j.everySeconds! })),
    ],
    async close() {
      await database.close();
    },
  };
}
