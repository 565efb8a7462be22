import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';

const httpsLink = z.url({ protocol: /^https$/, error: 'Use a public https URL' }).max(2000).describe('A public https URL WhatsApp downloads the media from.');
const parameterName = z.string().max(60).optional().describe('The variable\'s name, for templates with named variables (`{{order_id}}`); omit for numbered ones.');
const replyToId = z.uuid().optional().describe('Quote one of this conversation\'s messages (WhatsApp shows it as a reply).');

const fallbackValue = z.string().min(1).max(100).describe('The text shown where the value cannot be localized, e.g. `US$ 10.50` or `March 3, 2026`.');

const templateParameter = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('text').describe('A text value.'),
    text: z.string().min(1).max(1024).describe('The value that replaces the variable.'),
    parameterName,
  }),
  z.strictObject({
    type: z.literal('currency').describe('An amount of money, localized by WhatsApp.'),
    fallbackValue,
    code: z.string().regex(/^[A-Z]{3}$/).describe('ISO 4217 currency code, e.g. `USD`, `BRL` or `MXN`.'),
    amount1000: z.number().int().describe('The amount multiplied by 1,000 (10.50 is `10500`).'),
    parameterName,
  }),
  z.strictObject({ type: z.literal('date_time').describe('A date and time, localized by WhatsApp.'), fallbackValue, parameterName }),
  z.strictObject({ type: z.literal('image').describe('An image for a header with an image.'), link: httpsLink }),
  z.strictObject({ type: z.literal('video').describe('A video for a header with a video.'), link: httpsLink }),
  z.strictObject({
    type: z.literal('document').describe('A document for a header with a document.'),
    link: httpsLink,
    filename: z.string().max(240).optional().describe('The file name the contact sees.'),
  }),
]);

const buttonType = z.literal('button').describe('Values for one of the template\'s buttons.');
const buttonIndex = z.number().int().min(0).max(9).describe('Position of the button in the template, from 0.');
const templateButton = z.discriminatedUnion('subType', [
  z.strictObject({
    type: buttonType,
    subType: z.literal('quick_reply').describe('A quick-reply button.'),
    index: buttonIndex,
    payload: z.string().max(1000).describe('What the webhook reports back when the contact taps the button.'),
  }),
  z.strictObject({
    type: buttonType,
    subType: z.literal('url').describe('A link button with a variable URL.'),
    index: buttonIndex,
    text: z.string().max(2000).describe('The variable part appended to the button\'s URL.'),
  }),
  z.strictObject({
    type: buttonType,
    subType: z.literal('copy_code').describe('A copy-code button.'),
    index: buttonIndex,
    couponCode: z.string().max(15).describe('The code the contact copies (up to 15 characters).'),
  }),
]);
const templateComponent = z.union([
  z.strictObject({
    type: z.literal('header').describe('Values for the header.'),
    parameters: z.array(templateParameter).max(1).describe('The header\'s single variable or media.'),
  }),
  z.strictObject({
    type: z.literal('body').describe('Values for the body.'),
    parameters: z.array(templateParameter).max(100).describe('One value per body variable, in order.'),
  }),
  templateButton,
]);

/** A template to send, with values for its variables. */
export const templateInput = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'Template names are lowercase letters, digits and underscores').describe('The approved template\'s name (lowercase letters, digits and underscores).'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'Use a language code such as es, pt_BR or en_US').describe('The template\'s language code, e.g. `es`, `pt_BR` or `en_US`.'),
  components: z.array(templateComponent).max(20).optional().describe('Values for the header, body and button variables; omit for a template without variables.'),
  preview: z.string().max(4096).optional().describe('The text as the contact will read it, for the conversation history.'),
});

const interactiveHeader = z.string().max(60).optional().describe('Bold text above the body (up to 60 characters).');
const interactiveFooter = z.string().max(60).optional().describe('Small grey text below the body (up to 60 characters).');
const buttons = z.strictObject({
  kind: z.literal('buttons').describe('Up to three reply buttons.'),
  body: z.string().min(1).max(1024).describe('The message text (up to 1,024 characters).'),
  header: interactiveHeader,
  footer: interactiveFooter,
  buttons: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(256).describe('Your id for the button; the contact\'s answer reports it.'),
        title: z.string().min(1).max(20).describe('The button\'s label (up to 20 characters, unique in the message).'),
      }),
    )
    .min(1)
    .max(3)
    .refine((b) => new Set(b.map((x) => x.title)).size === b.length, 'Button titles must be unique')
    .describe('One to three buttons.'),
});
const list = z.strictObject({
  kind: z.literal('list').describe('A menu of up to ten options behind a button.'),
  body: z.string().min(1).max(4096).describe('The message text (up to 4,096 characters).'),
  header: interactiveHeader,
  footer: interactiveFooter,
  buttonText: z.string().min(1).max(20).describe('The label of the button that opens the list (up to 20 characters).'),
  sections: z
    .array(
      z.strictObject({
        title: z.string().max(24).optional().describe('The section\'s heading (up to 24 characters; required by WhatsApp with more than one section).'),
        rows: z
          .array(
            z.strictObject({
              id: z.string().min(1).max(200).describe('Your id for the option; the contact\'s answer reports it.'),
              title: z.string().min(1).max(24).describe('The option\'s label (up to 24 characters).'),
              description: z.string().max(72).optional().describe('A line under the label (up to 72 characters).'),
            }),
          )
          .min(1)
          .describe('The options of the section.'),
      }),
    )
    .min(1)
    .max(10)
    .refine((s) => s.reduce((n, x) => n + x.rows.length, 0) <= 10, 'A list has at most 10 rows in total')
    .describe('One to ten sections with at most ten options in total.'),
});

