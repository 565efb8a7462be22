import type { ToolRow } from '../../db/schema/index.ts';
import type { FieldIssue } from '../../shared/errors.ts';
import { type PlaceholderRef, templateRefs, ToolInputError } from './placeholders.ts';
import { splitUrlTemplate } from './render-request.ts';
import { parsePath } from './response-mapping.ts';
import { hasControlCharacters, type JsonValue, type ResponseMapping, type ToolParameter, type ToolRequest } from './tool-definition.ts';

/** The parts of a tool definition that are checked together. */
export interface ToolDraft {
  parameters: readonly ToolParameter[];
  request: ToolRequest | null;
  responseMapping: readonly ResponseMapping[];
  replyTemplate?: string | null;
}

/** Where a tool lives: its integration's base URL and the names of its secrets. */
export interface ToolDraftContext {
  kind: 'http' | 'mcp';
  baseUrl: string | null;
  secretNames: ReadonlySet<string>;
}

/**
 * Checks a tool definition as a whole, returning every problem with its path: unique parameter and
 * variable names, a URL whose host holds no placeholder and has no `.`/`..` segment, placeholders that
 * name declared parameters, contact fields or existing secrets, no body on GET, parseable mapping
 * paths, and a reply template that reads no secret (it is sent to the customer).
 */
export function validateToolDraft(draft: ToolDraft, ctx: ToolDraftContext): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const params = new Set<string>();
  draft.parameters.forEach((p, i) => {
    if (params.has(p.name)) issues.push({ path: `parameters.${i}.name`, message: 'Two parameters have this name' });
    params.add(p.name);
  });
  const variables = new Set<string>();
  draft.responseMapping.forEach((m, i) => {
    if (variables.has(m.variable)) issues.push({ path: `responseMapping.${i}.variable`, message: 'Two variables have this name' });
    variables.add(m.variable);
    guard(issues, `responseMapping.${i}.path`, () => parsePath(m.path));
  });
  const checkRefs = (template: string, path: string, allow: { secrets: boolean; variables: boolean }) =>
    guard(issues, path, () => {
      for (const ref of templateRefs(template, path)) {
        const problem = refProblem(ref, params, variables, ctx.secretNames, allow);
        if (problem) issues.push({ path, message: problem });
      }
    });
  if (ctx.kind === 'http') {
    const r = draft.request;
    if (!r) issues.push({ path: 'request', message: 'Required' });
    else {
      guard(issues, 'request.url', () => {
        const parts = splitUrlTemplate(r.url, ctx.baseUrl);
        if (parts.path.split('/').some((s) => s === '.' || s === '..')) issues.push({ path: 'request.url', message: 'The path cannot contain "." or ".." segments' });
      });
      checkRefs(r.url, 'request.url', { secrets: true, variables: false });
      r.headers.forEach((h, i) => {
        checkRefs(h.value, `request.headers.${i}.value`, { secrets: true, variables: false });
        if (hasControlCharacters(h.value)) issues.push({ path: `request.headers.${i}.value`, message: 'A header value cannot contain line breaks or control characters' });
      });
      r.query.forEach((q, i) => {
        checkRefs(q.value, `request.query.${i}.value`, { secrets: true, variables: false });
      });
      if (r.body !== undefined && r.body !== null) {
        if (r.method === 'GET') issues.push({ path: 'request.body', message: 'A GET request cannot have a body; use query parameters' });
        forEachString(r.body, 'request.body', (s, path) => checkRefs(s, path, { secrets: true, variables: false }));
      }
    }
  }
  if (draft.replyTemplate) checkRefs(draft.replyTemplate, 'replyTemplate', { secrets: false, variables: true });
  return issues;
}

function refProblem(ref: PlaceholderRef, params: Set<string>, variables: Set<string>, secrets: ReadonlySet<string>, allow: { secrets: boolean; variables: boolean }): string | null {
  switch (ref.scope) {
    case 'param':
      if (params.has(ref.name) || (allow.variables && variables.has(ref.name))) return null;
      return allow.variables ? `{{${ref.name}}} is neither a parameter nor a mapped variable` : `{{${ref.name}}} is not a parameter of this tool`;
    case 'secrets':
      if (!allow.secrets) return 'A reply cannot contain secrets: it is sent to the customer';
      return secrets.has(ref.name) ? null : `{{secrets.${ref.name}}}: the integration has no secret with this name`;
    case 'conversation':
      return allow.variables ? 'The reply cannot contain the conversation id' : null;
    case 'contact':
      return null;
  }
}

function guard(issues: FieldIssue[], path: string, fn: () => void) {
  try {
    fn();
  } catch (err) {
    if (err instanceof ToolInputError) issues.push({ path: err.path.startsWith(path) ? err.path : path, message: err.message });
    else throw err;
  }
}

function forEachString(node: JsonValue, path: string, fn: (s: string, path: string) => void) {
  if (typeof node === 'string') fn(node, path);
  else if (Array.isArray(node)) for (const [i, n] of node.entries()) forEachString(n, `${path}.${i}`, fn);
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) forEachString(v, `${path}.${k}`, fn);
}

/** The names of the integration secrets a stored tool's request uses. */
export function secretsUsedByTool(tool: Pick<ToolRow, 'request'>): string[] {
  const found = new Set<string>();
  const scan = (s: string) => {
    for (const m of s.matchAll(/\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) found.add(m[1]!);
  };
  const walk = (v: unknown) => {
    if (typeof v === 'string') scan(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(tool.request);
  return [...found];
}

/** The JSON Schema of a tool's parameters, as a model receives it. */
export function toolJsonSchema(params: readonly ToolParameter[]): Record<string, unknown> {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const p of params) {
    const base: Record<string, unknown> = p.description ? { description: p.description } : {};
    if (p.example) base.examples = [p.example];
    switch (p.type) {
      case 'number':
        properties[p.name] = { ...base, type: 'number' };
        break;
      case 'integer':
        properties[p.name] = { ...base, type: 'integer' };
        break;
      case 'boolean':
        properties[p.name] = { ...base, type: 'boolean' };
        break;
      case 'enum':
        properties[p.name] = { ...base, type: 'string', enum: p.enumValues ?? [] };
        break;
      case 'date':
        properties[p.name] = { ...base, type: 'string', format: 'date' };
        break;
      case 'email':
        properties[p.name] = { ...base, type: 'string', format: 'email' };
        break;
      case 'phone':
        properties[p.name] = { ...base, type: 'string', description: `${p.description ? `${p.description} ` : ''}(phone number with country code)`.trim() };
        break;
      default:
        properties[p.name] = { ...base, type: 'string', ...(p.pattern ? { pattern: p.pattern } : {}) };
    }
  }
  return { type: 'object', properties, required: params.filter((p) => p.required).map((p) => p.name), additionalProperties: false };
}
