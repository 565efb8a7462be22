import type { TemplateButtonDefinition, TemplateDefinitionComponent } from '../../adapters/whatsapp-cloud/types.ts';
import {
  type DraftButton,
  type DraftHeader,
  type HeaderMediaFormat,
  orderedKeys,
  parameterFormatOf,
  type TemplateDraft,
  urlVariable,
} from './template-draft.ts';

/** The parts of a draft that live in Meta's components (name, language and category travel apart). */
export type DraftContent = Pick<TemplateDraft, 'header' | 'body' | 'footer' | 'buttons'>;

/**
 * A draft in Meta's wire format, ready for `POST /{waba-id}/message_templates`. `headerHandle` is the
 * sample file's handle from Meta's upload API (media headers only). Pure.
 */
export function toMetaComponents(draft: DraftContent, headerHandle?: string): TemplateDefinitionComponent[] {
  const named = parameterFormatOf(draft) === 'named';
  const components: TemplateDefinitionComponent[] = [];
  const header = draft.header;
  if (header?.format === 'text') {
    const keys = orderedKeys(header.text);
    const example = !keys.length
      ? undefined
      : named
        ? { header_text_named_params: keys.map((k) => ({ param_name: k, example: header.examples?.[k] ?? '' })) }
        : { header_text: keys.map((k) => header.examples?.[k] ?? '') };
    components.push({ type: 'HEADER', format: 'TEXT', text: header.text, ...(example ? { example } : {}) });
  } else if (header) {
    const handle = headerHandle ?? header.example.handle;
    components.push({ type: 'HEADER', format: metaFormat(header.format), ...(handle ? { example: { header_handle: [handle] } } : {}) });
  }
  const keys = orderedKeys(draft.body.text);
  const bodyExample = !keys.length
    ? undefined
    : named
      ? { body_text_named_params: keys.map((k) => ({ param_name: k, example: draft.body.examples?.[k] ?? '' })) }
      : { body_text: [keys.map((k) => draft.body.examples?.[k] ?? '')] };
  components.push({ type: 'BODY', text: draft.body.text, ...(bodyExample ? { example: bodyExample } : {}) });
  if (draft.footer?.text) components.push({ type: 'FOOTER', text: draft.footer.text });
  const buttons = (draft.buttons ?? []).flatMap(toMetaButton);
  if (buttons.length) components.push({ type: 'BUTTONS', buttons });
  return components;
}

function toMetaButton(b: DraftButton): TemplateButtonDefinition[] {
  switch (b.type) {
    case 'quick_reply':
      return [{ type: 'QUICK_REPLY', text: b.text }];
    case 'url': {
      const dynamic = urlVariable(b.url) !== undefined;
      return [{ type: 'URL', text: b.text, url: b.url, ...(dynamic ? { example: [b.url.replace(/\{\{[^{}]*\}\}$/, b.example ?? '')] } : {}) }];
    }
    case 'phone_number':
      return [{ type: 'PHONE_NUMBER', text: b.text, phone_number: b.phoneNumber.replace(/[\s().-]/g, '') }];
    case 'copy_code':
      return [{ type: 'COPY_CODE', text: b.text?.trim() || 'Copy offer code', example: b.example }];
    case 'otp':
      return [{ type: 'OTP', otp_type: 'COPY_CODE', text: b.text }];
    case 'unsupported':
      return [];
  }
}

const metaFormat = (f: HeaderMediaFormat) => (f === 'image' ? 'IMAGE' : f === 'video' ? 'VIDEO' : 'DOCUMENT');

/**
 * Meta's components back into a draft's content (for templates created in Meta's manager, and to edit
 * what was stored). Buttons Charla cannot build come back as `unsupported`. Pure.
 */
export function fromMetaComponents(components: TemplateDefinitionComponent[]): DraftContent {
  const content: DraftContent = { header: null, body: { text: '', examples: {} }, footer: null, buttons: [] };
  for (const c of components) {
    if (c.type === 'HEADER') content.header = headerFromMeta(c);
    else if (c.type === 'BODY') {
      const keys = orderedKeys(c.text);
      const examples: Record<string, string> = {};
      const named = c.example?.body_text_named_params;
      if (named) for (const p of named) examples[p.param_name] = p.example;
      else keys.forEach((k, i) => {
        const value = c.example?.body_text?.[0]?.[i];
        if (value !== undefined) examples[k] = value;
      });
      content.body = { text: c.text, examples };
    } else if (c.type === 'FOOTER') content.footer = { text: c.text };
    else content.buttons = c.buttons.map(buttonFromMeta);
  }
  return content;
}

function headerFromMeta(c: Extract<TemplateDefinitionComponent, { type: 'HEADER' }>): DraftHeader | null {
  if (c.format === 'TEXT') {
    const text = c.text ?? '';
    const examples: Record<string, string> = {};
    const key = orderedKeys(text)[0];
    const named = c.example?.header_text_named_params?.[0];
    if (named) examples[named.param_name] = named.example;
    else if (key !== undefined && c.example?.header_text?.[0] !== undefined) examples[key] = c.example.header_text[0];
    return { format: 'text', text, examples };
  }
  if (c.format === 'IMAGE' || c.format === 'DOCUMENT') return { format: c.format === 'IMAGE' ? 'image' : 'document', example: { handle: c.example?.header_handle?.[0] } };
  if (c.format === 'VIDEO' || c.format === 'GIF') return { format: 'video', example: { handle: c.example?.header_handle?.[0] } };
  return null;
}

function buttonFromMeta(b: TemplateButtonDefinition): DraftButton {
  const type = b.type.toUpperCase();
  const first = Array.isArray(b.example) ? b.example[0] : b.example;
  if (type === 'QUICK_REPLY') return { type: 'quick_reply', text: b.text };
  if (type === 'PHONE_NUMBER') return { type: 'phone_number', text: b.text, phoneNumber: b.phone_number ?? '' };
  if (type === 'COPY_CODE') return { type: 'copy_code', text: b.text, example: first ?? '' };
  if (type === 'OTP') return { type: 'otp', text: b.text };
  if (type === 'URL') {
    const url = b.url ?? '';
    const prefix = url.replace(/\{\{[^{}]*\}\}$/, '');
    if (urlVariable(url) === undefined) return { type: 'url', text: b.text, url };
    const example = first?.startsWith(prefix) ? first.slice(prefix.length) : first;
    return { type: 'url', text: b.text, url, example };
  }
  return { type: 'unsupported', metaType: type, text: b.text };
}

/** Whether Charla can send (and edit) this template: nothing it cannot model. */
export function isSupportedContent(content: DraftContent, unsupportedComponents: unknown[]): boolean {
  return unsupportedComponents.length === 0 && !(content.buttons ?? []).some((b) => b.type === 'unsupported');
}

