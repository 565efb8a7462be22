import type { Deps } from '../../container.ts';
import type { Channel } from '../../db/schema/index.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { actorOf } from '../identity/team.routes.ts';
import { requestLocale } from '../inbox/inbox-settings.ts';
import { whatsAppConfigOf } from './channel-credentials.ts';
import { channelSchema, checkResultSchema, createChannelBody, listChannelsQuery, updateChannelBody } from './channels.schemas.ts';
import { createChannel, deleteChannel, getChannel, listChannels, updateChannel, webchatSettingsOf } from './channels.service.ts';
import { checkChannel } from './check-channel.ts';
import { z } from 'zod';

const tags = ['Channels'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** How the API shows a channel: secrets as hints, the URLs a person must paste elsewhere spelled out. */
export function presentChannel(publicUrl: string, c: Channel): z.infer<typeof channelSchema> {
  const whatsapp = c.type === 'whatsapp' ? whatsAppConfigOf(c) : null;
  const hints = c.credentialHints;
  const widgetUrl = c.publicId ? `${publicUrl}/webchat/${c.publicId}/widget.js` : null;
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    status: c.status,
    throughputMps: c.throughputMps,
    phoneNumberId: c.phoneNumberId,
    wabaId: whatsapp?.wabaId ?? null,
    appId: whatsapp?.appId ?? null,
    graphApiUrl: whatsapp?.graphApiUrl ?? null,
    graphApiVersion: whatsapp?.graphApiVersion ?? null,
    webhookUrl: whatsapp ? `${publicUrl}/webhooks/whatsapp/${c.id}` : null,
    verifyToken: whatsapp ? c.verifyToken : null,
    credentials: whatsapp
      ? {
          accessToken: hints.accessToken ?? { isSet: false, last4: null },
          appSecret: hints.appSecret ?? { isSet: false, last4: null },
        }
      : null,
    displayPhoneNumber: whatsapp?.displayPhoneNumber ?? null,
    verifiedName: whatsapp?.verifiedName ?? null,
    webhookVerifiedAt: iso(c.webhookVerifiedAt),
    lastWebhookAt: iso(c.lastWebhookAt),
    lastCheck: c.lastCheckAt ? { at: c.lastCheckAt.toISOString(), ok: c.lastCheckOk ?? false, message: c.lastCheckMessage ?? '' } : null,
    publicId: c.publicId,
    widgetUrl,
    embedSnippet: widgetUrl ? `<script src="${widgetUrl}" async></script>` : null,
    settings: c.type === 'webchat' ? webchatSettingsOf(c) : null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Channels: connect WhatsApp numbers and web chat widgets (owners and managers). */
export function registerChannelRoutes(app: App, deps: Deps) {
  const present = (c: Channel) => presentChannel(deps.config.publicUrl, c);

  app.get(
    '/api/v1/channels',
    { schema: { tags, summary: 'List channels', description: 'WhatsApp numbers and web chats, oldest first; secrets appear only as hints. Owners and managers.', querystring: listChannelsQuery, response: { 200: z.object({ items: z.array(channelSchema).describe('The organization\'s channels.') }) } } },
    async (req) => {
      const p = requirePermission(req, 'channels.manage');
      return { items: (await listChannels(deps.database.db, p.organizationId, req.query)).map(present) };
    },
  );

  app.post(
    '/api/v1/channels',
    {
      schema: {
        tags,
        summary: 'Connect a channel',
        description: [
          'WhatsApp: the phone number ID, WhatsApp Business Account ID, app ID, a permanent access token and the app secret from Meta.',
          'The answer carries the `webhookUrl` and `verifyToken` to paste in Meta (WhatsApp › Configuration › Webhook), then subscribe to `messages`.',
          'Web chat: a name and optional appearance; the answer carries the `<script>` snippet to embed.',
        ].join('\n\n'),
        body: createChannelBody,
        response: { 201: channelSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'channels.manage');
      const row = await createChannel(deps, p.organizationId, req.body, actorOf(p, req.ip));
      return reply.status(201).send(present(row));
    },
  );

  app.get(
    '/api/v1/channels/:id',
    { schema: { tags, summary: 'Get a channel', description: 'Includes the webhook URL and verify token to paste in Meta, or the web chat embed snippet.', params: idParams, response: { 200: channelSchema } } },
    async (req) => {
      const p = requirePermission(req, 'channels.manage');
      return present(await getChannel(deps.database.db, p.organizationId, req.params.id));
    },
  );

  app.patch(
    '/api/v1/channels/:id',
    {
      schema: {
        tags,
        summary: 'Update a channel',
        description: 'Partial. Send `accessToken` / `appSecret` only to replace them. `regenerateVerifyToken: true` issues a new verify token.',
        params: idParams,
        body: updateChannelBody,
        response: { 200: channelSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'channels.manage');
      return present(await updateChannel(deps, p.organizationId, req.params.id, req.body, actorOf(p, req.ip)));
    },
  );

  app.delete(
    '/api/v1/channels/:id',
    { schema: { tags, summary: 'Delete a channel', description: 'Its webhooks stop being accepted; its conversations stay in the inbox.', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      const p = requirePermission(req, 'channels.manage');
      await deleteChannel(deps, p.organizationId, req.params.id, actorOf(p, req.ip));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/channels/:id/check',
    {
      schema: {
        tags,
        summary: 'Check the connection',
        description: "Calls WhatsApp's phone-number endpoint with the stored credentials and explains any failure in words.",
        params: idParams,
        response: { 200: checkResultSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'channels.manage');
      const locale = await requestLocale(deps.database.db, p.organizationId, req.sessionContext?.locale);
      const result = await checkChannel(deps, p.organizationId, req.params.id, locale);
      return { ...result, checkedAt: result.checkedAt.toISOString() };
    },
  );
}
