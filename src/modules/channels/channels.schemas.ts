import { z } from 'zod';

const iso = z.iso.datetime();
const name = z.string().trim().min(1, 'Required').max(80).describe('A name the team recognizes the channel by, e.g. "Ventas México" (1–80 characters).');
const metaId = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{5,32}$/, `The ${what} is a number of 5 to 32 digits (copy it from Meta's WhatsApp › API setup page)`);
const secret = (what: string) =>
  z
    .string()
    .trim()
    .min(8, `The ${what} looks too short`)
    .max(1024)
    .regex(/^\S+$/, `The ${what} cannot contain spaces`);
const graphApiUrl = z
  .url({ protocol: /^https?$/, error: 'Enter an http(s) URL such as https://graph.facebook.com' })
  .max(300)
  .transform((u) => u.replace(/\/+$/, ''))
  .describe('Graph API base URL. Defaults to `https://graph.facebook.com`; point it at the emulator for tests and demos.');
const graphApiVersion = z
  .string()
  .regex(/^v\d{1,3}\.\d{1,2}$/, 'Use a version such as v25.0')
  .describe('Graph API version, default `v25.0`.');
const throughputMps = z.number().int().min(1).max(1000).describe('Messages per second this number may send (Meta: 80 by default, up to 1,000).');

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a color like #25D366');
const origin = z
  .string()
  .trim()
  .max(200)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'Use an origin like https://shop.example.com (scheme, host and optional port, no path)')
  .transform((o) => o.toLowerCase());

/** Web chat appearance and behaviour; every field optional on input (defaults fill the rest). */
export const webchatSettingsInput = z.strictObject({
  title: z.string().trim().min(1).max(60).optional().describe('Title shown at the top of the chat panel.'),
  greeting: z.string().trim().max(500).optional().describe('First message visitors see.'),
  primaryColor: hexColor.optional().describe('Accent color of the bubble and header (`#RRGGBB`).'),
  position: z.enum(['right', 'left']).optional().describe('Corner of the page for the bubble.'),
  locale: z.enum(['auto', 'es', 'pt-BR', 'en']).optional().describe("Widget language; `auto` follows the visitor's browser."),
  preChatForm: z
    .strictObject({
      enabled: z.boolean().optional().describe('Ask for name and e-mail before the chat starts.'),
      nameRequired: z.boolean().optional().describe('The pre-chat form requires the name.'),
      emailRequired: z.boolean().optional().describe('The pre-chat form requires the e-mail address.'),
    })
    .optional()
    .describe('The form shown before the chat starts.'),
  allowedOrigins: z.array(origin).max(50).optional().describe('Sites allowed to embed the widget; empty allows any site.'),
});

/** The stored web chat settings (complete). */
export const webchatSettingsSchema = z.object({
  title: z.string().describe('Title shown at the top of the chat panel.'),
  greeting: z.string().describe('First message visitors see (may be empty).'),
  primaryColor: z.string().describe('Accent color of the bubble and header (`#RRGGBB`).'),
  position: z.enum(['right', 'left']).describe('Corner of the page for the bubble: `right` or `left`.'),
  locale: z.enum(['auto', 'es', 'pt-BR', 'en']).describe("Widget language; `auto` follows the visitor's browser."),
  preChatForm: z
    .object({
      enabled: z.boolean().describe('Whether name and e-mail are asked for before the chat starts.'),
      nameRequired: z.boolean().describe('Whether the name is required.'),
      emailRequired: z.boolean().describe('Whether the e-mail address is required.'),
    })
    .describe('The form shown before the chat starts.'),
  allowedOrigins: z.array(z.string()).describe('Sites allowed to embed the widget (`https://host[:port]`); empty allows any site.'),
});

/** `POST /api/v1/channels` for a WhatsApp Cloud API number. */
export const createWhatsAppBody = z.strictObject({
  type: z.literal('whatsapp').describe('A WhatsApp Cloud API number.'),
  name,
  phoneNumberId: metaId('phone number ID').describe("Phone number ID from Meta's WhatsApp › API setup (not the phone number itself)."),
  wabaId: metaId('WhatsApp Business Account ID').describe('WhatsApp Business Account ID.'),
  appId: metaId('app ID').optional().describe('The Meta app ID (shown next to the app name).'),
  accessToken: secret('access token').describe('Permanent access token of a system user. Stored encrypted; never returned.'),
  appSecret: secret('app secret').describe('App secret (App settings › Basic): signs the webhooks. Stored encrypted; never returned.'),
  graphApiUrl: graphApiUrl.optional(),
  graphApiVersion: graphApiVersion.optional(),
  throughputMps: throughputMps.optional(),
});

/** `POST /api/v1/channels` for a web chat widget. */
export const createWebchatBody = z.strictObject({
  type: z.literal('webchat').describe('A web chat widget for a website.'),
  name,
  settings: webchatSettingsInput.optional().describe('Appearance and behaviour; defaults fill what is left out.'),
});

/** `POST /api/v1/channels`: a WhatsApp number or a web chat, told apart by `type`. */
export const createChannelBody = z.discriminatedUnion('type', [createWhatsAppBody, createWebchatBody]);
/** A validated channel creation. */
export type CreateChannelBody = z.infer<typeof createChannelBody>;

