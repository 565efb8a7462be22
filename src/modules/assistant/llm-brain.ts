import type { generateText, LanguageModel, ModelMessage, ToolSet } from 'ai';
import { buildLanguageModel, estimateCostMicros } from '../../adapters/llm/language-model.ts';
import { type AssistantTool, coerceArguments } from '../integrations/index.ts';
import { tAssistant } from './assistant.i18n.ts';
import { lightFetch } from '../../shared/light-fetch.ts';
import { offlineBrain } from './offline-brain.ts';
import { providerKey } from './settings.service.ts';
import { rankTools } from './tool-matcher.ts';
import type { TurnContext } from './turn-context.ts';

/** Steps (model calls) one turn may take: tool call → result → … → answer. */
export const MAX_STEPS = 5;
const MODEL_TIMEOUT_MS = 60_000;
const LANGUAGE_NAMES = { es: 'español', 'pt-BR': 'português', en: 'English' } as const;

/**
 * The language-model brain (AI SDK v6): persona, instructions and knowledge excerpts in the system
 * prompt, recent history, the organization's tools as AI SDK tools whose `execute` goes through the
 * shared executor. A tool that needs confirmation does not run: it opens the confirmation and stops the
 * loop. Usage and estimated cost are added to the session and the organization. When the provider
 * fails, the offline brain answers instead, so the customer is never left without a reply.
 */
