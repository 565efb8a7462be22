import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Fastify from 'fastify';
import pg from 'pg';
import { loadConfig } from '../../src/config/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import type { App } from '../../src/http/app-types.ts';
import { buildApp } from '../../src/http/app.ts';
import { createApiKey } from '../../src/modules/identity/api-keys.service.ts';
import { createOrganizationWithOwner } from '../../src/modules/identity/auth.service.ts';
import { createLogger, logDestination } from '../../src/shared/logger.ts';

/**
 * Charla's real app and container in this process, with an organization and an API key. Request logs
 * are written (to /dev/null) at the default level by the server's logger (buffered, as `charla start`); the per-key API rate limit is
 * raised so the limiter is exercised but never answers 429.
 */
export async function startCharla(database: { kind: 'pglite' } | { kind: 'postgres'; url: string }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-'));
  const config = loadConfig({
    CHARLA_DATA_DIR: dataDir,
    CHARLA_SECRET_KEY: 'bench-master-key-0123456789abcdef0123456789',
    CHARLA_API_RATE_LIMIT: '1000000',
    ...(database.kind === 'postgres' ? { DATABASE_URL: database.url } : {}),
  });
  const logger = createLogger('info', {}, logDestination({ buffered: true, dest: '/dev/null' }));
  const container: Container = await createContainer(config, { logger });
  const created = await createOrganizationWithOwner(
    container,
    { organizationName: 'Bench Org', ownerName: 'Bench', email: 'bench@example.test', password: 'bench password 1', language: 'en', firstRunOnly: false },
    { ip: null, userAgent: 'bench' },
  );
  const { key } = await createApiKey(container.database.db, created.organizationId, 'bench', { userId: created.userId, label: 'bench' });
  const app = await buildApp(container, { serveWeb: false });
  const url = await listen(app);
  return {
    url,
    headers: { authorization: `Bearer ${key}` },
    container,
    organizationId: created.organizationId,
    close: async () => {
      await app.close();
      await container.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Listens on a free loopback port and returns the base URL. */
export async function listen(app: App | ReturnType<typeof Fastify>): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** Creates (or recreates) a database for one benchmark run; false when the server is unreachable. */
export async function createThrowawayDatabase(adminUrl: string, name: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    await admin.query(`create database ${pg.escapeIdentifier(name)}`);
    return true;
  } catch {
    return false;
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Drops a benchmark database. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await admin.end();
  }
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Hides the password of a database URL. */
export const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
