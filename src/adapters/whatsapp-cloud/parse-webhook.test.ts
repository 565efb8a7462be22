import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from './parse-webhook.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
const only = (name: string) => {
  const parsed = parseWebhook(fixture(name));
  expect(parsed.malformed).toEqual([]);
  expect(parsed.messages).toHaveLength(1);
  return parsed.messages[0]!;
};
const OUT = 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjhCMkQ5RkE3QTFDMDJFNzE4NQA=';

describe('parseWebhook: inbound messages', () => {
  it('reads a text message with its sender, profile name, number and unicode', () => {
    const m = only('text');
    expect(m).toMatchObject({
      wamid: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBMDFGQzA5QjZCRDQ3MEE5RTdEAA==',
      from: '5511987654321',
      profileName: 'Ana Souza',
      type: 'text',
      text: 'Olá! Is my order #4471 shipped? 😮 ¿Dónde está?',
      phoneNumberId: '106540352242922',
      displayPhoneNumber: '15550783881',
    });
    expect(m.timestamp.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(m.raw).toMatchObject({ type: 'text' });
  });

  it('reads an image that replies to a business message', () => {
    const m = only('image-reply');
    expect(m.type).toBe('image');
    expect(m.media).toMatchObject({ id: '1003383421387256', mimeType: 'image/jpeg', caption: 'This arrived damaged', sha256: 'q2Xh3vQ1m3l7m6n2Yw9b8r0VJj4tQd9kq8vN0m3xQ5E=' });
    expect(m.media?.url).toMatch(/^https:\/\/lookaside/);
    expect(m.context).toMatchObject({ messageId: OUT, from: '15550783881' });
  });

  it('reads voice notes, videos, documents and stickers', () => {
    expect(only('audio-voice')).toMatchObject({ type: 'audio', media: { id: '2154826021674301', mimeType: 'audio/ogg; codecs=opus', voice: true } });
    expect(only('video')).toMatchObject({ type: 'video', media: { id: '3021448923114557', mimeType: 'video/mp4', caption: 'Unboxing' } });
    expect(only('document')).toMatchObject({
      type: 'document',
      media: { id: '1190382374562210', mimeType: 'application/pdf', filename: 'factura-marzo.pdf', caption: 'Factura de marzo' },
    });
    expect(only('sticker')).toMatchObject({ type: 'sticker', media: { id: '890123456789012', mimeType: 'image/webp', animated: false } });
  });

  it('reads locations and contact cards', () => {
    expect(only('location')).toMatchObject({
      type: 'location',
      location: { latitude: -23.561684, longitude: -46.655981, name: 'MASP', address: 'Av. Paulista, 1578 - Bela Vista, São Paulo' },
    });
    const c = only('contacts');
    expect(c.type).toBe('contacts');
    expect(c.contacts).toEqual([
      expect.objectContaining({
        name: expect.objectContaining({ formattedName: 'João Pereira', firstName: 'João', lastName: 'Pereira' }),
        phones: [{ phone: '+55 11 91234-5678', waId: '5511912345678', type: 'CELL' }],
        emails: [{ email: 'joao@example.com', type: 'WORK' }],
        org: { company: 'Loja Aurora' },
      }),
    ]);
  });

  it('reads reply-button taps, list selections and template quick replies', () => {
    expect(only('interactive-button-reply')).toMatchObject({
      type: 'interactive',
      interactive: { kind: 'button_reply', id: 'change-button', title: 'Change' },
      context: { messageId: OUT },
    });
    expect(only('interactive-list-reply')).toMatchObject({
      type: 'interactive',
      interactive: { kind: 'list_reply', id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' },
    });
    expect(only('template-button')).toMatchObject({ type: 'button', button: { payload: 'STOP_PROMOS', text: 'Stop promotions' }, context: { messageId: OUT } });
  });

  it('reads reactions and reaction removals', () => {
    const parsed = parseWebhook(fixture('reaction'));
    expect(parsed.messages.map((m) => [m.type, m.reaction])).toEqual([
      ['reaction', { messageId: OUT, emoji: '👍' }],
      ['reaction', { messageId: OUT, emoji: '' }],
    ]);
  });

  it('reads forwarded messages and click-to-WhatsApp referrals', () => {
    const m = only('text-forwarded-referral');
    expect(m.context).toMatchObject({ forwarded: true });
    expect(m.referral).toMatchObject({ sourceType: 'ad', sourceId: '120214412223570123', headline: 'Rebajas de verano', ctwaClid: 'ARAkLkA8rmlFeiCktEJQ' });
  });

  it('turns unsupported and unknown types into "unsupported" with their errors, never a crash', () => {
    const u = only('unsupported');
    expect(u.type).toBe('unsupported');
    expect(u.rawType).toBeUndefined();
    expect(u.errors).toEqual([
      { code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.', href: undefined },
    ]);
    expect(only('unknown-type')).toMatchObject({ type: 'unsupported', rawType: 'poll_vote' });
  });

  it('survives an interactive message without its interactive object (Meta quirk)', () => {
    const parsed = parseWebhook(fixture('interactive-missing-object'));
    expect(parsed.messages).toHaveLength(1);
    expect(parsed.messages[0]).toMatchObject({ type: 'unsupported', rawType: 'interactive' });
    expect(parsed.errors).toEqual([expect.objectContaining({ code: 131000, details: 'Unsupported webhook payload', phoneNumberId: '106540352242922' })]);
  });
});

describe('parseWebhook: statuses, templates and envelopes', () => {
  it('reads every status of a payload, with conversation, pricing and callback data', () => {
    const parsed = parseWebhook(fixture('statuses-multiple'));
    expect(parsed.messages).toEqual([]);
    expect(parsed.statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    const [sent, delivered, read] = parsed.statuses;
    expect(sent).toMatchObject({ wamid: OUT, recipientId: '5511987654321', conversation: { id: 'a4f1c0b5e2d3c4b5a6f7e8d9c0b1a2f3', originType: 'service' } });
    expect(sent?.conversation?.expiresAt?.toISOString()).toBe('2026-01-02T00:00:01.000Z');
    expect(sent?.pricing).toEqual({ billable: false, pricingModel: 'PMP', type: 'free_customer_service', category: 'service' });
    expect(delivered?.bizOpaqueCallbackData).toBe('order:4471');
    expect(read?.pricing).toBeUndefined();
    expect(read?.timestamp.getTime()).toBe(1767225650 * 1000);
  });

  it('reads failed statuses with the error code and details', () => {
    const [failed] = parseWebhook(fixture('status-failed-131047')).statuses;
    expect(failed).toMatchObject({ status: 'failed', errors: [{ code: 131047, title: 'Re-engagement message' }] });
    expect(failed?.errors?.[0]?.details).toMatch(/more than 24 hours/);
  });

  it('handles every entry and change, routed by phone number id, and lists unknown fields', () => {
    const parsed = parseWebhook(fixture('multiple-entries'));
    expect(parsed.messages.map((m) => [m.phoneNumberId, m.from, m.text, m.profileName])).toEqual([
      ['106540352242922', '5511987654321', 'primeiro', 'Ana Souza'],
      ['106540352242922', '5511987654321', 'segundo', 'Ana Souza'],
      ['207654321098765', '34612345678', 'Hola desde España', 'Lucía García'],
    ]);
    expect(parsed.statuses).toHaveLength(1);
    expect(parsed.unknownFields).toEqual([{ wabaId: '203391230451499', field: 'account_update', value: { phone_number: '34910000000', event: 'VERIFIED_ACCOUNT' } }]);
  });

  it('reads template status updates', () => {
    expect(parseWebhook(fixture('template-status-approved')).templateUpdates).toEqual([
      expect.objectContaining({ wabaId: '102290129340398', templateId: '594425479261596', name: 'order_update', language: 'es', event: 'APPROVED', reason: 'NONE', category: 'UTILITY' }),
    ]);
    const [rejected] = parseWebhook(fixture('template-status-rejected')).templateUpdates;
    expect(rejected).toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT', rejectionInfo: { recommendation: 'Adjacent parameters are not allowed.' } });
    expect(rejected?.timestamp?.getTime()).toBe(1767225800 * 1000);
  });

  it('reads value-level errors', () => {
    expect(parseWebhook(fixture('value-errors')).errors).toEqual([expect.objectContaining({ code: 130429, title: 'Rate limit hit', wabaId: '102290129340398' })]);
  });

  it('never throws on garbage; it reports what it skipped', () => {
    for (const junk of [null, 42, 'x', [], {}, { entry: 'no' }, { object: 'page', entry: [] }]) {
      const parsed = parseWebhook(junk);
      expect(parsed.messages).toEqual([]);
      expect(parsed.malformed.length).toBeGreaterThan(0);
    }
    const partial = parseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            { field: 'messages', value: { metadata: { phone_number_id: '9', display_phone_number: '1' }, messages: [{ type: 'text' }, { id: 'wamid.ok', from: '1', timestamp: '1', type: 'text', text: { body: 'ok' } }], statuses: [{ id: 'x', status: 'weird', timestamp: '1' }] } },
            { field: 'messages', value: 'nonsense' },
          ],
        },
      ],
    });
    expect(partial.messages.map((m) => m.wamid)).toEqual(['wamid.ok']);
    expect(partial.malformed).toHaveLength(3);
  });
});
