import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type AudioConfig, AudioError, synthesizeSpeech, transcribeAudio } from '../../adapters/ai-audio/openai-audio.ts';
import type { SafeFetchOptions } from '../../adapters/outbound-http/safe-fetch.ts';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type AssistantSettingsRow, conversations, files, type Message, messages, type StoredFile } from '../../db/schema/index.ts';
import { createOutbound, loadInboxSettings, publishInboxEvent } from '../inbox/index.ts';
import { removeFile, storeFile } from '../inbox/files.service.ts';
import { presentMessage } from '../inbox/message-view.ts';
import { assistantPrincipal, lockConversation } from './conversation-actions.ts';
import { providerKey } from './settings.service.ts';

/**
 * Voice notes and the assistant: inbound audio is transcribed through the organization's provider and
 * the transcript is kept on the message (`payload.transcript`), where agents read it under the audio
 * player and the assistant reads it as the customer's words; with spoken replies on, the answer to a
 * voice note is also sent as a voice note synthesized with the chosen voice.
 */

/** Why a voice note has no transcript: the provider cannot do audio, no provider is set, the file never arrived, or the call failed. */
export const VOICE_FAILURES = ['unsupported_provider', 'not_configured', 'media_unavailable', 'too_large', 'no_speech', 'blocked', 'auth', 'rate_limited', 'unavailable', 'bad_request', 'network'] as const;
export type VoiceFailure = (typeof VOICE_FAILURES)[number];

/** The transcript of an audio message as stored in `payload.transcript`: heard by the provider, spoken by the assistant, or failed. */
export const storedTranscript = z.discriminatedUnion('status', [
  z.object({ status: z.literal('done'), source: z.enum(['transcription', 'speech']), text: z.string(), language: z.string().nullable(), model: z.string(), at: z.string() }),
  z.object({ status: z.literal('failed'), error: z.enum(VOICE_FAILURES), at: z.string() }),
]);
export type StoredTranscript = z.infer<typeof storedTranscript>;

/** Checks for a voice note whose file is still being downloaded: about 90 seconds in all. */
export const MAX_MEDIA_WAITS = 10;
/** The delay before media check number `wait` (1-based). */
export const mediaWaitDelayMs = (wait: number) => Math.min(15_000, 500 * 2 ** (wait - 1));

type VoiceDeps = Pick<Deps, 'database' | 'queue' | 'secrets' | 'config' | 'logger' | 'storage'>;

/** The provider's audio API for these settings, or why there is none (Anthropic has no audio API). */
export function audioConfigOf(deps: Pick<Deps, 'secrets'>, settings: AssistantSettingsRow): AudioConfig | 'unsupported_provider' | 'not_configured' {
  if (!settings.provider) return 'not_configured';
  if (settings.provider !== 'openai' && settings.provider !== 'openai_compatible') return 'unsupported_provider';
  const apiKey = providerKey(deps, settings);
  if (settings.provider === 'openai' && !apiKey) return 'not_configured';
  if (settings.provider === 'openai_compatible' && !settings.baseUrl) return 'not_configured';
  return { provider: settings.provider, apiKey, baseUrl: settings.baseUrl };
}

/**
 * Outbound limits of audio calls: the SSRF guard applies, but the host of the provider URL the
 * administrator configured may be private (a local Whisper or TTS server, like the chat model's) —
 * never link-local or cloud-metadata addresses, and not other private hosts through redirects.
 */
function httpOptions(deps: Pick<Deps, 'config'>, settings: AssistantSettingsRow): SafeFetchOptions {
  let host: string | null = null;
  try {
    host = settings.baseUrl ? new URL(settings.baseUrl).hostname.replace(/^\[|\]$/g, '') : null;
  } catch {
    host = null;
  }
  return { allowPrivateNetwork: deps.config.allowPrivateNetwork, ...(host ? { allowedPrivateHosts: [host] } : {}) };
}

/** What listening to a voice note gave: the words, a wait for the file, or a failure (already stored on the message). */
export type Heard = { status: 'heard'; text: string } | { status: 'waiting' } | { status: 'failed'; error: VoiceFailure };

const mediaState = z.object({ state: z.enum(['pending', 'ready', 'failed']).catch('pending') }).catch({ state: 'pending' });

/**
 * Transcribes an inbound audio message once: a stored transcript is reused (a re-run pays nothing);
 * a file still downloading asks the caller to wait (`waits` checks so far); failures are logged and
 * stored on the message, so agents see why there is no transcript.
 */
export async function hearVoiceNote(deps: VoiceDeps, settings: AssistantSettingsRow, message: Message, waits: number): Promise<Heard> {
  const previous = storedTranscript.safeParse(message.payload.transcript);
  if (previous.success) return previous.data.status === 'done' ? { status: 'heard', text: previous.data.text } : { status: 'failed', error: previous.data.error };

  const config = audioConfigOf(deps, settings);
  if (typeof config === 'string') return fail(deps, message, config, 'the AI provider has no audio API configured');
  if (!message.fileId) {
    const { state } = mediaState.parse(message.payload.media);
    if (state !== 'failed' && waits < MAX_MEDIA_WAITS) return { status: 'waiting' };
    return fail(deps, message, 'media_unavailable', 'the audio file could not be downloaded');
  }
  const db = deps.database.db;
  const [file] = await db.select().from(files).where(and(eq(files.id, message.fileId), eq(files.organizationId, message.organizationId)));
  let audio: Buffer;
  try {
    if (!file) throw new Error('file row missing');
    audio = await deps.storage.read(file.storageKey);
  } catch {
    return fail(deps, message, 'media_unavailable', 'the stored audio file is missing');
  }
  try {
    const transcript = await transcribeAudio(config, audio, httpOptions(deps, settings));
    await storeTranscript(deps, message.id, { status: 'done', source: 'transcription', text: transcript.text.slice(0, 4096), language: transcript.language, model: transcript.model, at: new Date().toISOString() });
    return { status: 'heard', text: transcript.text.slice(0, 4096) };
  } catch (err) {
    const error: VoiceFailure = err instanceof AudioError ? err.code : 'network';
    return fail(deps, message, error, err instanceof Error ? err.message : String(err));
  }
}

