import type { CollectingState } from '../../db/schema/index.ts';
import { type AssistantTool, coerceArgument, type ToolParameter } from '../integrations/index.ts';
import { tAssistant } from './assistant.i18n.ts';
import { extractValues } from './extract-values.ts';
import { isNegative, stems } from './text-match.ts';
import { rankTools } from './tool-matcher.ts';
import type { TurnContext } from './turn-context.ts';

/** A match this good picks the tool even when the knowledge base also has an answer. */
const STRONG_TOOL = 0.5;
/** Below this a tool is not considered at all. */
const WEAK_TOOL = 0.3;
/** While collecting, a message must match another tool this well to switch to it. */
const SWITCH_TOOL = 0.6;
/** Invalid answers to one question before the assistant gives up and offers a person. */
const MAX_ATTEMPTS = 3;

/**
 * The offline brain: no model, only the organization's own words. It picks between the best tool
 * (lexical match on descriptions, examples and parameters) and the best knowledge answer, collects
 * missing arguments one question at a time, asks for confirmation when the tool requires it, and
 * says plainly when it does not know.
 */
export async function offlineBrain(ctx: TurnContext): Promise<void> {
  const collecting = ctx.session.collecting;
  if (collecting) {
    const tool = ctx.tools.find((t) => t.name === collecting.toolName);
    if (tool) {
      const ranked = rankTools(ctx.tools, ctx.text, ctx.locale);
      // Only a clear, longer request for another tool interrupts: short answers often share a word with some tool.
      const other = ranked[0] && ranked[0].tool.name !== tool.name && ranked[0].score >= SWITCH_TOOL && stems(ctx.text).size >= 2 ? ranked[0] : null;
      if (isNegative(ctx.text)) {
        ctx.patch.collecting = null;
        ctx.say(tAssistant(ctx.locale, 'collect.cancelled'));
        return;
      }
      if (!other) {
        const args = { ...collecting.args, ...extractValues(paramsOf(tool), ctx.text, { asked: collecting.missing }) };
        await fillOrAsk(ctx, tool, args, collecting);
        return;
      }
    }
    // A different request: drop what was being collected and treat the message as new.
    ctx.patch.collecting = null;
  }

  const ranked = rankTools(ctx.tools, ctx.text, ctx.locale);
  const best = ranked[0];
  if (best && best.score >= STRONG_TOOL) return startTool(ctx, best.tool);
  const answer = await ctx.knowledge(ctx.text);
  if (answer.status === 'answered') {
    ctx.patch.unknownCount = 0;
    ctx.say(answer.answer);
    return;
  }
  if (best && best.score >= WEAK_TOOL) return startTool(ctx, best.tool);
  await ctx.dontKnow(answer);
}

async function startTool(ctx: TurnContext, tool: AssistantTool): Promise<void> {
  ctx.patch.unknownCount = 0;
  await fillOrAsk(ctx, tool, extractValues(paramsOf(tool), ctx.text, { initial: true }), null);
}

/** The parameters the offline brain collects: the lead flow asks for name, e-mail and consent. */
function paramsOf(tool: AssistantTool): ToolParameter[] {
  if (tool.kind === 'builtin' && tool.name === 'save_contact') {
    return tool.parameters.map((p) => (['firstName', 'email', 'marketingConsent'].includes(p.name) ? { ...p, required: true } : p));
  }
  return tool.parameters;
}

async function fillOrAsk(ctx: TurnContext, tool: AssistantTool, proposed: Record<string, unknown>, previous: CollectingState | null): Promise<void> {
  const params = paramsOf(tool);
  const args: Record<string, unknown> = {};
  let invalidAsked = false;
  for (const p of params) {
    const raw = proposed[p.name];
    if (raw === undefined || raw === null || raw === '') continue;
    const checked = coerceArgument(p, raw);
    if (checked.ok) args[p.name] = checked.value;
    else if (previous?.missing === p.name) invalidAsked = true;
  }
  // The customer answered the question but no valid value could be read from it.
  if (previous && args[previous.missing] === undefined) invalidAsked = true;
  const missing = params.find((p) => p.required && args[p.name] === undefined);
  if (missing) {
    const attempts = previous?.missing === missing.name ? previous.attempts + 1 : 0;
    if (attempts >= MAX_ATTEMPTS) {
      ctx.patch.collecting = null;
      await ctx.dontKnow();
      return;
    }
    ctx.patch.collecting = { toolName: tool.name, args, missing: missing.name, attempts };
    ctx.events.push({ type: 'collecting', tool: tool.name, missing: missing.name });
    ctx.say(questionFor(ctx, tool, missing, invalidAsked && previous?.missing === missing.name));
    return;
  }
  ctx.patch.collecting = null;
  if (tool.requiresConfirmation) {
    await ctx.requestConfirmation(tool, args);
    return;
  }
  const result = await ctx.execute(tool, args);
  if (ctx.stopped) return;
  if (result.status === 'ok') ctx.say(result.reply ?? tAssistant(ctx.locale, 'tool.done'));
  else if (result.error?.code === 'invalid_arguments' && result.error.issues?.[0]) {
    const param = params.find((p) => p.name === result.error?.issues?.[0]?.param);
    if (param) {
      const { [param.name]: _dropped, ...rest } = args;
      ctx.patch.collecting = { toolName: tool.name, args: rest, missing: param.name, attempts: 0 };
      ctx.say(questionFor(ctx, tool, param, true));
      return;
    }
    ctx.say(result.fallbackMessage ?? tAssistant(ctx.locale, 'unknown.offer'));
  } else ctx.say(result.fallbackMessage ?? tAssistant(ctx.locale, 'unknown.offer'));
}

/** The question for a missing (or invalid) argument, in the customer's language. */
function questionFor(ctx: TurnContext, tool: AssistantTool, p: ToolParameter, invalid: boolean): string {
  if (tool.kind === 'builtin' && p.name === 'marketingConsent') return tAssistant(ctx.locale, 'ask.consent');
  const label =
    tool.kind === 'builtin' && p.name === 'firstName'
      ? tAssistant(ctx.locale, 'param.firstName')
      : tool.kind === 'builtin' && p.name === 'email'
        ? tAssistant(ctx.locale, 'param.email')
        : labelOf(p);
  return tAssistant(ctx.locale, invalid ? 'ask.invalid' : 'ask.param', { label });
}

/** "El número del pedido, por ejemplo 1002." → "el número del pedido, por ejemplo 1002". */
export function labelOf(p: ToolParameter): string {
  const d = p.description.trim().replace(/[.。]+$/, '');
  if (!d) return p.name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return d.charAt(0).toLowerCase() + d.slice(1);
}
