import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';
import { HEADER_MEDIA_FORMATS, TEMPLATE_CATEGORIES } from './template-draft.ts';

// Request schemas check shapes only; Meta's rules (lengths, variables, buttons) are the linter's job,
// so a person gets every problem explained at once in their language instead of one zod message.

const examples = z
  .record(z.string().max(60), z.string().max(1000))
  .optional()
  .describe('Example value per variable, keyed by its name: `{"1": "Ana"}` or `{"first_name": "Ana"}`. Meta requires one for every variable.');

const header = z
  .discriminatedUnion('format', [
    z.strictObject({
      format: z.literal('text'),
      text: z.string().max(1000).describe('At most 60 characters and one variable.'),
      examples,
    }),
    z.strictObject({
      format: z.enum(HEADER_MEDIA_FORMATS),
      example: z
        .strictObject({
          fileId: z.uuid().optional().describe('A sample file uploaded with `POST /api/v1/files` (JPEG/PNG ≤ 5 MB, MP4 ≤ 16 MB, PDF ≤ 100 MB).'),
          handle: z.string().max(2000).optional().describe('A sample handle Meta already issued (from its resumable upload API).'),
        })
        .describe('The sample Meta reviews the header with.'),
    }),
  ])
  .describe('Optional header: a short text or an image, video or document.');

const button = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('quick_reply'), text: z.string().max(200).describe('At most 25 characters.') }),
    z.strictObject({
      type: z.literal('url'),
      text: z.string().max(200),
      url: z.string().max(3000).describe('https address; `{{1}}` at the very end makes it dynamic (each send fills it).'),
      example: z.string().max(1000).optional().describe('For dynamic addresses: an example of the value that replaces `{{1}}`.'),
    }),
    z.strictObject({ type: z.literal('phone_number'), text: z.string().max(200), phoneNumber: z.string().max(40).describe('International format, e.g. `+5511987654321`.') }),
    z.strictObject({
      type: z.literal('copy_code'),
      text: z.string().max(200).optional().describe('Label; WhatsApp shows its own "Copy offer code".'),
      example: z.string().max(100).describe('An example offer code (at most 15 characters).'),
    }),
    z.strictObject({ type: z.literal('otp'), text: z.string().max(200).describe('Authentication templates: the copy-code button.') }),
  ])
  .describe('A button.');

/** The content of a template (everything but its identity), as the builder sends it. */
export const templateContentShape = {
  header: header.nullable().optional(),
  body: z.strictObject({ text: z.string().max(5000).describe('The message, at most 1024 characters; variables `{{1}}` or `{{first_name}}`.'), examples }),
  footer: z.strictObject({ text: z.string().max(1000).describe('At most 60 characters, no variables.') }).nullable().optional(),
  buttons: z.array(button).max(20).optional().describe('Up to 10: quick replies grouped apart from the others; at most 2 URL, 1 phone, 1 copy code.'),
};

/** `POST /api/v1/templates` and `POST /api/v1/templates/lint`. */
export const createTemplateBody = z.strictObject({
  channelId: z.uuid().optional().describe('The WhatsApp channel whose business account gets the template; optional with a single WhatsApp channel.'),
  name: z.string().max(1000).describe('Lowercase letters, digits and underscores; unique per language.'),
  language: z.string().max(20).describe('Meta language code: `es`, `pt_BR`, `en_US`…'),
  category: z.enum(TEMPLATE_CATEGORIES).describe('Meta may re-categorize a template during review.'),
  ...templateContentShape,
});
export type CreateTemplateBody = z.infer<typeof createTemplateBody>;

/** `PATCH /api/v1/templates/{id}`: new content (name and language cannot change at Meta). */
export const updateTemplateBody = z.strictObject({
  category: z.enum(TEMPLATE_CATEGORIES).optional().describe('Only rejected or paused templates may change category.'),
  ...templateContentShape,
  body: templateContentShape.body.optional(),
});
export type UpdateTemplateBody = z.infer<typeof updateTemplateBody>;

export const TEMPLATE_STATUSES = ['pending', 'approved', 'rejected', 'paused', 'disabled', 'in_appeal', 'pending_deletion', 'archived', 'limit_exceeded', 'locked'] as const;

