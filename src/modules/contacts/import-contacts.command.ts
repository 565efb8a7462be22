import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { Container } from '../../container.ts';
import { JobRunner } from '../../jobs/pg-queue.ts';
import { AppError } from '../../shared/errors.ts';
import { isUuid } from '../../shared/ids.ts';
import { resolveLocale } from '../../shared/i18n.ts';
import { getOrganization } from '../organizations/organizations.service.ts';
import { loadFieldDefs } from './contacts.repository.ts';
import { errorMessage, errorReportRows } from './imports/import-files.ts';
import { importContactsFromFile } from './imports/import-from-file.ts';
import { getImport, listImportErrors } from './imports/imports.service.ts';
import { csvStream } from './spreadsheet-output.ts';

/** Usage line of `charla import-contacts`. */
export const IMPORT_CONTACTS_USAGE =
  'import-contacts FILE --org ID [--mapping auto|t1,t2,…] [--dedupe update|skip|create] [--group NAME] [--report FILE]';

/**
 * `charla import-contacts FILE --org ID`: imports a CSV or XLSX file through the same pipeline as the
 * API (stored, mapped, queued as a job, committed batch by batch with a checkpoint), running the job
 * in this process with a progress bar (plain `PROGRESS done/total` lines when the output is not a
 * terminal). Interrupted, it resumes where it stopped the next time a worker runs. Exit code 0 when
 * the import completed, 1 otherwise, 2 for bad arguments.
 */
export async function importContactsCommand(args: string[], open: () => Promise<Container>): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\nUsage: charla ${IMPORT_CONTACTS_USAGE}`);
    return 2;
  }
  const { file, values } = parsed;
  const container = await open();
  try {
    const org = await getOrganization(container.database.db, values.org).catch(() => null);
    if (!org) {
      console.error(`No organization with id ${values.org}.`);
      return 2;
    }
    const { analysis, importId } = await importContactsFromFile(container, values.org, file, {
      mapping: values.mapping,
      dedupe: values.dedupe as 'update' | 'skip' | 'create',
      groupName: values.group,
    });
    console.log(`Import ${importId}: ${analysis.format.toUpperCase()}, ${analysis.encoding}, delimiter ${JSON.stringify(analysis.delimiter)}`);
    for (const [i, h] of analysis.headers.entries()) console.log(`  ${h || `(column ${i + 1})`} → ${analysis.suggestedMapping[i]}`);

    const tty = process.stdout.isTTY === true;
    const bar = tty ? new cliProgress.SingleBar({ format: ' {bar} {percentage}% | {value}/{total} rows | {eta_formatted} left', hideCursor: true }, cliProgress.Presets.shades_classic) : null;
    bar?.start(analysis.estimatedRows ?? 0, 0);
    let last = -1;
    const poll = setInterval(() => {
      void getImport(container.database.db, values.org, importId).then((imp) => {
        if (imp.rowsProcessed === last) return;
        last = imp.rowsProcessed;
        if (bar) {
          bar.setTotal(Math.max(imp.totalRows ?? 0, imp.rowsProcessed));
          bar.update(imp.rowsProcessed);
        } else console.log(`PROGRESS ${imp.rowsProcessed}/${imp.totalRows ?? '?'}`);
      }, () => {});
    }, 250);
    const runner = new JobRunner(container.database, container.logger, { concurrency: 2 });
    container.registerJobs(runner);
    try {
      await runner.drain();
    } finally {
      clearInterval(poll);
    }
    const done = await getImport(container.database.db, values.org, importId);
    if (bar) {
      bar.setTotal(done.rowsProcessed);
      bar.update(done.rowsProcessed);
      bar.stop();
    }
    const locale = resolveLocale(org.locale);
    console.log(
      `${done.status.toUpperCase()}: ${done.rowsProcessed} rows — ${done.createdCount} created, ${done.updatedCount} updated, ${done.skippedCount} skipped, ${done.failedCount} not imported`,
    );
    if (done.failedCount > 0) {
      const fields = await loadFieldDefs(container.database.db, values.org);
      const labels = new Map(fields.map((f) => [f.key, f.label]));
      const first = await listImportErrors(container.database.db, values.org, importId, { limit: 10 });
      for (const e of first.items) console.log(`  row ${e.rowNumber}: ${errorMessage(locale, e.reason, e.params, labels)}`);
      if (values.report) {
        await pipeline(csvStream(errorReportRows(container.database.db, done, locale, fields)), fs.createWriteStream(values.report));
        console.log(`Error report written to ${values.report}`);
      } else if (done.failedCount > first.items.length) {
        console.log(`  … and ${done.failedCount - first.items.length} more (use --report FILE for all of them)`);
      }
    }
    return done.status === 'completed' ? 0 : 1;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`${err.code}: ${err.message}`);
      for (const issue of err.details.issues ?? []) console.error(`  ${issue.path}: ${issue.message}`);
      return 1;
    }
    throw err;
  } finally {
    await container.close();
  }
}

function parse(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      org: { type: 'string' },
      mapping: { type: 'string', default: 'auto' },
      dedupe: { type: 'string', default: 'update' },
      group: { type: 'string' },
      report: { type: 'string' },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new Error('Give exactly one FILE.');
  if (!values.org || !isUuid(values.org)) throw new Error('--org must be an organization id (UUID).');
  if (!['update', 'skip', 'create'].includes(values.dedupe)) throw new Error('--dedupe must be update, skip or create.');
  return { file, values: { ...values, org: values.org } };
}
