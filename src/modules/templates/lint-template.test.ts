import { describe, expect, it } from 'vitest';
import { LINT_CODES, type LintCode } from './lint-issue.ts';
import { describeLintIssue } from './lint-messages.ts';
import { hasErrors, lintTemplate } from './lint-template.ts';
import { suggestName, suggestVariable } from './lint-text.ts';
import type { TemplateDraft } from './template-draft.ts';

const base: TemplateDraft = {
  name: 'promo_verano',
  language: 'es',
  category: 'marketing',
  header: { format: 'text', text: 'Oferta para {{1}}', examples: { '1': 'Ana' } },
  body: { text: 'Hola {{1}}, tu cupón {{2}} vence el domingo.', examples: { '1': 'Ana', '2': 'VERANO20' } },
  footer: { text: 'Responde PARAR para no recibir más' },
  buttons: [
    { type: 'quick_reply', text: 'Me interesa' },
    { type: 'quick_reply', text: 'No, gracias' },
    { type: 'url', text: 'Ver tienda', url: 'https://tienda.example/p/{{1}}', example: 'verano' },
  ],
};

const codes = (draft: Partial<TemplateDraft>, context = {}) => lintTemplate({ ...base, ...draft }, context).map((i) => i.code);
const errorCodes = (draft: Partial<TemplateDraft>, context = {}) =>
  lintTemplate({ ...base, ...draft }, context)
    .filter((i) => i.severity === 'error')
    .map((i) => i.code);
const body = (text: string, examples: Record<string, string> = {}) => ({ body: { text, examples } });

