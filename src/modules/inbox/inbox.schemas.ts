import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';

const httpsLink = z.url({ protocol: /^https$/, error: 'Use a public https URL' }).max(2000);
const replyToId = z.uuid().optional().describe('Quote one of this conversation\'s messages (WhatsApp shows it as a reply).');

const templateParameter = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string().min(1).max(1024), parameterName: z.string().max(60).optional() }),
  z.strictObject({
    type: z.literal('currency'),
    fallbackValue: z.string().min(1).max(100),
    code: z.string().regex(/^[A-Z]{3}$/),
    amount1000: z.number().int(),
    parameterName: z.string().max(60).optional(),
  }),
  z.strictObject({ type: z.literal('date_time'), fallbackValue: z.string().min(1).max(100), parameterName: z.string().max(60).optional() }),
  z.strictObject({ type: z.literal('image'), link: httpsLink }),
  z.strictObject({ type: z.literal('video'), link: httpsLink }),
  z.strictObject({ type: z.literal('document'), link: httpsLink, filename: z.string().max(240).optional() }),
]);

const templateButton = z.discriminatedUnion('subType', [
  z.strictObject({ type: z.literal('button'), subType: z.literal('quick_reply'), index: z.number().int().min(0).max(9), payload: z.string().max(1000) }),
  z.strictObject({ type: z.literal('button'), subType: z.literal('url'), index: z.number().int().min(0).max(9), text: z.string().max(2000) }),
  z.strictObject({ type: z.literal('button'), subType: z.literal('copy_code'), index: z.number().int().min(0).max(9), couponCode: z.string().max(15) }),
]);
const templateComponent = z.union([
  z.strictObject({ type: z.literal('header'), parameters: z.array(templateParameter).max(1) }),
  z.strictObject({ type: z.literal('body'), parameters: z.array(templateParameter).max(100) }),
  templateButton,
]);

/** A template to send, with values for its variables. */
export const templateInput = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'Template names are lowercase letters, digits and underscores'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'Use a language code such as es, pt_BR or en_US'),
  components: z.array(templateComponent).max(20).optional(),
  preview: z.string().max(4096).optional().describe('The text as the contact will read it, for the conversation history.'),
});

const buttons = z.strictObject({
  kind: z.literal('buttons'),
  body: z.string().min(1).max(1024),
  header: z.string().max(60).optional(),
  footer: z.string().max(60).optional(),
  buttons: z
    .array(z.strictObject({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) }))
    .min(1)
    .max(3)
    .refine((b) => new Set(b.map((x) => x.title)).size === b.length, 'Button titles must be unique'),
});
const list = z.strictObject({
  kind: z.literal('list'),
  body: z.string().min(1).max(4096),
  header: z.string().max(60).optional(),
  footer: z.string().max(60).optional(),
  buttonText: z.string().min(1).max(20),
  sections: z
    .array(
      z.strictObject({
        title: z.string().max(24).optional(),
        rows: z.array(z.strictObject({ id: z.string().min(1).max(200), title: z.string().min(1).max(24), description: z.string().max(72).optional() })).min(1),
      }),
    )
    .min(1)
    .max(10)
    .refine((s) => s.reduce((n, x) => n + x.rows.length, 0) <= 10, 'A list has at most 10 rows in total'),
});

/** Reply buttons or a list. */
export const interactiveInput = z.discriminatedUnion('kind', [buttons, list]);

/** What to send (or note) in a conversation. */
export const outboundBody = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('text'),
    text: z.string().trim().min(1, 'Write something').max(4096),
    previewUrl: z.boolean().optional().describe('Show a preview of the first link (WhatsApp).'),
    private: z.boolean().optional().describe('An internal note for the team: never sent to the contact.'),
    replyToId,
  }),
  z
    .strictObject({
      type: z.literal('media'),
      mediaType: z.enum(['image', 'video', 'audio', 'document', 'sticker']),
      fileId: z.uuid().optional().describe('A file uploaded with `POST /api/v1/files`.'),
      link: httpsLink.optional().describe('Or a public https URL WhatsApp fetches.'),
      caption: z.string().max(1024).optional().describe('Images, videos and documents.'),
      filename: z.string().max(240).optional().describe('Documents: the name the contact sees.'),
      replyToId,
    })
    .refine((b) => (b.fileId ? 1 : 0) + (b.link ? 1 : 0) === 1, { message: 'Give either fileId or link', path: ['fileId'] }),
  z.strictObject({ type: z.literal('template'), template: templateInput, replyToId }),
  z.strictObject({ type: z.literal('interactive'), interactive: interactiveInput, replyToId }),
  z.strictObject({
    type: z.literal('reaction'),
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
      contactId: z.uuid().optional(),
    })
    .refine((t) => (t.phone ? 1 : 0) + (t.contactId ? 1 : 0) === 1, 'Give either phone or contactId'),
  channelId: z.uuid().optional().describe('The WhatsApp channel to send from; optional when the organization has only one.'),
  message: outboundBody,
});

/** `GET /api/v1/conversations` filters. */
export const conversationsQuery = pageQuery.extend({
  status: z.enum(['unassigned', 'open', 'closed', 'all']).default('all'),
  q: z.string().max(200).optional().describe('Search by contact name, e-mail or phone number.'),
  assignee: z
    .union([z.uuid(), z.enum(['me', 'none'])])
    .optional()
    .describe('A membership id, `me`, or `none` for unassigned.'),
  channelId: z.uuid().optional(),
  sort: z.enum(['newest', 'oldest']).default('newest').describe('By last activity.'),
});

/** `PATCH /api/v1/conversations/{id}`. */
export const conversationPatch = z.strictObject({
  status: z.enum(['unassigned', 'open', 'closed']).optional().describe('`closed` = "mark as closed".'),
  assigneeId: z.uuid().nullable().optional().describe('Membership to assign; null to unassign.'),
  aiEnabled: z.boolean().optional().describe('Let the AI assistant answer in this conversation.'),
});

/** `GET /api/v1/conversations/{id}/messages` paging. */
export const messagesQuery = pageQuery;
