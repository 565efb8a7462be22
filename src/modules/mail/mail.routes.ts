import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { pageOf, pageQuery } from '../../shared/pagination.ts';
import { listOutbox } from './mail.service.ts';

const mailSchema = z.object({
  id: z.uuid().describe('E-mail id.'),
  to: z.string().describe('Recipient address.'),
  subject: z.string().describe('Subject line.'),
  text: z.string().describe('Plain-text body (invitation links included).'),
  kind: z.string().describe('`invitation`, ...'),
  status: z.enum(['queued', 'sent', 'logged', 'failed']).describe('`logged`: no SMTP configured, the e-mail was only written to the log and here.'),
  error: z.string().nullable().describe('Why the last delivery attempt failed, if it did.'),
  sentAt: z.iso.datetime().nullable().describe('When it was delivered to SMTP (or logged).'),
  createdAt: z.iso.datetime().describe('When it was queued.'),
});

/** `GET /api/v1/outbox`: the organization's e-mails, for installations without SMTP. */
export function registerMailRoutes(app: App, deps: Deps) {
  app.get(
    '/api/v1/outbox',
    {
      schema: {
        tags: ['Team'],
        summary: 'List e-mails sent by the organization',
        description: 'Owners only. Without `SMTP_URL`, invitations are not delivered: copy the link from here.',
        querystring: pageQuery,
        response: { 200: pageOf(mailSchema) },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'mail.read');
      const page = await listOutbox(deps.database.db, p.organizationId, req.query);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((m) => ({ ...m, sentAt: m.sentAt?.toISOString() ?? null, createdAt: m.createdAt.toISOString() })),
      };
    },
  );
}
