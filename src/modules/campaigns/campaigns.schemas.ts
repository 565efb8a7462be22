import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';
import { CONTACT_FIELDS } from './campaign-variables.ts';

const fallback = z.string().max(1024).optional().describe('Used when the contact has no value.');

/** Where one template parameter's value comes from. */
export const variableSource = z
  .discriminatedUnion('source', [
    z.strictObject({ source: z.literal('field'), field: z.enum(CONTACT_FIELDS).describe('A contact field.'), fallback }),
    z.strictObject({ source: z.literal('custom'), key: z.string().min(1).max(100).describe('A custom field key.'), fallback }),
    z.strictObject({ source: z.literal('text'), value: z.string().max(1024).describe('The same text for everyone.') }),
    z.strictObject({
      source: z.literal('media'),
      link: z.url({ protocol: /^https$/, error: 'Use a public https URL' }).max(2000).describe('Media headers: the file WhatsApp downloads and shows.'),
      filename: z.string().max(240).optional().describe('Documents: the name the contact sees.'),
    }),
  ])
  .describe('Where a parameter\'s value comes from: a contact field, a custom field or fixed text (with a fallback), or a media link.');

const groupIds = z.array(z.uuid()).min(1).max(50);

/** Who gets the campaign. Marketing templates only reach contacts who granted marketing consent. */
export const audienceSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({ kind: z.literal('groups'), groupIds: groupIds.describe('Members of any of these groups.') }),
    z.strictObject({
      kind: z.literal('filter'),
      filter: z
        .strictObject({
          q: z.string().max(200).optional().describe('Name, e-mail or phone search.'),
          groupIds: groupIds.optional(),
          fields: z.record(z.string().max(100), z.union([z.string().max(500), z.number()])).optional().describe('Custom field values that must match.'),
          source: z.enum(['whatsapp', 'webchat', 'import', 'api', 'assistant']).optional(),
        })
        .describe('The contacts list filters, saved with the campaign.'),
    }),
  ])
  .describe('All contacts, one or more groups, or a saved filter.');

const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/, 'Use YYYY-MM-DDTHH:mm (in the organization\'s time zone) or an ISO date-time with offset')
  .describe('When to send: `2026-07-21T08:30` is read in the organization\'s time zone; an offset or `Z` is honoured.');

/** `POST /api/v1/campaigns`. */
export const createCampaignBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  templateId: z.uuid().describe('An approved template.'),
  variables: z.record(z.string().max(100), variableSource).default({}).describe('Parameter key (`body.1`, `header.media`, `button.0`…; see the template\'s `parameters`) → its source.'),
  audience: audienceSchema,
  action: z
    .enum(['draft', 'schedule', 'send'])
    .default('draft')
    .describe('`draft` saves it; `schedule` sends at `scheduledAt`; `send` starts now ("skip scheduling and send now").'),
  scheduledAt: localDateTime.optional(),
});
export type CreateCampaignBody = z.infer<typeof createCampaignBody>;

/** `PATCH /api/v1/campaigns/{id}` (drafts and scheduled campaigns). */
export const updateCampaignBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  templateId: z.uuid().optional(),
  variables: z.record(z.string().max(100), variableSource).optional(),
  audience: audienceSchema.optional(),
  scheduledAt: localDateTime.nullable().optional().describe('A new time for a scheduled campaign.'),
});
export type UpdateCampaignBody = z.infer<typeof updateCampaignBody>;

/** `POST /api/v1/campaigns/{id}/schedule`. */
export const scheduleBody = z.strictObject({ scheduledAt: localDateTime });

/** `POST /api/v1/campaigns/preview`: what a campaign would do, before saving it. */
export const previewCampaignBody = z.strictObject({
  templateId: z.uuid(),
  variables: z.record(z.string().max(100), variableSource).default({}),
  audience: audienceSchema,
  contactId: z.uuid().optional().describe('The sample contact; the first recipient by default.'),
});

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'finished', 'cancelled'] as const;
export const RECIPIENT_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'] as const;

export const listCampaignsQuery = pageQuery.extend({
  q: z.string().max(200).optional().describe('Search by name.'),
  status: z.enum(CAMPAIGN_STATUSES).optional(),
});

export const recipientsQuery = pageQuery.extend({
  status: z.enum([...RECIPIENT_STATUSES, 'replied', 'retrying']).optional().describe('`replied`: answered; `retrying`: failed with a resend scheduled.'),
  q: z.string().max(200).optional().describe('Contact name or phone.'),
});

