/**
 * A template as people and the API write it (the "draft"): friendlier than Meta's wire format, and
 * convertible both ways (`template-components.ts`). Variables are `{{1}}`, `{{2}}`… or named
 * `{{first_name}}`; every variable's example lives in `examples`, keyed by the variable's name.
 */

/** Template categories (Meta's, lower case). */
export const TEMPLATE_CATEGORIES = ['marketing', 'utility', 'authentication'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** Header media formats. */
export const HEADER_MEDIA_FORMATS = ['image', 'video', 'document'] as const;
export type HeaderMediaFormat = (typeof HEADER_MEDIA_FORMATS)[number];

/** An optional header: a short text (≤ 1 variable) or a media file. */
export type DraftHeader =
  | { format: 'text'; text: string; examples?: Record<string, string> }
  | {
      format: HeaderMediaFormat;
      /** The sample file Meta reviews: a Charla file id (uploaded with POST /api/v1/files), or a handle Meta already issued. */
      example: { fileId?: string; handle?: string };
    };

/** A button. `url` buttons with `{{1}}` at the end are dynamic: each send fills the variable. */
export type DraftButton =
  | { type: 'quick_reply'; text: string }
  | { type: 'url'; text: string; url: string; example?: string }
  | { type: 'phone_number'; text: string; phoneNumber: string }
  | { type: 'copy_code'; text?: string; example: string }
  | { type: 'otp'; text: string }
  /** A button Charla cannot build (flow, catalog…), kept as Meta sent it on templates created elsewhere. */
  | { type: 'unsupported'; metaType: string; text: string };

/** A whole template. */
export interface TemplateDraft {
  name: string;
  language: string;
  category: TemplateCategory;
  header?: DraftHeader | null;
  body: { text: string; examples?: Record<string, string> };
  footer?: { text: string } | null;
  buttons?: DraftButton[];
}

/** One variable occurrence in a text. */
export interface VariableToken {
  key: string;
  start: number;
  end: number;
}

/** Variables of a text and what could not be read as one. */
export interface ScannedText {
  tokens: VariableToken[];
  /** Fragments that look like a variable but are not written correctly (`{{ 1 }}`, `{{Nombre}}`, `{1}}`…). */
  malformed: string[];
}

const TOKEN_RE = /\{\{([^{}]*)\}\}/g;
/** A valid variable name: digits (positional) or lower-case letters, digits and underscores starting with a letter (named). */
export const VARIABLE_KEY_RE = /^(\d+|[a-z][a-z0-9_]*)$/;

/** Finds the variables of a text. Pure. */
export function scanVariables(text: string): ScannedText {
  const tokens: VariableToken[] = [];
  const malformed: string[] = [];
  let rest = '';
  let last = 0;
  for (const m of text.matchAll(TOKEN_RE)) {
    const key = m[1] ?? '';
    rest += text.slice(last, m.index);
    last = m.index + m[0].length;
    if (VARIABLE_KEY_RE.test(key)) tokens.push({ key, start: m.index, end: last });
    else malformed.push(m[0]);
  }
  rest += text.slice(last);
  // Braces left once the variables are out: `{1}}`, `{{1}`, `{ {1} }`…
  for (const m of rest.matchAll(/\{+[^{}\s]{0,30}\}*|\}+/g)) {
    if (m[0].includes('{{') || m[0].includes('}}') || /^\{\d+\}?$/.test(m[0])) malformed.push(m[0]);
  }
  return { tokens, malformed };
}

/** Distinct variable keys of a text in order of first appearance. */
export function variableKeys(text: string): string[] {
  return [...new Set(scanVariables(text).tokens.map((t) => t.key))];
}

/** Whether a key is positional (`1`) rather than named (`first_name`). */
export const isPositional = (key: string) => /^\d+$/.test(key);

/** The `{{1}}`-style variable of a dynamic URL button, if any. */
export function urlVariable(url: string): string | undefined {
  return scanVariables(url).tokens[0]?.key;
}

/** Meta's parameter format of a draft: named as soon as any header/body variable is named. */
export function parameterFormatOf(draft: Pick<TemplateDraft, 'header' | 'body'>): 'positional' | 'named' {
  const keys = [...variableKeys(draft.body.text), ...(draft.header?.format === 'text' ? variableKeys(draft.header.text) : [])];
  return keys.some((k) => !isPositional(k)) ? 'named' : 'positional';
}

/** Variable keys sorted the way Meta expects their examples: positional by number, named by appearance. */
export function orderedKeys(text: string): string[] {
  const keys = variableKeys(text);
  return keys.every(isPositional) ? keys.sort((a, b) => Number(a) - Number(b)) : keys;
}
