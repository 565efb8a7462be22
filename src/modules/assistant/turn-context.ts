import type { Deps } from '../../container.ts';
import type { AssistantSession, AssistantSettingsRow } from '../../db/schema/index.ts';
import type { Locale } from '../../shared/i18n.ts';
import type { AssistantTool, ToolContact, ToolExecution } from '../integrations/index.ts';
import type { KnowledgeAnswer } from '../knowledge/index.ts';
import type { AssistantReply, TurnEvent } from './assistant.schemas.ts';

/** What a brain needs from the container. */
export type AssistantDeps = Pick<Deps, 'database' | 'secrets' | 'config' | 'logger'> & { outboundFetch?: Record<string, unknown> };

/**
 * One turn as a brain sees it: the message, the state, the tools, and the actions both brains share
 * (run a tool, ask for confirmation, hand off, say "I don't know"). Brains only decide; this does.
 */
export interface TurnContext {
  deps: AssistantDeps;
  settings: AssistantSettingsRow;
  session: AssistantSession;
  locale: Locale;
  text: string;
  contact: (ToolContact & { id?: string | null }) | null;
  tools: AssistantTool[];
  replies: AssistantReply[];
  events: TurnEvent[];
  /** Set when the turn must stop deciding (a confirmation was requested or the chat was handed off). */
  stopped: boolean;
  /** Model usage of the turn (LLM brain). */
  usage?: { inputTokens: number; outputTokens: number; costMicros: number };
  /** What the session will store after the turn. */
  patch: { collecting?: AssistantSession['collecting']; unknownCount?: number; language?: string };
  /** Runs a tool through the executor and records a `tool_call` event (hands off when the tool says so). */
  execute(tool: AssistantTool, args: Record<string, unknown>): Promise<ToolExecution>;
  /** Stores a pending confirmation with exactly these arguments and asks the customer. */
  requestConfirmation(tool: AssistantTool, args: Record<string, unknown>): Promise<void>;
  /** Hands the conversation to a person (once per turn) and tells the customer unless `notice` is false. */
  handOff(reason: string, notice?: boolean): Promise<void>;
  /** Answers from the knowledge base, or "unknown"; records a `knowledge` event when it answered. */
  knowledge(question: string): Promise<KnowledgeAnswer>;
  /** Says "I don't know" (offering a person), or hands off after too many in a row; logs a knowledge gap. */
  dontKnow(answer?: KnowledgeAnswer): Promise<void>;
  /** Adds a text reply. */
  say(text: string): void;
}

/** A brain: decides what to do with one customer message. */
export type Brain = (ctx: TurnContext) => Promise<void>;
