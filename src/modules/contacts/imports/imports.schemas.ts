import { z } from 'zod';
import type { Locale } from '../../../shared/i18n.ts';
import { IMPORT_FAILURES, type ImportFailure, tContacts } from '../contacts.i18n.ts';
import type { ImportRow } from './imports.service.ts';
import { ENCODINGS } from './text-decoding.ts';

const target = z
  .string()
  .max(60)
  .describe('`firstName`, `lastName`, `fullName`, `phone`, `email`, `street`, `city`, `state`, `postalCode`, `country`, `notes`, `group`, `marketingConsent`, `field:<key>` for a custom field, or `ignore`.');

/** What the upload answers: how the file was read and the suggested mapping. */
export const analysisSchema = z.object({
  id: z.uuid().describe('The import, waiting for its mapping.'),
  fileName: z.string().describe('Name of the uploaded file.'),
  format: z.enum(['csv', 'xlsx']).describe('File format, from its content.'),
  encoding: z.enum(ENCODINGS).describe('Detected text encoding (CSV).'),
  delimiter: z.string().describe('Detected delimiter (CSV): `,`, `;`, tab or `|`.'),
  headers: z.array(z.string()).describe('The header row.'),
  suggestedMapping: z.array(target).describe('A target per column, matched from the header names (Spanish, Portuguese, English).'),
  duplicateColumns: z.array(z.number().int()).describe('Columns whose header repeats an earlier one (left as `ignore`).'),
  sampleRows: z.array(z.array(z.string())).describe('The first data rows.'),
  estimatedRows: z.number().int().nullable().describe('Data rows estimated from the line count (CSV).'),
});

/** Body of `POST /api/v1/contacts/imports/{id}/start`. */
export const startBody = z.strictObject({
  mapping: z.array(target).min(1).max(1000).describe('One target per column, in column order.'),
  dedupe: z
    .enum(['update', 'skip', 'create'])
    .default('update')
    .describe('Rows matching an existing contact (or an earlier row) by phone or e-mail: `update` it with the row\'s non-empty values, `skip` the row, or report it as a duplicate (`create`: only new contacts).'),
  groupId: z.uuid().nullable().optional().describe('Add every imported contact to this group.'),
  createMissingGroups: z.boolean().optional().describe('With a `group` column: create groups that do not exist (default true); otherwise such rows are reported.'),
});

/** An import's status, progress and counts. */
export const importSchema = z.object({
  id: z.uuid().describe('The import\'s id.'),
  status: z.enum(['uploaded', 'queued', 'running', 'completed', 'failed', 'cancelled']).describe('uploaded (waiting for the mapping) → queued → running → completed, failed or cancelled.'),
  fileName: z.string().describe('Name of the uploaded file.'),
  fileSize: z.number().int().describe('Size in bytes.'),
  format: z.enum(['csv', 'xlsx']).describe('File format.'),
  encoding: z.string().describe('Detected text encoding (CSV).'),
  delimiter: z.string().describe('Detected delimiter (CSV).'),
  headers: z.array(z.string()).describe('The header row.'),
  mapping: z.array(z.string()).describe('Target per column (see the start body).'),
  options: z
    .object({
      dedupe: z.enum(['update', 'skip', 'create']).describe('What happens to rows matching an existing contact.'),
      groupId: z.uuid().nullable().describe('Group every contact joins.'),
      createMissingGroups: z.boolean().describe('Whether groups named in a group column are created.'),
    })
    .describe('Options chosen at the mapping step.'),
  totalRows: z.number().int().nullable().describe('Data rows: an estimate while running, exact once completed.'),
  rowsProcessed: z.number().int().describe('Data rows done (imported or reported); equals created + updated + skipped + failed.'),
  progress: z.number().min(0).max(1).nullable().describe('rowsProcessed / totalRows, when known.'),
  counts: z
    .object({
      created: z.number().int().describe('New contacts.'),
      updated: z.number().int().describe('Existing contacts (or earlier rows) updated.'),
      skipped: z.number().int().describe('Rows matching an existing contact, left as it was.'),
      failed: z.number().int().describe('Rows not imported (see the errors).'),
    })
    .describe('Outcome per data row; the four add up to rowsProcessed.'),
  cancelRequested: z.boolean().describe('Someone asked to stop it; it stops before its next batch.'),
  errorCode: z.enum(IMPORT_FAILURES).nullable().describe('Why a failed import stopped.'),
  errorMessage: z.string().nullable().describe('errorCode in your language.'),
  createdAt: z.iso.datetime().describe('When the file was uploaded.'),
  startedAt: z.iso.datetime().nullable().describe('When the job first started.'),
  finishedAt: z.iso.datetime().nullable().describe('When it completed, failed or was cancelled.'),
});

/** One row that was not imported. */
export const importErrorSchema = z.object({
  rowNumber: z.number().int().describe('Row number as a spreadsheet shows it (the header is row 1).'),
  field: z.string().describe('The target that failed (`phone`, `email`, `field:<key>`…) or `row`.'),
  reason: z.string().describe('Stable reason code, e.g. `phone_invalid`, `email_invalid`, `required_missing`, `duplicate_in_file`.'),
  params: z.record(z.string(), z.union([z.string(), z.number()])).describe('Parameters of the reason (value, row, options…).'),
  message: z.string().describe('The reason in your language.'),
  cells: z.array(z.string()).describe('The row as read.'),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Presents an import. */
export function presentImport(i: ImportRow, locale: Locale): z.infer<typeof importSchema> {
  const failure = (IMPORT_FAILURES as readonly string[]).includes(i.errorCode ?? '') ? (i.errorCode as ImportFailure) : null;
  const total = i.totalRows;
  return {
    id: i.id,
    status: i.status,
    fileName: i.fileName,
    fileSize: i.fileSize,
    format: i.format,
    encoding: i.encoding,
    delimiter: i.delimiter,
    headers: i.headers,
    mapping: i.mapping,
    options: i.options,
    totalRows: total,
    rowsProcessed: i.rowsProcessed,
    progress: i.status === 'completed' ? 1 : total ? Math.min(1, i.rowsProcessed / total) : null,
    counts: { created: i.createdCount, updated: i.updatedCount, skipped: i.skippedCount, failed: i.failedCount },
    cancelRequested: i.cancelRequestedAt !== null,
    errorCode: failure,
    errorMessage: failure ? tContacts(locale, `failure.${failure}`) : null,
    createdAt: i.createdAt.toISOString(),
    startedAt: iso(i.startedAt),
    finishedAt: iso(i.finishedAt),
  };
}
