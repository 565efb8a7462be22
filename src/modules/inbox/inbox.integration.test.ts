import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages, webhookEvents } from '../../db/schema/index.ts';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { type EmulatedNumber, eventually, getJson, startWhatsAppHarness, type WhatsAppHarness } from '../../../test/support/whatsapp.ts';

interface Conv {
  id: string;
  status: string;
  contact: { name: string; phone: string; waId: string };
  unreadCount: number;
  window: { open: boolean };
  lastMessagePreview: string;
}
interface Msg {
  id: string;
  direction: string;
  type: string;
  body: string | null;
  status: string;
  payload: Record<string, unknown>;
  media: { state: string; url: string | null; mimeType: string | null } | null;
  error: { code: string; message: string } | null;
  providerMessageId: string | null;
  private: boolean;
}

describe('inbox over the WhatsApp emulator', () => {
  let ctx: TestContext;
  let org: TestOrg;
  let wa: WhatsAppHarness;
  let number: EmulatedNumber;

  const conversationsOf = async (q = '') => getJson<{ items: Conv[]; counts: Record<string, number> }>(ctx, org.owner, `/api/v1/conversations${q}`);
  const messagesOf = async (id: string) => (await getJson<{ items: Msg[] }>(ctx, org.owner, `/api/v1/conversations/${id}/messages`)).items;
  const conversationWith = async (waId: string) =>
    eventually(async () => (await conversationsOf(`?q=${waId}`)).items.find((c) => c.contact.waId === waId), 10_000, `conversation with ${waId}`);

  beforeAll(async () => {
    ctx = await createTestContext();
    org = await createOrg(ctx, { language: 'pt-BR' });
    wa = await startWhatsAppHarness(ctx);
    number = await wa.connect(org);
    await wa.startWorker();
  });
  afterAll(async () => {
    await wa.close();
    await ctx.close();
  });

  it('turns an inbound text into a contact, a conversation and a message', async () => {
    await wa.inbound(number, { from: '+5511987650001', name: 'Ana Souza', type: 'text', text: 'Olá! Meu pedido #4471 já saiu? 😮' });
    const conv = await conversationWith('5511987650001');
    expect(conv.contact.name).toBe('Ana Souza');
    expect(conv.contact.phone).toBe('+5511987650001');
    expect(conv.status).toBe('unassigned');
    expect(conv.unreadCount).toBe(1);
    expect(conv.window.open).toBe(true);
    const [msg] = await messagesOf(conv.id);
    expect(msg!.body).toBe('Olá! Meu pedido #4471 já saiu? 😮');
    expect(msg!.direction).toBe('in');
    expect(msg!.providerMessageId).toMatch(/^wamid\./);
  });

  it('stores interactive replies and downloads images into authenticated storage', async () => {
    const from = '+5511987650002';
    await wa.inbound(number, { from, name: 'Bruno', type: 'interactive', interactive: { type: 'list_reply', id: 'express', title: 'Entrega expressa', description: '1 dia' } });
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    await wa.inbound(number, { from, name: 'Bruno', type: 'image', media: { mimeType: 'image/png', data: png.toString('base64'), caption: 'Chegou quebrado' } });
    const conv = await conversationWith('5511987650002');
    const list = await eventually(async () => {
      const items = await messagesOf(conv.id);
      return items.length === 2 && items.find((m) => m.type === 'image')?.media?.state === 'ready' ? items : undefined;
    }, 10_000, 'image downloaded');
    const interactive = list.find((m) => m.type === 'interactive')!;
    expect(interactive.body).toBe('Entrega expressa');
    expect(interactive.payload.interactive).toMatchObject({ kind: 'list_reply', id: 'express' });
    const image = list.find((m) => m.type === 'image')!;
    expect(image.body).toBe('Chegou quebrado');
    const download = await call(ctx, org.owner, 'GET', image.media!.url!);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.rawPayload.subarray(0, png.length).equals(png)).toBe(true);
    // Without credentials, or from another organization: nothing.
    expect((await ctx.app.inject({ method: 'GET', url: image.media!.url! })).statusCode).toBe(401);
    const stranger = await createOrg(ctx);
    expect((await call(ctx, stranger.owner, 'GET', image.media!.url!)).statusCode).toBe(404);
  });

  it('sends a reply through the emulator and follows its statuses to read (blue ticks)', async () => {
    await wa.inbound(number, { from: '+5511987650003', name: 'Carla', type: 'text', text: 'Oi' });
    const conv = await conversationWith('5511987650003');
    const sent = await call(ctx, org.owner, 'POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'Olá, Carla! Já verifico. ✅' });
    expect(sent.statusCode).toBe(201);
    const reply = json<Msg>(sent);
    expect(reply.status).toBe('queued');
    const [out] = await eventually(async () => {
      const box = await wa.outbox(number, '5511987650003');
      return box.length ? box : undefined;
    }, 10_000, 'outbox');
    expect(out!.type).toBe('text');
    expect((out!.body.text as { body: string }).body).toBe('Olá, Carla! Já verifico. ✅');
    const read = await eventually(async () => (await messagesOf(conv.id)).find((m) => m.id === reply.id && m.status === 'read'), 10_000, 'read status');
    expect(read.providerMessageId).toBe(out!.id);
    // The agent replied, so the conversation is theirs now.
    const after = await getJson<Conv & { assignee: { membershipId: string } | null }>(ctx, org.owner, `/api/v1/conversations/${conv.id}`);
    expect(after.status).toBe('open');
    expect(after.unreadCount).toBe(0);
  });

  it('keeps one message per wamid under duplicate deliveries and never downgrades out-of-order statuses', async () => {
    await wa.control('POST', '/_emulator/config', { duplicateProbability: 1, reorderProbability: 1 });
    try {
      await wa.inbound(number, { from: '+5511987650004', name: 'Davi', type: 'text', text: 'Duplicado?' });
      const conv = await conversationWith('5511987650004');
      const reply = json<Msg>(await call(ctx, org.owner, 'POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'Não!' }));
      const final = await eventually(async () => (await messagesOf(conv.id)).find((m) => m.id === reply.id && m.status === 'read'), 10_000, 'read');
      expect(final.status).toBe('read');
      // Let every late/duplicate status land, then check nothing moved backwards.
      await new Promise((r) => setTimeout(r, 400));
      const items = await messagesOf(conv.id);
      expect(items.filter((m) => m.direction === 'in')).toHaveLength(1);
      expect(items.find((m) => m.id === reply.id)!.status).toBe('read');
    } finally {
      await wa.control('POST', '/_emulator/config', { duplicateProbability: 0, reorderProbability: 0 });
    }
  });

  it('processes every message of a batched webhook and dedupes a replay with other bytes', async () => {
    // The same two messages delivered twice: once together, once one by one (different bytes).
    const { signWebhookBody } = await import('../../adapters/whatsapp-cloud/index.ts');
    const msg = (id: string, text: string) => ({ from: '5511987650005', id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } });
    const envelope = (msgs: unknown[]) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: number.wabaId,
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550001', phone_number_id: number.phoneNumberId },
                  contacts: [{ profile: { name: 'Eva' }, wa_id: '5511987650005' }],
                  messages: msgs,
                },
              },
            ],
          },
        ],
      });
    const a = msg('wamid.batch-a', 'primeira');
    const b = msg('wamid.batch-b', 'segunda');
    for (const body of [envelope([a, b]), envelope([a]), envelope([b])]) {
      const res = await fetch(number.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, number.appSecret) }, body });
      expect(res.status).toBe(200);
    }
    const conv = await conversationWith('5511987650005');
    const items = await eventually(async () => {
      const events = await ctx.container.database.db.select().from(webhookEvents).where(eq(webhookEvents.channelId, number.channelId));
      return events.every((e) => e.processedAt) ? messagesOf(conv.id) : undefined;
    }, 10_000, 'processed');
    expect(items.map((m) => m.body).sort()).toEqual(['primeira', 'segunda']);
  });

  it('enforces the 24-hour window before calling Meta; templates still go', async () => {
    await wa.inbound(number, { from: '+5511987650006', name: 'Fábio', type: 'text', text: 'Olá' });
    const conv = await conversationWith('5511987650006');
    await ctx.container.database.db
      .update(conversations)
      .set({ lastInboundAt: new Date(Date.now() - 25 * 3600_000) })
      .where(eq(conversations.id, conv.id));
    const refused = await call(ctx, org.owner, 'POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'Ainda aí?' });
    expect(refused.statusCode).toBe(422);
    expect(json(refused).code).toBe('outside_customer_service_window');
    expect(json<{ detail: string }>(refused).detail).toMatch(/24 hours/);
    const stored = await ctx.container.database.db.select().from(messages).where(and(eq(messages.conversationId, conv.id), eq(messages.direction, 'out')));
    expect(stored).toHaveLength(0);
    expect((await getJson<Conv>(ctx, org.owner, `/api/v1/conversations/${conv.id}`)).window.open).toBe(false);
    const template = await call(ctx, org.owner, 'POST', `/api/v1/conversations/${conv.id}/messages`, {
      type: 'template',
      template: { name: 'hello_world', language: 'en_US', preview: 'Hello World' },
    });
    expect(template.statusCode).toBe(201);
    const t = json<Msg>(template);
    await eventually(async () => (await messagesOf(conv.id)).find((m) => m.id === t.id && ['sent', 'delivered', 'read'].includes(m.status)), 10_000, 'template sent');
  });

  it('records Meta’s failures with the reason in words', async () => {
    await wa.inbound(number, { from: '+5511987650007', name: 'Gabi', type: 'text', text: 'Oi' });
    const conv = await conversationWith('5511987650007');
    await wa.control('POST', '/_emulator/failures', { phoneNumberId: number.phoneNumberId, to: '5511987650007', code: 131026, times: 1 });
    const m = json<Msg>(await call(ctx, org.owner, 'POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'Vai falhar' }));
    const failed = await eventually(async () => (await messagesOf(conv.id)).find((x) => x.id === m.id && x.status === 'failed'), 10_000, 'failed');
    expect(failed.error!.code).toBe('131026');
    expect(failed.error!.message).toMatch(/WhatsApp/);
  });

  it('honours Idempotency-Key on sends', async () => {
    await wa.inbound(number, { from: '+5511987650008', name: 'Hugo', type: 'text', text: 'Oi' });
    const conv = await conversationWith('5511987650008');
    const send = () => call(ctx, org.owner, 'POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'Uma vez só' }, { 'idempotency-key': 'order-4471-confirm' });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(json<Msg>(a).id).toBe(json<Msg>(b).id);
    const c = await send();
    expect(c.statusCode).toBe(200);
    await eventually(async () => (await wa.outbox(number, '5511987650008')).length === 1, 10_000, 'one send');
    await new Promise((r) => setTimeout(r, 300));
    expect(await wa.outbox(number, '5511987650008')).toHaveLength(1);
    // Direct sends: template to a new number, same key twice → one message.
    const direct = () =>
      call(ctx, org.apiKey ? { apiKey: org.apiKey } : org.owner, 'POST', '/api/v1/messages', {
        to: { phone: '+55 11 98765-0099' },
        message: { type: 'template', template: { name: 'hello_world', language: 'en_US' } },
      }, { 'idempotency-key': 'campaign-x-1' });
    const d1 = await direct();
    expect(d1.statusCode).toBe(201);
    expect((await direct()).statusCode).toBe(200);
    const textFirst = await call(ctx, { apiKey: org.apiKey }, 'POST', '/api/v1/messages', { to: { phone: '+5511987650098' }, message: { type: 'text', text: 'oi' } });
    expect(textFirst.statusCode).toBe(422);
    expect(json(textFirst).code).toBe('outside_customer_service_window');
  });

  it('marks inbound messages read on WhatsApp when an agent opens the conversation', async () => {
    const wamid = await wa.inbound(number, { from: '+5511987650010', name: 'Iris', type: 'text', text: 'Alguém?' });
    const conv = await conversationWith('5511987650010');
    expect((await call(ctx, org.owner, 'POST', `/api/v1/conversations/${conv.id}/read`)).statusCode).toBe(204);
    expect((await getJson<Conv>(ctx, org.owner, `/api/v1/conversations/${conv.id}`)).unreadCount).toBe(0);
    await eventually(async () => {
      const r = await wa.control('GET', `/_emulator/conversation?phoneNumberId=${number.phoneNumberId}&customer=5511987650010`);
      const items = (r.body as { data: { wamid: string; status: string }[] }).data;
      return items.find((i) => i.wamid === wamid)?.status === 'read';
    }, 10_000, 'read on WhatsApp');
  });

  it('keeps private notes out of WhatsApp', async () => {
    await wa.inbound(number, { from: '+5511987650011', name: 'João', type: 'text', text: 'Oi' });
    const conv = await conversationWith('5511987650011');
    const note = await call(ctx, org.owner, 'POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'Cliente VIP, tratar com carinho', private: true });
    expect(note.statusCode).toBe(201);
    expect(json<Msg>(note).private).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(await wa.outbox(number, '5511987650011')).toHaveLength(0);
  });
});
