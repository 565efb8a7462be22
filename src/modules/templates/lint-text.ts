import { LIMITS, type LintIssue } from './lint-issue.ts';
import { isPositional, scanVariables, type VariableToken } from './template-draft.ts';

/**
 * The variable rules shared by the header and the body (Meta rejects a template that breaks them):
 * well-formed `{{…}}`, one naming style, sequential numbers, not next to each other, not at the start
 * or end of the body, and a usable example for every variable. Pure.
 */
export function lintVariables(
  where: 'header' | 'body',
  text: string,
  examples: Record<string, string> | undefined,
  issues: LintIssue[],
): VariableToken[] {
  const { tokens, malformed } = scanVariables(text);
  for (const fragment of [...new Set(malformed)]) {
    issues.push({ code: 'variable_malformed', path: `${where}.text`, severity: 'error', params: { fragment, suggestion: suggestVariable(fragment) } });
  }
  const keys = [...new Set(tokens.map((t) => t.key))];
  const numbered = keys.filter(isPositional);
  if (numbered.length && numbered.length !== keys.length) {
    issues.push({ code: 'variable_mixed_formats', path: `${where}.text`, severity: 'error' });
  } else if (numbered.length) {
    const sorted = numbered.map(Number).sort((a, b) => a - b);
    const expected = sorted.map((_, i) => i + 1);
    if (sorted.some((n, i) => n !== expected[i])) {
      issues.push({
        code: 'variable_not_sequential',
        path: `${where}.text`,
        severity: 'error',
        params: { found: sorted.map((n) => `{{${n}}}`).join(', '), expected: expected.map((n) => `{{${n}}}`).join(', ') },
      });
    }
  }
  for (let i = 1; i < tokens.length; i++) {
    const between = text.slice(tokens[i - 1]!.end, tokens[i]!.start);
    if (between.trim() === '') {
      issues.push({ code: 'variable_adjacent', path: `${where}.text`, severity: 'error', params: { first: `{{${tokens[i - 1]!.key}}}`, second: `{{${tokens[i]!.key}}}` } });
    }
  }
  if (where === 'body' && tokens.length) {
    const first = tokens[0]!;
    const last = tokens.at(-1)!;
    if (text.slice(0, first.start).trim() === '') issues.push({ code: 'variable_at_start', path: 'body.text', severity: 'error', params: { variable: `{{${first.key}}}` } });
    if (text.slice(last.end).trim() === '') issues.push({ code: 'variable_at_end', path: 'body.text', severity: 'error', params: { variable: `{{${last.key}}}` } });
    const words = text.replace(/\{\{[^{}]*\}\}/g, ' ').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
    if (words < keys.length * 2) {
      issues.push({ code: 'variables_too_dense', path: 'body.text', severity: 'warning', params: { variables: keys.length, words } });
    }
  }
  lintExamples(where, keys, examples, issues);
  return tokens;
}

function lintExamples(where: 'header' | 'body', keys: string[], examples: Record<string, string> | undefined, issues: LintIssue[]) {
  for (const key of keys) {
    const example = examples?.[key];
    const path = `${where}.examples.${key}`;
    if (example === undefined || example.trim() === '') {
      issues.push({ code: 'variable_example_missing', path, severity: 'error', params: { variable: `{{${key}}}` } });
    } else if (/[\n\r]|\{\{|\}\}/.test(example) || example.length > LIMITS.exampleMax) {
      issues.push({ code: 'variable_example_invalid', path, severity: 'error', params: { variable: `{{${key}}}`, max: LIMITS.exampleMax } });
    }
  }
  for (const key of Object.keys(examples ?? {})) {
    if (!keys.includes(key)) issues.push({ code: 'variable_example_unused', path: `${where}.examples.${key}`, severity: 'warning', params: { variable: `{{${key}}}` } });
  }
}

/** What a person probably meant: `{{ 1 }}` → `{{1}}`, `{{Nombre Cliente}}` → `{{nombre_cliente}}`. */
export function suggestVariable(fragment: string): string {
  const inner = fragment.replace(/[{}]/g, '').trim();
  if (/^\d+$/.test(inner)) return `{{${Number(inner)}}}`;
  const named = inner
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^(\d)/, 'v$1');
  return named ? `{{${named}}}` : '{{1}}';
}

/** `Promo Verano 25!` → `promo_verano_25` (what the name rules allow). */
export function suggestName(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/_+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, LIMITS.nameMax) || 'my_template'
  );
}

/** True when the text holds an emoji (pictographs; digits and `#` alone are not). */
export const hasEmoji = (text: string) => /\p{Extended_Pictographic}/u.test(text);