describe('lintTemplate: Meta rules', () => {
  it('accepts a well-formed marketing template', () => {
    expect(lintTemplate(base)).toEqual([]);
  });

  it('checks the name format and suggests a valid one', () => {
    const [issue] = lintTemplate({ ...base, name: 'Promo Verano 25!' });
    expect(issue).toMatchObject({ code: 'name_invalid', path: 'name', params: { suggestion: 'promo_verano_25' } });
    expect(errorCodes({ name: '' })).toEqual(['name_required']);
    expect(errorCodes({ name: 'a'.repeat(513) })).toEqual(['name_too_long']);
    expect(suggestName('Año Nuevo — ofertas')).toBe('ano_nuevo_ofertas');
  });

  it('rejects unknown languages', () => {
    expect(errorCodes({ language: 'klingon' })).toEqual(['language_unsupported']);
    expect(errorCodes({ language: 'pt_BR' })).toEqual([]);
  });

  it('limits the text header: 60 characters, one variable, one line', () => {
    expect(errorCodes({ header: { format: 'text', text: 'x'.repeat(61) } })).toEqual(['header_text_too_long']);
    expect(errorCodes({ header: { format: 'text', text: 'Hola {{1}} y {{2}}', examples: { '1': 'a', '2': 'b' } } })).toContain('header_too_many_variables');
    expect(errorCodes({ header: { format: 'text', text: 'Línea\notra' } })).toEqual(['header_line_break']);
    expect(codes({ header: { format: 'text', text: 'Ofertas 🎉' } })).toEqual(['header_emoji']);
    expect(errorCodes({ header: { format: 'text', text: 'Hola {{1}}' } })).toEqual(['variable_example_missing']);
  });

  it('needs a sample file of the right type and size for media headers', () => {
    expect(errorCodes({ header: { format: 'image', example: {} } })).toEqual(['header_media_example_required']);
    const image = { header: { format: 'image' as const, example: { fileId: '0190b7a4-0000-7000-8000-000000000001' } } };
    expect(errorCodes(image, { headerMedia: { mimeType: 'image/png', size: 1000 } })).toEqual([]);
    expect(errorCodes(image, { headerMedia: { mimeType: 'image/gif', size: 1000 } })).toEqual(['header_media_type']);
    expect(errorCodes(image, { headerMedia: { mimeType: 'image/jpeg', size: 6 * 1024 * 1024 } })).toEqual(['header_media_too_large']);
    const video = { header: { format: 'video' as const, example: { handle: '4::abc' } } };
    expect(errorCodes(video, { headerMedia: { mimeType: 'video/mp4', size: 17 * 1024 * 1024 } })).toEqual(['header_media_too_large']);
    expect(errorCodes({ header: { format: 'document', example: { handle: '4::pdf' } } })).toEqual([]);
  });

  it('requires a body of at most 1024 characters', () => {
    expect(errorCodes(body('   '))).toEqual(['body_required']);
    expect(errorCodes(body('a'.repeat(1025)))).toEqual(['body_too_long']);
  });

  it('finds malformed variables and suggests the right spelling', () => {
    const issues = lintTemplate({ ...base, ...body('Hola {{ 1 }}, tu pedido {{Número}} y {2}} llegan hoy.') });
    const malformed = issues.filter((i) => i.code === 'variable_malformed').map((i) => i.params);
    expect(malformed).toEqual([
      { fragment: '{{ 1 }}', suggestion: '{{1}}' },
      { fragment: '{{Número}}', suggestion: '{{numero}}' },
      { fragment: '{2}}', suggestion: '{{2}}' },
    ]);
    expect(suggestVariable('{{Nombre Cliente}}')).toBe('{{nombre_cliente}}');
  });

  it('requires sequential numbering, one style, and examples', () => {
    expect(errorCodes(body('Hola {{1}}, pedido {{3}} listo.', { '1': 'a', '3': 'b' }))).toEqual(['variable_not_sequential']);
    expect(errorCodes(body('Hola {{1}}, pedido {{order}} listo.', { '1': 'a', order: 'b' }))).toEqual(['variable_mixed_formats']);
    expect(errorCodes(body('Hola {{1}}, pedido {{2}} listo.', { '1': 'Ana' }))).toEqual(['variable_example_missing']);
    expect(errorCodes(body('Hola {{1}}, listo.', { '1': 'línea\nrota' }))).toEqual(['variable_example_invalid']);
    expect(codes(body('Hola {{1}}, listo.', { '1': 'Ana', '2': 'sobra' }))).toEqual(['variable_example_unused']);
    // Named variables in the body with a positional one in the header cannot mix either.
    expect(errorCodes({ ...body('Hola {{first_name}}, listo.', { first_name: 'Ana' }) })).toEqual(['variable_mixed_formats']);
  });

  it('rejects adjacent variables and variables at the start or end of the body', () => {
    expect(errorCodes(body('Hola {{1}} {{2}}, listo.', { '1': 'a', '2': 'b' }))).toEqual(['variable_adjacent']);
    expect(errorCodes(body('{{1}}, tu pedido está listo.', { '1': 'Ana' }))).toEqual(['variable_at_start']);
    expect(errorCodes(body('Tu pedido está listo, {{1}}', { '1': 'Ana' }))).toEqual(['variable_at_end']);
    expect(errorCodes(body('Tu pedido está listo, {{1}}.', { '1': 'Ana' }))).toEqual([]);
  });

  it('warns when there are too many variables for the text', () => {
    const issues = lintTemplate({ ...base, ...body('Hi {{1}} x {{2}} y {{3}} z.', { '1': 'a', '2': 'b', '3': 'c' }) });
    expect(issues.map((i) => [i.code, i.severity])).toEqual([['variables_too_dense', 'warning']]);
    expect(hasErrors(issues)).toBe(false);
  });

  it('limits the footer', () => {
    expect(errorCodes({ footer: { text: 'x'.repeat(61) } })).toEqual(['footer_too_long']);
    expect(errorCodes({ footer: { text: 'Hola {{1}}' } })).toEqual(['footer_variables']);
  });

  it('counts buttons per type and in total', () => {
    const qr = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'quick_reply' as const, text: `Opción ${i}` }));
    expect(errorCodes({ buttons: qr(11) })).toEqual(['buttons_too_many', 'buttons_type_limit']);
    const urls = [1, 2, 3].map((i) => ({ type: 'url' as const, text: `Web ${i}`, url: `https://a.example/${i}` }));
    expect(errorCodes({ buttons: urls })).toEqual(['buttons_type_limit']);
    const phones = [1, 2].map((i) => ({ type: 'phone_number' as const, text: `Llamar ${i}`, phoneNumber: '+5215512345678' }));
    expect(errorCodes({ buttons: phones })).toEqual(['buttons_type_limit']);
    expect(codes({ buttons: qr(4) })).toEqual(['buttons_over_three']);
  });

  it('requires quick replies to be grouped apart from the other buttons', () => {
    const buttons = [
      { type: 'quick_reply' as const, text: 'Sí' },
      { type: 'url' as const, text: 'Web', url: 'https://a.example' },
      { type: 'quick_reply' as const, text: 'No' },
    ];
    expect(errorCodes({ buttons })).toEqual(['buttons_not_grouped']);
    expect(errorCodes({ buttons: [buttons[0]!, buttons[2]!, buttons[1]!] })).toEqual([]);
  });

  it('checks each button: text, URL variable position, example, phone, offer code', () => {
    expect(errorCodes({ buttons: [{ type: 'quick_reply', text: 'x'.repeat(26) }] })).toEqual(['button_text_too_long']);
    expect(errorCodes({ buttons: [{ type: 'quick_reply', text: 'Sí' }, { type: 'quick_reply', text: 'sí' }] })).toEqual(['button_text_duplicate']);
    expect(errorCodes({ buttons: [{ type: 'url', text: 'Web', url: 'tienda.example' }] })).toEqual(['button_url_invalid']);
    expect(errorCodes({ buttons: [{ type: 'url', text: 'Web', url: 'https://a.example/{{1}}/x', example: 'a' }] })).toEqual(['button_url_variable_position']);
    expect(errorCodes({ buttons: [{ type: 'url', text: 'Web', url: 'https://a.example/{{1}}' }] })).toEqual(['button_url_example_required']);
    expect(errorCodes({ buttons: [{ type: 'phone_number', text: 'Llamar', phoneNumber: '5512345678' }] })).toEqual(['button_phone_invalid']);
    expect(errorCodes({ buttons: [{ type: 'copy_code', example: 'DEMASIADO-LARGO-20' }] })).toEqual(['button_copy_code_example']);
    expect(errorCodes({ buttons: [{ type: 'copy_code', example: 'VERANO20' }] })).toEqual([]);
  });

  it('applies the authentication rules', () => {
    const auth: Partial<TemplateDraft> = {
      category: 'authentication',
      header: null,
      footer: null,
      body: { text: 'Tu código es {{1}}. No lo compartas.', examples: { '1': '123456' } },
      buttons: [{ type: 'otp', text: 'Copiar código' }],
    };
    expect(errorCodes(auth)).toEqual([]);
    expect(errorCodes({ ...auth, buttons: [] })).toEqual(['authentication_otp_required']);
    expect(errorCodes({ ...auth, header: { format: 'text', text: 'Código' } })).toEqual(['header_not_allowed']);
    expect(errorCodes({ ...auth, buttons: [{ type: 'otp', text: 'Copiar' }, { type: 'quick_reply', text: 'No' }] })).toEqual(['authentication_buttons']);
    expect(errorCodes({ buttons: [{ type: 'otp', text: 'Copiar' }] })).toEqual(['button_otp_only_authentication']);
  });
});

describe('lint messages', () => {
  it('explains every code in every language, filling parameters and keeping literal variables', () => {
    for (const locale of ['es', 'pt-BR', 'en'] as const) {
      for (const code of LINT_CODES) {
        const text = describeLintIssue({ code: code as LintCode, path: 'x', severity: 'error', params: {} }, locale);
        expect(text.length, `${locale} ${code}`).toBeGreaterThan(10);
      }
    }
    const [issue] = lintTemplate({ ...base, ...body('Hola {{ 1 }}, listo.') });
    expect(describeLintIssue(issue!, 'es')).toBe('«{{ 1 }}» no es una variable válida. Escribe {{1}}: dos llaves, sin espacios, un número o un nombre en minúsculas.');
    expect(describeLintIssue({ code: 'button_url_variable_position', path: 'buttons.0.url', severity: 'error' }, 'en')).toContain('{{1}}');
  });
});
