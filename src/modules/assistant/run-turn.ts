import type { AssistantConfirmation } from '../../db/schema/index.ts';
import { notFound } from '../../shared/errors.ts';
import { resolveLocale } from '../../shared/i18n.ts';
import { type AssistantTool, type ConversationActions, executeBuiltinTool, executeTool, type ToolContact, type ToolExecution } from '../integrations/index.ts';
import { settle } from '../../jobs/coalesce.ts';
import { answerFromKnowledge, judgeAnswer, type KnowledgeAnswer, recordKnowledgeGap } from '../knowledge/index.ts';
import { getOrganization } from '../organizations/organizations.service.ts';
import { tAssistant } from './assistant.i18n.ts';
import type { AssistantReply, TurnEvent } from './assistant.schemas.ts';
import { labelOf, offlineBrain } from './offline-brain.ts';
import { llmBrain } from './llm-brain.ts';
import { addOrganizationUsage, createConfirmation, loadSession, resolveConfirmation, type SessionRef, saveTurn } from './session.repository.ts';
import { brainOf } from './settings.service.ts';
import { guessLanguage, isAffirmative, isNegative, matchesKeyword, wantsHuman } from './text-match.ts';
import { assistantTools, loadTurnSetup } from './tools-cache.ts';
import type { AssistantDeps, TurnContext } from './turn-context.ts';

/** One customer message for the assistant. */
export interface TurnInput {
  organizationId: string;
  session: SessionRef;
  text: string;
  /** The id of the reply button the customer pressed, if any (`confirm:<id>` / `cancel:<id>`). */
  buttonId?: string | null;
  contact: (ToolContact & { id?: string | null }) | null;
  /** The channel the answer goes to (null: the playground). Reply buttons only where supported. */
  channelType: 'whatsapp' | 'webchat' | null;
  /** The inbox actions on the conversation (hand-off, notes, close); absent in the playground. */
  actions?: ConversationActions;
}

/** What a turn produced. */
export interface TurnResult {
  sessionId: string;
  brain: 'llm' | 'offline';
  replies: AssistantReply[];
  events: TurnEvent[];
  handedOff: boolean;
}

/**
 * The one agent loop, shared by both brains and the playground: load the session, settle a pending
 * confirmation (only a yes runs the tool — once, with exactly the stored arguments), catch stop
 * keywords and requests for a person, let the brain decide, then store the state, events and usage.
 * Switching brains changes only who decides.
 */
