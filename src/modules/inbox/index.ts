/**
 * The inbox module's public face: conversations (tickets), messages, notes, assignment and realtime
 * events. Other modules import only this.
 */
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { registerConversationRoutes } from './conversations.routes.ts';
import { registerEventRoutes } from './events.routes.ts';
import { registerFileRoutes } from './files.routes.ts';
import { registerDirectMessageRoutes } from './messages.routes.ts';

export { type DeliveryStatus, type StatusReport, applyProviderStatus } from './apply-status.ts';
export { type ChannelIdentity, findOrCreateContactForChannel } from './contact-link.ts';
export { canAssignOthers, canSeeConversation, conversationVisibilityFilter } from './conversation-policy.ts';
export { inboxRecurring, registerInboxJobs } from './inbox.jobs.ts';
export { loadInboxSettings } from './inbox-settings.ts';
export { type InboxEvent, inboxEventHub, publishInboxEvent } from './realtime.ts';
export { type InboundRecord, recordInboundMessage } from './record-inbound.ts';
export { routeConversation } from './assignment.ts';
export { createOutbound } from './send-message.ts';

/** Every HTTP route of the inbox. */
export function registerInboxRoutes(app: App, deps: Deps) {
  registerConversationRoutes(app, deps);
  registerDirectMessageRoutes(app, deps);
  registerFileRoutes(app, deps);
  registerEventRoutes(app, deps);
}
