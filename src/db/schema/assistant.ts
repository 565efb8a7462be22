import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from './columns.ts';
import { conversations } from './inbox.ts';
import { organizations } from './organizations.ts';

// Owned by the assistant module (src/modules/assistant).

/** Who decides in a turn: `auto` = the model when one is configured, else the offline brain. */
export const assistantBrainEnum = pgEnum('assistant_brain', ['auto', 'llm', 'offline']);
/** Language-model providers. */
export const llmProviderEnum = pgEnum('llm_provider', ['openai', 'openai_compatible', 'anthropic']);
/** How a keyword matches a message (after folding case and accents). */
export const keywordMatchEnum = pgEnum('keyword_match', ['exact', 'contains', 'starts_with', 'regex']);
/** The life of an in-chat confirmation; only `pending` → `confirmed` runs the tool. */
export const confirmationStateEnum = pgEnum('confirmation_state', ['pending', 'confirmed', 'cancelled', 'expired']);

/** The AI settings of an organization (one row; defaults apply while it does not exist). */
export const assistantSettings = pgTable('assistant_settings', {
  organizationId: uuid()
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  enabled: boolean().notNull().default(false),
  brain: assistantBrainEnum().notNull().default('auto'),
  provider: llmProviderEnum(),
  /** SecretBox ciphertext (context = organization id); the API only shows `apiKeyLast4`. */
  apiKeyEncrypted: text(),
  apiKeyLast4: text(),
  baseUrl: text(),
  model: text(),
  persona: text().notNull().default(''),
  instructions: text().notNull().default(''),
  autoAssist: boolean().notNull().default(true),
  startKeywords: jsonb().$type<string[]>().notNull().default([]),
  stopKeywords: jsonb().$type<string[]>().notNull().default([]),
  keywordMatch: text().$type<'exact' | 'contains' | 'starts_with'>().notNull().default('contains'),
  agentReplyPausesAi: boolean().notNull().default(true),
  confirmationMinutes: integer().notNull().default(10),
  /** Overrides the knowledge base's answer threshold for the assistant (null: the knowledge setting). */
  knowledgeThreshold: real(),
  maxUnknownBeforeHandoff: integer().notNull().default(2),
  transcribeAudio: boolean().notNull().default(false),
  audioReplies: boolean().notNull().default(false),
  voice: text().notNull().default('alloy'),
  /** Organization totals of model usage; cost in millionths of a US dollar. */
  inputTokens: bigint({ mode: 'number' }).notNull().default(0),
  outputTokens: bigint({ mode: 'number' }).notNull().default(0),
  costMicros: bigint({ mode: 'number' }).notNull().default(0),
  updatedAt: updatedAt(),
});

/** What the assistant is collecting for a tool: arguments so far and the one it asked for. */
export interface CollectingState {
  toolName: string;
  args: Record<string, unknown>;
  missing: string;
  attempts: number;
}

/** One remembered turn (the language model's context; the playground has no conversation to read). */
export interface HistoryEntry {
  role: 'user' | 'assistant';
  text: string;
}

/**
 * The assistant's memory of one conversation or playground session: what it is collecting, how many
 * times in a row it did not know, the customer's language, recent history and model usage.
 */
export const assistantSessions = pgTable(
  'assistant_sessions',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: uuid().references(() => conversations.id, { onDelete: 'cascade' }),
    kind: text().$type<'conversation' | 'playground'>().notNull(),
    /** Started by a start keyword (the assistant answers although auto-assist is off). */
    active: boolean().notNull().default(false),
    language: text(),
    collecting: jsonb().$type<CollectingState | null>(),
    unknownCount: integer().notNull().default(0),
    history: jsonb().$type<HistoryEntry[]>().notNull().default([]),
    inputTokens: bigint({ mode: 'number' }).notNull().default(0),
    outputTokens: bigint({ mode: 'number' }).notNull().default(0),
    costMicros: bigint({ mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('assistant_sessions_conversation_idx').on(t.conversationId), index('assistant_sessions_org_idx').on(t.organizationId, t.updatedAt)],
);

/**
 * A sensitive tool call waiting for the customer's yes: the exact arguments shown to them. Moving out
 * of `pending` is one conditional UPDATE, so a duplicate delivery or a second worker never runs it twice.
 */
export const assistantConfirmations = pgTable(
  'assistant_confirmations',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    sessionId: uuid()
      .notNull()
      .references(() => assistantSessions.id, { onDelete: 'cascade' }),
    toolName: text().notNull(),
    /** The integration tool's id (null for built-in tools). */
    toolId: uuid(),
    args: jsonb().$type<Record<string, unknown>>().notNull(),
    state: confirmationStateEnum().notNull().default('pending'),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    resolvedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('assistant_confirmations_session_idx').on(t.sessionId, t.state)],
);

/** What happened in a turn (tool calls, confirmations, hand-offs, knowledge), for reports and the inbox. */
export const assistantEvents = pgTable(
  'assistant_events',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    sessionId: uuid()
      .notNull()
      .references(() => assistantSessions.id, { onDelete: 'cascade' }),
    conversationId: uuid().references(() => conversations.id, { onDelete: 'cascade' }),
    type: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('assistant_events_org_idx').on(t.organizationId, t.createdAt), index('assistant_events_session_idx').on(t.sessionId)],
);

/** A keyword rule answered before the assistant ("Automated Replies"). */
export const automatedReplies = pgTable(
  'automated_replies',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    keywords: jsonb().$type<string[]>().notNull(),
    match: keywordMatchEnum().notNull().default('contains'),
    priority: integer().notNull().default(0),
    /** Only these channels (empty: all). */
    channelIds: jsonb().$type<string[]>().notNull().default([]),
    /** Active hours in the organization's timezone, `HH:MM`; both null = always. */
    activeFrom: text(),
    activeTo: text(),
    /** Days of week 0 (Sunday)–6 when active; empty = every day. */
    activeDays: jsonb().$type<number[]>().notNull().default([]),
    reply: jsonb()
      .$type<
        | { type: 'text'; text: string }
        | { type: 'media'; mediaType: 'image' | 'video' | 'audio' | 'document'; link: string; caption?: string }
        | { type: 'template'; name: string; language: string; preview?: string }
      >()
      .notNull(),
    enabled: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('automated_replies_org_idx').on(t.organizationId, t.priority)],
);

/** An automated reply rule row. */
export type AutomatedReply = typeof automatedReplies.$inferSelect;
/** The AI settings row. */
export type AssistantSettingsRow = typeof assistantSettings.$inferSelect;
/** A session row. */
export type AssistantSession = typeof assistantSessions.$inferSelect;
/** A confirmation row. */
export type AssistantConfirmation = typeof assistantConfirmations.$inferSelect;
