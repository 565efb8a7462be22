import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';
import { renderedTemplateSchema } from '../templates/index.ts';
import { CONTACT_FIELDS } from './campaign-variables.ts';

const fallback = z.string().max(1024).optional().describe('Used when the contact has no value.');

/** Where one template parameter's value comes from. */
export const variableSource = z
  .discriminatedUnion('source', [
    z.strictObject({
      source: z.literal('field').describe('A standard contact field.'),
      field: z.enum(CONTACT_FIELDS).describe('A contact field: `firstName`, `lastName`, `fullName`, `phone`, `email`, `street`, `city`, `state`, `postalCode` or `country`.'),
      fallback,
    }),
    z.strictObject({ source: z.literal('custom').describe('A custom contact field.'), key: z.string().min(1).max(100).describe('A custom field key.'), fallback }),
    z.strictObject({ source: z.literal('text').describe('Fixed text.'), value: z.string().max(1024).describe('The same text for everyone.') }),
    z.strictObject({
      source: z.literal('media').describe('A media file for a header with an image, video or document.'),
      link: z.url({ protocol: /^https$/, error: 'Use a public https URL' }).max(2000).describe('Media headers: the file WhatsApp downloads and shows.'),
      filename: z.string().max(240).optional().describe('Documents: the name the contact sees.'),
    }),
  ])
  .describe('Where a parameter\'s value comes from: a contact field, a custom field or fixed text (with a fallback), or a media link.');

const groupIds = z.array(z.uuid()).min(1).max(50).describe('Contacts in any of these groups (1–50 group ids).');