export async function runTurn(deps: AssistantDeps, input: TurnInput): Promise<TurnResult> {
  const db = deps.database.db;
  // Both brains start by asking the knowledge base about the message. When the message's own language
  // decides the turn's (it does whenever it can be told), that search runs beside the setup below instead
  // of after it; its results are judged against the threshold once the settings are in. Settled, so a
  // turn that never asks (a stop keyword, a confirmation) leaves no rejection behind.
  const guessed = guessLanguage(input.text);
  const early = guessed && input.text.trim() ? settle(() => answerFromKnowledge(deps, input.organizationId, input.text, { language: guessed, threshold: 0 })) : undefined;
  // One round trip for the settings, the tools' version and the session with its pending confirmation;
  // the organization (cached) alongside. A session that does not exist yet is created next.
  const [setup, org] = await Promise.all([loadTurnSetup(db, input.organizationId, input.session), getOrganization(db, input.organizationId)]);
  if (!setup) throw notFound('Organization');
  const loaded = setup.loaded ?? (await loadSession(db, input.organizationId, input.session));
  if (!loaded) throw notFound('Playground session');
  const { settings } = setup;
  const { session } = loaded;
  const locale = guessed ?? resolveLocale(session.language ?? org.locale);
  const tools = await assistantTools(db, input.organizationId, locale, setup.toolsVersion);
  const brain = brainOf(settings);
  const source = input.session.kind === 'playground' ? ('playground' as const) : ('assistant' as const);
  let handedOff = false;
  // Tool-call log entries being committed while the turn goes on; awaited before the turn ends.
  const pendingWrites: Promise<unknown>[] = [];

  const ctx: TurnContext = {
    deps,
    settings,
    session,
    locale,
    text: input.text,
    contact: input.contact,
    tools,
    replies: [],
    events: [],
    stopped: false,
    patch: { language: locale },
    say: (text) => void ctx.replies.push({ type: 'text', text }),
    async execute(tool, args) {
      const run = await runTool(deps, ctx, input, tool, args, source, pendingWrites);
      ctx.events.push({ type: 'tool_call', tool: tool.name, args, status: run.status, latencyMs: run.latencyMs, ...(run.error ? { error: run.error.code } : {}) });
      if (run.handoff && !handedOff) {
        if (run.status !== 'ok' && run.fallbackMessage) ctx.say(run.fallbackMessage);
        const reason = run.status === 'ok' ? String(args.reason ?? tool.name) : tAssistant(locale, 'handoff.reason.toolFailure', { tool: tool.name });
        if (run.status === 'ok') await markHandedOff(reason);
        else await ctx.handOff(reason, !run.fallbackMessage);
      }
      return run;
    },
    async requestConfirmation(tool, args) {
      const confirmation = await createConfirmation(db, session, { toolName: tool.name, toolId: tool.kind === 'integration' ? tool.record.row.id : null, args, minutes: settings.confirmationMinutes });
      ctx.events.push({ type: 'confirmation_requested', confirmationId: confirmation.id, tool: tool.name, args, expiresAt: confirmation.expiresAt.toISOString() });
      ctx.replies.push(confirmationPrompt(ctx, tool, args, confirmation, input.channelType));
      ctx.stopped = true;
    },
    async handOff(reason, notice = true) {
      if (handedOff) return;
      if (input.actions && session.conversationId) {
        await input.actions.handOff({ organizationId: input.organizationId, conversationId: session.conversationId, reason: `${reason}\n${input.text.slice(0, 300)}` });
      }
      if (notice) ctx.say(tAssistant(locale, 'handoff.notice'));
      await markHandedOff(reason);
    },
    async knowledge(question) {
      const searched = early && question === input.text && locale === guessed ? await early : undefined;
      const answer = searched?.ok
        ? judgeAnswer(searched.value.results, setup.knowledgeThreshold)
        : await answerFromKnowledge(deps, input.organizationId, question, { language: locale, threshold: setup.knowledgeThreshold });
      if (answer.status === 'answered') {
        ctx.events.push({ type: 'knowledge', sources: answer.sources.map((s) => ({ documentId: s.documentId, documentTitle: s.documentTitle, matchedQuestion: s.matchedQuestion, confidence: s.confidence })) });
      }
      return answer;
    },
    async dontKnow(answer?: KnowledgeAnswer) {
      const count = session.unknownCount + 1;
      ctx.patch.unknownCount = count;
      await recordKnowledgeGap(deps, {
        organizationId: input.organizationId,
        question: input.text,
        reason: answer?.status === 'unknown' && answer.reason === 'low_confidence' ? 'low_confidence' : 'unanswered',
        conversationId: session.conversationId,
        confidence: answer?.confidence ?? null,
      });
      if (count >= settings.maxUnknownBeforeHandoff) {
        ctx.say(tAssistant(locale, 'unknown.handoff'));
        await ctx.handOff(tAssistant(locale, 'handoff.reason.unknown'), false);
      } else ctx.say(tAssistant(locale, 'unknown.offer'));
    },
  };
  async function markHandedOff(reason: string) {
    handedOff = true;
    ctx.stopped = true;
    ctx.patch.collecting = null;
    ctx.patch.unknownCount = 0;
    ctx.events.push({ type: 'handoff', reason });
  }

  const settled = await settleConfirmation(ctx, input, loaded.pending);
  if (!settled) {
    if (settings.stopKeywords.length && matchesKeyword(input.text, settings.stopKeywords, settings.keywordMatch)) {
      await ctx.handOff(tAssistant(locale, 'handoff.reason.keyword'));
    } else if (wantsHuman(input.text) || (session.unknownCount > 0 && !session.collecting && isAffirmative(input.text))) {
      await ctx.handOff(tAssistant(locale, 'handoff.reason.frustrated'));
    } else {
      await (brain === 'llm' ? llmBrain : offlineBrain)(ctx);
    }
  }

  const turn = [{ role: 'user' as const, text: input.text }, ...ctx.replies.map((r) => ({ role: 'assistant' as const, text: r.text }))];
  // The session's state, history, usage and events in one statement; the organization's usage totals and
  // the tool calls' log entries alongside.
  await Promise.all([
    saveTurn(db, session, { patch: ctx.patch, turn, events: ctx.events, usage: ctx.usage }),
    ctx.usage ? addOrganizationUsage(db, input.organizationId, ctx.usage) : undefined,
    ...pendingWrites,
  ]);
  return { sessionId: session.id, brain, replies: ctx.replies, events: ctx.events, handedOff };
}

