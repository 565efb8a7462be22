import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { type AssistantConfirmation, type AssistantSession, assistantConfirmations, assistantEvents, assistantSessions, assistantSettings, type HistoryEntry } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { TurnEvent } from './assistant.schemas.ts';
import { coalesce } from '../../jobs/coalesce.ts';

/** Which session a turn belongs to: a conversation's, or a playground session (created on first use). */
export type SessionRef = { kind: 'conversation'; conversationId: string } | { kind: 'playground'; sessionId?: string };

/** A session with the confirmation still waiting for the customer's answer, if any (expired ones included: the caller expires them). */
export interface LoadedSession {
  session: AssistantSession;
  pending: AssistantConfirmation | null;
}

/** Model usage of one turn. */
export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
}

/**
 * Loads (or creates) the session of a conversation or playground together with its pending
 * confirmation, in one round trip when the session exists; null for an unknown playground id.
 */
export async function loadSession(db: Db, organizationId: string, ref: SessionRef): Promise<LoadedSession | null> {
  if (ref.kind === 'conversation') {
    const existing = await withPending(db, and(eq(assistantSessions.conversationId, ref.conversationId), eq(assistantSessions.organizationId, organizationId))!);
    if (existing) return existing;
    const [created] = await db
      .insert(assistantSessions)
      .values({ id: newId(), organizationId, conversationId: ref.conversationId, kind: 'conversation' })
      .onConflictDoNothing()
      .returning();
    if (created) return { session: created, pending: null };
    // Another delivery created it at the same moment.
    return withPending(db, and(eq(assistantSessions.conversationId, ref.conversationId), eq(assistantSessions.organizationId, organizationId))!);
  }
  if (ref.sessionId) {
    return withPending(db, and(eq(assistantSessions.id, ref.sessionId), eq(assistantSessions.organizationId, organizationId), eq(assistantSessions.kind, 'playground'))!);
  }
  const [row] = await db.insert(assistantSessions).values({ id: newId(), organizationId, kind: 'playground', active: true }).returning();
  return { session: row!, pending: null };
}

/** The session matching `where` and its newest pending confirmation (there is at most one: opening one cancels the others). */
async function withPending(db: Db, where: SQL): Promise<LoadedSession | null> {
  const [row] = await db
    .select({ session: assistantSessions, pending: assistantConfirmations })
    .from(assistantSessions)
    .leftJoin(assistantConfirmations, and(eq(assistantConfirmations.sessionId, assistantSessions.id), eq(assistantConfirmations.state, 'pending')))
    .where(where)
    .orderBy(sql`${assistantConfirmations.createdAt} desc nulls last`)
    .limit(1);
  return row ? { session: row.session, pending: row.pending } : null;
}

/**
 * Stores what a turn changed in one statement (atomic, one commit): the session's state and history
 * (the last 20 entries), its model usage, and the turn's events.
 */
export async function saveTurn(
  db: Db,
  session: AssistantSession,
  change: { patch: Partial<Pick<AssistantSession, 'collecting' | 'unknownCount' | 'language' | 'active'>>; turn: HistoryEntry[]; events: TurnEvent[]; usage?: TurnUsage },
): Promise<void> {
  const history = [...session.history, ...change.turn].slice(-20);
  const { usage } = change;
  const update = db
    .update(assistantSessions)
    .set({
      ...change.patch,
      history,
      updatedAt: new Date(),
      ...(usage
        ? {
            inputTokens: sql`${assistantSessions.inputTokens} + ${usage.inputTokens}`,
            outputTokens: sql`${assistantSessions.outputTokens} + ${usage.outputTokens}`,
            costMicros: sql`${assistantSessions.costMicros} + ${usage.costMicros}`,
          }
        : {}),
    })
    .where(eq(assistantSessions.id, session.id));
  if (!change.events.length) {
    await update;
    return;
  }
  const insertEvents = db.insert(assistantEvents).values(
    change.events.map((e) => {
      const { type, ...data } = e;
      return { id: newId(), organizationId: session.organizationId, sessionId: session.id, conversationId: session.conversationId, type, data };
    }),
  );
  await db.execute(sql`with events as (${insertEvents.getSQL()}) ${update.getSQL()}`);
}

/**
 * Adds a turn's model usage to its organization's totals. Every turn of an organization would update
 * the same row, and concurrent turns would queue on its lock one commit after another; instead, the
 * turns of this process that arrive while an update is in flight are summed into the next one, so an
 * organization has at most one such update running here. Resolves once the turn's usage is committed.
 */
export function addOrganizationUsage(db: Db, organizationId: string, usage: TurnUsage): Promise<void> {
  let adders = usageAdders.get(db);
  if (!adders) {
    adders = new Map();
    usageAdders.set(db, adders);
  }
  let add = adders.get(organizationId);
  if (!add) {
    add = coalesce<TurnUsage, void>(async (usages) => {
      const total = { inputTokens: 0, outputTokens: 0, costMicros: 0 };
      for (const u of usages) {
        total.inputTokens += u.inputTokens;
        total.outputTokens += u.outputTokens;
        total.costMicros += u.costMicros;
      }
      await flushOrganizationUsage(db, organizationId, total);
      return usages.map(() => undefined);
    });
    adders.set(organizationId, add);
  }
  return add(usage);
}

const usageAdders = new WeakMap<Db, Map<string, (usage: TurnUsage) => Promise<void>>>();

async function flushOrganizationUsage(db: Db, organizationId: string, usage: TurnUsage): Promise<void> {
  await db
    .insert(assistantSettings)
    .values({ organizationId, ...usage })
    .onConflictDoUpdate({
      target: assistantSettings.organizationId,
      set: {
        inputTokens: sql`${assistantSettings.inputTokens} + ${usage.inputTokens}`,
        outputTokens: sql`${assistantSettings.outputTokens} + ${usage.outputTokens}`,
        costMicros: sql`${assistantSettings.costMicros} + ${usage.costMicros}`,
      },
    });
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
