import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/config.ts';
import { createContainer } from '../../../container.ts';
import { createOrganizationWithOwner } from '../../identity/auth.service.ts';
import { createLogger } from '../../../shared/logger.ts';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { ensureDead, type Spawned, spawnTs } from '../../../../test/support/processes.ts';
import { IMPORT_BATCH_SIZE, runImport, SimulatedCrash } from '../imports/run-import.ts';
import { generateContactsCsv } from './generate-contacts.ts';
import { expectTotals, type ImportView, upload } from './helpers.ts';
import type { Database } from '../../../db/client.ts';

let ctx: TestContext;
let org: TestOrg;
const spawned: Spawned[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx);
  await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { country: 'CO' });
});
afterEach(async () => {
  await Promise.all(spawned.splice(0).map(ensureDead));
});
afterAll(() => ctx.close());

async function state(database: Database, organizationId: string, importId: string) {
  const [imp] = await database.rows<{ status: string; rows_processed: number; created_count: number; updated_count: number; skipped_count: number; failed_count: number }>(
    sql`select status, rows_processed, created_count, updated_count, skipped_count, failed_count from contact_imports where id = ${importId}::uuid`,
  );
  const [c] = await database.rows<{ n: number; phones: number }>(
    sql`select count(*)::int as n, count(distinct phone)::int as phones from contacts where organization_id = ${organizationId}::uuid`,
  );
  const [e] = await database.rows<{ n: number; rows: number }>(
    sql`select count(*)::int as n, count(distinct row_number)::int as rows from contact_import_errors where import_id = ${importId}::uuid`,
  );
  return { imp: imp!, contacts: c!.n, distinctPhones: c!.phones, errors: e!.n, distinctErrorRows: e!.rows };
}

