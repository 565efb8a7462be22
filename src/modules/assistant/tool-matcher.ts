import type { Locale } from '../../shared/i18n.ts';
import type { AssistantTool } from '../integrations/index.ts';
import { tAssistant } from './assistant.i18n.ts';
import { stems } from './text-match.ts';

/** Built-in tools the offline brain may pick by itself (the others need judgment: a model or a person). */
const OFFLINE_BUILTINS = new Set(['save_contact']);

/** The matcher's index of one tool set: for each stem, the tools that have it and its weight there. */
interface ToolIndex {
  tools: AssistantTool[];
  postings: Map<string, { tool: number; weight: number }[]>;
  idf: Map<string, number>;
  maxIdf: number;
}

// Keyed by the tool list itself: the tools cache hands out the same array while the tool set is unchanged.
const indexes = new WeakMap<AssistantTool[], Map<Locale, ToolIndex>>();

/**
 * Indexes tools for lexical matching: stems of example phrases (weight 1), the description (0.7) and
 * parameter names and descriptions (0.4), with inverse document frequency across the organization's
 * tools so a word shared by every tool ("pedido") counts less than one only a single tool has
 * ("reembolso"). Built once per tool set and locale, as an inverted index (stem → tools), so matching
 * a message against hundreds of tools only visits the tools that share a word with it.
 */
function indexOf(tools: AssistantTool[], locale: Locale): ToolIndex {
  let byLocale = indexes.get(tools);
  const hit = byLocale?.get(locale);
  if (hit) return hit;
  const eligible = tools.filter((t) => t.kind === 'integration' || OFFLINE_BUILTINS.has(t.name));
  const postings = new Map<string, { tool: number; weight: number }[]>();
  eligible.forEach((tool, i) => {
    const weights = new Map<string, number>();
    const add = (text: string, w: number) => {
      for (const s of stems(text)) weights.set(s, Math.max(weights.get(s) ?? 0, w));
    };
    for (const p of tool.parameters) add(`${p.name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ')} ${p.description}`, 0.4);
    add(tool.description, 0.7);
    const examples = tool.kind === 'builtin' && tool.name === 'save_contact' ? tAssistant(locale, 'builtin.lead.examples').split('|') : tool.examples;
    for (const e of examples) add(e, 1);
    for (const [s, weight] of weights) {
      const list = postings.get(s);
      if (list) list.push({ tool: i, weight });
      else postings.set(s, [{ tool: i, weight }]);
    }
  });
  const n = eligible.length;
  const idf = new Map([...postings].map(([s, list]) => [s, Math.log(1 + n / list.length)]));
  const built = { tools: eligible, postings, idf, maxIdf: Math.log(1 + n) };
  if (!byLocale) {
    byLocale = new Map();
    indexes.set(tools, byLocale);
  }
  byLocale.set(locale, built);
  return built;
}

/** A tool with how well the message matches it (0–1). */
export interface ToolMatch {
  tool: AssistantTool;
  score: number;
}

/** The tools that match a message, best first. Words no tool knows count half, so chit-chat dilutes less. */
export function rankTools(tools: AssistantTool[], text: string, locale: Locale): ToolMatch[] {
  const { tools: eligible, postings, idf, maxIdf } = indexOf(tools, locale);
  const message = [...stems(text)];
  if (!message.length || !eligible.length) return [];
  const weightOf = (s: string) => idf.get(s) ?? maxIdf * 0.5;
  const total = message.reduce((sum, s) => sum + weightOf(s), 0);
  const scores = new Map<number, number>();
  for (const s of message) {
    const w = weightOf(s);
    for (const p of postings.get(s) ?? []) scores.set(p.tool, (scores.get(p.tool) ?? 0) + p.weight * w);
  }
  return [...scores]
    .map(([i, sum]) => ({ tool: eligible[i]!, score: sum / total, i }))
    .filter((m) => m.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map(({ tool, score }) => ({ tool, score }));
}
