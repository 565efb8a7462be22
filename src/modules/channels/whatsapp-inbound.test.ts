import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../../adapters/whatsapp-cloud/index.ts';
import { toInboundRecord, toStatusReport } from './whatsapp-inbound.ts';

const channel = { id: '0190a4b2-0000-7000-8000-000000000001', organizationId: '0190a4b2-0000-7000-8000-000000000002', type: 'whatsapp' as const };
const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
const wrap = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata, ...value } }] }],
});
const inbound = (message: Record<string, unknown>) =>
  parseWebhook(wrap({ contacts: [{ profile: { name: 'Ana Souza' }, wa_id: '5511987654321' }], messages: [{ from: '5511987654321', timestamp: '1767225600', ...message }] }))
    .messages.map((m) => toInboundRecord(channel, m))[0]!;

// Payloads as documented in ../shared/reference/whatsapp-cloud-api.md §2.7.
describe('WhatsApp → inbox records', () => {
  it('text, with the profile name and the wamid as dedupe key', () => {
    const r = inbound({ id: 'wamid.A', type: 'text', text: { body: 'Olá! Is my order #4471 shipped?' } });
    expect(r).toMatchObject({ providerMessageId: 'wamid.A', type: 'text', body: 'Olá! Is my order #4471 shipped?', from: { waId: '5511987654321', name: 'Ana Souza' } });
    expect(r.occurredAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('image replying to a business message: caption, media to download, quoted wamid', () => {
    const r = inbound({
      id: 'wamid.B',
      type: 'image',
      context: { from: '15550783881', id: 'wamid.QUOTED' },
      image: { caption: 'This arrived damaged', mime_type: 'image/jpeg', sha256: 'q2Xh3vQ1m3l7m6n2Yw9b8r0VJj4tQd9kq8vN0m3xQ5E=', id: '1003383421387256' },
    });
    expect(r.body).toBe('This arrived damaged');
    expect(r.media).toEqual({ providerMediaId: '1003383421387256', mimeType: 'image/jpeg' });
    expect(r.replyToProviderId).toBe('wamid.QUOTED');
  });

  it('voice notes, documents, locations, contacts, buttons, lists, reactions', () => {
    expect(inbound({ id: 'w1', type: 'audio', audio: { id: 'm1', mime_type: 'audio/ogg; codecs=opus', sha256: 'x', voice: true } }).payload.media).toMatchObject({ voice: true });
    expect(inbound({ id: 'w2', type: 'document', document: { id: 'm2', mime_type: 'application/pdf', sha256: 'x', filename: 'boleto.pdf' } }).payload.media).toMatchObject({ filename: 'boleto.pdf' });
    expect(inbound({ id: 'w3', type: 'location', location: { latitude: -23.55, longitude: -46.63, name: 'Loja', address: 'Rua Augusta' } }).body).toBe('Loja — Rua Augusta');
    expect(inbound({ id: 'w4', type: 'contacts', contacts: [{ name: { formatted_name: 'João Silva', first_name: 'João' }, phones: [{ phone: '+55 11 9999', wa_id: '55119999' }] }] }).body).toBe('João Silva');
    expect(inbound({ id: 'w5', type: 'button', button: { payload: 'STOP_PROMOS', text: 'Stop promotions' } }).body).toBe('Stop promotions');
    const list = inbound({ id: 'w6', type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'priority_express', title: 'Priority Mail Express' } } });
    expect(list.body).toBe('Priority Mail Express');
    const reaction = inbound({ id: 'w7', type: 'reaction', reaction: { message_id: 'wamid.OURS', emoji: '\ud83d\udc4d' } });
    expect(reaction).toMatchObject({ type: 'reaction', body: '👍', replyToProviderId: 'wamid.OURS' });
  });

  it('unknown types become unsupported without crashing', () => {
    const r = inbound({ id: 'w8', type: 'hologram', errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown' }] });
    expect(r.type).toBe('unsupported');
    expect(r.payload.rawType).toBe('hologram');
  });

  it('failed statuses carry the code and the reason', () => {
    const [s] = parseWebhook(
      wrap({
        statuses: [
          {
            id: 'wamid.F',
            status: 'failed',
            timestamp: '1767398400',
            recipient_id: '5511987654321',
            errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'More than 24 hours have passed.' } }],
          },
        ],
      }),
    ).statuses;
    expect(toStatusReport(s!)).toMatchObject({ status: 'failed', error: { code: '131047', title: 'Re-engagement message: More than 24 hours have passed.' } });
  });
});
