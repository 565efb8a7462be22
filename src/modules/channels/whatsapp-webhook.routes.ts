import { eq } from 'drizzle-orm';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../adapters/whatsapp-cloud/index.ts';
import type { Deps } from '../../container.ts';
import { channels } from '../../db/schema/index.ts';
import type { App } from '../../http/app-types.ts';
import { sendProblem } from '../../http/problem.ts';
import { safeEqual } from '../../shared/ids.ts';
import { type StoredWebhook, webhookBatcher } from './webhook-batcher.ts';
import { findWebhookChannel, forgetWebhookChannel, type WebhookChannel } from './webhook-channel-cache.ts';

/** Meta sends notifications of up to 3 MB; leave room above that. */
const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

const params = z.object({ channelId: z.string().max(100) });
const handshakeQuery = z
  .object({
    'hub.mode': z.string().max(50).optional(),
    'hub.verify_token': z.string().max(500).optional(),
    'hub.challenge': z.string().max(500).optional(),
  })
  .loose();

/**
 * Meta's side of a WhatsApp channel: the verification handshake and the signed notifications. The
 * POST keeps the exact request bytes (its own JSON parser in this scope only), because the signature
 * covers them as sent — re-serialized JSON loses Meta's `\uXXXX` escapes and would never verify.
 */
export function registerWhatsAppWebhookRoutes(app: App, deps: Deps) {
  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    scope.get(
      '/webhooks/whatsapp/:channelId',
      { config: { auth: 'public' }, schema: { hide: true, params, querystring: handshakeQuery } },
      async (req, reply) => {
        const channel = await findWebhookChannel(deps.database, deps.secrets, req.params.channelId);
        if (!channel) return sendProblem(reply, 404, 'channel_not_found', 'No WhatsApp channel at this URL');
        const q = req.query;
        const challenge = q['hub.challenge'];
        if (q['hub.mode'] !== 'subscribe' || !challenge || !safeEqual(q['hub.verify_token'] ?? '', channel.verifyToken)) {
          return sendProblem(reply, 403, 'verification_failed', 'The verify token does not match this channel');
        }
        await deps.database.db.update(channels).set({ webhookVerifiedAt: new Date() }).where(eq(channels.id, channel.id));
        forgetWebhookChannel(deps.database, channel.id);
        return reply.type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(challenge);
      },
    );

    scope.post(
      '/webhooks/whatsapp/:channelId',
      { config: { auth: 'public' }, bodyLimit: WEBHOOK_BODY_LIMIT, schema: { hide: true, params } },
      async (req, reply) => {
        const channel = await findWebhookChannel(deps.database, deps.secrets, req.params.channelId);
        if (!channel) return sendProblem(reply, 404, 'channel_not_found', 'No WhatsApp channel at this URL');
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (!verifyWebhookSignature(raw, req.headers[SIGNATURE_HEADER], channel.appSecret)) {
          return sendProblem(reply, 401, 'invalid_signature', 'Missing or invalid X-Hub-Signature-256');
        }
        const payload = jsonObjectOf(raw);
        if (payload === undefined) return sendProblem(reply, 400, 'invalid_json', 'The body is not a JSON object');
        // A disabled channel acknowledges and discards, so Meta does not retry for a week.
        if (channel.status === 'active') await storeWebhook(deps, channel, raw, payload);
        return reply.type('text/plain; charset=utf-8').send('EVENT_RECEIVED');
      },
    );
  });
}

/**
 * Stores the delivery and makes sure it is processed: its statuses applied in the same transaction
 * when it carries nothing else, else by a job; resolves once that is committed. A repeated delivery
 * (same bytes) is one row; if its job was never created (the process died after the insert, so Meta
 * got no 200 and retried), the retry creates it. Concurrent deliveries share one transaction (see
 * webhook-batcher.ts). Any database failure answers 500 and Meta retries.
 */
export function storeWebhook(deps: Pick<Deps, 'database' | 'queue' | 'logger'>, channel: WebhookChannel, raw: Buffer, payload?: unknown): Promise<StoredWebhook> {
  return webhookBatcher(deps).store(channel, raw, payload);
}

/** The body parsed, when it is a JSON object (Meta always sends one); else undefined. */
function jsonObjectOf(raw: Buffer): object | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
