import type { ServerResponse } from 'node:http';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePrincipal } from '../../http/auth.ts';
import { can, type Principal } from '../identity/policy.ts';
import { isActiveMember } from './assignment.ts';
import { canSeeConversation } from './conversation-policy.ts';
import { type InboxSettings, loadInboxSettings } from './inbox-settings.ts';
import { type InboxEvent, inboxEventHub } from './realtime.ts';

const HEARTBEAT_MS = 20_000;
const REFRESH_MS = 15_000;

/** Opens a server-sent-events response (shared by the dashboard stream and the web chat widget's). */
export function openEventStream(raw: ServerResponse, origin?: string): (event: string, data: unknown, id?: string) => boolean {
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
  });
  raw.write('retry: 3000\n\n');
  return (event, data, id) => raw.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * What a principal receives of an event: the event when they may see the conversation; only the ids
 * when the conversation just left their list (reassigned away), so their dashboard drops it; nothing otherwise.
 */
export function eventFor(principal: Principal, tickets: InboxSettings['tickets'], event: InboxEvent): InboxEvent | null {
  // Campaign progress is not about a conversation (`conversationId` is empty): only campaign managers get it.
  if (event.type === 'campaign.progress') return can(principal, 'campaigns.manage') ? event : null;
  if (canSeeConversation(principal, { organizationId: event.organizationId, assigneeId: event.assigneeId }, tickets)) return event;
  if (principal.kind === 'user' && event.previousAssigneeId === principal.membershipId) {
    return { type: event.type, organizationId: event.organizationId, conversationId: event.conversationId, assigneeId: event.assigneeId, previousAssigneeId: event.previousAssigneeId };
  }
  return null;
}

/** `GET /api/v1/events`: the organization's inbox events as server-sent events, filtered by visibility. */
export function registerEventRoutes(app: App, deps: Deps) {
  const open = new Set<ServerResponse>();
  // preClose: the server only finishes closing once every stream has ended (onClose would come after).
  app.addHook('preClose', async () => {
    for (const raw of open) raw.end();
  });

  app.get(
    '/api/v1/events',
    {
      schema: {
        tags: ['Inbox'],
        summary: 'Stream inbox events',
        description: [
          'Server-sent events (`text/event-stream`), authenticated like every other route (session cookie or API key).',
          'The first event, `ready`, carries the notification-sound settings. Then: `message.created`, `message.status`, `note.created`, `conversation.updated`, `conversation.assigned` — each `{type, conversationId, assigneeId, messageId?, data?}`; when `data` is missing, fetch the object by id.',
          'Campaign managers also receive `campaign.progress` (`data`: `{campaignId, status, stats}`) while campaigns send and their statuses arrive.',
          'Agents only receive events of conversations they can see.',
        ].join('\n\n'),
      },
    },
    async (req, reply) => {
      const principal = requirePrincipal(req);
      let settings = await loadInboxSettings(deps.database.db, principal.organizationId);
      reply.hijack();
      const raw = reply.raw;
      const send = openEventStream(raw);
      open.add(raw);
      send('ready', { notifications: settings.notifications, locale: settings.locale });
      let counter = 0;
      const unsubscribe = await inboxEventHub(deps.database, deps.logger).subscribe(principal.organizationId, (event) => {
        const visible = eventFor(principal, settings.tickets, event);
        if (visible) send(visible.type, { ...visible, organizationId: undefined }, String(++counter));
      });
      const heartbeat = setInterval(() => raw.write(': keepalive\n\n'), HEARTBEAT_MS);
      // Settings change rarely; a member who was disabled stops receiving at the next refresh.
      const refresh = setInterval(async () => {
        try {
          const next = await loadInboxSettings(deps.database.db, principal.organizationId);
          if (JSON.stringify(next.notifications) !== JSON.stringify(settings.notifications)) send('settings', { notifications: next.notifications });
          settings = next;
          if (principal.kind === 'user' && !(await isActiveMember(deps.database.db, principal.organizationId, principal.membershipId))) raw.end();
        } catch (err) {
          deps.logger.warn({ err }, 'could not refresh an event stream');
        }
      }, REFRESH_MS);
      const cleanup = () => {
        clearInterval(heartbeat);
        clearInterval(refresh);
        unsubscribe();
        open.delete(raw);
      };
      raw.on('close', cleanup);
      raw.on('error', cleanup);
    },
  );
}