async function fail(deps: VoiceDeps, message: Message, error: VoiceFailure, detail: string): Promise<Heard> {
  deps.logger.warn({ organizationId: message.organizationId, messageId: message.id, error, detail: detail.slice(0, 300) }, 'voice note not transcribed');
  await storeTranscript(deps, message.id, { status: 'failed', error, at: new Date().toISOString() });
  return { status: 'failed', error };
}

/** Writes `payload.transcript` and tells the inbox, which shows it under the audio player. */
async function storeTranscript(deps: Pick<Deps, 'database'>, messageId: string, transcript: StoredTranscript, tx?: Db): Promise<void> {
  const write = async (db: Db) => {
    const [current] = await db.select().from(messages).where(eq(messages.id, messageId)).for('update');
    if (!current) return;
    const [updated] = await db
      .update(messages)
      .set({ payload: { ...current.payload, transcript }, updatedAt: new Date() })
      .where(eq(messages.id, messageId))
      .returning();
    const [conversation] = await db
      .select({ assigneeId: conversations.assigneeId })
      .from(conversations)
      .where(and(eq(conversations.id, current.conversationId), eq(conversations.organizationId, current.organizationId)));
    const { locale } = await loadInboxSettings(db, current.organizationId);
    await publishInboxEvent(db, {
      type: 'message.status',
      organizationId: current.organizationId,
      conversationId: current.conversationId,
      assigneeId: conversation?.assigneeId ?? null,
      messageId,
      isPrivate: current.isPrivate,
      data: presentMessage(updated!, locale),
    });
  };
  if (tx) await write(tx);
  else await deps.database.db.transaction(write);
}


/**
 * Sends `text` as a voice note (Ogg/Opus, the settings' voice) after the text replies of the same turn:
 * synthesized, stored as a file of the conversation and sent through the inbox's send path, which
 * uploads it to WhatsApp and sends it as `audio` with `voice: true`. The spoken text is stored as the
 * message's transcript. Once per inbound message (idempotency key); any failure is logged and the
 * customer still has the text.
 */
export async function sendVoiceReply(deps: VoiceDeps, settings: AssistantSettingsRow, input: { organizationId: string; conversationId: string; text: string; keyBase: string }): Promise<void> {
  const text = input.text.trim();
  if (!text) return;
  const key = `assistant:${input.keyBase}:voice`;
  const db = deps.database.db;
  const [already] = await db.select({ id: messages.id }).from(messages).where(and(eq(messages.organizationId, input.organizationId), eq(messages.idempotencyKey, key)));
  if (already) return;
  const log = { organizationId: input.organizationId, conversationId: input.conversationId };
  const config = audioConfigOf(deps, settings);
  if (typeof config === 'string') {
    deps.logger.warn({ ...log, error: config }, 'spoken reply skipped: the AI provider has no audio API configured');
    return;
  }
  let speech: Awaited<ReturnType<typeof synthesizeSpeech>>;
  try {
    speech = await synthesizeSpeech(config, text, settings.voice, httpOptions(deps, settings));
  } catch (err) {
    deps.logger.warn({ ...log, error: err instanceof AudioError ? err.code : 'network', detail: err instanceof Error ? err.message.slice(0, 300) : 'unknown' }, 'spoken reply not synthesized; the text reply stands');
    return;
  }
  let file: StoredFile | undefined;
  try {
    file = await storeFile(deps, db, { organizationId: input.organizationId, data: speech.data, mimeType: speech.mimeType, filename: 'reply.ogg', source: 'upload', conversationId: input.conversationId });
    const fileId = file.id;
    const inbox = await loadInboxSettings(db, input.organizationId);
    const created = await db.transaction(async (tx) => {
      const conversation = await lockConversation(tx, input.organizationId, input.conversationId);
      if (!conversation) throw new Error('conversation gone');
      const sent = await createOutbound(tx, deps, { principal: assistantPrincipal(input.organizationId), settings: inbox, conversation, author: 'assistant' }, { type: 'media', mediaType: 'audio', fileId }, key);
      // Another run sent it first: this file is not needed.
      if (!sent.created) return false;
      // A voice note (not an audio file) and its words, for WhatsApp and for the agents reading the inbox.
      const [row] = await tx.select({ payload: messages.payload }).from(messages).where(eq(messages.id, sent.message.id));
      const media = z.record(z.string(), z.unknown()).catch({}).parse(row?.payload.media);
      await tx.update(messages).set({ payload: { ...row?.payload, media: { ...media, voice: true } } }).where(eq(messages.id, sent.message.id));
      await storeTranscript(deps, sent.message.id, { status: 'done', source: 'speech', text: text.slice(0, 4096), language: null, model: speech.model, at: new Date().toISOString() }, tx);
      return true;
    });
    if (!created) await removeFile(deps, db, file);
  } catch (err) {
    deps.logger.warn({ ...log, detail: err instanceof Error ? err.message.slice(0, 300) : 'unknown' }, 'spoken reply not sent; the text reply stands');
    if (file) await removeFile(deps, db, file).catch(() => undefined);
  }
}


