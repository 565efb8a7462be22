import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/db/client.ts';
import { MIGRATIONS_DIR, runMigrations } from '../../src/db/migrate.ts';

/** Where the migrated PGlite template and other test artefacts live. */
export const TEST_DATA_DIR = path.resolve(import.meta.dirname, '../../.test-data');

/** A hash of the committed migrations: templates are rebuilt whenever they change. */
export function migrationsHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else h.update(entry.name).update(fs.readFileSync(full));
    }
  };
  walk(MIGRATIONS_DIR);
  return h.digest('hex').slice(0, 16);
}

/** Path of the PGlite data-dir dump with every migration applied. */
export const pgliteTemplatePath = () => path.join(TEST_DATA_DIR, `pglite-${migrationsHash()}.tar.gz`);

/** Name of the PostgreSQL template database with every migration applied. */
export const pgTemplateName = () => `charla_tpl_${migrationsHash()}`;

/** Builds the template for the configured backend once per migration set (called by global setup). */
export async function ensureTemplate(testDatabaseUrl: string | undefined): Promise<void> {
  if (testDatabaseUrl) {
    const name = pgTemplateName();
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    try {
      // Concurrent test runs (several terminals, CI) build the template once, one at a time.
      await admin.query('select pg_advisory_lock(723884199)');
      const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount) return;
      await admin.query(`create database ${pg.escapeIdentifier(`${name}_build`)}`).catch(() => {});
      const db = await openDatabase({ kind: 'postgres', url: withDatabase(testDatabaseUrl, `${name}_build`), poolSize: 2 });
      await runMigrations(db);
      await db.close();
      await admin.query(`alter database ${pg.escapeIdentifier(`${name}_build`)} rename to ${pg.escapeIdentifier(name)}`);
    } finally {
      await admin.query('select pg_advisory_unlock(723884199)').catch(() => {});
      await admin.end();
    }
    return;
  }
  const file = pgliteTemplatePath();
  if (fs.existsSync(file)) return;
  fs.mkdirSync(TEST_DATA_DIR, { recursive: true });
  const db = await openDatabase({ kind: 'pglite-memory' });
  await runMigrations(db);
  const dump = await db.pglite!.dumpDataDir('gzip');
  await db.close();
  fs.writeFileSync(`${file}.${process.pid}.tmp`, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
