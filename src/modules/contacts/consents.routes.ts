import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { changeConsent, type ConsentRow, listConsents } from './consents.service.ts';

const purpose = z.enum(['marketing', 'service']).describe('`marketing`: campaigns and promotions. `service`: messages about the person\'s own requests.');
const consentSchema = z.object({
  id: z.uuid().describe('The ledger entry\'s id.'),
  purpose,
  status: z.enum(['granted', 'revoked']).describe('The decision.'),
  source: z.enum(['channel', 'message', 'import', 'agent', 'api']).describe('How it was collected: a channel\'s opt-in, a message, an import, an agent, the API.'),
  textShown: z.string().describe('The wording shown to the person, or what they wrote.'),
  messageId: z.uuid().nullable().describe('The message that carried it, if any.'),
  actorLabel: z.string().describe('Who recorded it (member or API key), empty for the contact themself.'),
  occurredAt: z.iso.datetime().describe('When the decision was made.'),
});
const consentBody = z.strictObject({
  purpose,
  status: z.enum(['granted', 'revoked']).describe('The decision.'),
  textShown: z.string().trim().max(2000).optional().describe('The exact wording the person agreed to (recommended for proof).'),
  source: z.enum(['channel', 'message', 'agent', 'api']).optional().describe('Defaults to `agent` for members and `api` for API keys.'),
});

const present = (c: ConsentRow) => ({
  id: c.id,
  purpose: c.purpose,
  status: c.status,
  source: c.source,
  textShown: c.textShown,
  messageId: c.messageId,
  actorLabel: c.actorLabel,
  occurredAt: c.occurredAt.toISOString(),
});
const tags = ['Contacts'];

/** `/api/v1/contacts/{id}/consents`: the consent ledger (LGPD/GDPR). */
export function registerConsentRoutes(app: App, deps: Deps) {
  const db = deps.database.db;
  app.get(
    '/api/v1/contacts/:id/consents',
    { schema: { tags, summary: 'Consent history of a contact', description: 'Newest first.', params: idParams, response: { 200: z.object({ items: z.array(consentSchema).describe('Ledger entries, newest first.') }) } } },
    async (req) => {
      const p = requirePermission(req, 'contacts.read');
      return { items: (await listConsents(db, p.organizationId, req.params.id)).map(present) };
    },
  );

  app.post(
    '/api/v1/contacts/:id/consents',
    {
      schema: {
        tags,
        summary: 'Grant or revoke a consent',
        description: 'Appends to the ledger and becomes the contact\'s current consent for the purpose. Campaigns honour marketing consent.',
        params: idParams,
        body: consentBody,
        response: { 201: consentSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.write');
      return reply.status(201).send(present(await changeConsent(db, p, req.params.id, req.body)));
    },
  );
}