const rate = z.object({
  percent: z.number().describe('0–100, two decimals.'),
  count: z.number().int(),
  total: z.number().int(),
  label: z.string().describe('As shown in the list, e.g. `33.33% 1/3`.'),
});

/** Totals of a campaign. */
export const statsSchema = z.object({
  total: z.number().int().describe('Recipients (messages).'),
  pending: z.number().int().describe('Not sent yet (waiting or being sent).'),
  sent: z.number().int().describe('Accepted by WhatsApp (includes delivered and read).'),
  delivered: z.number().int().describe('Reached the phone (includes read).'),
  read: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int().describe('Not sent: a value the template needs was missing.'),
  cancelled: z.number().int(),
  replied: z.number().int().describe('Answered or tapped a quick reply.'),
  retrying: z.number().int().describe('Failed for a temporary reason; resent automatically at the organization\'s intervals.'),
});

/** A campaign as the API shows it. */
export const campaignSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  channelId: z.uuid(),
  templateId: z.uuid().nullable(),
  template: z.object({ name: z.string(), language: z.string(), category: z.enum(['marketing', 'utility', 'authentication']) }),
  audience: audienceSchema,
  variables: z.record(z.string(), variableSource),
  scheduledAt: z.iso.datetime().nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  pausedAt: z.iso.datetime().nullable(),
  cancelledAt: z.iso.datetime().nullable(),
  pauseReason: z.object({ code: z.string(), message: z.string() }).nullable().describe('Why the campaign paused itself (an account-level WhatsApp error), in words.'),
  excluded: z.object({ noConsent: z.number().int(), noPhone: z.number().int() }).describe('Contacts of the audience left out when the recipients were written.'),
  stats: statsSchema,
  rates: z.object({ delivery: rate, read: rate, replied: rate }),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type CampaignView = z.infer<typeof campaignSchema>;

const rendered = z.object({
  header: z.union([z.object({ type: z.literal('text'), text: z.string() }), z.object({ type: z.enum(['image', 'video', 'document']), link: z.string().nullable() })]).nullable(),
  body: z.string(),
  footer: z.string().nullable(),
  buttons: z.array(z.object({ type: z.string(), text: z.string(), url: z.string().optional(), phoneNumber: z.string().optional(), code: z.string().optional() })),
});

/** A campaign with what its details page shows besides the list's columns. */
export const campaignDetailsSchema = campaignSchema.extend({
  preview: rendered.nullable().describe('The message as sent to the sample recipient (or to a sample contact before sending).'),
  nextResendAt: z.iso.datetime().nullable(),
  templateParameters: z.array(z.object({ key: z.string(), kind: z.string(), example: z.string().nullable() })),
});

/** What the wizard's preview answers. */
export const previewResultSchema = z.object({
  audience: z.object({
    total: z.number().int().describe('Contacts matching the audience.'),
    excludedNoPhone: z.number().int().describe('Without a WhatsApp number.'),
    excludedNoConsent: z.number().int().describe('Marketing templates: without marketing consent. Other categories: consent revoked.'),
    recipients: z.number().int(),
  }),
  sample: z
    .object({
      contact: z.object({ id: z.uuid(), name: z.string(), phone: z.string().nullable() }),
      values: z.record(z.string(), z.string()),
      missing: z.array(z.string()).describe('Parameters this contact has no value for (the send would skip them).'),
      preview: rendered,
    })
    .nullable(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).describe('Mapping problems that would block sending.'),
});

/** A recipient row of the details table. */
export const recipientSchema = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  contactName: z.string(),
  phone: z.string(),
  status: z.enum(RECIPIENT_STATUSES),
  errorCode: z.string().nullable(),
  reason: z.string().nullable().describe('Why it failed, in words.'),
  attempts: z.number().int(),
  retries: z.number().int().describe('Automatic resends so far.'),
  nextAttemptAt: z.iso.datetime().nullable(),
  conversationId: z.uuid().nullable().describe('The conversation in the inbox (replies land there).'),
  sentAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  readAt: z.iso.datetime().nullable(),
  failedAt: z.iso.datetime().nullable(),
  repliedAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime().describe('Last change of this recipient\'s state.'),
});
export type RecipientView = z.infer<typeof recipientSchema>;
