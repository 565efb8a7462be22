import { describe, expect, it } from 'vitest';
import { fromMetaComponents, toMetaComponents } from './template-components.ts';
import type { TemplateDraft } from './template-draft.ts';
import { renderedText, renderTemplate, templateParameters } from './template-parameters.ts';

const draft: TemplateDraft = {
  name: 'pedido_enviado',
  language: 'es',
  category: 'utility',
  header: { format: 'text', text: 'Pedido {{1}}', examples: { '1': '4471' } },
  body: { text: 'Hola {{1}}, tu pedido {{2}} salió hoy.', examples: { '1': 'Ana', '2': '4471' } },
  footer: { text: 'Tienda Aurora' },
  buttons: [
    { type: 'url', text: 'Seguir envío', url: 'https://tienda.example/t/{{1}}', example: '4471' },
    { type: 'copy_code', text: 'Copiar código', example: 'VUELVE10' },
    { type: 'phone_number', text: 'Llamar', phoneNumber: '+52 55 1234 5678' },
  ],
};

describe('template components', () => {
  it('converts a draft to Meta components and back', () => {
    const meta = toMetaComponents(draft);
    expect(meta).toEqual([
      { type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}', example: { header_text: ['4471'] } },
      { type: 'BODY', text: 'Hola {{1}}, tu pedido {{2}} salió hoy.', example: { body_text: [['Ana', '4471']] } },
      { type: 'FOOTER', text: 'Tienda Aurora' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'Seguir envío', url: 'https://tienda.example/t/{{1}}', example: ['https://tienda.example/t/4471'] },
          { type: 'COPY_CODE', text: 'Copiar código', example: 'VUELVE10' },
          { type: 'PHONE_NUMBER', text: 'Llamar', phone_number: '+525512345678' },
        ],
      },
    ]);
    const back = fromMetaComponents(meta);
    expect(back.header).toEqual(draft.header);
    expect(back.body).toEqual(draft.body);
    expect(back.buttons?.[0]).toEqual(draft.buttons?.[0]);
  });

  it('uses named examples for named variables', () => {
    const named = toMetaComponents({ body: { text: 'Hola {{first_name}}, listo.', examples: { first_name: 'Ana' } } });
    expect(named).toEqual([{ type: 'BODY', text: 'Hola {{first_name}}, listo.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] } }]);
    expect(fromMetaComponents(named).body).toEqual({ text: 'Hola {{first_name}}, listo.', examples: { first_name: 'Ana' } });
  });

  it('keeps media header handles and marks unknown buttons as unsupported', () => {
    const content = fromMetaComponents([
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1n'] } },
      { type: 'BODY', text: 'Mira esto' },
      { type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Abrir' }] },
    ]);
    expect(content.header).toEqual({ format: 'image', example: { handle: '4::aW1n' } });
    expect(content.buttons).toEqual([{ type: 'unsupported', metaType: 'FLOW', text: 'Abrir' }]);
  });

  it('lists every parameter a send needs', () => {
    expect(templateParameters(draft).map((p) => [p.key, p.kind, p.example])).toEqual([
      ['header.1', 'text', '4471'],
      ['body.1', 'text', 'Ana'],
      ['body.2', 'text', '4471'],
      ['button.0', 'text', '4471'],
      ['button.1', 'coupon', 'VUELVE10'],
    ]);
  });

  it('renders with values, falling back to the examples', () => {
    const r = renderTemplate(draft, { 'body.1': 'Luis', 'button.0': '9001' });
    expect(r.header).toEqual({ type: 'text', text: 'Pedido 4471' });
    expect(r.body).toBe('Hola Luis, tu pedido 4471 salió hoy.');
    expect(r.buttons[0]).toEqual({ type: 'url', text: 'Seguir envío', url: 'https://tienda.example/t/9001' });
    expect(renderedText(r)).toBe('*Pedido 4471*\n\nHola Luis, tu pedido 4471 salió hoy.\n\nTienda Aurora');
  });
});