/** Reply buttons or a list. */
export const interactiveInput = z.discriminatedUnion('kind', [buttons, list]);

/** What to send (or note) in a conversation. */
export const outboundBody = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('text').describe('A text message or, with `private: true`, an internal note.'),
    text: z.string().trim().min(1, 'Write something').max(4096).describe('The text (up to 4,096 characters; WhatsApp formatting such as *bold* works).'),
    previewUrl: z.boolean().optional().describe('Show a preview of the first link (WhatsApp).'),
    private: z.boolean().optional().describe('An internal note for the team: never sent to the contact.'),
    replyToId,
  }),
  z
    .strictObject({
      type: z.literal('media').describe('An image, video, audio, document or sticker.'),
      mediaType: z.enum(['image', 'video', 'audio', 'document', 'sticker']).describe('The kind of media: `image`, `video`, `audio`, `document` or `sticker`.'),
      fileId: z.uuid().optional().describe('A file uploaded with `POST /api/v1/files`.'),
      link: httpsLink.optional().describe('Or a public https URL WhatsApp fetches.'),
      caption: z.string().max(1024).optional().describe('A caption under the media (images, videos and documents; up to 1,024 characters).'),
      filename: z.string().max(240).optional().describe('Documents: the name the contact sees.'),
      replyToId,
    })
    .refine((b) => (b.fileId ? 1 : 0) + (b.link ? 1 : 0) === 1, { message: 'Give either fileId or link', path: ['fileId'] }),
  z.strictObject({
    type: z.literal('template').describe('An approved WhatsApp template (the only kind allowed outside the 24-hour window).'),
    template: templateInput.describe('The template and the values of its variables.'),
    replyToId,
  }),
  z.strictObject({
    type: z.literal('interactive').describe('Reply buttons or a list menu.'),
    interactive: interactiveInput.describe('The buttons or the list.'),
    replyToId,
  }),
  z.strictObject({
    type: z.literal('reaction').describe('An emoji reaction to a message.'),
    messageId: z.uuid().describe('The message of this conversation to react to.'),
    emoji: z.string().max(16).describe('An emoji; empty removes the reaction.'),
  }),
]);
/** A validated outbound message or note. */
export type OutboundBody = z.infer<typeof outboundBody>;

/** `POST /api/v1/messages`: send to a phone number or a contact without opening the inbox. */
export const directMessageBody = z.strictObject({
  to: z
    .strictObject({
      phone: z.string().trim().min(6).max(32).optional().describe('Phone number, ideally in international format (+5511987654321).'),
      contactId: z.uuid().optional().describe('Or an existing contact\'s id.'),
    })
    .refine((t) => (t.phone ? 1 : 0) + (t.contactId ? 1 : 0) === 1, 'Give either phone or contactId')
    .describe('The recipient: exactly one of `phone` or `contactId`.'),
  channelId: z.uuid().optional().describe('The WhatsApp channel to send from; optional when the organization has only one.'),
  message: outboundBody.describe('What to send; the same shapes as replying in a conversation.'),
});

/** `GET /api/v1/conversations` filters. */
export const conversationsQuery = pageQuery.extend({
  status: z.enum(['unassigned', 'open', 'closed', 'all']).default('all').describe('Only conversations in this status; `all` for every status.'),
  q: z.string().max(200).optional().describe('Search by contact name, e-mail or phone number.'),
  assignee: z
    .union([z.uuid(), z.enum(['me', 'none'])])
    .optional()
    .describe('A membership id, `me`, or `none` for unassigned.'),
  channelId: z.uuid().optional().describe('Only conversations of this channel.'),
  sort: z.enum(['newest', 'oldest']).default('newest').describe('By last activity.'),
});

/** `PATCH /api/v1/conversations/{id}`. */
export const conversationPatch = z.strictObject({
  status: z.enum(['unassigned', 'open', 'closed']).optional().describe('The new status: `closed` marks it done; `open` or `unassigned` reopens it.'),
  assigneeId: z.uuid().nullable().optional().describe('Membership to assign; null to unassign.'),
  aiEnabled: z.boolean().optional().describe('Let the AI assistant answer in this conversation.'),
});

/** `GET /api/v1/conversations/{id}/messages` paging. */
export const messagesQuery = pageQuery;