/**
 * Applies the message to a pending confirmation. Returns true when the message was the answer to it
 * (yes, no, a button) and the turn is over; false when the brain should still handle the message.
 */
async function settleConfirmation(ctx: TurnContext, input: TurnInput, pending: AssistantConfirmation | null): Promise<boolean> {
  const button = input.buttonId?.match(/^(confirm|cancel):(.+)$/);
  if (!pending) {
    // A button of a confirmation already settled (or a duplicate delivery): nothing more to do.
    return !!button;
  }
  if (button && button[2] !== pending.id) return true;
  const yes = button ? button[1] === 'confirm' : isAffirmative(input.text);
  const no = button ? button[1] === 'cancel' : isNegative(input.text);
  const db = ctx.deps.database.db;
  if (pending.expiresAt.getTime() <= Date.now()) {
    if (await resolveConfirmation(db, pending.id, 'expired')) ctx.events.push({ type: 'confirmation_expired', confirmationId: pending.id, tool: pending.toolName });
    ctx.say(tAssistant(ctx.locale, 'confirm.expired'));
    return yes || no;
  }
  if (yes) {
    const claimed = await resolveConfirmation(db, pending.id, 'confirmed');
    // Another delivery or worker claimed it first: it runs there, exactly once.
    if (!claimed) return true;
    ctx.events.push({ type: 'confirmation_confirmed', confirmationId: claimed.id, tool: claimed.toolName });
    const tool = ctx.tools.find((t) => t.name === claimed.toolName && (t.kind === 'builtin' || t.record.row.id === claimed.toolId));
    if (!tool) {
      ctx.say(tAssistant(ctx.locale, 'unknown.offer'));
      return true;
    }
    const run = await ctx.execute(tool, claimed.args);
    if (!ctx.stopped) ctx.say(run.status === 'ok' ? (run.reply ?? tAssistant(ctx.locale, 'tool.done')) : (run.fallbackMessage ?? tAssistant(ctx.locale, 'unknown.offer')));
    ctx.patch.unknownCount = 0;
    return true;
  }
  if (await resolveConfirmation(db, pending.id, 'cancelled')) ctx.events.push({ type: 'confirmation_cancelled', confirmationId: pending.id, tool: pending.toolName });
  if (no) {
    ctx.say(tAssistant(ctx.locale, 'confirm.cancelled'));
    return true;
  }
  // A different request cancels the confirmation; the brain handles the new message.
  return false;
}

async function runTool(
  deps: AssistantDeps,
  ctx: TurnContext,
  input: TurnInput,
  tool: AssistantTool,
  args: Record<string, unknown>,
  source: 'assistant' | 'playground',
  pendingWrites: Promise<unknown>[],
): Promise<ToolExecution> {
  const conversationId = ctx.session.conversationId;
  if (tool.kind === 'integration') {
    return executeTool(deps, { organizationId: input.organizationId, tool: tool.record, args, contact: input.contact, conversationId, source, locale: ctx.locale, pendingWrites });
  }
  return executeBuiltinTool(deps, { name: tool.name, organizationId: input.organizationId, args, contactId: input.contact?.id ?? null, conversationId, source, locale: ctx.locale }, input.actions);
}

/** "Before I go ahead, please confirm: …" with the exact arguments, as Yes/No buttons where the channel has them. */
function confirmationPrompt(ctx: TurnContext, tool: AssistantTool, args: Record<string, unknown>, confirmation: AssistantConfirmation, channelType: TurnInput['channelType']): AssistantReply {
  const action = tool.description.split(/\s+(?:cuando|quando|when)\s+|[.;:(]/i)[0]!.trim() || tool.name;
  const lines = tool.parameters.filter((p) => args[p.name] !== undefined).map((p) => `• ${capitalize(labelOf(p).split(',')[0]!)}: ${String(args[p.name])}`);
  const text = tAssistant(ctx.locale, 'confirm.prompt', { action: action.charAt(0).toLowerCase() + action.slice(1), args: lines.join('\n') });
  if (channelType === 'webchat') return { type: 'text', text: `${text}\n${tAssistant(ctx.locale, 'confirm.reask')}` };
  return {
    type: 'buttons',
    text,
    buttons: [
      { id: `confirm:${confirmation.id}`, title: tAssistant(ctx.locale, 'confirm.yes') },
      { id: `cancel:${confirmation.id}`, title: tAssistant(ctx.locale, 'confirm.no') },
    ],
  };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
