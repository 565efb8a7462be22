import type { ArgumentValue } from './coerce-arguments.ts';
import { type PlaceholderRef, parseTemplate, refLabel, soleRef, ToolInputError } from './placeholders.ts';
import type { HttpMethod, JsonValue, NameValue, ToolContact, ToolParameter, ToolRequest } from './tool-definition.ts';

/** The values placeholders are filled with. `args` must already be validated (see `coerceArguments`). */
export interface RenderContext {
  params: readonly ToolParameter[];
  args: Readonly<Record<string, ArgumentValue>>;
  contact?: ToolContact | null;
  /** The integration's secrets by name (`{{secrets.name}}`). */
  secrets: Readonly<Record<string, string>>;
  conversationId?: string | null;
}

/** What to render: the tool's request and its integration's base URL and shared headers. */
export interface RenderInput {
  baseUrl: string | null | undefined;
  request: ToolRequest;
  /** Headers every tool of the integration sends; a tool header of the same name wins. */
  integrationHeaders?: readonly NameValue[];
}

/** A request ready to send. */
export interface RenderedRequest {
  method: HttpMethod;
  url: string;
  headers: [string, string][];
  /** JSON text, when the tool has a body. */
  body?: string;
  /** Every secret value placed in the request, so displays and logs can mask them. */
  secretValues: string[];
}

/** The rendering of one placeholder: a typed value, or `undefined` when an optional input is absent. */
type Resolved = ArgumentValue | undefined;

/**
 * Fills a tool's request with values, escaping each for where it lands, so that no value can change
 * the request's shape: path placeholders are percent-encoded as one segment (`12345/../../admin` stays
 * a single segment; `.` and `..` are refused), query values are encoded, header values with control
 * characters (CR/LF…) are refused rather than stripped, and JSON body values are inserted as JSON values
 * (a sole `"{{amount}}"` becomes the typed number). Placeholders are allowed only in the path and query,
 * never in the scheme, host or port. Unknown placeholders and missing secrets are errors.
 */
export function renderRequest(input: RenderInput, ctx: RenderContext): RenderedRequest {
  const secretValues = new Set<string>();
  const resolve = (ref: PlaceholderRef, path: string): Resolved => {
    switch (ref.scope) {
      case 'param': {
        if (!ctx.params.some((p) => p.name === ref.name)) throw new ToolInputError('unknown_placeholder', `{{${ref.name}}} is not a parameter of this tool`, path);
        return ctx.args[ref.name];
      }
      case 'contact': {
        const c = ctx.contact;
        if (!c) return undefined;
        const value = ref.name === 'name' ? [c.firstName, c.lastName].filter(Boolean).join(' ') : c[ref.name];
        return value ? String(value) : undefined;
      }
      case 'secrets': {
        const value = ctx.secrets[ref.name];
        if (value === undefined) throw new ToolInputError('unknown_placeholder', `{{secrets.${ref.name}}}: the integration has no secret with that name`, path);
        if (value) secretValues.add(value);
        return value;
      }
      case 'conversation':
        return ctx.conversationId ?? undefined;
    }
  };
  const text = (template: string, path: string, encode: (s: string) => string = (s) => s) =>
    parseTemplate(template, path)
      .map((part) => ('text' in part ? part.text : encode(stringOf(resolve(part.ref, path)))))
      .join('');

  const url = renderUrl(input, resolve, text);
  const headers = renderHeaders(input, resolve, text);
  const method = input.request.method;
  let body: string | undefined;
  if (input.request.body !== undefined && input.request.body !== null && method !== 'GET') {
    const rendered = renderJson(input.request.body, 'request.body', resolve, text);
    body = JSON.stringify(rendered === undefined ? null : rendered);
    if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['content-type', 'application/json']);
  }
  return { method, url, headers, body, secretValues: [...secretValues] };
}

type Resolve = (ref: PlaceholderRef, path: string) => Resolved;
type Text = (template: string, path: string, encode?: (s: string) => string) => string;

const stringOf = (value: Resolved): string => (value === undefined ? '' : String(value));

