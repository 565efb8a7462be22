import type { Template, TemplateBody } from './api.ts';

/** A button as the builder edits it (every field present, so inputs stay controlled). */
export interface ButtonState {
  /** A local id, only to keep React's rows stable while buttons are added and removed. */
  uid: string;
  type: 'quick_reply' | 'url' | 'phone_number' | 'copy_code' | 'otp';
  text: string;
  url: string;
  example: string;
  phoneNumber: string;
}

/** The builder's state. */
export interface TemplateFormState {
  channelId: string;
  name: string;
  language: string;
  category: 'marketing' | 'utility' | 'authentication';
  headerFormat: 'none' | 'text' | 'image' | 'video' | 'document';
  headerText: string;
  headerExamples: Record<string, string>;
  headerFileId: string;
  headerFileName: string;
  headerHandle: string;
  bodyText: string;
  bodyExamples: Record<string, string>;
  footerText: string;
  buttons: ButtonState[];
}

/** An empty template. */
export const EMPTY_FORM: TemplateFormState = {
  channelId: '',
  name: '',
  language: 'es',
  category: 'marketing',
  headerFormat: 'none',
  headerText: '',
  headerExamples: {},
  headerFileId: '',
  headerFileName: '',
  headerHandle: '',
  bodyText: '',
  bodyExamples: {},
  footerText: '',
  buttons: [],
};

/** A new button of a type. */
let uidCounter = 0;
const uid = () => `b${++uidCounter}`;
export const newButton = (type: ButtonState['type']): ButtonState => ({ uid: uid(), type, text: '', url: 'https://', example: '', phoneNumber: '+' });

/** Variable names in a text, in order of first appearance (`{{1}}`, `{{first_name}}`). */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{([a-z0-9_]+)\}\}/g)].map((m) => m[1] ?? ''))];
}

/** The next `{{n}}` for "Add variable": one more than the highest number used. */
export function nextVariable(text: string): string {
  const numbers = variablesIn(text).filter((v) => /^\d+$/.test(v)).map(Number);
  return `{{${(numbers.length ? Math.max(...numbers) : 0) + 1}}}`;
}

const only = (examples: Record<string, string>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, examples[k] ?? '']));

/** The API body (create and lint) of the builder's state. */
export function toBody(s: TemplateFormState): TemplateBody {
  const header: TemplateBody['header'] =
    s.headerFormat === 'none'
      ? null
      : s.headerFormat === 'text'
        ? { format: 'text', text: s.headerText, examples: only(s.headerExamples, variablesIn(s.headerText)) }
        : { format: s.headerFormat, example: s.headerFileId ? { fileId: s.headerFileId } : s.headerHandle ? { handle: s.headerHandle } : {} };
  const buttons: NonNullable<TemplateBody['buttons']> = s.buttons.map((b) => {
    switch (b.type) {
      case 'url':
        return { type: 'url', text: b.text, url: b.url, ...(/\{\{[^}]*\}\}$/.test(b.url) ? { example: b.example } : {}) };
      case 'phone_number':
        return { type: 'phone_number', text: b.text, phoneNumber: b.phoneNumber };
      case 'copy_code':
        return { type: 'copy_code', example: b.example };
      case 'otp':
        return { type: 'otp', text: b.text };
      default:
        return { type: 'quick_reply', text: b.text };
    }
  });
  return {
    ...(s.channelId ? { channelId: s.channelId } : {}),
    name: s.name,
    language: s.language,
    category: s.category,
    header,
    body: { text: s.bodyText, examples: only(s.bodyExamples, variablesIn(s.bodyText)) },
    footer: s.footerText ? { text: s.footerText } : null,
    buttons,
  };
}

/** The builder's state of a stored template (to edit it). */
export function fromTemplate(t: Template): TemplateFormState {
  const header = t.header;
  return {
    ...EMPTY_FORM,
    channelId: t.channelId,
    name: t.name,
    language: t.language,
    category: t.category,
    headerFormat: header ? header.format : 'none',
    headerText: header?.format === 'text' ? header.text : '',
    headerExamples: header?.format === 'text' ? (header.examples ?? {}) : {},
    headerHandle: header && header.format !== 'text' ? (header.example.handle ?? '') : '',
    bodyText: t.body.text,
    bodyExamples: t.body.examples ?? {},
    footerText: t.footer?.text ?? '',
    buttons: t.buttons.flatMap((raw): ButtonState[] => {
      const type = String(raw.type);
      const str = (k: string) => (typeof raw[k] === 'string' ? String(raw[k]) : '');
      if (type === 'quick_reply' || type === 'url' || type === 'phone_number' || type === 'copy_code' || type === 'otp') {
        return [{ uid: uid(), type, text: str('text'), url: str('url'), example: str('example'), phoneNumber: str('phoneNumber') }];
      }
      return [];
    }),
  };
}

/** Server field paths (`body.examples.1`, `buttons.0.url`) → the builder's inputs. */
export function fieldOf(path: string): string {
  if (path.startsWith('header.examples.')) return `headerExamples.${path.slice('header.examples.'.length)}`;
  if (path.startsWith('body.examples.')) return `bodyExamples.${path.slice('body.examples.'.length)}`;
  if (path === 'header.example' || path === 'header.example.fileId') return 'headerFile';
  const map: Record<string, string> = { 'header.text': 'headerText', 'body.text': 'bodyText', 'footer.text': 'footerText' };
  return map[path] ?? path;
}