/** `GET /api/v1/templates`. */
export const listTemplatesQuery = pageQuery.extend({
  q: z.string().max(200).optional().describe('Search in the name and the body text.'),
  status: z.enum(TEMPLATE_STATUSES).optional(),
  category: z.enum(TEMPLATE_CATEGORIES).optional(),
  language: z.string().max(20).optional(),
  channelId: z.uuid().optional(),
});

/** `POST /api/v1/templates/sync`. */
export const syncTemplatesBody = z
  .strictObject({ channelId: z.uuid().optional().describe('Only this channel; every WhatsApp channel by default.') })
  .optional();

const lintIssue = z.object({
  code: z.string().describe('Stable problem code, e.g. `variable_adjacent`.'),
  path: z.string().describe('The field: `name`, `body.text`, `body.examples.1`, `buttons.2.url`…'),
  severity: z.enum(['error', 'warning']).describe('Errors block submission; warnings are advice.'),
  message: z.string().describe('What is wrong and how to fix it, in the caller\'s language.'),
  params: z.record(z.string(), z.union([z.string(), z.number()])).describe('Values the message mentions.'),
});

const rendered = z
  .object({
    header: z.union([z.object({ type: z.literal('text'), text: z.string() }), z.object({ type: z.enum(HEADER_MEDIA_FORMATS), link: z.string().nullable() })]).nullable(),
    body: z.string(),
    footer: z.string().nullable(),
    buttons: z.array(z.object({ type: z.string(), text: z.string(), url: z.string().optional(), phoneNumber: z.string().optional(), code: z.string().optional() })),
  })
  .describe('The template as WhatsApp shows it, with example values in place.');

const parameter = z.object({
  key: z.string().describe('`header.1`, `header.media`, `body.1`, `body.first_name`, `button.0`…: what campaigns map values to.'),
  component: z.enum(['header', 'body', 'button']),
  kind: z.enum(['text', 'image', 'video', 'document', 'coupon']),
  name: z.string(),
  example: z.string().nullable(),
});

/** What `POST /api/v1/templates/lint` answers. */
export const lintResultSchema = z.object({
  valid: z.boolean().describe('True when nothing blocks submission.'),
  issues: z.array(lintIssue),
  preview: rendered,
  parameters: z.array(parameter),
});

const draftHeader = z.union([
  z.object({ format: z.literal('text'), text: z.string(), examples: z.record(z.string(), z.string()).optional() }),
  z.object({ format: z.enum(HEADER_MEDIA_FORMATS), example: z.object({ fileId: z.string().optional(), handle: z.string().optional() }) }),
]);

/** A template as the API shows it. */
export const templateSchema = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  name: z.string(),
  language: z.string(),
  category: z.enum(TEMPLATE_CATEGORIES),
  status: z.enum(TEMPLATE_STATUSES).describe('Meta\'s review status; only `approved` templates can be sent.'),
  statusReason: z.string().nullable().describe('Meta\'s reason code for a rejection, pause or disable.'),
  statusDetail: z.string().nullable().describe('Meta\'s explanation, when it gave one.'),
  statusExplanation: z.string().nullable().describe('What the status means and what to do, in the caller\'s language.'),
  quality: z.string().nullable(),
  parameterFormat: z.enum(['positional', 'named']),
  metaTemplateId: z.string().nullable(),
  header: draftHeader.nullable(),
  body: z.object({ text: z.string(), examples: z.record(z.string(), z.string()).optional() }),
  footer: z.object({ text: z.string() }).nullable(),
  buttons: z.array(z.record(z.string(), z.unknown())).describe('Buttons in the same shape as when creating; `unsupported` ones were made in Meta\'s manager.'),
  parameters: z.array(parameter),
  preview: rendered,
  supported: z.boolean().describe('False when the template uses parts Charla cannot build or send (flows, carousels…).'),
  editable: z.boolean().describe('Whether Meta allows editing it now (approved, rejected or paused, within the edit limits).'),
  lastSyncedAt: z.iso.datetime().nullable(),
  submittedAt: z.iso.datetime().nullable(),
  statusChangedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TemplateView = z.infer<typeof templateSchema>;

/** What a sync did. */
export const syncResultSchema = z.object({
  created: z.number().int().describe('Templates found at Meta that Charla did not know (created elsewhere).'),
  updated: z.number().int(),
  removed: z.number().int().describe('Templates deleted at Meta.'),
  failedChannels: z.array(z.object({ channelId: z.uuid(), message: z.string() })).describe('Channels that could not be read, with the reason.'),
});
