import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePrincipal } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { pageOf } from '../../shared/pagination.ts';
import { conversationSchema, presentConversation } from './conversation-view.ts';
import { getConversationRow, listConversations, updateConversation } from './conversations.service.ts';
import { conversationPatch, conversationsQuery, messagesQuery, outboundBody } from './inbox.schemas.ts';
import { messageSchema } from './message-view.ts';
import { listMessages, markConversationRead, showTyping } from './messages.service.ts';
import { checkIdempotencyKey, sendInConversation } from './send-message.ts';

const tags = ['Inbox'];
const counts = z
  .object({
    unassigned: z.number().int().describe('Unassigned conversations.'),
    open: z.number().int().describe('Open (assigned) conversations.'),
    closed: z.number().int().describe('Closed conversations.'),
    all: z.number().int().describe('All of them.'),
  })
  .describe('Conversations in each status under the same search and assignee filter.');
const idempotencyHeaders = z.object({
  'idempotency-key': z.string().optional().describe('Send the same key again (e.g. after a timeout) and the message is not sent twice.'),
});

/** The team inbox: conversations (tickets) and their messages. Agents see what the ticket settings let them see. */
export function registerConversationRoutes(app: App, deps: Deps) {
  const db = deps.database.db;

  app.get(
    '/api/v1/conversations',
    {
      schema: {
        tags,
        summary: 'List conversations',
        description: 'Filter by status, search by contact name or number, sort by last activity. `counts` feeds the status filter.',
        querystring: conversationsQuery,
        response: { 200: pageOf(conversationSchema).extend({ counts }) },
      },
    },
    async (req) => listConversations(db, requirePrincipal(req), req.query),
  );

  app.get(
    '/api/v1/conversations/:id',
    { schema: { tags, summary: 'Get a conversation', description: 'A conversation the caller may not see (ticket settings for agents) answers 404.', params: idParams, response: { 200: conversationSchema } } },
    async (req) => presentConversation(await getConversationRow(db, requirePrincipal(req), req.params.id)),
  );

  app.patch(
    '/api/v1/conversations/:id',
    {
      schema: {
        tags,
        summary: 'Update a conversation',
        description: 'Close or reopen it, assign it (owners and managers; agents may take an unassigned one or give up their own), or switch the AI assistant.',
        params: idParams,
        body: conversationPatch,
        response: { 200: conversationSchema },
      },
    },
    async (req) => updateConversation(deps, requirePrincipal(req), req.params.id, req.body),
  );

  app.post(
    '/api/v1/conversations/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark as read',
        description: "Resets the unread counter and marks the customer's messages read on WhatsApp (blue ticks). The dashboard calls it when an agent opens the conversation.",
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await markConversationRead(deps, requirePrincipal(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/conversations/:id/typing',
    {
      schema: {
        tags,
        summary: 'Show "typing…"',
        description: 'WhatsApp shows the indicator to the customer for up to 25 seconds (or until the reply). Best effort.',
        params: idParams,
        response: { 200: z.object({ shown: z.boolean().describe('Whether the indicator was shown (false on channels without it, e.g. web chat, or when WhatsApp refused).') }) },
      },
    },
    async (req) => ({ shown: await showTyping(deps, requirePrincipal(req), req.params.id) }),
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: 'List messages',
        description: 'Newest first, private notes included; `nextCursor` pages back in time.',
        params: idParams,
        querystring: messagesQuery,
        response: { 200: pageOf(messageSchema) },
      },
    },
    async (req) => listMessages(db, requirePrincipal(req), req.params.id, req.query),
  );

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: 'Reply or add a note',
        description: [
          'Text, media (an uploaded `fileId` or a public `link`), template, interactive buttons or list, or a reaction. `private: true` on a text makes an internal note.',
          'On WhatsApp, outside the 24-hour customer-service window only templates are accepted (422 `outside_customer_service_window`).',
          'Replying to an unassigned conversation assigns it to you.',
        ].join('\n\n'),
        params: idParams,
        headers: idempotencyHeaders,
        body: outboundBody,
        response: { 201: messageSchema, 200: messageSchema },
      },
    },
    async (req, reply) => {
      const key = checkIdempotencyKey(req.headers['idempotency-key']);
      const outcome = await sendInConversation(deps, requirePrincipal(req), req.params.id, req.body, key);
      return reply.status(outcome.created ? 201 : 200).send(outcome.message);
    },
  );
}
