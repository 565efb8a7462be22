import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePrincipal } from '../../http/auth.ts';
import { directMessageBody } from './inbox.schemas.ts';
import { messageSchema } from './message-view.ts';
import { sendDirect } from './send-direct.ts';
import { checkIdempotencyKey } from './send-message.ts';

const sentSchema = messageSchema.describe('The message (status `queued`; watch `message.status` events or the conversation for delivery).');

/** `POST /api/v1/messages`: Chatforse's "send message / media / template" for integrations. */
export function registerDirectMessageRoutes(app: App, deps: Deps) {
  app.post(
    '/api/v1/messages',
    {
      schema: {
        tags: ['Inbox'],
        summary: 'Send a WhatsApp message to a number or contact',
        description: [
          'Creates the contact and the conversation when needed. Outside the 24-hour customer-service window (e.g. a first message) only templates are accepted.',
          'Send an `Idempotency-Key` header: repeating the request with the same key returns the first message instead of sending twice.',
        ].join('\n\n'),
        headers: z.object({ 'idempotency-key': z.string().optional().describe('Send the same key again (e.g. after a timeout) and the message is not sent twice.') }),
        body: directMessageBody,
        response: { 201: sentSchema, 200: sentSchema },
      },
    },
    async (req, reply) => {
      const key = checkIdempotencyKey(req.headers['idempotency-key']);
      const outcome = await sendDirect(deps, requirePrincipal(req), req.body, key);
      return reply.status(outcome.created ? 201 : 200).send(outcome.message);
    },
  );
}
