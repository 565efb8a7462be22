/**
 * Message templates: creation rules (reference §5.3), the emulator's review, and the checks Meta
 * makes when a template is sent (existence, approval, parameter count and format).
 */
import { z } from 'zod';
import { normalizeComponentCase, templateComponentSchema } from '../src/adapters/whatsapp-cloud/graph-schemas.ts';
import type { EmulatorConfig } from './config.ts';
import { metaError } from './meta-errors.ts';
import { mediaSource, type Preview } from './preview.ts';
import type { TemplateSendBody } from './send-schemas.ts';
import type { TemplateRecord } from './state.ts';

/** A template component in Meta's wire format. */
export type TemplateComponent = z.infer<typeof templateComponentSchema>;

/** Body of `POST /{waba-id}/message_templates`. */
export const createTemplateSchema = z.object({
  name: z.string(),
  language: z.string(),
  category: z.string().transform((s) => s.toUpperCase()),
  parameter_format: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(['POSITIONAL', 'NAMED']))
    .optional(),
  components: z.array(z.unknown()).min(1),
  allow_category_change: z.boolean().optional(),
});

const NAME_RE = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_RE = /^[a-z]{2,3}(_[A-Z]{2,4})?$/;
const VAR_RE = /\{\{\s*([a-z0-9_]+)\s*\}\}/g;
/** Template statuses the control API can set (each is also the webhook `event`). */
export const TEMPLATE_STATUS_EVENTS = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'REINSTATED', 'FLAGGED'] as const;
/** Meta's per-WABA template limit. */
export const MAX_TEMPLATES_PER_WABA = 250;

/** Variables of a text: `{{1}}`/`{{2}}` (positional) or `{{first_name}}` (named), in order of appearance. */
export function variablesOf(text: string | undefined): string[] {
  if (!text) return [];
  return [...text.matchAll(VAR_RE)].map((m) => m[1] ?? '');
}

const invalid = (title: string, message: string, subcode?: number) =>
  metaError(100, message, { subcode, userTitle: title, userMessage: message });