/** `PATCH /api/v1/channels/{id}`: only what changes. WhatsApp fields on a web chat channel (or the reverse) are rejected. */
export const updateChannelBody = z.strictObject({
  name: name.optional(),
  status: z.enum(['active', 'disabled']).optional().describe('A disabled channel ignores webhooks and cannot send.'),
  phoneNumberId: metaId('phone number ID').optional().describe("WhatsApp: phone number ID from Meta's WhatsApp › API setup."),
  wabaId: metaId('WhatsApp Business Account ID').optional().describe('WhatsApp: WhatsApp Business Account ID.'),
  appId: metaId('app ID').nullable().optional().describe('WhatsApp: the Meta app ID; null removes it.'),
  accessToken: secret('access token').optional().describe('Replaces the stored token.'),
  appSecret: secret('app secret').optional().describe('Replaces the stored app secret.'),
  graphApiUrl: graphApiUrl.optional(),
  graphApiVersion: graphApiVersion.optional(),
  throughputMps: throughputMps.optional(),
  regenerateVerifyToken: z.literal(true).optional().describe('Issue a new verify token (paste it in Meta again).'),
  settings: webchatSettingsInput.optional().describe('Web chat settings; only the keys you send change.'),
});
/** A validated channel update. */
export type UpdateChannelBody = z.infer<typeof updateChannelBody>;

const hint = z.object({ isSet: z.boolean().describe('Whether a value is stored.'), last4: z.string().nullable().describe('Last four characters, for long secrets.') });

/** A channel as the API shows it; secrets appear only as hints. */
export const channelSchema = z.object({
  id: z.uuid().describe('Channel id.'),
  type: z.enum(['whatsapp', 'webchat']).describe('`whatsapp`: a WhatsApp Cloud API number; `webchat`: a website widget.'),
  name: z.string().describe('The name the team recognizes the channel by.'),
  status: z.enum(['active', 'disabled']).describe('`active`, or `disabled`: ignores webhooks and cannot send.'),
  throughputMps: z.number().int().describe('Messages per second the channel may send.'),
  phoneNumberId: z.string().nullable().describe('WhatsApp: Meta\'s phone number ID; null for web chat.'),
  wabaId: z.string().nullable().describe('WhatsApp: the WhatsApp Business Account ID; null for web chat.'),
  appId: z.string().nullable().describe('WhatsApp: the Meta app ID; null when not given or for web chat.'),
  graphApiUrl: z.string().nullable().describe('WhatsApp: the Graph API base URL in use; null for web chat.'),
  graphApiVersion: z.string().nullable().describe('WhatsApp: the Graph API version in use, e.g. `v25.0`; null for web chat.'),
  webhookUrl: z.string().nullable().describe('WhatsApp: the callback URL to paste in Meta (WhatsApp › Configuration).'),
  verifyToken: z.string().nullable().describe('WhatsApp: the verify token to paste in Meta next to the callback URL.'),
  credentials: z
    .object({ accessToken: hint.describe('The access token (never returned in full).'), appSecret: hint.describe('The app secret (never returned in full).') })
    .nullable()
    .describe('WhatsApp: which secrets are stored, as hints; null for web chat.'),
  displayPhoneNumber: z.string().nullable().describe('WhatsApp: the number as Meta displays it, learned by the last successful check; null before that.'),
  verifiedName: z.string().nullable().describe('WhatsApp: the business display name Meta approved, learned by the last successful check; null before that.'),
  webhookVerifiedAt: iso.nullable().describe('When Meta last completed the verification handshake.'),
  lastWebhookAt: iso.nullable().describe('When the last signed webhook arrived.'),
  lastCheck: z
    .object({
      at: iso.describe('When the check ran.'),
      ok: z.boolean().describe('Whether the connection worked.'),
      message: z.string().describe('What the check found, in words.'),
    })
    .nullable()
    .describe('The last "check connection" result; null when never checked.'),
  publicId: z.string().nullable().describe('Web chat: the public id used in the widget URL.'),
  widgetUrl: z.string().nullable().describe('Web chat: the widget script URL.'),
  embedSnippet: z.string().nullable().describe('Web chat: the `<script>` tag to paste before `</body>`.'),
  settings: webchatSettingsSchema.nullable().describe('Web chat: appearance and behaviour; null for WhatsApp.'),
  createdAt: iso.describe('When the channel was connected.'),
  updatedAt: iso.describe('When it last changed.'),
});

/** Result of "check connection". */
export const checkResultSchema = z.object({
  ok: z.boolean().describe('Whether WhatsApp accepted the credentials and answered.'),
  message: z.string().describe('What happened, in words, in the caller\'s language.'),
  errorCode: z.number().int().nullable().describe("Meta's error code when the check failed."),
  phoneNumber: z
    .object({
      displayPhoneNumber: z.string().describe('The number as Meta displays it.'),
      verifiedName: z.string().describe('The business display name Meta approved.'),
      qualityRating: z.string().nullable().describe('Meta\'s quality rating (`GREEN`, `YELLOW`, `RED`); null when not reported.'),
      throughputLevel: z.string().nullable().describe('Meta\'s throughput level (e.g. `STANDARD`, `HIGH`); null when not reported.'),
    })
    .nullable()
    .describe('What Meta reports about the number; null when the check failed.'),
  checkedAt: iso.describe('When the check ran.'),
});

/** `GET /api/v1/channels` filters. */
export const listChannelsQuery = z.object({
  type: z.enum(['whatsapp', 'webchat']).optional().describe('Only channels of this type.'),
});
