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
      format: z.literal('text').describe('A text header.'),
      text: z.string().max(1000).describe('At most 60 characters and one variable.'),
      examples,
    }),
    z.strictObject({
      format: z.enum(HEADER_MEDIA_FORMATS).describe('A media header: `image`, `video` or `document` (each send gives the file).'),
      example: z
        .strictObject({
          fileId: z.uuid().optional().describe('A sample file uploaded with `POST /api/v1/files` (JPEG/PNG ≤ 5 MB, MP4 ≤ 16 MB, PDF ≤ 100 MB).'),
          handle: z.string().max(2000).optional().describe('A sample handle Meta already issued (from its resumable upload API).'),
        })
        .describe('The sample Meta reviews the header with.'),
    }),
  ])
  .describe('Optional header: a short text or an image, video or document.');

const buttonText = z.string().max(200).describe('The button\'s label, at most 25 characters.');
const button = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('quick_reply').describe('A quick-reply button.'), text: z.string().max(200).describe('At most 25 characters.') }),
    z.strictObject({
      type: z.literal('url').describe('A button that opens a web address.'),
      text: buttonText,
      url: z.string().max(3000).describe('https address; `{{1}}` at the very end makes it dynamic (each send fills it).'),
      example: z.string().max(1000).optional().describe('For dynamic addresses: an example of the value that replaces `{{1}}`.'),
    }),
    z.strictObject({ type: z.literal('phone_number').describe('A button that calls a phone number.'), text: buttonText, phoneNumber: z.string().max(40).describe('International format, e.g. `+5511987654321`.') }),
    z.strictObject({
      type: z.literal('copy_code').describe('A button that copies an offer code (marketing templates).'),
      text: z.string().max(200).optional().describe('Label; WhatsApp shows its own "Copy offer code".'),
      example: z.string().max(100).describe('An example offer code (at most 15 characters).'),
    }),
    z.strictObject({ type: z.literal('otp').describe('The one-time-password button of an authentication template.'), text: z.string().max(200).describe('Authentication templates: the copy-code button.') }),
  ])
  .describe('A button.');

/** The content of a template (everything but its identity), as the builder sends it. */
export const templateContentShape = {
  header: header.nullable().optional(),
  body: z
    .strictObject({ text: z.string().max(5000).describe('The message, at most 1024 characters; variables `{{1}}` or `{{first_name}}`.'), examples })
    .describe('The main text of the template (required).'),
  footer: z
    .strictObject({ text: z.string().max(1000).describe('At most 60 characters, no variables.') })
    .nullable()
    .optional()
    .describe('Optional small grey text under the body; null removes it.'),
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
  body: templateContentShape.body.optional().describe('The main text; omit to keep it.'),
});
export type UpdateTemplateBody = z.infer<typeof updateTemplateBody>;

export const TEMPLATE_STATUSES = ['pending', 'approved', 'rejected', 'paused', 'disabled', 'in_appeal', 'pending_deletion', 'archived', 'limit_exceeded', 'locked'] as const;

