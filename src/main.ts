import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, ROLES, type Role } from './config/config.ts';
import { type Container, createContainer } from './container.ts';
import { runMigrations } from './db/migrate.ts';
import { buildApp } from './http/app.ts';
import { JobRunner } from './jobs/pg-queue.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { startDemoEmulator, stopDemoEmulator } from './modules/channels/index.ts';
import { loadDemo } from './modules/demo/demo.service.ts';
import { createApiKey } from './modules/identity/api-keys.service.ts';
import { createOrganizationWithOwner } from './modules/identity/auth.service.ts';
import { LANGUAGES, type Language } from './modules/organizations/settings.ts';
import { randomToken } from './shared/ids.ts';
import { createLogger, logDestination } from './shared/logger.ts';

const USAGE = `Usage: charla <command> [options]

Commands:
  start [--role all|api|worker] [--port N]   Run Charla (default role: all = API + worker + scheduler)
  migrate                                    Apply database migrations and exit
  setup --org NAME --email E --password P    Create an organization and its owner
        [--name NAME] [--language es|pt-BR|en] [--json]
                                             --json prints {"organizationId","userId","apiKey"}
  demo [--language es|pt-BR|en]              Create a demo organization with sample data
  emulator [--port 4010] [--host 127.0.0.1]  Run the WhatsApp Cloud API emulator (phone page at its URL)
  import-contacts FILE --org ID              Import contacts from a CSV or XLSX file, with a progress bar
        [--mapping auto|t1,t2,…] [--dedupe update|skip|create] [--group NAME] [--report FILE]
  help                                       Show this help

Configuration comes from environment variables (see README.md).`;

/** The CLI entry point: parses the command line and runs one command (-1: keep running). */
async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'migrate':
      return migrate();
    case 'setup':
      return setup(rest);
    case 'demo':
      return demo(rest);
    case 'emulator':
      return emulator(rest);
    case 'import-contacts': {
      const { importContactsCommand } = await import('./modules/contacts/import-contacts.command.ts');
      return importContactsCommand(rest, async () => {
        const config = loadConfig();
        return createContainer(config, { logger: quietLogger(config) });
      });
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { role: { type: 'string', default: 'all' }, port: { type: 'string' } } });
  if (!ROLES.includes(values.role as Role)) {
    console.error(`--role must be one of ${ROLES.join(', ')}`);
    return 2;
  }
  const role = values.role as Role;
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    console.error('--port must be a number between 0 and 65535');
    return 2;
  }
  const config = loadConfig(process.env, { port });
  if (role !== 'all' && config.database.kind === 'pglite') {
    console.error(`The "${role}" role shares the database with other processes, which the embedded database cannot do. Set DATABASE_URL to a PostgreSQL server.`);
    return 2;
  }
  const started = Date.now();
  // The server's logs are buffered (written 4 KB or 100 ms at a time): one write per request line
  // would cost every request a system call (see src/shared/logger.ts).
  const container = await createContainer(config, { logger: createLogger(config.logLevel, {}, logDestination({ buffered: true })) });
  const log = container.logger.child({ role });
  const runner = new JobRunner(container.database, container.logger, {
    concurrency: config.jobConcurrency,
    recoverOrphansAtStart: config.database.kind === 'pglite',
  });
  container.registerJobs(runner);
  const scheduler = new Scheduler(container.database, container.queue, container.logger, container.recurring);
  const app = role === 'worker' ? undefined : await buildApp(container);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new requests or jobs; finishing what is in flight');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      await app?.close();
      await stopDemoEmulator();
      await scheduler.stop();
      await runner.stop();
      await container.close();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  if (role !== 'api') {
    await runner.start();
    await scheduler.start();
  }
  if (app) {
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    // Demo installations: the WhatsApp emulator runs in this process and posts webhooks to it directly.
    await startDemoEmulator(container, `http://127.0.0.1:${typeof address === 'object' && address ? address.port : config.port}`);
  }
  log.info({ ms: Date.now() - started, url: config.publicUrl, database: config.database.kind }, 'Charla is running');
  return -1; // keep running
}

async function migrate(): Promise<number> {
  const config = loadConfig();
  const container = await createContainer(config, { migrate: false });
  try {
    const { applied } = await runMigrations(container.database);
    console.log(applied ? `Applied ${applied} migration(s).` : 'The database is up to date.');
    return 0;
  } finally {
    await container.close();
  }
}

async function withJobs<T>(container: Container, fn: () => Promise<T>): Promise<T> {
  const result = await fn();
  // Run what the command enqueued (e.g. e-mails) before exiting, so nothing waits for the next start.
  const runner = new JobRunner(container.database, container.logger, { concurrency: 4 });
  container.registerJobs(runner);
  await runner.drain();
  return result;
}

