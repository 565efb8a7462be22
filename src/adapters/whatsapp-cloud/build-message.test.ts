import { describe, expect, it } from 'vitest';
import { buildMarkReadBody, buildMessageBody, formatRecipient } from './build-message.ts';

const head = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+5511987654321' };

describe('buildMessageBody', () => {
  it('formats recipients with a leading + so Meta never prepends the business country code', () => {
    expect(formatRecipient('5511987654321')).toBe('+5511987654321');
    expect(formatRecipient('+1 (650) 555-1234')).toBe('+16505551234');
  });

  it('text, with link preview and a quoted reply', () => {
    expect(buildMessageBody('5511987654321', { type: 'text', body: 'Olá 👋 https://x.example', previewUrl: true, replyTo: 'wamid.Q' })).toEqual({
      ...head,
      type: 'text',
      context: { message_id: 'wamid.Q' },
      text: { preview_url: true, body: 'Olá 👋 https://x.example' },
    });
    expect(buildMessageBody('5511987654321', { type: 'text', body: 'hi', bizOpaqueCallbackData: 'msg:1' })).toEqual({
      ...head,
      type: 'text',
      text: { preview_url: false, body: 'hi' },
      biz_opaque_callback_data: 'msg:1',
    });
  });

  it('media by id or link, with caption, filename and voice', () => {
    expect(buildMessageBody('5511987654321', { type: 'image', media: { id: '123' }, caption: 'Foto' })).toEqual({ ...head, type: 'image', image: { id: '123', caption: 'Foto' } });
    expect(buildMessageBody('5511987654321', { type: 'video', media: { link: 'https://cdn.example/v.mp4' } })).toEqual({ ...head, type: 'video', video: { link: 'https://cdn.example/v.mp4' } });
    expect(buildMessageBody('5511987654321', { type: 'audio', media: { id: '9' }, voice: true })).toEqual({ ...head, type: 'audio', audio: { id: '9', voice: true } });
    expect(buildMessageBody('5511987654321', { type: 'document', media: { link: 'https://cdn.example/f.pdf' }, filename: 'f.pdf', caption: 'Factura' })).toEqual({
      ...head,
      type: 'document',
      document: { link: 'https://cdn.example/f.pdf', caption: 'Factura', filename: 'f.pdf' },
    });
    expect(buildMessageBody('5511987654321', { type: 'sticker', media: { id: '7' } })).toEqual({ ...head, type: 'sticker', sticker: { id: '7' } });
  });

  it('template with media header, body parameters and url, quick-reply and copy-code buttons', () => {
    const body = buildMessageBody('5511987654321', {
      type: 'template',
      name: 'order_update',
      languageCode: 'en_US',
      components: [
        { type: 'header', parameters: [{ type: 'image', media: { link: 'https://example.com/box.jpg' } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ana' },
            { type: 'currency', fallbackValue: '$19.99', code: 'USD', amount1000: 19990 },
            { type: 'date_time', fallbackValue: 'January 5, 2026' },
          ],
        },
        { type: 'button', subType: 'quick_reply', index: 0, payload: 'STOP_PROMOS' },
        { type: 'button', subType: 'url', index: 1, text: '4471' },
        { type: 'button', subType: 'copy_code', index: 2, couponCode: 'SAVE20' },
      ],
    });
    expect(body).toEqual({
      ...head,
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/box.jpg' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ana' },
              { type: 'currency', currency: { fallback_value: '$19.99', code: 'USD', amount_1000: 19990 } },
              { type: 'date_time', date_time: { fallback_value: 'January 5, 2026' } },
            ],
          },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP_PROMOS' }] },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: '4471' }] },
          { type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE20' }] },
        ],
      },
    });
    // Named parameters and a template without variables.
    expect(buildMessageBody('5511987654321', { type: 'template', name: 'hello', languageCode: 'es', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana', parameterName: 'first_name' }] }] }))
      .toMatchObject({ template: { components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana', parameter_name: 'first_name' }] }] } });
    expect(buildMessageBody('5511987654321', { type: 'template', name: 'hello_world', languageCode: 'en_US' })).toEqual({
      ...head,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
  });

  it('interactive reply buttons, lists and CTA URL', () => {
    expect(
      buildMessageBody('5511987654321', {
        type: 'buttons',
        header: { type: 'text', text: 'Workshop Details' },
        body: 'Your workshop is at 9am tomorrow.',
        footer: 'Lucky Shrub',
        buttons: [
          { id: 'change-button', title: 'Change' },
          { id: 'cancel-button', title: 'Cancel' },
        ],
      }),
    ).toEqual({
      ...head,
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'text', text: 'Workshop Details' },
        body: { text: 'Your workshop is at 9am tomorrow.' },
        footer: { text: 'Lucky Shrub' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'change-button', title: 'Change' } },
            { type: 'reply', reply: { id: 'cancel-button', title: 'Cancel' } },
          ],
        },
      },
    });
    expect(
      buildMessageBody('5511987654321', {
        type: 'list',
        header: 'Shipping',
        body: 'Which shipping option do you prefer?',
        buttonText: 'Options',
        sections: [{ title: 'I want it ASAP!', rows: [{ id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' }, { id: 'std', title: 'Standard' }] }],
      }),
    ).toEqual({
      ...head,
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'Shipping' },
        body: { text: 'Which shipping option do you prefer?' },
        action: {
          button: 'Options',
          sections: [{ title: 'I want it ASAP!', rows: [{ id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' }, { id: 'std', title: 'Standard' }] }],
        },
      },
    });
    expect(buildMessageBody('5511987654321', { type: 'cta_url', body: 'Track it', displayText: 'Track', url: 'https://shop.example/t/1', header: { type: 'image', media: { id: '5' } } })).toEqual({
      ...head,
      type: 'interactive',
      interactive: {
        type: 'cta_url',
        header: { type: 'image', image: { id: '5' } },
        body: { text: 'Track it' },
        action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://shop.example/t/1' } },
      },
    });
  });

  it('reactions, locations and contacts', () => {
    expect(buildMessageBody('5511987654321', { type: 'reaction', messageId: 'wamid.X', emoji: '👍' })).toEqual({ ...head, type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } });
    expect(buildMessageBody('5511987654321', { type: 'location', location: { latitude: -23.56, longitude: -46.65, name: 'Loja', address: 'Av. Paulista' } })).toEqual({
      ...head,
      type: 'location',
      location: { latitude: -23.56, longitude: -46.65, name: 'Loja', address: 'Av. Paulista' },
    });
    expect(
      buildMessageBody('5511987654321', { type: 'contacts', contacts: [{ name: { formattedName: 'Soporte Aurora', firstName: 'Soporte' }, phones: [{ phone: '+34 910 000 000', type: 'WORK' }] }] }),
    ).toEqual({
      ...head,
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Soporte Aurora', first_name: 'Soporte' }, phones: [{ phone: '+34 910 000 000', type: 'WORK' }] }],
    });
  });
});

describe('buildMarkReadBody', () => {
  it('marks read, optionally with the typing indicator', () => {
    expect(buildMarkReadBody('wamid.IN')).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN' });
    expect(buildMarkReadBody('wamid.IN', true)).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN', typing_indicator: { type: 'text' } });
  });
});