/** `GET /api/v1/templates`. */
export const listTemplatesQuery = pageQuery.extend({
  q: z.string().max(200).optional().describe('Search in the name and the body text.'),
  status: z.enum(TEMPLATE_STATUSES).optional().describe('Only templates in this Meta review status.'),
  category: z.enum(TEMPLATE_CATEGORIES).optional().describe('Only templates of this category: `marketing`, `utility` or `authentication`.'),
  language: z.string().max(20).optional().describe('Only templates in this language code, e.g. `pt_BR`.'),
  channelId: z.uuid().optional().describe('Only templates of this WhatsApp channel\'s business account.'),
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

/** A template as WhatsApp shows it, with values in place (also used by campaigns' previews). */
export const renderedTemplateSchema = z
  .object({
    header: z
      .union([
        z.object({ type: z.literal('text').describe('A text header.'), text: z.string().describe('The header text with values in place.') }),
        z.object({
          type: z.enum(HEADER_MEDIA_FORMATS).describe('A media header: `image`, `video` or `document`.'),
          link: z.string().nullable().describe('The media URL; null when no file is given yet.'),
        }),
      ])
      .nullable()
      .describe('The header; null when the template has none.'),
    body: z.string().describe('The body text with values in place.'),
    footer: z.string().nullable().describe('The footer text; null when the template has none.'),
    buttons: z
      .array(
        z.object({
          type: z.string().describe('The button type: `quick_reply`, `url`, `phone_number`, `copy_code` or `otp`.'),
          text: z.string().describe('The button\'s label.'),
          url: z.string().optional().describe('URL buttons: the address with values in place.'),
          phoneNumber: z.string().optional().describe('Phone buttons: the number it calls.'),
          code: z.string().optional().describe('Copy-code buttons: the code it copies.'),
        }),
      )
      .describe('The buttons, in order.'),
  })
  .describe('The template as WhatsApp shows it, with example values in place.');

const parameter = z.object({
  key: z.string().describe('`header.1`, `header.media`, `body.1`, `body.first_name`, `button.0`…: what campaigns map values to.'),
  component: z.enum(['header', 'body', 'button']).describe('The part of the template it belongs to.'),
  kind: z.enum(['text', 'image', 'video', 'document', 'coupon']).describe('The kind of value it takes: text, a media file, or an offer code.'),
  name: z.string().describe('The variable\'s name (`1`, `first_name`), `media` for a header file, or the button\'s index.'),
  example: z.string().nullable().describe('The example given when the template was submitted; null when none was.'),
});

/** What `POST /api/v1/templates/lint` answers. */
export const lintResultSchema = z.object({
  valid: z.boolean().describe('True when nothing blocks submission.'),
  issues: z.array(lintIssue).describe('Every problem found, errors first; empty when the template is ready.'),
  preview: renderedTemplateSchema,
  parameters: z.array(parameter).describe('The values a send of this template needs, in send order.'),
});

const exampleValues = z.record(z.string(), z.string()).optional().describe('Example value per variable, keyed by its name.');
const draftHeader = z.union([
  z.object({ format: z.literal('text').describe('A text header.'), text: z.string().describe('The header text, with at most one variable.'), examples: exampleValues }),
  z.object({
    format: z.enum(HEADER_MEDIA_FORMATS).describe('A media header: `image`, `video` or `document`.'),
    example: z
      .object({
        fileId: z.string().optional().describe('The sample file uploaded to Charla, when there is one.'),
        handle: z.string().optional().describe('The sample handle Meta issued, when there is one.'),
      })
      .describe('The sample Meta reviewed the header with.'),
  }),
]);

/** A template as the API shows it. */
export const templateSchema = z.object({
  id: z.uuid().describe('Template id (Charla\'s, not Meta\'s).'),
  channelId: z.uuid().describe('The WhatsApp channel whose business account holds the template.'),
  name: z.string().describe('The template\'s name at Meta.'),
  language: z.string().describe('Meta language code, e.g. `es`, `pt_BR`, `en_US`.'),
  category: z.enum(TEMPLATE_CATEGORIES).describe('`marketing`, `utility` or `authentication` (as Meta categorized it).'),
  status: z.enum(TEMPLATE_STATUSES).describe('Meta\'s review status; only `approved` templates can be sent.'),
  statusReason: z.string().nullable().describe('Meta\'s reason code for a rejection, pause or disable.'),
  statusDetail: z.string().nullable().describe('Meta\'s explanation, when it gave one.'),
  statusExplanation: z.string().nullable().describe('What the status means and what to do, in the caller\'s language.'),
  quality: z.string().nullable().describe('Meta\'s quality rating: `high`, `medium` or `low`; null while unknown.'),
  parameterFormat: z.enum(['positional', 'named']).describe('`positional`: variables `{{1}}`, `{{2}}`…; `named`: variables such as `{{first_name}}`.'),
  metaTemplateId: z.string().nullable().describe('Meta\'s id for the template; null until Meta accepted the submission.'),
  header: draftHeader.nullable().describe('The header; null when the template has none.'),
  body: z
    .object({ text: z.string().describe('The body text with its variables.'), examples: exampleValues })
    .describe('The main text.'),
  footer: z.object({ text: z.string().describe('The footer text.') }).nullable().describe('The footer; null when the template has none.'),
  buttons: z.array(z.record(z.string(), z.unknown())).describe('Buttons in the same shape as when creating; `unsupported` ones were made in Meta\'s manager.'),
  parameters: z.array(parameter).describe('The values a send of this template needs, in send order.'),
  preview: renderedTemplateSchema,
  supported: z.boolean().describe('False when the template uses parts Charla cannot build or send (flows, carousels…).'),
  editable: z.boolean().describe('Whether Meta allows editing it now (approved, rejected or paused, within the edit limits).'),
  lastSyncedAt: z.iso.datetime().nullable().describe('When it was last read from Meta; null if never synced.'),
  submittedAt: z.iso.datetime().nullable().describe('When Charla last submitted it to Meta; null for templates created in Meta\'s manager.'),
  statusChangedAt: z.iso.datetime().nullable().describe('When the review status last changed; null if it never did.'),
  createdAt: z.iso.datetime().describe('When Charla first stored it.'),
  updatedAt: z.iso.datetime().describe('When it last changed.'),
});
export type TemplateView = z.infer<typeof templateSchema>;

/** What a sync did. */
export const syncResultSchema = z.object({
  created: z.number().int().describe('Templates found at Meta that Charla did not know (created elsewhere).'),
  updated: z.number().int().describe('Templates whose content or status changed.'),
  removed: z.number().int().describe('Templates deleted at Meta.'),
  failedChannels: z
    .array(z.object({ channelId: z.uuid().describe('The channel that could not be read.'), message: z.string().describe('Why, in words.') })).describe('Channels that could not be read, with the reason.'),
});