export async function llmBrain(ctx: TurnContext): Promise<void> {
  const { settings } = ctx;
  const provider = settings.provider!;
  const modelId = settings.model!;
  const [ai, model] = await Promise.all([loadAi(), modelOf(ctx)]);
  const knowledge = await ctx.knowledge(ctx.text);

  const system = [
    settings.persona.trim(),
    settings.instructions.trim(),
    tAssistant(ctx.locale, 'llm.system.language', { language: LANGUAGE_NAMES[ctx.locale] }),
    knowledge.results.length
      ? `${tAssistant(ctx.locale, 'llm.system.knowledge')}\n${knowledge.results
          .slice(0, 3)
          .map((r) => `### ${r.documentTitle}${r.matchedQuestion ? ` — ${r.matchedQuestion}` : ''}\n${(r.kind === 'qa' && r.answer ? r.answer : r.content).slice(0, 1500)}`)
          .join('\n\n')}`
      : tAssistant(ctx.locale, 'llm.system.noKnowledge'),
  ]
    .filter(Boolean)
    .join('\n\n');

  const messages: ModelMessage[] = [...ctx.session.history.map((h) => ({ role: h.role, content: h.text }) as ModelMessage), { role: 'user', content: ctx.text }];
  const tools: ToolSet = Object.fromEntries(toolsForModel(ctx).map((t) => [t.name, asSdkTool(ai, ctx, t)]));

  let result: Awaited<ReturnType<typeof generateText>>;
  try {
    result = await ai.generateText({
      model,
      system,
      messages,
      tools,
      stopWhen: [ai.stepCountIs(MAX_STEPS), () => ctx.stopped],
      maxRetries: 1,
      abortSignal: AbortSignal.timeout(MODEL_TIMEOUT_MS),
    });
  } catch (err) {
    // Never log the request: it may carry the key in headers. The message and status are enough.
    ctx.deps.logger.warn({ organizationId: settings.organizationId, provider, model: modelId, error: err instanceof Error ? err.message.slice(0, 300) : 'unknown' }, 'language model failed; the offline brain answers');
    if (ctx.stopped) return;
    await offlineBrain(ctx);
    return;
  }
  const inputTokens = result.totalUsage.inputTokens ?? 0;
  const outputTokens = result.totalUsage.outputTokens ?? 0;
  const costMicros = estimateCostMicros(provider, modelId, inputTokens, outputTokens);
  ctx.usage = { inputTokens, outputTokens, costMicros };
  ctx.events.push({ type: 'usage', inputTokens, outputTokens, estimatedCostUsd: costMicros / 1_000_000, model: modelId });
  if (ctx.stopped) return;
  const text = result.text.trim();
  if (text) {
    ctx.patch.unknownCount = 0;
    ctx.say(text);
  } else await ctx.dontKnow(knowledge);
}

let aiModule: Promise<typeof import('ai')> | undefined;
/**
 * The AI SDK, imported on first use (see src/adapters/llm/language-model.ts) and kept: every `import()`
 * resolves the specifier again, which under a loader (tsx) is a round trip to the loader's thread.
 */
function loadAi(): Promise<typeof import('ai')> {
  aiModule ??= import('ai');
  aiModule.catch(() => {
    aiModule = undefined;
  });
  return aiModule;
}

const models = new Map<string, { fingerprint: string; model: Promise<LanguageModel> }>();
const MAX_MODELS = 500;

/**
 * The organization's model client, built once per configuration (provider, model, base URL, key) rather
 * than per turn: building one decrypts the key and sets up the provider. A changed configuration
 * replaces the organization's client.
 */
function modelOf(ctx: TurnContext): Promise<LanguageModel> {
  const { settings } = ctx;
  const fingerprint = JSON.stringify([settings.provider, settings.model, settings.baseUrl, settings.apiKeyEncrypted]);
  const hit = models.get(settings.organizationId);
  if (hit?.fingerprint === fingerprint) return hit.model;
  const entry = {
    fingerprint,
    model: buildLanguageModel({ provider: settings.provider!, model: settings.model!, apiKey: providerKey(ctx.deps, settings), baseUrl: settings.baseUrl, fetch: lightFetch }),
  };
  if (!hit && models.size >= MAX_MODELS) models.delete(models.keys().next().value!);
  models.set(settings.organizationId, entry);
  entry.model.catch(() => {
    if (models.get(settings.organizationId) === entry) models.delete(settings.organizationId);
  });
  return entry.model;
}

/** Above this many tools, the model is offered the built-ins plus the best lexical matches only. */
const MAX_MODEL_TOOLS = 32;
const SHORTLIST = 24;

/**
 * The tools offered to the model. Hundreds of tool definitions cost tokens and latency on every call
 * and make models pick worse, so large catalogs are narrowed to the built-ins plus the tools whose
 * words best match the message and the recent history (the tool being collected stays in).
 */
function toolsForModel(ctx: TurnContext): AssistantTool[] {
  if (ctx.tools.length <= MAX_MODEL_TOOLS) return ctx.tools;
  const recent = [...ctx.session.history.slice(-4).map((h) => h.text), ctx.text].join(' ');
  const ranked = rankTools(ctx.tools, recent, ctx.locale).filter((m) => m.tool.kind === 'integration');
  const keep = new Set(ranked.slice(0, SHORTLIST).map((m) => m.tool.name));
  if (ctx.session.collecting) keep.add(ctx.session.collecting.toolName);
  return ctx.tools.filter((t) => t.kind === 'builtin' || keep.has(t.name));
}

/** An organization tool as an AI SDK tool; its arguments are validated again by the executor. */
function asSdkTool(ai: typeof import('ai'), ctx: TurnContext, t: AssistantTool) {
  return ai.tool({
    description: t.description,
    inputSchema: ai.jsonSchema<Record<string, unknown>>(t.inputSchema),
    execute: async (args: Record<string, unknown>) => {
      if (ctx.stopped) return { status: 'stopped' };
      if (t.requiresConfirmation) {
        const checked = coerceArguments(t.parameters, args);
        if (!checked.ok) return { status: 'error', error: 'invalid_arguments', issues: checked.issues.map((i) => ({ param: i.param, problem: i.problem })) };
        await ctx.requestConfirmation(t, checked.values);
        return { status: 'awaiting_customer_confirmation' };
      }
      const run = await ctx.execute(t, args);
      return {
        status: run.status,
        ...(run.reply ? { reply: run.reply } : {}),
        ...(Object.keys(run.variables).length ? { variables: run.variables } : {}),
        ...(run.json !== undefined ? { data: run.json } : {}),
        ...(run.error ? { error: run.error.code, issues: run.error.issues?.map((i) => ({ param: i.param, problem: i.problem })) } : {}),
        ...(run.fallbackMessage ? { fallbackMessage: run.fallbackMessage } : {}),
      };
    },
  });
}
