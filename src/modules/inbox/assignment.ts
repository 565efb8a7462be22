import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { assignmentCursors, memberships } from '../../db/schema/index.ts';
import type { OrgSettings } from '../organizations/settings.ts';

type TicketSettings = OrgSettings['tickets'];

/** Where a conversation goes after an inbound message created or reopened it. */
export interface Routing {
  status: 'unassigned' | 'open';
  assigneeId: string | null;
}

/**
 * Applies the organization's ticket rules to a new or reopened conversation:
 * - ticketing off: the conversation is simply open, with nobody assigned;
 * - reopened, "reassign reopened chats" off: back to the previous agent while they are still active;
 * - otherwise: round-robin among active agents when automatic assignment is on, else Unassigned.
 */
export async function routeConversation(
  tx: Db,
  organizationId: string,
  tickets: TicketSettings,
  event: { kind: 'created' } | { kind: 'reopened'; previousAssigneeId: string | null },
): Promise<Routing> {
  if (!tickets.enabled) return { status: 'open', assigneeId: event.kind === 'reopened' ? event.previousAssigneeId : null };
  if (event.kind === 'reopened' && !tickets.reassignReopened && event.previousAssigneeId) {
    if (await isActiveMember(tx, organizationId, event.previousAssigneeId)) return { status: 'open', assigneeId: event.previousAssigneeId };
  }
  if (tickets.autoAssignment === 'round_robin') {
    const next = await nextRoundRobinAgent(tx, organizationId);
    if (next) return { status: 'open', assigneeId: next };
  }
  return { status: 'unassigned', assigneeId: null };
}

/**
 * Picks the next active agent in a fixed rotation (ordered by membership id) after the one who got
 * the previous conversation, and records the pick. The organization's cursor row is locked for the
 * rest of the transaction, so concurrent workers assigning in the same organization queue up behind
 * each other and the rotation never skips or repeats; disabled or removed agents simply drop out of
 * the rotation. Returns null when the organization has no active agent.
 */
export async function nextRoundRobinAgent(tx: Db, organizationId: string): Promise<string | null> {
  await tx.insert(assignmentCursors).values({ organizationId }).onConflictDoNothing();
  const [cursor] = await tx.select().from(assignmentCursors).where(eq(assignmentCursors.organizationId, organizationId)).for('update');
  const agents = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'agent'), eq(memberships.status, 'active')))
    .orderBy(asc(memberships.id));
  if (agents.length === 0) return null;
  const last = cursor?.lastMembershipId;
  const next = (last ? agents.find((a) => a.id > last) : undefined) ?? agents[0]!;
  await tx
    .update(assignmentCursors)
    .set({ lastMembershipId: next.id, updatedAt: sql`now()` })
    .where(eq(assignmentCursors.organizationId, organizationId));
  return next.id;
}

/** Whether a membership is an active member of the organization (assignees must be). */
export async function isActiveMember(tx: Db, organizationId: string, membershipId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.id, membershipId), eq(memberships.organizationId, organizationId), eq(memberships.status, 'active')));
  return Boolean(row);
}
