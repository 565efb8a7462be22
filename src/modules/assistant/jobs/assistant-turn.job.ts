import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../../container.ts';
import { assistantSessions, channels, contacts, conversations, messages } from '../../../db/schema/index.ts';
import { coalesce } from '../../../jobs/coalesce.ts';
import { defineJob, type JobHandler } from '../../../jobs/queue.ts';
import type { Db } from '../../../db/client.ts';
import { resolveLocale } from '../../../shared/i18n.ts';
import { newId } from '../../../shared/ids.ts';
import { getOrganization } from '../../organizations/organizations.service.ts';
import { enabledAutomatedReplies, pickAutomatedReply } from '../automated-replies.service.ts';
import { conversationActions, sendReplies, sendRuleReply } from '../conversation-actions.ts';
import { runTurn } from '../run-turn.ts';
import { loadAssistantSettingsOf } from '../settings.service.ts';
import { matchesKeyword } from '../text-match.ts';
import { hearVoiceNote, MAX_MEDIA_WAITS, mediaWaitDelayMs, sendVoiceReply } from '../voice-notes.ts';
import { tVoice } from '../voice.i18n.ts';

/**
 * One inbound message for the automations and the assistant; keyed by the message id, so it runs once
 * per message. `mediaWait` counts the checks for a voice note whose file is still downloading (each
 * check is a follow-up job of its own key).
 */
export const assistantTurnJob = defineJob({
  name: 'assistant.turn',
  payload: z.object({ messageId: z.uuid(), mediaWait: z.number().int().min(1).max(MAX_MEDIA_WAITS).optional() }),
  maxAttempts: 3,
  backoff: { baseMs: 2_000, maxMs: 60_000 },
});

/** Message types the assistant reads: text and taps on buttons (and audio, when it transcribes voice notes). */
const READABLE = new Set(['text', 'interactive', 'button']);

/**
 * Enqueues the assistant's turn for a stored inbound message. Called by the channels after the message
 * is recorded; a duplicate delivery enqueues nothing new (same idempotency key).
 */
export async function onInboundMessage(deps: Pick<Deps, 'queue'>, inbound: { messageId: string | null; duplicate?: boolean }, tx?: Db): Promise<void> {
  if (!inbound.messageId) return;
  await deps.queue.enqueue(assistantTurnJob, { messageId: inbound.messageId }, { idempotencyKey: inbound.messageId, ...(tx ? { tx } : {}) });
}

/**
 * The handler: keyword automations first (they answer even with the assistant off), then — when the
 * assistant is on, the conversation's AI switch is on and auto-assist or a start keyword applies — one
 * turn of the agent loop, whose replies go out through the inbox's send path.
 *
 * Voice notes (audio) count when the assistant is on in the conversation and transcribes audio: the
 * transcript stands for the customer's text everywhere (automations, keywords, the turn). When it
 * cannot be had, the customer is asked to write instead. With spoken replies on, the text replies to
 * a voice note go out as usual and a voice note saying the same follows.
 *
 * Every inbound message gets a turn, and most turns end after their first reads (no rule matches, the
 * assistant is off): so the turns the runner claimed together load their messages, the organizations'
 * rules and their settings with one statement each, shared, instead of three statements per message.
 */
