import { and, asc, count, desc, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { contacts, conversations } from '../../db/schema/index.ts';
import { notFound, unprocessable } from '../../shared/errors.ts';
import { isUuid } from '../../shared/ids.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import type { Principal } from '../identity/policy.ts';
import { isActiveMember } from './assignment.ts';
import { canAssignOthers, canSeeConversation, conversationVisibilityFilter } from './conversation-policy.ts';
import { type ConversationRow, type ConversationView, presentConversation, selectConversations } from './conversation-view.ts';
import { type InboxSettings, loadInboxSettings } from './inbox-settings.ts';
import { publishInboxEvent } from './realtime.ts';

/** Filters of the conversation list. */
export interface ConversationQuery {
  status: 'unassigned' | 'open' | 'closed' | 'all';
  q?: string;
  /** A membership id, `me`, or `none` (nobody assigned). */
  assignee?: string;
  channelId?: string;
  sort: 'newest' | 'oldest';
  cursor?: string;
  limit: number;
}

const sortKey = sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`;

/**
 * Lists the conversations the principal may see, with the number in each status under the same
 * search (for the status filter's counters). Keyset pagination on (last activity, id).
 */
export async function listConversations(db: Db, principal: Principal, query: ConversationQuery) {
  const { tickets } = await loadInboxSettings(db, principal.organizationId);
  const base = and(conversationVisibilityFilter(principal, tickets), ...searchConditions(principal, query));
  const after = decodeCursor(query.cursor, 2);
  const newest = query.sort === 'newest';
  const keyset = after
    ? newest
      ? sql`(${sortKey}, ${conversations.id}) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)`
      : sql`(${sortKey}, ${conversations.id}) > (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)`
    : undefined;
  const rows = await selectConversations(db, and(base, query.status === 'all' ? undefined : eq(conversations.status, query.status), keyset))
    .orderBy(newest ? desc(sortKey) : asc(sortKey), newest ? desc(conversations.id) : asc(conversations.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (r) => [(r.conversation.lastMessageAt ?? r.conversation.createdAt).toISOString(), r.conversation.id]);
  const grouped = await db
    .select({ status: conversations.status, n: count() })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(base)
    .groupBy(conversations.status);
  const counts = { unassigned: 0, open: 0, closed: 0, all: 0 };
  for (const g of grouped) {
    counts[g.status] = g.n;
    counts.all += g.n;
  }
  const now = Date.now();
  return { items: page.items.map((r) => presentConversation(r, now)), nextCursor: page.nextCursor, counts };
}

function searchConditions(principal: Principal, query: ConversationQuery): (SQL | undefined)[] {
  const conditions: (SQL | undefined)[] = [];
  if (query.channelId) conditions.push(eq(conversations.channelId, query.channelId));
  if (query.assignee === 'none') conditions.push(isNull(conversations.assigneeId));
  else if (query.assignee === 'me') conditions.push(principal.kind === 'user' ? eq(conversations.assigneeId, principal.membershipId) : sql`false`);
  else if (query.assignee) conditions.push(eq(conversations.assigneeId, query.assignee));
  const q = query.q?.trim();
  if (q) {
    const digits = q.replace(/\D/g, '');
    const name = sql`lower(charla_unaccent(${contacts.firstName} || ' ' || ${contacts.lastName})) like ${`%${escapeLike(q.toLowerCase())}%`}`;
    const byName = sql`(${name} or lower(coalesce(${contacts.email}, '')) like ${`%${escapeLike(q.toLowerCase())}%`})`;
    conditions.push(digits.length >= 3 ? or(byName, sql`${contacts.phone} like ${`%${digits}%`}`, sql`${contacts.waId} like ${`%${digits}%`}`) : byName);
  }
  return conditions;
}

/** `%` and `_` typed by a person are literal characters, not wildcards. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One conversation the principal may see (404 otherwise, also for other organizations' ids). */
export async function getConversationRow(db: Db, principal: Principal, id: string, settings?: InboxSettings): Promise<ConversationRow> {
  if (!isUuid(id)) throw notFound('Conversation');
  const [row] = await selectConversations(db, and(eq(conversations.id, id), eq(conversations.organizationId, principal.organizationId)));
  const { tickets } = settings ?? (await loadInboxSettings(db, principal.organizationId));
  if (!row || !canSeeConversation(principal, row.conversation, tickets)) throw notFound('Conversation');
  return row;
}

/** A change to a conversation. */
export interface ConversationPatch {
  status?: 'unassigned' | 'open' | 'closed';
  assigneeId?: string | null;
  aiEnabled?: boolean;
}

/**
 * Changes status, assignee or the AI switch. Owners and managers assign to anyone active; agents may
 * only take a conversation for themselves or give up their own. Assigning opens an unassigned
 * conversation; removing the assignee of an open one sends it back to Unassigned; closing keeps the
 * assignee (a reopened chat can go back to them).
 */
export async function updateConversation(deps: Pick<Deps, 'database'>, principal: Principal, id: string, patch: ConversationPatch): Promise<ConversationView> {
  const db = deps.database.db;
  const settings = await loadInboxSettings(db, principal.organizationId);
  await db.transaction(async (tx) => {
    const current = (await getConversationRow(tx, principal, id, settings)).conversation;
    const [locked] = await tx.select().from(conversations).where(eq(conversations.id, current.id)).for('update');
    const before = locked!;
    let assigneeId = before.assigneeId;
    let status = before.status;

    if (patch.assigneeId !== undefined && patch.assigneeId !== before.assigneeId) {
      const self = principal.kind === 'user' ? principal.membershipId : null;
      const allowed = canAssignOthers(principal) || (patch.assigneeId === self && before.assigneeId === null) || (patch.assigneeId === null && before.assigneeId === self);
      if (!allowed) throw unprocessable('Only owners and managers can assign conversations to others', 'assignment_not_allowed');
      if (patch.assigneeId !== null && !(await isActiveMember(tx, principal.organizationId, patch.assigneeId))) {
        throw unprocessable('The assignee must be an active member of this organization', 'assignee_not_active');
      }
      assigneeId = patch.assigneeId;
      if (status !== 'closed') status = assigneeId ? 'open' : settings.tickets.enabled ? 'unassigned' : 'open';
    }
    if (patch.status !== undefined && patch.status !== status) {
      if (patch.status === 'unassigned') {
        if (before.assigneeId && !canAssignOthers(principal) && !(principal.kind === 'user' && before.assigneeId === principal.membershipId)) {
          throw unprocessable('Only owners and managers can unassign other people’s conversations', 'assignment_not_allowed');
        }
        assigneeId = null;
      } else if (patch.status === 'open' && !assigneeId && principal.kind === 'user' && settings.tickets.enabled) {
        // Opening an unowned conversation means working on it.
        assigneeId = principal.membershipId;
      }
      status = patch.status === 'open' && !assigneeId && settings.tickets.enabled ? 'unassigned' : patch.status;
    }
    const aiEnabled = patch.aiEnabled ?? before.aiEnabled;
    if (status === before.status && assigneeId === before.assigneeId && aiEnabled === before.aiEnabled) return;

    const [after] = await tx
      .update(conversations)
      .set({
        status,
        assigneeId,
        aiEnabled,
        closedAt: status === 'closed' ? (before.closedAt ?? new Date()) : null,
        updatedAt: new Date(),
      })
      .where(eq(conversations.id, before.id))
      .returning();
    const data = { status: after!.status, assigneeId: after!.assigneeId, aiEnabled: after!.aiEnabled };
    const event = { organizationId: before.organizationId, conversationId: before.id, assigneeId: after!.assigneeId, previousAssigneeId: before.assigneeId, data };
    await publishInboxEvent(tx, { type: 'conversation.updated', ...event });
    if (after!.assigneeId !== before.assigneeId) await publishInboxEvent(tx, { type: 'conversation.assigned', ...event });
  });
  // Read back without the visibility check: an agent who just gave a conversation away may no longer see it.
  const [row] = await selectConversations(db, and(eq(conversations.id, id), eq(conversations.organizationId, principal.organizationId)));
  return presentConversation(row!);
}