/** Percent-encodes everything outside RFC 3986 unreserved characters, `/` included. */
const encodeComponent = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Splits `scheme://host:port/path?query` of an absolute template; the origin must hold no placeholder. */
export function splitUrlTemplate(template: string, baseUrl: string | null | undefined, where = 'request.url'): { origin: string; basePath: string; path: string; query: string } {
  if (template.includes('#')) throw new ToolInputError('invalid_url', 'The URL cannot contain a fragment (#)', where);
  const absolute = /^https?:\/\//i.exec(template);
  let origin: string;
  let basePath = '';
  let rest: string;
  if (absolute) {
    const slash = template.indexOf('/', absolute[0].length);
    const question = template.indexOf('?', absolute[0].length);
    const end = [slash, question].filter((n) => n >= 0).reduce((a, b) => Math.min(a, b), template.length);
    origin = template.slice(0, end);
    rest = template.slice(end);
    if (origin.includes('{{')) throw new ToolInputError('placeholder_not_allowed', 'Placeholders are allowed in the URL\'s path and query, not in its host', where);
  } else {
    if (!baseUrl) throw new ToolInputError('invalid_url', 'Set the integration\'s base URL, or write an absolute http(s) URL', where);
    const base = new URL(baseUrl);
    origin = base.origin;
    basePath = base.pathname.replace(/\/+$/, '');
    rest = template.startsWith('/') || template.startsWith('?') ? template : `/${template}`;
  }
  try {
    new URL(origin);
  } catch {
    throw new ToolInputError('invalid_url', 'The URL is not valid', where);
  }
  const q = rest.indexOf('?');
  const path = (q < 0 ? rest : rest.slice(0, q)) || '/';
  return { origin, basePath, path, query: q < 0 ? '' : rest.slice(q + 1) };
}

function renderUrl(input: RenderInput, resolve: Resolve, text: Text): string {
  const parts = splitUrlTemplate(input.request.url, input.baseUrl);
  const segments = parts.path.split('/').map((segment, i) => {
    if (i === 0) return segment;
    const where = 'request.url';
    const rendered = text(segment, where, encodeComponent);
    if (segment.includes('{{')) {
      if (rendered === '') {
        const names = parseTemplate(segment, where).flatMap((p) => ('ref' in p ? [refLabel(p.ref)] : []));
        throw new ToolInputError('missing_argument', `${names.join(', ')} is needed to build the URL`, `args.${names[0] ?? ''}`);
      }
      if (/^(\.|%2e){1,2}$/i.test(rendered)) throw new ToolInputError('invalid_path_segment', 'A value cannot be "." or ".." in the URL path', where);
    }
    return rendered;
  });
  const queryParts: string[] = [];
  if (parts.query) queryParts.push(text(parts.query, 'request.url', encodeComponent));
  input.request.query.forEach((q, i) => {
    const where = `request.query.${i}.value`;
    const only = soleRef(q.value, where);
    if (only && resolve(only, where) === undefined) return;
    queryParts.push(`${encodeComponent(q.name)}=${text(q.value, where, encodeComponent)}`);
  });
  const url = `${parts.origin}${parts.basePath}${segments.join('/')}${queryParts.length ? `?${queryParts.join('&')}` : ''}`;
  // Defence in depth: what the URL parser sees must be what the template described.
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ToolInputError('invalid_url', 'The rendered URL is not valid', 'request.url');
  }
  const expected = (parts.basePath + parts.path).split('/').length;
  if (parsed.origin !== new URL(parts.origin).origin || parsed.pathname.split('/').length !== expected) {
    throw new ToolInputError('invalid_path_segment', 'A value changed the shape of the URL', 'request.url');
  }
  return url;
}

// Header values: visible ASCII, spaces, tabs and Latin-1 letters. Anything else (CR, LF, NUL…) is refused.
const SAFE_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function renderHeaders(input: RenderInput, resolve: Resolve, text: Text): [string, string][] {
  const own = new Set(input.request.headers.map((h) => h.name.toLowerCase()));
  const merged = [
    ...(input.integrationHeaders ?? []).map((h, i) => ({ h, where: `headers.${i}.value` })).filter(({ h }) => !own.has(h.name.toLowerCase())),
    ...input.request.headers.map((h, i) => ({ h, where: `request.headers.${i}.value` })),
  ];
  const out: [string, string][] = [];
  for (const { h, where } of merged) {
    const only = soleRef(h.value, where);
    if (only && resolve(only, where) === undefined) continue;
    const value = text(h.value, where);
    if (!SAFE_HEADER_VALUE.test(value)) {
      throw new ToolInputError('unsafe_header_value', `The value of the ${h.name} header contains line breaks or control characters`, where);
    }
    out.push([h.name, value.trim()]);
  }
  return out;
}

/** Renders a body template; `undefined` means "leave this property out" (an absent optional input). */
function renderJson(node: JsonValue, path: string, resolve: Resolve, text: Text): JsonValue | undefined {
  if (typeof node === 'string') {
    const only = soleRef(node, path);
    if (only) return resolve(only, path);
    return text(node, path);
  }
  if (Array.isArray(node)) return node.map((item, i) => renderJson(item, `${path}.${i}`, resolve, text) ?? null);
  if (node && typeof node === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(node)) {
      const rendered = renderJson(value, `${path}.${key}`, resolve, text);
      if (rendered !== undefined) out[key] = rendered;
    }
    return out;
  }
  return node;
}