/** Who gets the campaign. Marketing templates only reach contacts who granted marketing consent. */
export const audienceSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all').describe('Every contact of the organization.') }),
    z.strictObject({ kind: z.literal('groups').describe('Members of some groups.'), groupIds: groupIds.describe('Members of any of these groups.') }),
    z.strictObject({
      kind: z.literal('filter').describe('Contacts matching the contacts list\'s filters.'),
      filter: z
        .strictObject({
          q: z.string().max(200).optional().describe('Name, e-mail or phone search.'),
          groupIds: groupIds.optional(),
          fields: z.record(z.string().max(100), z.union([z.string().max(500), z.number()])).optional().describe('Custom field values that must match.'),
          source: z.enum(['whatsapp', 'webchat', 'import', 'api', 'assistant']).optional().describe('Only contacts that came from this source.'),
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
const campaignName = z.string().trim().min(1).max(200).describe('A name for the team (1–200 characters); contacts never see it.');
const variables = z.record(z.string().max(100), variableSource);

export const createCampaignBody = z.strictObject({
  name: campaignName,
  templateId: z.uuid().describe('An approved template.'),
  variables: variables.default({}).describe('Parameter key (`body.1`, `header.media`, `button.0`…; see the template\'s `parameters`) → its source.'),
  audience: audienceSchema,
  action: z
    .enum(['draft', 'schedule', 'send'])
    .default('draft')
    .describe('`draft` saves it; `schedule` sends at `scheduledAt`; `send` starts now ("skip scheduling and send now").'),
  scheduledAt: localDateTime.optional().describe('With `action: "schedule"`: when to send; `2026-07-21T08:30` is read in the organization\'s time zone.'),
});
export type CreateCampaignBody = z.infer<typeof createCampaignBody>;

/** `PATCH /api/v1/campaigns/{id}` (drafts and scheduled campaigns). */
export const updateCampaignBody = z.strictObject({
  name: campaignName.optional(),
  templateId: z.uuid().optional().describe('Another approved template (send `variables` for its parameters too).'),
  variables: variables.optional().describe('Parameter key → its source; replaces the whole mapping.'),
  audience: audienceSchema.optional(),
  scheduledAt: localDateTime.nullable().optional().describe('A new time for a scheduled campaign.'),
});
export type UpdateCampaignBody = z.infer<typeof updateCampaignBody>;

/** `POST /api/v1/campaigns/{id}/schedule`. */
export const scheduleBody = z.strictObject({ scheduledAt: localDateTime });

/** `POST /api/v1/campaigns/preview`: what a campaign would do, before saving it. */
export const previewCampaignBody = z.strictObject({
  templateId: z.uuid().describe('The template to preview.'),
  variables: variables.default({}).describe('Parameter key (`body.1`, `header.media`, `button.0`…) → its source.'),
  audience: audienceSchema,
  contactId: z.uuid().optional().describe('The sample contact; the first recipient by default.'),
});

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'finished', 'cancelled'] as const;
export const RECIPIENT_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'] as const;

export const listCampaignsQuery = pageQuery.extend({
  q: z.string().max(200).optional().describe('Search by name.'),
  status: z.enum(CAMPAIGN_STATUSES).optional().describe('Only campaigns in this status.'),
});

export const recipientsQuery = pageQuery.extend({
  status: z.enum([...RECIPIENT_STATUSES, 'replied', 'retrying']).optional().describe('`replied`: answered; `retrying`: failed with a resend scheduled.'),
  q: z.string().max(200).optional().describe('Contact name or phone.'),
});

const rate = z.object({
  percent: z.number().describe('0–100, two decimals.'),
  count: z.number().int().describe('Recipients counted (e.g. delivered).'),
  total: z.number().int().describe('All recipients.'),
  label: z.string().describe('As shown in the list, e.g. `33.33% 1/3`.'),
});

/** Totals of a campaign. */
export const statsSchema = z.object({
  total: z.number().int().describe('Recipients (messages).'),
  pending: z.number().int().describe('Not sent yet (waiting or being sent).'),
  sent: z.number().int().describe('Accepted by WhatsApp (includes delivered and read).'),
  delivered: z.number().int().describe('Reached the phone (includes read).'),
  read: z.number().int().describe('Opened by the contact (only when the contact has read receipts on).'),
  failed: z.number().int().describe('Could not be sent or delivered (includes those being retried).'),
  skipped: z.number().int().describe('Not sent: a value the template needs was missing.'),
  cancelled: z.number().int().describe('Not sent because the campaign was cancelled.'),
  replied: z.number().int().describe('Answered or tapped a quick reply.'),
  retrying: z.number().int().describe('Failed for a temporary reason; resent automatically at the organization\'s intervals.'),
});

/** A campaign as the API shows it. */
export const campaignSchema = z.object({
  id: z.uuid().describe('Campaign id.'),
  name: z.string().describe('The campaign\'s name.'),
  status: z
    .enum(CAMPAIGN_STATUSES)
    .describe('`draft`, `scheduled`, `sending`, `paused` (by a person or by an account-level WhatsApp error), `finished` or `cancelled`.'),
  channelId: z.uuid().describe('The WhatsApp channel it sends from (the template\'s).'),
  templateId: z.uuid().nullable().describe('The template; null if it was deleted since (the campaign keeps a copy).'),
  template: z
    .object({
      name: z.string().describe('Template name.'),
      language: z.string().describe('Template language code.'),
      category: z.enum(['marketing', 'utility', 'authentication']).describe('Template category; marketing only reaches contacts with marketing consent.'),
    })
    .describe('The copy of the template the campaign sends.'),
  audience: audienceSchema,
  variables: z.record(z.string(), variableSource).describe('Parameter key → where its value comes from.'),
  scheduledAt: z.iso.datetime().nullable().describe('When it is (or was) scheduled to send; null when never scheduled.'),
  startedAt: z.iso.datetime().nullable().describe('When sending started; null before that.'),
  finishedAt: z.iso.datetime().nullable().describe('When every recipient was processed; null until then.'),
  pausedAt: z.iso.datetime().nullable().describe('When it was paused; null unless paused.'),
  cancelledAt: z.iso.datetime().nullable().describe('When it was cancelled; null unless cancelled.'),
  pauseReason: z
    .object({ code: z.string().describe('The WhatsApp or Charla error code.'), message: z.string().describe('What happened and what to do, in words.') })
    .nullable().describe('Why the campaign paused itself (an account-level WhatsApp error), in words.'),
  excluded: z
    .object({
      noConsent: z.number().int().describe('Left out for lack of consent (marketing consent for marketing templates).'),
      noPhone: z.number().int().describe('Left out for lack of a WhatsApp number.'),
    }).describe('Contacts of the audience left out when the recipients were written.'),
  stats: statsSchema.describe('Recipients by state (live while sending).'),
  rates: z
    .object({
      delivery: rate.describe('Delivered out of all recipients.'),
      read: rate.describe('Read out of all recipients.'),
      replied: rate.describe('Replied out of all recipients.'),
    })
    .describe('Delivery, read and reply rates.'),
  createdBy: z.string().describe('Who created it: a member\'s name or an API key\'s name.'),
  createdAt: z.iso.datetime().describe('When it was created.'),
  updatedAt: z.iso.datetime().describe('When it last changed.'),
});
export type CampaignView = z.infer<typeof campaignSchema>;

/** A campaign with what its details page shows besides the list's columns. */
export const campaignDetailsSchema = campaignSchema.extend({
  preview: renderedTemplateSchema.nullable().describe('The message as sent to the sample recipient (or to a sample contact before sending).'),
  nextResendAt: z.iso.datetime().nullable().describe('The next automatic resend of failed recipients; null when none is due.'),
  templateParameters: z
    .array(
      z.object({
        key: z.string().describe('The parameter key `variables` maps (`body.1`, `header.media`, `button.0`…).'),
        kind: z.string().describe('The kind of value: `text`, `image`, `video`, `document` or `coupon`.'),
        example: z.string().nullable().describe('The template\'s example value; null when it has none.'),
      }),
    )
    .describe('The values the template needs.'),
});

/** What the wizard's preview answers. */
export const previewResultSchema = z.object({
  audience: z
    .object({
      total: z.number().int().describe('Contacts matching the audience.'),
      excludedNoPhone: z.number().int().describe('Without a WhatsApp number.'),
      excludedNoConsent: z.number().int().describe('Marketing templates: without marketing consent. Other categories: consent revoked.'),
      recipients: z.number().int().describe('Contacts the campaign would send to.'),
    })
    .describe('How many contacts the audience reaches.'),
  sample: z
    .object({
      contact: z
        .object({
          id: z.uuid().describe('Contact id.'),
          name: z.string().describe('The contact\'s name.'),
          phone: z.string().nullable().describe('Phone number (E.164); null when the contact has none.'),
        })
        .describe('The sample contact.'),
      values: z.record(z.string(), z.string()).describe('Parameter key → the value this contact would get.'),
      missing: z.array(z.string()).describe('Parameters this contact has no value for (the send would skip them).'),
      preview: renderedTemplateSchema.describe('The message this contact would get.'),
    })
    .nullable()
    .describe('The message for one contact; null when the audience is empty.'),
  issues: z
    .array(z.object({ path: z.string().describe('The field with the problem, e.g. `variables.body.1`.'), message: z.string().describe('What is wrong, in words.') })).describe('Mapping problems that would block sending.'),
});

/** A recipient row of the details table. */
export const recipientSchema = z.object({
  id: z.uuid().describe('Recipient id.'),
  contactId: z.uuid().describe('The contact.'),
  contactName: z.string().describe('The contact\'s current full name, or the phone number when the contact has no name.'),
  phone: z.string().describe('The WhatsApp number the message goes to.'),
  status: z
    .enum(RECIPIENT_STATUSES)
    .describe('`pending`, `sending`, `sent`, `delivered`, `read`, `failed`, `skipped` (a value was missing) or `cancelled`.'),
  errorCode: z.string().nullable().describe('The WhatsApp or Charla error code; null unless it failed or was skipped.'),
  reason: z.string().nullable().describe('Why it failed, in words.'),
  attempts: z.number().int().describe('Send attempts so far.'),
  retries: z.number().int().describe('Automatic resends so far.'),
  nextAttemptAt: z.iso.datetime().nullable().describe('The next automatic resend; null when none is scheduled.'),
  conversationId: z.uuid().nullable().describe('The conversation in the inbox (replies land there).'),
  sentAt: z.iso.datetime().nullable().describe('When WhatsApp accepted the message; null until then.'),
  deliveredAt: z.iso.datetime().nullable().describe('When it reached the phone; null until then.'),
  readAt: z.iso.datetime().nullable().describe('When the contact read it; null until then.'),
  failedAt: z.iso.datetime().nullable().describe('When it failed; null unless it failed.'),
  repliedAt: z.iso.datetime().nullable().describe('When the contact first answered; null until then.'),
  updatedAt: z.iso.datetime().describe('Last change of this recipient\'s state.'),
});
export type RecipientView = z.infer<typeof recipientSchema>;
