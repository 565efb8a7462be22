import { z } from 'zod';
import type { Deps } from '../../../container.ts';
import type { App } from '../../../http/app-types.ts';
import { requirePermission } from '../../../http/auth.ts';
import { idParams } from '../../../http/params.ts';
import { AppError } from '../../../shared/errors.ts';
import { pageOf, pageQuery } from '../../../shared/pagination.ts';
import { getOrganization } from '../../organizations/organizations.service.ts';
import { loadFieldDefs } from '../contacts.repository.ts';
import { attachment, csvStream, requestLocale, xlsxStream } from '../spreadsheet-output.ts';
import { analyzeUpload, MAX_IMPORT_BYTES } from './analyze-upload.ts';
import { errorMessage, errorReportRows, templateExample, templateHeaders } from './import-files.ts';
import { analysisSchema, importErrorSchema, importSchema, presentImport, startBody } from './imports.schemas.ts';
import { cancelImport, getImport, listImportErrors, listImports, startImport } from './imports.service.ts';

const tags = ['Contact imports'];
const langQuery = z.object({ lang: z.enum(['es', 'pt-BR', 'en']).optional().describe('Language of headers and messages (defaults to yours).') });
const fileResponse = { 200: z.any().describe('The file.') };
const TEMPLATE_NAMES = { es: 'plantilla-contactos', 'pt-BR': 'modelo-contatos', en: 'contacts-template' } as const;

/** `/api/v1/contacts/imports`: upload → mapping → job with progress → error report; templates. */
export function registerImportRoutes(app: App, deps: Deps) {
  const db = deps.database.db;

  app.post(
    '/api/v1/contacts/imports',
    {
      schema: {
        tags,
        summary: 'Upload a CSV or XLSX file to import',
        description: [
          `\`multipart/form-data\` with one \`file\` (CSV or XLSX, up to ${MAX_IMPORT_BYTES / 1024 / 1024} MB and 1,000,000 rows).`,
          'Answers 202 with how the file was read (format, encoding, delimiter), its headers, a suggested mapping and sample rows.',
          'Nothing is imported until `POST /api/v1/contacts/imports/{id}/start` confirms the mapping.',
          'Refusals: 413 `file_too_large`; 422 `file_empty`, `file_binary`, `file_xls_unsupported`, `file_truncated`, `file_unreadable`, `too_many_columns`, `header_too_long`, `file_has_no_data_rows`.',
        ].join(' '),
        consumes: ['multipart/form-data'],
        response: { 202: analysisSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.import');
      if (!req.isMultipart()) throw new AppError('validation', 'multipart_required', 'Send the file as multipart/form-data in a "file" field');
      const part = await req.file({ limits: { fileSize: MAX_IMPORT_BYTES, files: 1 }, throwFileSizeLimit: false });
      if (!part) throw new AppError('validation', 'file_required', 'Send the file in a "file" field');
      const analysis = await analyzeUpload(deps, p, { filename: part.filename, stream: part.file, truncated: () => part.file.truncated });
      return reply.status(202).send(analysis);
    },
  );

  app.get(
    '/api/v1/contacts/imports',
    { schema: { tags, summary: 'List imports', description: 'Newest first.', querystring: pageQuery, response: { 200: pageOf(importSchema) } } },
    async (req) => {
      const p = requirePermission(req, 'contacts.import');
      const org = await getOrganization(db, p.organizationId);
      const page = await listImports(db, p.organizationId, req.query);
      return { items: page.items.map((i) => presentImport(i, requestLocale(req, org.locale))), nextCursor: page.nextCursor };
    },
  );

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(
      `/api/v1/contacts/imports/template.${format}`,
      {
        schema: {
          tags,
          summary: `Download the import template (${format.toUpperCase()})`,
          description: 'Columns match the organization\'s fields, custom ones included, with one example row; headers in your language.',
          querystring: langQuery,
          response: fileResponse,
        },
      },
      async (req, reply) => {
        const p = requirePermission(req, 'contacts.read');
        const org = await getOrganization(db, p.organizationId);
        const locale = requestLocale(req, org.locale);
        const fields = await loadFieldDefs(db, p.organizationId);
        const rows = [templateHeaders(locale, fields), templateExample(locale, fields)];
        const name = `${TEMPLATE_NAMES[locale]}.${format}`;
        reply.header('content-disposition', attachment(name));
        if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(csvStream(arrayRows(rows)));
        return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(xlsxStream('Contacts', arrayRows(rows)));
      },
    );
  }

  app.get(
    '/api/v1/contacts/imports/:id',
    { schema: { tags, summary: 'Get an import: status, progress and counts', params: idParams, querystring: langQuery, response: { 200: importSchema } } },
    async (req) => {
      const p = requirePermission(req, 'contacts.import');
      const org = await getOrganization(db, p.organizationId);
      return presentImport(await getImport(db, p.organizationId, req.params.id), requestLocale(req, org.locale));
    },
  );

  app.post(
    '/api/v1/contacts/imports/:id/start',
    {
      schema: {
        tags,
        summary: 'Confirm the mapping and start the import',
        description: 'Queues the import; follow it with `GET /api/v1/contacts/imports/{id}`. 409 `import_wrong_state` when it was already started.',
        params: idParams,
        body: startBody,
        response: { 202: importSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.import');
      const org = await getOrganization(db, p.organizationId);
      const row = await startImport(deps, p.organizationId, req.params.id, req.body);
      return reply.status(202).send(presentImport(row, requestLocale(req, org.locale)));
    },
  );

  app.post(
    '/api/v1/contacts/imports/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel an import',
        description: 'A running import stops before its next batch: what was already imported stays.',
        params: idParams,
        response: { 200: importSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'contacts.import');
      const org = await getOrganization(db, p.organizationId);
      return presentImport(await cancelImport(deps, p.organizationId, req.params.id), requestLocale(req, org.locale));
    },
  );

  app.get(
    '/api/v1/contacts/imports/:id/errors',
    {
      schema: {
        tags,
        summary: 'Rows that were not imported',
        description: 'Row number (the header is row 1), field, reason code with its parameters and the translated message, and the row\'s cells.',
        params: idParams,
        querystring: pageQuery.extend(langQuery.shape),
        response: { 200: pageOf(importErrorSchema) },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'contacts.import');
      const org = await getOrganization(db, p.organizationId);
      const locale = requestLocale(req, org.locale);
      const labels = new Map((await loadFieldDefs(db, p.organizationId)).map((f) => [f.key, f.label]));
      const page = await listImportErrors(db, p.organizationId, req.params.id, req.query);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((e) => ({ rowNumber: e.rowNumber, field: e.field, reason: e.reason, params: e.params, message: errorMessage(locale, e.reason, e.params, labels), cells: e.cells })),
      };
    },
  );

  app.get(
    '/api/v1/contacts/imports/:id/errors.csv',
    { schema: { tags, summary: 'Download the error report (CSV)', params: idParams, querystring: langQuery, response: fileResponse } },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.import');
      const org = await getOrganization(db, p.organizationId);
      const imp = await getImport(db, p.organizationId, req.params.id);
      const fields = await loadFieldDefs(db, p.organizationId);
      const base = imp.fileName.replace(/\.(csv|xlsx|txt)$/i, '');
      reply.header('content-disposition', attachment(`${base}-errors.csv`));
      return reply.type('text/csv; charset=utf-8').send(csvStream(errorReportRows(db, imp, requestLocale(req, org.locale), fields)));
    },
  );
}

async function* arrayRows(rows: string[][]): AsyncGenerator<string[]> {
  yield* rows;
}