describe('crash and resume', () => {
  // On PostgreSQL the batch loop of a large file runs in a worker thread (run-import.ts): both paths.
  it.each([
    ['in the server thread', false, 1],
    ['in a worker thread', true, 3],
  ] as const)('a run stopped after N batches, and one killed inside a batch, resume with no duplicates and no losses (%s)', async (_label, worker, seed) => {
    const { csv, expected } = generateContactsCsv(9_500, { seed });
    const up = json<{ id: string; suggestedMapping: string[] }>(await upload(ctx, org.owner, 'resume.csv', csv));
    await call(ctx, org.owner, 'POST', `/api/v1/contacts/imports/${up.id}/start`, { mapping: up.suggestedMapping, dedupe: 'update' });
    const deps = ctx.container;
    const existing = (await state(deps.database, org.organizationId, up.id)).contacts;

    await expect(runImport(deps, up.id, { stopAfterBatches: 2, batchSize: 2000, worker })).rejects.toBeInstanceOf(SimulatedCrash);
    let s = await state(deps.database, org.organizationId, up.id);
    expect(s.imp.rows_processed).toBe(4000);
    const afterTwo = s.contacts;

    // The third batch is written, then the process "dies" before its commit: nothing of it may stay.
    await expect(runImport(deps, up.id, { failInsideBatch: 1, batchSize: 2000, worker })).rejects.toBeInstanceOf(SimulatedCrash);
    s = await state(deps.database, org.organizationId, up.id);
    expect(s.imp.rows_processed).toBe(4000);
    expect(s.contacts).toBe(afterTwo);

    // Two workers resume at once: one does the work, the other steps aside at the checkpoint.
    const outcomes = await Promise.all([runImport(deps, up.id, { batchSize: 2000, worker }), runImport(deps, up.id, { batchSize: 2000, worker })]);
    expect(outcomes).toContain('completed');
    // The queued job, when it finally runs, finds nothing to do.
    await ctx.runJobs();
    s = await state(deps.database, org.organizationId, up.id);
    expect(s.imp).toMatchObject({
      status: 'completed',
      rows_processed: expected.rows,
      created_count: expected.created,
      updated_count: expected.updated,
      skipped_count: 0,
      failed_count: expected.failed,
    });
    expect(s.contacts - existing).toBe(expected.created);
    expect(s.distinctPhones - existing).toBe(expected.created);
    expect(s.errors).toBe(expected.failed);
    expect(s.distinctErrorRows).toBe(expected.failed);
    expectTotals(json<ImportView>(await call(ctx, org.owner, 'GET', `/api/v1/contacts/imports/${up.id}`)), expected.rows);
  }, 120_000);

  it('two imports of the same file at once: each contact created once, the other import updates it', async () => {
    const { csv, expected } = generateContactsCsv(3_000, { seed: 4 });
    const ids: string[] = [];
    for (const name of ['same-a.csv', 'same-b.csv']) {
      const up = json<{ id: string; suggestedMapping: string[] }>(await upload(ctx, org.owner, name, csv));
      await call(ctx, org.owner, 'POST', `/api/v1/contacts/imports/${up.id}/start`, { mapping: up.suggestedMapping, dedupe: 'update' });
      ids.push(up.id);
    }
    const deps = ctx.container;
    const existing = (await state(deps.database, org.organizationId, ids[0]!)).contacts;
    // On PostgreSQL the two batch loops race for the same phones: the loser's insert hits the unique
    // index, its batch rolls back and is planned again against the winner's contacts.
    expect(await Promise.all(ids.map((id) => runImport(deps, id, { batchSize: 500 })))).toEqual(['completed', 'completed']);
    const [a, b] = [await state(deps.database, org.organizationId, ids[0]!), await state(deps.database, org.organizationId, ids[1]!)];
    expect(a.contacts - existing).toBe(expected.created);
    expect(a.distinctPhones - existing).toBe(expected.created);
    expect(a.imp.created_count + b.imp.created_count).toBe(expected.created);
    for (const s of [a, b]) {
      expect(s.imp.rows_processed).toBe(expected.rows);
      expect(s.imp.failed_count).toBe(expected.failed);
      expect(s.imp.created_count + s.imp.updated_count + s.imp.skipped_count + s.imp.failed_count).toBe(expected.rows);
    }
  }, 120_000);

  it('kill -9 of the `charla import-contacts` process mid-file: the job resumes and completes exactly', async () => {
    const { csv, expected } = generateContactsCsv(60_000, { seed: 2 });
    const file = path.join(ctx.dataDir, 'kill.csv');
    fs.writeFileSync(file, csv);
    let dataDir = ctx.dataDir;
    let organizationId = org.organizationId;
    let env: Record<string, string | undefined> = { CHARLA_DATA_DIR: dataDir, DATABASE_URL: ctx.databaseUrl, LOG_LEVEL: 'warn' };
    if (!ctx.databaseUrl) {
      // PGlite is single-process: the CLI gets its own on-disk database, reopened here after the kill.
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-import-kill-'));
      const c = await createContainer(loadConfig({ CHARLA_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
      const created = await createOrganizationWithOwner(c, { organizationName: 'Kill', ownerName: 'O', email: 'kill@example.test', password: 'correct horse battery', language: 'es', firstRunOnly: false }, { ip: null, userAgent: null });
      organizationId = created.organizationId;
      await c.database.rows(sql`update organizations set country = 'CO' where id = ${organizationId}::uuid`);
      await c.close();
      env = { CHARLA_DATA_DIR: dataDir, DATABASE_URL: undefined, LOG_LEVEL: 'warn' };
    }
    const existing = ctx.databaseUrl ? (await state(ctx.container.database, organizationId, '00000000-0000-0000-0000-000000000000')).contacts : 0;
    try {
      const cli = spawnTs('src/main.ts', ['import-contacts', file, '--org', organizationId], env);
      spawned.push(cli);
      const [, importId] = (await cli.waitForLine(/^Import (\S+):/, 120_000)) as unknown as [string, string];
      await cli.waitForLine(/^PROGRESS ([4-9]\d{3}|[1-5]\d{4})\//, 120_000);
      cli.child.kill('SIGKILL');
      expect(await cli.exited).toBe('SIGKILL');

      const container = ctx.databaseUrl
        ? ctx.container
        : await createContainer(loadConfig({ CHARLA_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
      try {
        const before = await state(container.database, organizationId, importId);
        expect(before.imp.status).toBe('running');
        expect(before.imp.rows_processed).toBeGreaterThan(0);
        expect(before.imp.rows_processed).toBeLessThan(expected.rows);
        expect(before.imp.rows_processed % IMPORT_BATCH_SIZE).toBe(0);
        // What a restarted worker does: the interrupted job is requeued and runs from the checkpoint.
        await container.database.rows(sql`update jobs set state = 'queued', locked_by = null, locked_until = null where state = 'running'`);
        const { JobRunner } = await import('../../../jobs/pg-queue.ts');
        const runner = new JobRunner(container.database, container.logger, { concurrency: 2 });
        container.registerJobs(runner);
        await runner.drain();
        const after = await state(container.database, organizationId, importId);
        expect(after.imp).toMatchObject({
          status: 'completed',
          rows_processed: expected.rows,
          created_count: expected.created,
          updated_count: expected.updated,
          failed_count: expected.failed,
        });
        expect(after.contacts - existing).toBe(expected.created);
        expect(after.distinctPhones - existing).toBe(expected.created);
        expect(after.errors).toBe(expected.failed);
        expect(fs.existsSync(path.join(dataDir, 'files/imports', organizationId, importId))).toBe(false);
      } finally {
        if (container !== ctx.container) await container.close();
      }
    } finally {
      if (dataDir !== ctx.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