async function setup(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      org: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      language: { type: 'string', default: 'es' },
      json: { type: 'boolean', default: false },
    },
  });
  const { setupBody } = await import('./modules/identity/identity.schemas.ts');
  const parsed = setupBody.safeParse({
    organizationName: values.org,
    name: values.name ?? values.email?.split('@')[0] ?? '',
    email: values.email,
    password: values.password,
    language: values.language,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`  ${issue.path.join('.') || 'input'}: ${issue.message}`);
    console.error('\nUsage: charla setup --org NAME --email E --password P [--name NAME] [--language es|pt-BR|en] [--json]');
    return 2;
  }
  const config = loadConfig();
  const container = await createContainer(config, { logger: quietLogger(config) });
  try {
    const b = parsed.data;
    const result = await withJobs(container, async () => {
      const created = await createOrganizationWithOwner(
        container,
        { organizationName: b.organizationName, ownerName: b.name, email: b.email, password: b.password, language: b.language, firstRunOnly: false },
        { ip: null, userAgent: 'charla setup' },
      );
      const { key } = await createApiKey(container.database.db, created.organizationId, 'Created by charla setup', {
        userId: created.userId,
        label: b.email,
      });
      return { organizationId: created.organizationId, userId: created.userId, apiKey: key };
    });
    if (values.json) {
      console.log(JSON.stringify(result));
    } else {
      console.log(`Organization "${b.organizationName}" created (${result.organizationId}).`);
      console.log(`Owner: ${b.email}. Sign in at ${config.publicUrl}`);
      console.log(`API key (shown once): ${result.apiKey}`);
    }
    return 0;
  } finally {
    await container.close();
  }
}

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { language: { type: 'string', default: 'es' } } });
  if (!LANGUAGES.includes(values.language as Language)) {
    console.error(`--language must be one of ${LANGUAGES.join(', ')}`);
    return 2;
  }
  const language = values.language as Language;
  const config = loadConfig();
  const container = await createContainer(config, { logger: quietLogger(config) });
  try {
    const email = `demo+${randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, '')}@charla.local`;
    const password = randomToken(9);
    const names: Record<Language, string> = { es: 'Tienda Aurora (demo)', 'pt-BR': 'Loja Aurora (demo)', en: 'Aurora Store (demo)' };
    const created = await withJobs(container, async () => {
      const c = await createOrganizationWithOwner(
        container,
        { organizationName: names[language], ownerName: 'Demo', email, password, language, firstRunOnly: false },
        { ip: null, userAgent: 'charla demo' },
      );
      await loadDemo(container, c.organizationId, language);
      return c;
    });
    console.log(`Demo organization "${names[language]}" created (${created.organizationId}).`);
    console.log(`Sign in at ${config.publicUrl} with ${email} / ${password}`);
    return 0;
  } finally {
    await container.close();
  }
}

async function emulator(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '4010' }, host: { type: 'string', default: '127.0.0.1' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('--port must be a number between 0 and 65535');
    return 2;
  }
  const config = loadConfig();
  // Loaded lazily: the emulator is a separate app that the other commands never need.
  const { startEmulator } = await import('../emulator/server.ts');
  const running = await startEmulator({ port, host: values.host, logger: createLogger(config.logLevel, { service: 'charla-emulator' }) });
  console.log(`WhatsApp Cloud API emulator listening on ${running.url}

  Phone page (chat as a customer):  ${running.url}/
  Graph API base URL for Charla:    ${running.url}   (version prefix: /v25.0)
  Control API:
    POST ${running.url}/_emulator/phone-numbers  {phoneNumberId, wabaId, accessToken, appSecret, webhookUrl, verifyToken?}
    POST ${running.url}/_emulator/inbound        {phoneNumberId, from, name, type, text | media | interactive | ...}
    GET  ${running.url}/_emulator/outbox?phoneNumberId=&to=
    POST ${running.url}/_emulator/config         {statusDelaysMs, autoRead, reorderProbability, duplicateProbability, throughputMps, latencyMs, ...}
    POST ${running.url}/_emulator/failures       {phoneNumberId?, to?, code?, httpStatus?, latencyMs?, times?}
    GET  ${running.url}/_emulator/templates · GET /_emulator/webhooks · POST /_emulator/clock · POST /_emulator/reset
  Demo shop API: GET /shop/orders/{id} · POST /shop/tickets · POST /shop/refunds (X-Api-Key: demo-shop-key)`);
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return -1; // keep running
}

/** One-shot commands log only warnings, so their output stays readable (and `--json` parseable). */
function quietLogger(config: { logLevel: string }) {
  return createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    console.error(err);
    process.exit(1);
  },
);
