import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { actorOf } from '../identity/team.routes.ts';
import { getOrganization } from '../organizations/organizations.service.ts';
import { contactNotFound } from './contacts.errors.ts';
import { findContact } from './contacts.repository.ts';
import { contactFilterQuery, contactSchema, filterFromQuery, presentContact } from './contacts.schemas.ts';
import { eraseContact } from './erase-contact.ts';
import { exportContactData } from './export-contact.ts';
import { exportContactRows } from './export-contacts.ts';
import { mergeContacts } from './merge-contacts.ts';
import { attachment, csvStream, requestLocale, xlsxStream } from './spreadsheet-output.ts';

const tags = ['Contacts'];

/** Export (lists and data subject requests), merge and erasure. */
export function registerDataRightsRoutes(app: App, deps: Deps) {
  const db = deps.database.db;

  app.get(
    '/api/v1/contacts/export',
    {
      schema: {
        tags,
        summary: 'Export contacts (CSV or XLSX)',
        description:
          'Streams every contact matching the filter (same parameters as the list). Columns match the import template, so an export can be imported back. CSV is UTF-8 with a byte-order mark (Excel shows accents right); cells that could run as formulas (`=`, `+`, `-`, `@`, tab, CR) are prefixed with `\'`.',
        querystring: contactFilterQuery.extend({
          format: z.enum(['csv', 'xlsx']).default('csv').describe('File format: CSV (UTF-8 with BOM) or XLSX.'),
          lang: z.enum(['es', 'pt-BR', 'en']).optional().describe('Language of the headers.'),
        }),
        response: { 200: z.any().describe('The file.') },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.export');
      const org = await getOrganization(db, p.organizationId);
      const { format, lang: _lang, ...filter } = req.query;
      const rows = exportContactRows(db, p.organizationId, filterFromQuery(filter), requestLocale(req, org.locale));
      const stamp = new Date().toISOString().slice(0, 10);
      reply.header('content-disposition', attachment(`contacts-${stamp}.${format}`));
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(csvStream(rows));
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(xlsxStream('Contacts', rows));
    },
  );

  app.post(
    '/api/v1/contacts/merge',
    {
      schema: {
        tags,
        summary: 'Merge two contacts',
        description:
          'The survivor keeps its values and takes the other\'s where it has none; groups and consent histories combine; conversations move to the survivor and both histories stay whole. The merged contact is removed (its data is kept in the merge record). Audited.',
        body: z.strictObject({
          survivorId: z.uuid().describe('The contact that stays.'),
          mergedId: z.uuid().describe('The contact merged into it and removed.'),
        }),
        response: { 200: contactSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'contacts.write');
      return presentContact(await mergeContacts(deps, p.organizationId, req.body.survivorId, req.body.mergedId, actorOf(p, req.ip)));
    },
  );

  app.get(
    '/api/v1/contacts/:id/export',
    {
      schema: {
        tags,
        summary: 'Export everything about a contact (JSON)',
        description: 'For data subject access requests (LGPD/GDPR): profile, custom fields, groups, consent ledger, merges, conversations with every message, and records other modules keep about the contact. Audited.',
        params: idParams,
        response: { 200: z.any().describe('A JSON document.') },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.export');
      if (!(await findContact(db, p.organizationId, req.params.id))) throw contactNotFound();
      await recordAudit(db, { organizationId: p.organizationId, actor: actorOf(p, req.ip), action: 'contact.data_exported', targetType: 'contact', targetId: req.params.id });
      reply.header('content-disposition', attachment(`contact-${req.params.id}.json`));
      return reply.type('application/json; charset=utf-8').send(Readable.from(exportContactData(db, p.organizationId, req.params.id)));
    },
  );

  app.post(
    '/api/v1/contacts/:id/erase',
    {
      schema: {
        tags,
        summary: 'Erase a contact\'s personal data',
        description:
          'For erasure requests (LGPD/GDPR). Irreversible: names, phone, e-mail, address, notes and custom fields are removed; message bodies and media of the contact\'s conversations are deleted; identifiers are scrubbed from related records. Conversations and messages stay as anonymous rows so statistics survive. Send `{"confirm": true}`. Audited.',
        params: idParams,
        body: z.strictObject({ confirm: z.literal(true).describe('Must be `true`: erasure cannot be undone.') }),
        response: {
          200: z.object({
            conversations: z.number().int().describe('Conversations anonymized (kept for statistics).'),
            messages: z.number().int().describe('Messages whose content was removed.'),
            files: z.number().int().describe('Stored media files deleted.'),
          }),
        },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'contacts.erase');
      return eraseContact(deps, p.organizationId, req.params.id, actorOf(p, req.ip));
    },
  );
}
