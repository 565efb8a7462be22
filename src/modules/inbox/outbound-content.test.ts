import { describe, expect, it } from 'vitest';
import { outboundBody } from './inbox.schemas.ts';
import { storedContentOf, whatsAppMessageOf } from './outbound-content.ts';

const refs = { callbackData: 'msg-1' };
const roundTrip = (input: unknown) => {
  const body = outboundBody.parse(input);
  if (body.type === 'reaction') throw new Error('not here');
  const stored = storedContentOf(body, null, 'whatsapp');
  return { stored, wire: whatsAppMessageOf(stored, refs) };
};

describe('outbound content', () => {
  it('text with link preview', () => {
    const { wire } = roundTrip({ type: 'text', text: 'Mira https://example.com', previewUrl: true });
    expect(wire).toEqual({ type: 'text', body: 'Mira https://example.com', previewUrl: true, bizOpaqueCallbackData: 'msg-1', replyTo: undefined });
  });

  it('templates keep their parameters; media headers go by link', () => {
    const { stored, wire } = roundTrip({
      type: 'template',
      template: {
        name: 'order_update',
        language: 'pt_BR',
        preview: 'Olá Ana, seu pedido 4471 saiu',
        components: [
          { type: 'header', parameters: [{ type: 'image', link: 'https://example.com/box.jpg' }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '4471' }] },
          { type: 'button', subType: 'quick_reply', index: 0, payload: 'STOP' },
        ],
      },
    });
    expect(stored.body).toBe('Olá Ana, seu pedido 4471 saiu');
    expect(wire).toMatchObject({
      type: 'template',
      name: 'order_update',
      languageCode: 'pt_BR',
      components: [
        { type: 'header', parameters: [{ type: 'image', media: { link: 'https://example.com/box.jpg' } }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '4471' }] },
        { type: 'button', subType: 'quick_reply', index: 0, payload: 'STOP' },
      ],
    });
  });

  it('interactive buttons and lists within WhatsApp limits', () => {
    const { wire } = roundTrip({ type: 'interactive', interactive: { kind: 'buttons', body: '¿Confirmas?', buttons: [{ id: 'yes', title: 'Sí' }, { id: 'no', title: 'No' }] } });
    expect(wire).toMatchObject({ type: 'buttons', body: '¿Confirmas?', buttons: [{ id: 'yes', title: 'Sí' }, { id: 'no', title: 'No' }] });
    expect(() => outboundBody.parse({ type: 'interactive', interactive: { kind: 'buttons', body: 'x', buttons: [{ id: 'a', title: 'Igual' }, { id: 'b', title: 'Igual' }] } })).toThrow();
    const rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
    expect(() => outboundBody.parse({ type: 'interactive', interactive: { kind: 'list', body: 'x', buttonText: 'Ver', sections: [{ rows }] } })).toThrow();
  });

  it('media needs exactly one of file or link', () => {
    expect(() => outboundBody.parse({ type: 'media', mediaType: 'image' })).toThrow();
    expect(() => outboundBody.parse({ type: 'media', mediaType: 'image', link: 'http://insecure.example/x.png' })).toThrow();
    const { wire } = roundTrip({ type: 'media', mediaType: 'document', link: 'https://example.com/boleto.pdf', filename: 'boleto.pdf', caption: 'Seu boleto' });
    expect(wire).toMatchObject({ type: 'document', media: { link: 'https://example.com/boleto.pdf' }, filename: 'boleto.pdf', caption: 'Seu boleto' });
  });

  it('Ogg/Opus files are WhatsApp audio, and voice notes say so', () => {
    const file = { id: 'f1', mimeType: 'audio/ogg; codecs=opus', size: 2048, filename: 'reply.ogg' } as Parameters<typeof storedContentOf>[1];
    const stored = storedContentOf(outboundBody.parse({ type: 'media', mediaType: 'audio', fileId: '0195f3a2-0000-7000-8000-000000000001' }) as never, file, 'whatsapp');
    expect(stored).toMatchObject({ type: 'audio', payload: { media: { mimeType: 'audio/ogg; codecs=opus' } } });
    const voice = { ...stored, payload: { media: { ...(stored.payload.media as object), voice: true } } };
    expect(whatsAppMessageOf(voice, { ...refs, mediaId: '991' })).toMatchObject({ type: 'audio', media: { id: '991' }, voice: true });
    expect(whatsAppMessageOf(stored, { ...refs, mediaId: '991' })).not.toHaveProperty('voice');
  });
});
