import { type SQL, and, eq, isNull, or, sql } from 'drizzle-orm';
import { conversations } from '../../db/schema/index.ts';
import { can, type Principal } from '../identity/policy.ts';
import type { OrgSettings } from '../organizations/settings.ts';

/** The ticket settings that decide visibility. */
export type VisibilitySettings = Pick<OrgSettings['tickets'], 'agentsSeeUnassigned'>;

/**
 * Who may see a conversation: owners, managers and API keys see every conversation of their
 * organization; agents see the ones assigned to them, plus unassigned ones when the organization
 * lets agents see (and pick up) unassigned chats. Later modules (reports, contacts' history, the
 * assistant's hand-off) reuse this and {@link conversationVisibilityFilter} so the rule lives once.
 */
export function canSeeConversation(
  principal: Principal,
  conversation: { organizationId: string; assigneeId: string | null },
  settings: VisibilitySettings,
): boolean {
  if (conversation.organizationId !== principal.organizationId) return false;
  if (can(principal, 'conversations.readAll')) return true;
  if (principal.kind !== 'user') return false;
  if (conversation.assigneeId === principal.membershipId) return true;
  return conversation.assigneeId === null && settings.agentsSeeUnassigned;
}

/**
 * The same rule as a SQL condition on `conversations` (organization included), for list queries.
 * Use it in every query that returns conversations or their messages to a principal.
 */
export function conversationVisibilityFilter(principal: Principal, settings: VisibilitySettings): SQL {
  const inOrg = eq(conversations.organizationId, principal.organizationId);
  if (can(principal, 'conversations.readAll')) return inOrg;
  if (principal.kind !== 'user') return and(inOrg, sql`false`)!;
  const mine = eq(conversations.assigneeId, principal.membershipId);
  return and(inOrg, settings.agentsSeeUnassigned ? or(mine, isNull(conversations.assigneeId)) : mine)!;
}

/** Whether a principal may assign conversations to others (owners and managers). */
export function canAssignOthers(principal: Principal): boolean {
  return can(principal, 'conversations.assign');
}
