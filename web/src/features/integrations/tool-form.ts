import type { components } from '../../api/client.ts';
import { CONTACT_FIELDS, type Tool, type ToolBody } from './types.ts';

type JsonValue = components['schemas']['JsonValueInput'];

/** Parameter types, in the order the builder offers them. */
export const PARAMETER_TYPES = ['string', 'number', 'integer', 'boolean', 'enum', 'date', 'email', 'phone'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];
/** HTTP methods a tool may use. */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Input styles for code-like values: monospace in the field only, not in its label. */
export const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } } as const;

let counter = 0;
/** A stable React key for a row added to a list (rows have no id of their own). */
export const rowKey = (): string => `row-${++counter}`;

/** A name/value row (headers, query parameters). */
export interface NameValueRow {
  key: string;
  name: string;
  value: string;
}

/** One row of the parameter table. */
export interface ParameterRow {
  key: string;
  name: string;
  type: ParameterType;
  description: string;
  required: boolean;
  pattern: string;
  enumValues: string[];
  example: string;
}

/** The tool builder's values (the JSON body is edited as text). */
export interface ToolFormValues {
  name: string;
  description: string;
  examples: string[];
  parameters: ParameterRow[];
  method: (typeof METHODS)[number];
  url: string;
  headers: NameValueRow[];
  query: NameValueRow[];
  bodyText: string;
  responseMapping: { key: string; variable: string; path: string }[];
  responseMode: 'template' | 'json';
  replyTemplate: string;
  timeoutMs: number;
  retries: number;
  fallbackMessage: string;
  handoffOnFailure: boolean;
  requiresConfirmation: boolean;
  enabled: boolean;
}

/** A new tool. */
export function newToolValues(): ToolFormValues {
  return {
    name: '',
    description: '',
    examples: [],
    parameters: [],
    method: 'GET',
    url: '',
    headers: [],
    query: [],
    bodyText: '',
    responseMapping: [],
    responseMode: 'template',
    replyTemplate: '',
    timeoutMs: 10_000,
    retries: 2,
    fallbackMessage: '',
    handoffOnFailure: false,
    requiresConfirmation: false,
    enabled: true,
  };
}

/** A new, empty parameter row. */
export const newParameter = (): ParameterRow => ({ key: rowKey(), name: '', type: 'string', description: '', required: true, pattern: '', enumValues: [], example: '' });

/** The builder's values of a stored tool. */
export function toolValues(tool: Tool): ToolFormValues {
  const r = tool.request;
  return {
    name: tool.name,
    description: tool.description,
    examples: tool.examples,
    parameters: tool.parameters.map((p) => ({ ...p, key: rowKey(), pattern: p.pattern ?? '', enumValues: p.enumValues ?? [], example: p.example ?? '' })),
    method: r && (METHODS as readonly string[]).includes(r.method) ? (r.method as ToolFormValues['method']) : 'GET',
    url: r?.url ?? '',
    headers: (r?.headers ?? []).map((h) => ({ key: rowKey(), ...h })),
    query: (r?.query ?? []).map((q) => ({ key: rowKey(), ...q })),
    bodyText: r?.body === null || r?.body === undefined ? '' : JSON.stringify(r.body, null, 2),
    responseMapping: tool.responseMapping.map((m) => ({ key: rowKey(), ...m })),
    responseMode: tool.responseMode,
    replyTemplate: tool.replyTemplate ?? '',
    timeoutMs: tool.timeoutMs,
    retries: tool.retries,
    fallbackMessage: tool.fallbackMessage ?? '',
    handoffOnFailure: tool.handoffOnFailure,
    requiresConfirmation: tool.requiresConfirmation,
    enabled: tool.enabled,
  };
}

/** Whether the body text is empty or valid JSON. */
export function bodyProblem(text: string): boolean {
  if (!text.trim()) return false;
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

/** The API body of the builder's values (call `bodyProblem` first). */
export function toolBody(v: ToolFormValues): ToolBody {
  const body: JsonValue | null = v.bodyText.trim() ? JSON.parse(v.bodyText) : null;
  return {
    name: v.name.trim(),
    description: v.description.trim(),
    examples: v.examples,
    parameters: v.parameters.map((p) => ({
      name: p.name.trim(),
      type: p.type,
      description: p.description,
      required: p.required,
      pattern: p.pattern.trim() || null,
      enumValues: p.type === 'enum' ? p.enumValues : null,
      example: p.example.trim() || null,
    })),
    request: {
      method: v.method,
      url: v.url.trim(),
      headers: v.headers.filter((h) => h.name.trim()).map((h) => ({ name: h.name.trim(), value: h.value })),
      query: v.query.filter((q) => q.name.trim()).map((q) => ({ name: q.name.trim(), value: q.value })),
      body: v.method === 'GET' ? null : body,
    },
    responseMapping: v.responseMapping.filter((m) => m.variable.trim() && m.path.trim()).map((m) => ({ variable: m.variable.trim(), path: m.path.trim() })),
    responseMode: v.responseMode,
    replyTemplate: v.replyTemplate.trim() || null,
    timeoutMs: v.timeoutMs,
    retries: v.retries,
    fallbackMessage: v.fallbackMessage.trim() || null,
    handoffOnFailure: v.handoffOnFailure,
    requiresConfirmation: v.requiresConfirmation,
    enabled: v.enabled,
  };
}

/** A placeholder suggestion: what `{{` offers, grouped. */
export interface Suggestion {
  group: 'params' | 'contact' | 'secrets' | 'variables' | 'conversation';
  value: string;
}

/** Suggestions for request fields (inputs, contact, secrets) or the reply template (values, inputs, contact). */
export function suggestionsFor(v: ToolFormValues, secretNames: string[], target: 'request' | 'reply'): Suggestion[] {
  const params = v.parameters.filter((p) => p.name.trim()).map((p) => ({ group: 'params' as const, value: p.name.trim() }));
  const contact = CONTACT_FIELDS.map((f) => ({ group: 'contact' as const, value: `contact.${f}` }));
  if (target === 'reply') {
    const variables = v.responseMapping.filter((m) => m.variable.trim()).map((m) => ({ group: 'variables' as const, value: m.variable.trim() }));
    return [...variables, ...params, ...contact];
  }
  return [...params, ...contact, ...secretNames.map((s) => ({ group: 'secrets' as const, value: `secrets.${s}` })), { group: 'conversation', value: 'conversation.id' }];
}

/** A JSON path for a key sequence: `data.items[0].status`, `['odd key']`. */
export function jsonPath(steps: (string | number)[]): string {
  return steps
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `${i === 0 ? '' : '.'}${s}` : `['${s.replace(/['\\]/g, '\\$&')}']`))
    .join('');
}

/** A variable name for a picked path, unique among the mapping's (`status`, `status2`…). */
export function variableFor(steps: (string | number)[], taken: string[]): string {
  const last = [...steps].reverse().find((s): s is string => typeof s === 'string') ?? 'value';
  const base = last.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'value';
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}${i}`;
  return name;
}
