import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { pageOf } from '../../shared/pagination.ts';
import { attachment, csvStream } from '../contacts/spreadsheet-output.ts';
import { actorOf } from '../identity/team.routes.ts';
import { requestLocale } from '../inbox/inbox-settings.ts';
import { campaignDetails, previewCampaign } from './campaign-details.ts';
import { cancelCampaign, pauseCampaign, resumeCampaign } from './campaign-lifecycle.ts';
import { exportRecipientRows, listRecipients } from './campaign-recipients.ts';
import { findCampaign, listCampaignRows, orgCampaignContext } from './campaigns.repository.ts';
import {
  campaignDetailsSchema,
  campaignSchema,
  createCampaignBody,
  listCampaignsQuery,
  previewCampaignBody,
  previewResultSchema,
  recipientSchema,
  recipientsQuery,
  scheduleBody,
  updateCampaignBody,
} from './campaigns.schemas.ts';
import { createCampaign, deleteCampaign, scheduleCampaign, sendCampaignNow, updateCampaign } from './campaigns.service.ts';
import { presentCampaign } from './present-campaign.ts';

const tags = ['Campaigns'];

/** Campaigns: create, schedule or send, follow per recipient, pause/resume/cancel, export. */
export function registerCampaignRoutes(app: App, deps: Deps) {
  const db = deps.database.db;
  const localeOf = (organizationId: string, sessionLocale: string | null | undefined) => requestLocale(db, organizationId, sessionLocale);

  app.get(
    '/api/v1/campaigns',
    {
      schema: {
        tags,
        summary: 'List campaigns',
        description: 'Newest first, with totals and the delivery and read rates (`33.33% 1/3`), refreshed every few seconds while they change.',
        querystring: listCampaignsQuery,
        response: { 200: pageOf(campaignSchema) },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'campaigns.manage');
      const locale = await localeOf(p.organizationId, req.sessionContext?.locale);
      const page = await listCampaignRows(db, p.organizationId, req.query);
      return { items: page.items.map((r) => presentCampaign(r, locale)), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/campaigns',
    {
      schema: {
        tags,
        summary: 'Create a campaign',
        description: [
          'An approved template, a value for each of its parameters (a contact field, a custom field or fixed text, with a fallback), an audience, and what to do: save a `draft`, `schedule` it at `scheduledAt` (the organization\'s time zone), or `send` now.',
          'Refusals: 422 `template_not_approved`, 400 `variables_unmapped` (per parameter), 422 `audience_empty` (with the exclusions), 400 `schedule_in_past`.',
          'Marketing templates only reach contacts who granted marketing consent; the others are counted in `excluded`.',
        ].join('\n\n'),
        body: createCampaignBody,
        response: { 201: campaignSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'campaigns.manage');
      const row = await createCampaign(deps, p.organizationId, req.body, actorOf(p, req.ip));
      return reply.status(201).send(presentCampaign(row, await localeOf(p.organizationId, req.sessionContext?.locale)));
    },
  );

  app.post(
    '/api/v1/campaigns/preview',
    {
      schema: {
        tags,
        summary: 'Preview a campaign',
        description: 'Without saving anything: how many contacts the audience reaches and how many are left out (no number, no consent), mapping problems, and the message rendered for a sample contact.',
        body: previewCampaignBody,
        response: { 200: previewResultSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'campaigns.manage');
      return previewCampaign(db, p.organizationId, req.body);
    },
  );

  app.get(
    '/api/v1/campaigns/:id',
    { schema: { tags, summary: 'Get a campaign', description: 'Live totals, settings, and the message as sent.', params: idParams, response: { 200: campaignDetailsSchema } } },
    async (req) => {
      const p = requirePermission(req, 'campaigns.manage');
      return campaignDetails(db, p.organizationId, req.params.id, await localeOf(p.organizationId, req.sessionContext?.locale));
    },
  );

  app.patch(
    '/api/v1/campaigns/:id',
    { schema: { tags, summary: 'Edit a draft or scheduled campaign', description: 'Send only what changes. Other states answer 409 `campaign_not_editable`; a scheduled campaign must stay ready to send.', params: idParams, body: updateCampaignBody, response: { 200: campaignSchema } } },
    async (req) => {
      const p = requirePermission(req, 'campaigns.manage');
      const row = await updateCampaign(deps, p.organizationId, req.params.id, req.body, actorOf(p, req.ip));
      return presentCampaign(row, await localeOf(p.organizationId, req.sessionContext?.locale));
    },
  );

  app.delete(
    '/api/v1/campaigns/:id',
    { schema: { tags, summary: 'Delete a campaign', description: 'Not while sending or paused (cancel it first). Its messages stay in the conversations.', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      const p = requirePermission(req, 'campaigns.manage');
      await deleteCampaign(deps, p.organizationId, req.params.id, actorOf(p, req.ip));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/campaigns/:id/schedule',
    { schema: { tags, summary: 'Schedule a campaign', description: 'A draft (or a scheduled campaign, to move it) is checked to be ready and sent at `scheduledAt`, at least a minute from now.', params: idParams, body: scheduleBody, response: { 200: campaignSchema } } },
    async (req) => {
      const p = requirePermission(req, 'campaigns.manage');
      const row = await scheduleCampaign(deps, p.organizationId, req.params.id, req.body.scheduledAt, actorOf(p, req.ip));
      return presentCampaign(row, await localeOf(p.organizationId, req.sessionContext?.locale));
    },
  );

  const action = (path: string, summary: string, description: string, run: typeof pauseCampaign) =>
    app.post(path, { schema: { tags, summary, description, params: idParams, response: { 200: campaignSchema } } }, async (req) => {
      const p = requirePermission(req, 'campaigns.manage');
      const row = await run(deps, p.organizationId, req.params.id, actorOf(p, req.ip));
      return presentCampaign(row, await localeOf(p.organizationId, req.sessionContext?.locale));
    });
  action('/api/v1/campaigns/:id/send', 'Send a campaign now', 'A draft or scheduled campaign starts sending at once (checked like a new one).', sendCampaignNow);
  action('/api/v1/campaigns/:id/pause', 'Pause a campaign', 'Sending stops within a second; messages already handed to WhatsApp are not recalled.', pauseCampaign);
  action('/api/v1/campaigns/:id/resume', 'Resume a campaign', 'Sends to the recipients still pending; nobody already sent gets it twice.', resumeCampaign);
  action('/api/v1/campaigns/:id/cancel', 'Cancel a campaign', 'Nothing more is sent and no resend happens.', cancelCampaign);

  app.get(
    '/api/v1/campaigns/:id/recipients',
    { schema: { tags, summary: 'List a campaign\'s recipients', description: 'One row per message, with its delivery state, failure reason and next resend; filter by status or search by contact.', params: idParams, querystring: recipientsQuery, response: { 200: pageOf(recipientSchema) } } },
    async (req) => {
      const p = requirePermission(req, 'campaigns.manage');
      await findCampaign(db, p.organizationId, req.params.id);
      return listRecipients(db, req.params.id, req.query, await localeOf(p.organizationId, req.sessionContext?.locale));
    },
  );

  app.get(
    '/api/v1/campaigns/:id/export.csv',
    {
      schema: {
        tags,
        summary: 'Export recipients as CSV',
        description: 'Streamed; UTF-8 with a byte-order mark so Excel and Google Sheets keep accents; formulas neutralized. Same filters as the recipients list.',
        params: idParams,
        querystring: recipientsQuery.pick({ status: true, q: true }),
        produces: ['text/csv'],
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'campaigns.manage');
      const campaign = await findCampaign(db, p.organizationId, req.params.id);
      const locale = await localeOf(p.organizationId, req.sessionContext?.locale);
      const { timezone } = await orgCampaignContext(db, p.organizationId);
      const name = `${campaign.name.replace(/[\\/:*?"<>|]+/g, '_').slice(0, 80)}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment(name))
        .header('cache-control', 'no-store')
        .send(csvStream(exportRecipientRows(db, campaign.id, req.query, locale, timezone)));
    },
  );
}
