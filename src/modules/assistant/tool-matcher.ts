import type { Locale } from '../../shared/i18n.ts';
import type { AssistantTool } from '../integrations/index.ts';
import { tAssistant } from './assistant.i18n.ts';
import { stems } from './text-match.ts';

/** Built-in tools the offline brain may pick by itself (the others need judgment: a model or a person). */
const OFFLINE_BUILTINS = new Set(['save_contact']);

interface Bag {
  tool: AssistantTool;
  weights: Map<string, number>;
}

const cache = new Map<string, { bags: Bag[]; idf: Map<string, number>; maxIdf: number }>();

/**
 * Indexes tools for lexical matching: stems of example phrases (weight 1), the description (0.7) and
 * parameter names and descriptions (0.4), with inverse document frequency across the organization's
 * tools so a word shared by every tool ("pedido") counts less than one only a single tool has
 * ("reembolso"). Cached per tool set.
 */
function index(tools: AssistantTool[], locale: Locale) {
  const eligible = tools.filter((t) => t.kind === 'integration' || OFFLINE_BUILTINS.has(t.name));
  const key = `${locale}|${eligible.map((t) => `${t.name}:${t.kind === 'integration' ? t.record.row.updatedAt.getTime() : 0}`).join(',')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const bags: Bag[] = eligible.map((tool) => {
    const weights = new Map<string, number>();
    const add = (text: string, w: number) => {
      for (const s of stems(text)) weights.set(s, Math.max(weights.get(s) ?? 0, w));
    };
    for (const p of tool.parameters) add(`${p.name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ')} ${p.description}`, 0.4);
    add(tool.description, 0.7);
    const examples = tool.kind === 'builtin' && tool.name === 'save_contact' ? tAssistant(locale, 'builtin.lead.examples').split('|') : tool.examples;
    for (const e of examples) add(e, 1);
    return { tool, weights };
  });
  const df = new Map<string, number>();
  for (const b of bags) for (const s of b.weights.keys()) df.set(s, (df.get(s) ?? 0) + 1);
  const n = bags.length;
  const idf = new Map([...df].map(([s, d]) => [s, Math.log(1 + n / d)]));
  const built = { bags, idf, maxIdf: Math.log(1 + n) };
  if (cache.size > 500) cache.clear();
  cache.set(key, built);
  return built;
}

/** A tool with how well the message matches it (0–1). */
export interface ToolMatch {
  tool: AssistantTool;
  score: number;
}

/** The tools that match a message, best first. Words no tool knows count half, so chit-chat dilutes less. */
export function rankTools(tools: AssistantTool[], text: string, locale: Locale): ToolMatch[] {
  const { bags, idf, maxIdf } = index(tools, locale);
  const message = [...stems(text)];
  if (!message.length || !bags.length) return [];
  const weightOf = (s: string) => idf.get(s) ?? maxIdf * 0.5;
  const total = message.reduce((sum, s) => sum + weightOf(s), 0);
  return bags
    .map(({ tool, weights }) => ({ tool, score: message.reduce((sum, s) => sum + (weights.get(s) ?? 0) * weightOf(s), 0) / total }))
    .filter((m) => m.score > 0)
    .sort((a, b) => b.score - a.score);
}
