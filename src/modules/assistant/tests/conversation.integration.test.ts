import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, conversations, messages } from '../../../db/schema/index.ts';
import { createTestContext, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { type EmulatedNumber, eventually, startWhatsAppHarness, type WhatsAppHarness } from '../../../../test/support/whatsapp.ts';
import { seedDemoShop } from '../../integrations/integrations.demo.ts';

describe('the assistant in WhatsApp conversations', () => {
  let ctx: TestContext;
  let org: TestOrg;
  let wa: WhatsAppHarness;
  let number: EmulatedNumber;

  const sentTo = async (to: string) => wa.outbox(number, to);
  const waitForOutbound = async (to: string, count: number) => eventually(async () => ((await sentTo(to)).length >= count ? sentTo(to) : undefined), 10_000, `${count} messages to ${to}`);
  const conversationOf = async (phone: string) =>
    eventually(async () => {
      const [row] = await ctx.container.database.db
        .select({ c: conversations })
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(and(eq(conversations.organizationId, org.organizationId), eq(contacts.phone, `+${phone}`)));
      return row?.c;
    });

  beforeAll(async () => {
    ctx = await createTestContext();
    org = await createOrg(ctx, { language: 'es' });
    wa = await startWhatsAppHarness(ctx);
    number = await wa.connect(org);
    await seedDemoShop(ctx.container, org.organizationId, 'es', wa.emulator.url);
    expect((await call(ctx, org.owner, 'PUT', '/api/v1/assistant/settings', { enabled: true, brain: 'offline', stopKeywords: ['agente'], keywordMatch: 'exact' })).statusCode).toBe(200);
    const rule = await call(ctx, org.owner, 'POST', '/api/v1/automated-replies', { name: 'Horario', keywords: ['horario'], match: 'contains', reply: { type: 'text', text: 'Abrimos de 9 a 18 h.' } });
    expect(rule.statusCode, rule.body).toBe(201);
    await wa.startWorker();
  }, 60_000);
  afterAll(async () => {
    await wa?.close();
    await ctx?.close();
  });

  it('answers keyword automations first, then the assistant with tools and reply-button confirmations', async () => {
    const phone = '34600111222';
    await wa.inbound(number, { from: `+${phone}`, name: 'Lucía', type: 'text', text: '¿Cuál es el horario de la tienda?' });
    const [auto] = await waitForOutbound(phone, 1);
    expect(JSON.stringify(auto!.body)).toContain('Abrimos de 9 a 18 h.');

    await wa.inbound(number, { from: `+${phone}`, type: 'text', text: '¿Dónde está mi pedido 1002?' });
    const afterStatus = await waitForOutbound(phone, 2);
    expect(JSON.stringify(afterStatus[1]!.body)).toContain('Tu pedido 1002');

    await wa.inbound(number, { from: `+${phone}`, type: 'text', text: 'Quiero un reembolso de 20 euros del pedido 1002' });
    await waitForOutbound(phone, 3);
    await wa.inbound(number, { from: `+${phone}`, type: 'text', text: 'Me equivoqué de talla' });
    const withButtons = await waitForOutbound(phone, 4);
    const prompt = withButtons[3]!;
    expect(prompt.type).toBe('interactive');
    const buttons = (prompt.body as { interactive: { action: { buttons: { reply: { id: string; title: string } }[] } } }).interactive.action.buttons;
    expect(buttons.map((b) => b.reply.title)).toEqual(['Sí', 'No']);
    await wa.inbound(number, { from: `+${phone}`, type: 'interactive', interactive: { type: 'button_reply', id: buttons[0]!.reply.id, title: 'Sí' } });
    const done = await waitForOutbound(phone, 5);
    expect(JSON.stringify(done[4]!.body)).toMatch(/Reembolso R-\d{6} de 20 EUR/);
    const assistantMessages = await ctx.container.database.db.select().from(messages).where(and(eq(messages.organizationId, org.organizationId), eq(messages.authorType, 'assistant')));
    expect(assistantMessages.length).toBeGreaterThanOrEqual(4);
  });

  it('hands off on a stop keyword: Unassigned, AI off, a note for the agent', async () => {
    const phone = '34600333444';
    await wa.inbound(number, { from: `+${phone}`, name: 'Pablo', type: 'text', text: 'Agente' });
    const [notice] = await waitForOutbound(phone, 1);
    expect(JSON.stringify(notice!.body)).toContain('Te paso con una persona');
    const conversation = await conversationOf(phone);
    const [row] = await ctx.container.database.db.select().from(conversations).where(eq(conversations.id, conversation.id));
    const notes = await ctx.container.database.db.select().from(messages).where(and(eq(messages.conversationId, conversation.id), eq(messages.isPrivate, true)));
    expect(row).toMatchObject({ status: 'unassigned', aiEnabled: false, assigneeId: null });
    expect(notes[0]?.body).toMatch(/Motivo: el cliente escribió una palabra clave de parada/);
    // With the AI off, the next message gets no answer from the assistant.
    await wa.inbound(number, { from: `+${phone}`, type: 'text', text: '¿Dónde está mi pedido 1002?' });
    await ctx.runJobs();
    await new Promise((r) => setTimeout(r, 300));
    expect(await sentTo(phone)).toHaveLength(1);
  });
});
