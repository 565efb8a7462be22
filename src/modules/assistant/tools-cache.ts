import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { type AssistantSettingsRow, assistantConfirmations, assistantSessions, assistantSettings, knowledgeSettings, organizations } from '../../db/schema/index.ts';
import type { Locale } from '../../shared/i18n.ts';
import { type AssistantTool, listAssistantTools } from '../integrations/index.ts';
import { DEFAULT_ANSWER_THRESHOLD } from '../knowledge/index.ts';
import type { LoadedSession, SessionRef } from './session.repository.ts';
import { defaultSettings } from './settings.service.ts';

const cache = new Map<string, { version: string; tools: Promise<AssistantTool[]> }>();
const MAX_ENTRIES = 1000;

/**
 * A fingerprint of the organization's assistant tools: it changes whenever a tool or integration is
 * added, changed, enabled or disabled — including the circuit-breaker state the executor reads from
 * the cached rows. One aggregate over the organization's tools (index on `tools.organization_id`).
 */
function toolsVersion(organizationId: string): SQL<string> {
  return sql<string>`(select count(*)::text || '|' || coalesce(max(t.updated_at)::text, '') || '|' ||
               coalesce(string_agg(distinct i.id::text || coalesce(i.updated_at::text, '') || coalesce(i.circuit_open_until::text, ''), ','), '')
          from tools t join integrations i on i.id = t.integration_id
         where t.organization_id = ${organizationId} and t.enabled and i.enabled)`;
}

/** What a turn reads before anything else: the organization's AI settings, the version of its tools, its knowledge answer threshold and the session. */
export interface TurnSetup {
  settings: AssistantSettingsRow;
  toolsVersion: string;
  /** The threshold knowledge answers must reach: the assistant's override, else the knowledge base's setting. */
  knowledgeThreshold: number;
  /** The existing session the turn continues, with its pending confirmation; null when it does not exist (yet). */
  loaded: LoadedSession | null;
}

/**
 * Reads everything `TurnSetup` holds in one round trip (defaults for settings never saved); null for an
 * unknown organization. The session is the one `ref` names, when it exists (creating one is the
 * caller's next step, see `loadSession`); of its pending confirmations, the newest.
 */
export async function loadTurnSetup(db: Db, organizationId: string, ref: SessionRef): Promise<TurnSetup | null> {
  const session =
    ref.kind === 'conversation'
      ? eq(assistantSessions.conversationId, ref.conversationId)
      : ref.sessionId
        ? and(eq(assistantSessions.id, ref.sessionId), eq(assistantSessions.kind, 'playground'))
        : sql`false`;
  const [row] = await db
    .select({
      settings: assistantSettings,
      toolsVersion: toolsVersion(organizationId),
      answerThreshold: knowledgeSettings.answerThreshold,
      session: assistantSessions,
      pending: assistantConfirmations,
    })
    .from(organizations)
    .leftJoin(assistantSettings, eq(assistantSettings.organizationId, organizations.id))
    .leftJoin(knowledgeSettings, eq(knowledgeSettings.organizationId, organizations.id))
    .leftJoin(assistantSessions, and(eq(assistantSessions.organizationId, organizations.id), session))
    .leftJoin(assistantConfirmations, and(eq(assistantConfirmations.sessionId, assistantSessions.id), eq(assistantConfirmations.state, 'pending')))
    .where(eq(organizations.id, organizationId))
    .orderBy(sql`${assistantConfirmations.createdAt} desc nulls last`)
    .limit(1);
  if (!row) return null;
  const settings = row.settings ?? defaultSettings(organizationId);
  return {
    settings,
    toolsVersion: row.toolsVersion ?? '',
    knowledgeThreshold: settings.knowledgeThreshold ?? row.answerThreshold ?? DEFAULT_ANSWER_THRESHOLD,
    loaded: row.session ? { session: row.session, pending: row.pending } : null,
  };
}

/**
 * The organization's assistant tools at `version` (from `loadTurnSetup`), reusing the parsed list while
 * nothing changed: parsing 200 tool definitions costs tens of milliseconds. Concurrent turns that miss
 * share one load. The returned array is the same object while the version holds, so per-tool-set work
 * (the matcher's index, the model's tool schemas) can be cached against it.
 */
export function assistantTools(db: Db, organizationId: string, locale: Locale, version: string): Promise<AssistantTool[]> {
  const key = `${organizationId}|${locale}`;
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit.tools;
  const tools = listAssistantTools(db, organizationId, locale);
  if (!hit && cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  const entry = { version, tools };
  cache.set(key, entry);
  // A failed load is not kept: the next turn tries again.
  tools.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return tools;
}