/** Validates a create request; returns the parsed components or throws Meta's error. */
export function validateTemplateCreate(input: z.infer<typeof createTemplateSchema>): TemplateComponent[] {
  if (!NAME_RE.test(input.name)) {
    throw invalid('Invalid template name', 'Template names may only contain lowercase letters, numbers and underscores, up to 512 characters.');
  }
  if (!LANGUAGE_RE.test(input.language)) throw invalid('Invalid language', `"${input.language}" is not a supported language code.`);
  if (!['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(input.category)) {
    throw invalid('Invalid category', 'Category must be MARKETING, UTILITY or AUTHENTICATION.');
  }
  const components: TemplateComponent[] = [];
  for (const raw of input.components) {
    const parsed = templateComponentSchema.safeParse(normalizeComponentCase(raw));
    if (!parsed.success) throw invalid('Invalid component', `Invalid component: ${parsed.error.issues[0]?.message ?? 'unknown shape'}.`);
    components.push(parsed.data);
  }
  const count = (type: TemplateComponent['type']) => components.filter((c) => c.type === type).length;
  if (count('BODY') !== 1) throw invalid('Body required', 'A template needs exactly one BODY component.');
  if (count('HEADER') > 1 || count('FOOTER') > 1 || count('BUTTONS') > 1) throw invalid('Too many components', 'At most one HEADER, FOOTER and BUTTONS component.');
  for (const c of components) {
    if (c.type === 'BODY' && c.text.length > 1024) throw invalid('Message template character limit exceeded', 'The body may have at most 1024 characters.', 2388040);
    if (c.type === 'HEADER' && c.format === 'TEXT') {
      if (!c.text || c.text.length > 60) throw invalid('Invalid header', 'A text header needs 1 to 60 characters.', 2388040);
      if (variablesOf(c.text).length > 1) throw invalid('Invalid header', 'A text header may have at most one variable.', 2388047);
    }
    if (c.type === 'FOOTER') {
      if (c.text.length > 60) throw invalid('Invalid footer', 'The footer may have at most 60 characters.', 2388040);
      if (variablesOf(c.text).length) throw invalid('Invalid footer', 'The footer cannot have variables.', 2388047);
    }
    if (c.type === 'BUTTONS') validateButtons(c.buttons);
  }
  return components;
}

function validateButtons(buttons: { type: string; text: string; url?: string }[]): void {
  if (buttons.length < 1 || buttons.length > 10) throw invalid('Invalid buttons', 'A template has 1 to 10 buttons.');
  const of = (type: string) => buttons.filter((b) => b.type.toUpperCase() === type).length;
  if (of('URL') > 2 || of('PHONE_NUMBER') > 1 || of('COPY_CODE') > 1) throw invalid('Invalid buttons', 'At most 2 URL, 1 PHONE_NUMBER and 1 COPY_CODE buttons.');
  for (const b of buttons) if (!b.text || b.text.length > 25) throw invalid('Invalid buttons', 'Button text needs 1 to 25 characters.');
  // Quick replies and the other buttons must be grouped, not interleaved.
  const kinds = buttons.map((b) => b.type.toUpperCase() === 'QUICK_REPLY');
  const switches = kinds.filter((k, i) => i > 0 && k !== kinds[i - 1]).length;
  if (switches > 1) throw invalid('Invalid buttons', 'Quick reply buttons and other buttons must be grouped together.');
}

/** The emulator's review: reject names matching the configured pattern and badly placed variables. */
export function reviewTemplate(t: TemplateRecord, review: EmulatorConfig['templateReview']): { status: 'APPROVED' } | { status: 'REJECTED'; reason: string; recommendation: string } {
  if (review.rejectNamePattern && t.name.toLowerCase().includes(review.rejectNamePattern.toLowerCase())) {
    return { status: 'REJECTED', reason: 'INVALID_FORMAT', recommendation: `The name contains "${review.rejectNamePattern}" (emulator review rule).` };
  }
  const body = t.components.find((c) => c.type === 'BODY');
  const text = body?.type === 'BODY' ? body.text : '';
  if (/\}\}\s*\{\{/.test(text)) return { status: 'REJECTED', reason: 'INVALID_FORMAT', recommendation: 'Variables cannot be next to each other.' };
  if (/^\s*\{\{/.test(text) || /\}\}\s*$/.test(text)) return { status: 'REJECTED', reason: 'INVALID_FORMAT', recommendation: 'Variables cannot be at the start or end of the body.' };
  if (t.parameterFormat === 'POSITIONAL') {
    const numbers = variablesOf(text).map(Number);
    const unique = [...new Set(numbers)].sort((a, b) => a - b);
    if (unique.some((n, i) => n !== i + 1)) return { status: 'REJECTED', reason: 'INVALID_FORMAT', recommendation: 'Variables must be numbered {{1}}, {{2}}, … in sequence.' };
  }
  return { status: 'APPROVED' };
}

/** Throws Meta's error when a template cannot be sent with these components; returns how it renders. */
export function checkTemplateSend(template: TemplateRecord | undefined, send: TemplateSendBody): Preview {
  if (!template || ['PENDING', 'REJECTED', 'IN_APPEAL', 'PENDING_DELETION', 'DELETED', 'ARCHIVED'].includes(template.status)) {
    throw metaError(132001, `template name (${send.name}) does not exist in ${send.language.code}`);
  }
  if (template.status === 'PAUSED') throw metaError(132015, `Template ${send.name} is paused because of low quality.`);
  if (template.status === 'DISABLED') throw metaError(132016, `Template ${send.name} has been disabled.`);
  const given = (type: string) => send.components.filter((c) => c.type === type);
  const named = template.parameterFormat === 'NAMED';
  const fill = (text: string, params: TemplateSendBody['components'][number]['parameters'], where: string) => {
    const vars = variablesOf(text);
    const expected = new Set(vars).size;
    if (params.length !== expected) {
      throw metaError(132000, `${where}: number of localizable_params (${params.length}) does not match the expected number of params (${expected})`);
    }
    const values = new Map<string, string>();
    params.forEach((p, i) => {
      const value = p.type === 'text' ? p.text : p.type === 'currency' ? p.currency?.fallback_value : p.type === 'date_time' ? p.date_time?.fallback_value : undefined;
      if (value === undefined) throw metaError(132012, `${where}: parameter ${i + 1} must be text, currency or date_time`);
      const key = named ? p.parameter_name : String(i + 1);
      if (!key || (named && !vars.includes(key))) throw metaError(132012, `${where}: unknown parameter_name "${p.parameter_name ?? ''}"`);
      values.set(key, value);
    });
    return text.replace(VAR_RE, (_, key: string) => values.get(key) ?? '');
  };

  const preview: Extract<Preview, { kind: 'template' }> = { kind: 'template', name: template.name, language: template.language, body: '', buttons: [] };
  for (const c of template.components) {
    if (c.type === 'HEADER') {
      const params = given('header')[0]?.parameters ?? [];
      if (c.format === 'TEXT') {
        preview.header = fill(c.text ?? '', params, 'header');
      } else if (c.format !== 'LOCATION') {
        const expectedType = c.format === 'GIF' ? 'video' : c.format.toLowerCase();
        const p = params[0];
        if (!p) throw metaError(132000, 'header: number of localizable_params (0) does not match the expected number of params (1)');
        const media = p.type === 'image' ? p.image : p.type === 'video' ? p.video : p.type === 'document' ? p.document : undefined;
        if (p.type !== expectedType || !media || (!media.id && !media.link)) {
          throw metaError(132012, `header: format mismatch, expected ${expectedType.toUpperCase()}, received ${p.type.toUpperCase()}`);
        }
        preview.headerMedia = { mediaType: expectedType, ...mediaSource(media) };
      }
    } else if (c.type === 'BODY') {
      preview.body = fill(c.text, given('body')[0]?.parameters ?? [], 'body');
      if (preview.body.length > 1024) throw metaError(132005, 'The hydrated body is longer than 1024 characters.');
    } else if (c.type === 'FOOTER') {
      preview.footer = c.text;
    } else {
      c.buttons.forEach((b, index) => {
        const type = b.type.toUpperCase();
        const param = given('button').find((g) => g.index === index)?.parameters[0];
        if (type === 'URL' && b.url && variablesOf(b.url).length) {
          if (!param?.text) throw metaError(132000, `buttons: button at index ${index} requires a url parameter`);
          preview.buttons.push({ type, text: b.text, url: b.url.replace(VAR_RE, param.text) });
        } else if (type === 'COPY_CODE') {
          if (!param?.coupon_code) throw metaError(132000, `buttons: button at index ${index} requires a coupon_code parameter`);
          preview.buttons.push({ type, text: b.text, payload: param.coupon_code });
        } else {
          preview.buttons.push({ type, text: b.text, url: b.url, payload: type === 'QUICK_REPLY' ? (param?.payload ?? b.text) : undefined });
        }
      });
    }
  }
  return preview;
}
