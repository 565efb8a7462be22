import type { DraftContent } from './template-components.ts';
import { orderedKeys, urlVariable } from './template-draft.ts';

/**
 * One value a send of the template needs: a header variable or media, a body variable, or a button
 * parameter (the end of a dynamic URL, an offer code). Campaigns map each `key` to a source.
 */
export interface TemplateParameter {
  /** `header.1` / `header.first_name`, `header.media`, `body.1` / `body.first_name`, `button.<index>`. */
  key: string;
  component: 'header' | 'body' | 'button';
  kind: 'text' | 'image' | 'video' | 'document' | 'coupon';
  /** The variable's name (`1`, `first_name`) or, for buttons, the button's index. */
  name: string;
  /** The example given at submission, if any. */
  example: string | null;
  buttonIndex?: number;
}

/** Every parameter of a template, in send order (header, body, buttons). Pure. */
export function templateParameters(content: DraftContent): TemplateParameter[] {
  const out: TemplateParameter[] = [];
  const header = content.header;
  if (header?.format === 'text') {
    for (const k of orderedKeys(header.text)) out.push({ key: `header.${k}`, component: 'header', kind: 'text', name: k, example: header.examples?.[k] ?? null });
  } else if (header) {
    out.push({ key: 'header.media', component: 'header', kind: header.format, name: 'media', example: null });
  }
  for (const k of orderedKeys(content.body.text)) out.push({ key: `body.${k}`, component: 'body', kind: 'text', name: k, example: content.body.examples?.[k] ?? null });
  (content.buttons ?? []).forEach((b, index) => {
    if (b.type === 'url' && urlVariable(b.url) !== undefined) {
      out.push({ key: `button.${index}`, component: 'button', kind: 'text', name: String(index), example: b.example ?? null, buttonIndex: index });
    } else if (b.type === 'copy_code') {
      out.push({ key: `button.${index}`, component: 'button', kind: 'coupon', name: String(index), example: b.example, buttonIndex: index });
    }
  });
  return out;
}

/** A template as WhatsApp shows it, with values in place. */
export interface RenderedTemplate {
  header: { type: 'text'; text: string } | { type: 'image' | 'video' | 'document'; link: string | null } | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string; url?: string; phoneNumber?: string; code?: string }[];
}

/**
 * Fills a template with values by parameter key (see `templateParameters`); a parameter without a
 * value shows its example, and without one either stays as `{{name}}`. Pure.
 */
export function renderTemplate(content: DraftContent, values: Record<string, string> = {}): RenderedTemplate {
  const fill = (component: 'header' | 'body', text: string, examples: Record<string, string> | undefined) =>
    text.replace(/\{\{([a-z0-9_]+)\}\}/g, (whole, key: string) => values[`${component}.${key}`] ?? examples?.[key] ?? whole);
  const h = content.header;
  const header: RenderedTemplate['header'] = !h
    ? null
    : h.format === 'text'
      ? { type: 'text', text: fill('header', h.text, h.examples) }
      : { type: h.format, link: values['header.media'] ?? null };
  const buttons = (content.buttons ?? []).map((b, index) => {
    const value = values[`button.${index}`];
    switch (b.type) {
      case 'url':
        return { type: b.type, text: b.text, url: urlVariable(b.url) !== undefined ? b.url.replace(/\{\{[^{}]*\}\}$/, value ?? b.example ?? '{{1}}') : b.url };
      case 'phone_number':
        return { type: b.type, text: b.text, phoneNumber: b.phoneNumber };
      case 'copy_code':
        return { type: b.type, text: b.text ?? '', code: value ?? b.example };
      case 'unsupported':
        return { type: b.metaType.toLowerCase(), text: b.text };
      default:
        return { type: b.type, text: b.text };
    }
  });
  return { header, body: fill('body', content.body.text, content.body.examples), footer: content.footer?.text ?? null, buttons };
}

/** The rendered template as one plain text (header, body, footer), for conversation previews and exports. */
export function renderedText(r: RenderedTemplate): string {
  const parts = [r.header?.type === 'text' ? `*${r.header.text}*` : null, r.body, r.footer].filter((p): p is string => !!p);
  return parts.join('\n\n');
}
