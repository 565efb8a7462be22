import { CONTACT_FIELDS, type ContactField } from './tool-definition.ts';

/** What a `{{…}}` placeholder refers to. */
export type PlaceholderRef =
  | { scope: 'param'; name: string }
  | { scope: 'contact'; name: ContactField }
  | { scope: 'secrets'; name: string }
  | { scope: 'conversation'; name: 'id' };

/** A template cut into literal text and placeholders. */
export type TemplatePart = { text: string } | { ref: PlaceholderRef; raw: string };

/** Why a template or a value cannot be used; `path` says where (`request.headers.0.value`, `args.email`). */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
  constructor(
    readonly code: ToolInputErrorCode,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** Stable codes of rendering and validation problems. */
export type ToolInputErrorCode =
  | 'malformed_placeholder'
  | 'unknown_placeholder'
  | 'missing_argument'
  | 'invalid_argument'
  | 'unsafe_header_value'
  | 'invalid_path_segment'
  | 'invalid_url'
  | 'placeholder_not_allowed';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*\}\}/y;

/**
 * Splits a template into text and placeholders. `{{name}}` is a parameter, `{{contact.phone}}` a
 * contact field, `{{secrets.apiKey}}` an integration secret, `{{conversation.id}}` the conversation.
 * Anything else that opens with `{{` is an error, so a typo never reaches the wire as literal text.
 */
export function parseTemplate(template: string, path: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      text += template.slice(i);
      break;
    }
    text += template.slice(i, open);
    PLACEHOLDER.lastIndex = open;
    const match = PLACEHOLDER.exec(template);
    if (!match) {
      const close = template.indexOf('}}', open);
      const shown = template.slice(open, close < 0 ? open + 20 : close + 2);
      throw new ToolInputError('malformed_placeholder', `"${shown}" is not a valid placeholder; write {{name}}, {{contact.phone}} or {{secrets.name}}`, path);
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ ref: refOf(match[1]!, match[2], match[0], path), raw: match[0] });
    i = open + match[0].length;
  }
  if (text) parts.push({ text });
  return parts;
}

function refOf(head: string, tail: string | undefined, raw: string, path: string): PlaceholderRef {
  if (tail === undefined) return { scope: 'param', name: head };
  if (head === 'contact' && (CONTACT_FIELDS as readonly string[]).includes(tail)) return { scope: 'contact', name: tail as ContactField };
  if (head === 'secrets') return { scope: 'secrets', name: tail };
  if (head === 'conversation' && tail === 'id') return { scope: 'conversation', name: 'id' };
  const hint = head === 'contact' ? ` (contact fields: ${CONTACT_FIELDS.join(', ')})` : '';
  throw new ToolInputError('unknown_placeholder', `${raw} is not a known placeholder${hint}`, path);
}

/** Every placeholder of a template (throws on malformed ones). */
export function templateRefs(template: string, path: string): PlaceholderRef[] {
  return parseTemplate(template, path).flatMap((p) => ('ref' in p ? [p.ref] : []));
}

/** The single placeholder a template consists of, if it is exactly one (`"{{amount}}"`). */
export function soleRef(template: string, path: string): PlaceholderRef | undefined {
  const parts = parseTemplate(template, path);
  const [only] = parts;
  return parts.length === 1 && only && 'ref' in only ? only.ref : undefined;
}

/** `{{secrets.key}}` → `secrets.key`, for messages. */
export const refLabel = (ref: PlaceholderRef): string => (ref.scope === 'param' ? ref.name : `${ref.scope}.${ref.name}`);
