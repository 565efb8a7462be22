import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import type { DatabaseTarget } from '../../src/db/client.ts';
import type { App } from '../../src/http/app-types.ts';
import { buildApp } from '../../src/http/app.ts';
import { JobRunner } from '../../src/jobs/pg-queue.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { ensureTemplate, pgliteTemplatePath, pgTemplateName, withDatabase } from './template.ts';

/** Everything a test needs: the real container on a fresh database, the HTTP app, and a job drainer. */
export interface TestContext {
  container: Container;
  app: App;
  /** Runs every due job (and the jobs they enqueue) to completion. */
  runJobs(): Promise<number>;
  /** A fresh runner for tests that exercise the runner itself. */
  newRunner(options?: { concurrency?: number; workerId?: string }): JobRunner;
  dataDir: string;
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

let counter = 0;

/**
 * A fresh, migrated database per call — a PGlite instance loaded from the migrated template, or a new
 * PostgreSQL database cloned from the template when TEST_DATABASE_URL is set — and the real app on it.
 */
export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-test-'));
  const serverUrl = process.env.TEST_DATABASE_URL || undefined;
  let target: DatabaseTarget;
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  // Normally built once by the global setup; built here too when the migrations changed since (for
  // example a migration added while a long run was going), so contexts never point at a missing template.
  await ensureTemplate(serverUrl);
  if (serverUrl) {
    const name = `charla_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(pgTemplateName())}`);
    await admin.end();
    databaseUrl = withDatabase(serverUrl, name);
    target = { kind: 'postgres', url: databaseUrl, poolSize: 5 };
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
      await c.end();
    };
  } else {
    const dump = fs.readFileSync(pgliteTemplatePath());
    target = { kind: 'pglite-memory', loadDataDir: new Blob([dump]) };
  }
  const config = loadConfig({
    CHARLA_DATA_DIR: dataDir,
    CHARLA_SECRET_KEY: 'test-master-key-0123456789abcdef0123456789',
    PUBLIC_URL: 'http://charla.test',
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const container = await createContainer(config, { database: target, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), migrate: false });
  const app = await buildApp(container, { serveWeb: false });
  await app.ready();
  const newRunner = (options: { concurrency?: number; workerId?: string } = {}) => {
    const runner = new JobRunner(container.database, container.logger, { concurrency: options.concurrency ?? 4, workerId: options.workerId });
    container.registerJobs(runner);
    return runner;
  };
  const drainer = newRunner();
  return {
    container,
    app,
    runJobs: () => drainer.drain(),
    newRunner,
    dataDir,
    databaseUrl,
    async close() {
      await app.close();
      await container.close();
      await dropDatabase?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Parses a JSON response body (throws a readable error when it is not JSON). */
export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new Error(`Expected JSON, got ${res.statusCode}: ${res.body.slice(0, 300)}`);
  }
}