export function assistantTurnHandler(deps: Pick<Deps, 'database' | 'queue' | 'secrets' | 'config' | 'logger' | 'storage'>): JobHandler<{ messageId: string; mediaWait?: number }> {
  const db = deps.database.db;
  const loadTurn = coalesce(async (ids: string[]) => {
    const rows = await db
      .select({ message: messages, conversation: conversations, channelType: channels.type, contact: contacts })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(inArray(messages.id, ids), eq(messages.direction, 'in')));
    const byId = new Map(rows.map((r) => [r.message.id, r]));
    return ids.map((id) => byId.get(id));
  });
  const rulesOf = coalesce(async (organizationIds: string[]) => {
    const byOrganization = await enabledAutomatedReplies(db, organizationIds);
    return organizationIds.map((id) => byOrganization.get(id) ?? []);
  });
  const settingsOf = coalesce(async (organizationIds: string[]) => {
    const byOrganization = await loadAssistantSettingsOf(db, organizationIds);
    return organizationIds.map((id) => byOrganization.get(id)!);
  });
  return async ({ messageId, mediaWait = 0 }) => {
    const row = await loadTurn(messageId);
    const voiceNote = row?.message.type === 'audio';
    if (!row || (!READABLE.has(row.message.type) && !voiceNote)) return;
    const { message, conversation, contact } = row;
    const organizationId = conversation.organizationId;
    const payload = z.object({ interactive: z.object({ id: z.string() }).optional(), button: z.object({ payload: z.string() }).optional() }).safeParse(message.payload);
    const buttonId = payload.success ? (payload.data.interactive?.id ?? payload.data.button?.payload ?? null) : null;
    let text = (message.body ?? '').trim();

    if (voiceNote) {
      const settings = await settingsOf(organizationId);
      if (!settings.enabled || !conversation.aiEnabled || !settings.transcribeAudio) return;
      const heard = await hearVoiceNote(deps, settings, message, mediaWait);
      if (heard.status === 'waiting') {
        const wait = mediaWait + 1;
        await deps.queue.enqueue(assistantTurnJob, { messageId, mediaWait: wait }, { idempotencyKey: `${messageId}:media:${wait}`, runAt: new Date(Date.now() + mediaWaitDelayMs(wait)) });
        return;
      }
      if (heard.status === 'failed') {
        const [session] = await db.select({ active: assistantSessions.active, language: assistantSessions.language }).from(assistantSessions).where(eq(assistantSessions.conversationId, conversation.id));
        if (!settings.autoAssist && !session?.active) return;
        const locale = resolveLocale(session?.language ?? (await getOrganization(db, organizationId)).locale);
        await sendReplies(deps, organizationId, conversation.id, [{ type: 'text', text: tVoice(locale, 'notUnderstood') }], messageId);
        return;
      }
      text = heard.text;
    }
    if (!text && !buttonId) return;
    const rule = buttonId ? null : await pickAutomatedReply(db, await rulesOf(organizationId), organizationId, { text, channelId: message.channelId, at: message.createdAt });
    if (rule) {
      await sendRuleReply(deps, organizationId, conversation.id, rule, messageId);
      return;
    }
    const settings = await settingsOf(organizationId);
    if (!settings.enabled || !conversation.aiEnabled) return;
    const [session] = await db.select({ id: assistantSessions.id, active: assistantSessions.active }).from(assistantSessions).where(eq(assistantSessions.conversationId, conversation.id));
    let active = settings.autoAssist || !!session?.active;
    if (!active && settings.startKeywords.length && matchesKeyword(text, settings.startKeywords, settings.keywordMatch)) {
      active = true;
      await db
        .insert(assistantSessions)
        .values({ id: newId(), organizationId, conversationId: conversation.id, kind: 'conversation', active: true })
        .onConflictDoUpdate({ target: assistantSessions.conversationId, set: { active: true, updatedAt: new Date() } });
    }
    if (!active) return;

    const result = await runTurn(deps, {
      organizationId,
      session: { kind: 'conversation', conversationId: conversation.id },
      text: text || buttonId || '',
      buttonId,
      contact: { id: contact.id, firstName: contact.firstName, lastName: contact.lastName, phone: contact.phone, email: contact.email },
      channelType: row.channelType,
      actions: conversationActions(deps),
    });
    await sendReplies(deps, organizationId, conversation.id, result.replies, messageId);
    if (voiceNote && settings.audioReplies) {
      const spoken = result.replies.filter((r) => r.type === 'text').map((r) => r.text).join('\n');
      await sendVoiceReply(deps, settings, { organizationId, conversationId: conversation.id, text: spoken, keyBase: messageId });
    }
  };
}
