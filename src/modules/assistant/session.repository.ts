import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { type AssistantConfirmation, type AssistantSession, assistantConfirmations, assistantEvents, assistantSessions, assistantSettings, type HistoryEntry } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { TurnEvent } from './assistant.schemas.ts';

/** Which session a turn belongs to: a conversation's, or a playground session (created on first use). */
export type SessionRef = { kind: 'conversation'; conversationId: string } | { kind: 'playground'; sessionId?: string };

/** Loads (or creates) the session of a conversation or playground; null for an unknown playground id. */
export async function loadSession(db: Db, organizationId: string, ref: SessionRef): Promise<AssistantSession | null> {
  if (ref.kind === 'conversation') {
    await db
      .insert(assistantSessions)
      .values({ id: newId(), organizationId, conversationId: ref.conversationId, kind: 'conversation' })
      .onConflictDoNothing();
    const [row] = await db
      .select()
      .from(assistantSessions)
      .where(and(eq(assistantSessions.conversationId, ref.conversationId), eq(assistantSessions.organizationId, organizationId)));
    return row ?? null;
  }
  if (ref.sessionId) {
    const [row] = await db
      .select()
      .from(assistantSessions)
      .where(and(eq(assistantSessions.id, ref.sessionId), eq(assistantSessions.organizationId, organizationId), eq(assistantSessions.kind, 'playground')));
    return row ?? null;
  }
  const [row] = await db.insert(assistantSessions).values({ id: newId(), organizationId, kind: 'playground', active: true }).returning();
  return row!;
}

/** Saves what a turn changed in the session. History keeps the last 20 entries. */
export async function saveSession(db: Db, session: AssistantSession, patch: Partial<Pick<AssistantSession, 'collecting' | 'unknownCount' | 'language' | 'active'>>, turn: HistoryEntry[]): Promise<void> {
  const history = [...session.history, ...turn].slice(-20);
  await db
    .update(assistantSessions)
    .set({ ...patch, history, updatedAt: new Date() })
    .where(eq(assistantSessions.id, session.id));
}

/** Adds model usage to the session and the organization's totals. */
export async function addUsage(db: Db, session: AssistantSession, usage: { inputTokens: number; outputTokens: number; costMicros: number }): Promise<void> {
  await db
    .update(assistantSessions)
    .set({
      inputTokens: sql`${assistantSessions.inputTokens} + ${usage.inputTokens}`,
      outputTokens: sql`${assistantSessions.outputTokens} + ${usage.outputTokens}`,
      costMicros: sql`${assistantSessions.costMicros} + ${usage.costMicros}`,
    })
    .where(eq(assistantSessions.id, session.id));
  await db
    .insert(assistantSettings)
    .values({ organizationId: session.organizationId, ...usage })
    .onConflictDoUpdate({
      target: assistantSettings.organizationId,
      set: {
        inputTokens: sql`${assistantSettings.inputTokens} + ${usage.inputTokens}`,
        outputTokens: sql`${assistantSettings.outputTokens} + ${usage.outputTokens}`,
        costMicros: sql`${assistantSettings.costMicros} + ${usage.costMicros}`,
      },
    });
}

/** Stores the events of a turn. */
export async function recordEvents(db: Db, session: AssistantSession, events: TurnEvent[]): Promise<void> {
  if (!events.length) return;
  await db.insert(assistantEvents).values(
    events.map((e) => {
      const { type, ...data } = e;
      return { id: newId(), organizationId: session.organizationId, sessionId: session.id, conversationId: session.conversationId, type, data };
    }),
  );
}

/** The session's confirmation still waiting for an answer (expired ones included: the caller expires them). */
export async function pendingConfirmation(db: Db, session: AssistantSession): Promise<AssistantConfirmation | null> {
  const [row] = await db
    .select()
    .from(assistantConfirmations)
    .where(and(eq(assistantConfirmations.sessionId, session.id), eq(assistantConfirmations.state, 'pending')))
    .orderBy(sql`${assistantConfirmations.createdAt} desc`)
    .limit(1);
  return row ?? null;
}

/** Opens a confirmation (cancelling any older pending one of the session). Audited. */
export async function createConfirmation(db: Db, session: AssistantSession, input: { toolName: string; toolId: string | null; args: Record<string, unknown>; minutes: number }): Promise<AssistantConfirmation> {
  return db.transaction(async (tx) => {
    await tx
      .update(assistantConfirmations)
      .set({ state: 'cancelled', resolvedAt: new Date() })
      .where(and(eq(assistantConfirmations.sessionId, session.id), eq(assistantConfirmations.state, 'pending')));
    const [row] = await tx
      .insert(assistantConfirmations)
      .values({ id: newId(), organizationId: session.organizationId, sessionId: session.id, toolName: input.toolName, toolId: input.toolId, args: input.args, expiresAt: new Date(Date.now() + input.minutes * 60_000) })
      .returning();
    await audit(tx, row!, 'assistant.confirmation_requested');
    return row!;
  });
}

/**
 * Moves a pending confirmation to its outcome in one conditional UPDATE. Only the caller that gets the
 * row back may act on it: a duplicate delivery or a concurrent worker gets null, so the tool runs once.
 * `confirmed` only succeeds before the expiry.
 */
export async function resolveConfirmation(db: Db, id: string, to: 'confirmed' | 'cancelled' | 'expired'): Promise<AssistantConfirmation | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(assistantConfirmations)
      .set({ state: to, resolvedAt: new Date() })
      .where(and(eq(assistantConfirmations.id, id), eq(assistantConfirmations.state, 'pending'), to === 'confirmed' ? sql`${assistantConfirmations.expiresAt} > now()` : undefined))
      .returning();
    if (row) await audit(tx, row, `assistant.confirmation_${to}`);
    return row ?? null;
  });
}

async function audit(tx: Db, row: AssistantConfirmation, action: string): Promise<void> {
  await recordAudit(tx, {
    organizationId: row.organizationId,
    actor: { label: 'assistant' },
    action,
    targetType: 'assistant_confirmation',
    targetId: row.id,
    data: { tool: row.toolName, args: row.args, sessionId: row.sessionId },
  });
}
