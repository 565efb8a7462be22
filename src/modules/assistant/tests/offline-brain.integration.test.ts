import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../../emulator/server.ts';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { createLogger } from '../../../shared/logger.ts';
import { seedDemoShop } from '../../integrations/integrations.demo.ts';
import { confirmationOf, playground, textOf, toolCalls } from './helpers.ts';

let ctx: TestContext;
let emulator: RunningEmulator;
const orgs: Record<'es' | 'pt-BR' | 'en', TestOrg> = {} as Record<'es' | 'pt-BR' | 'en', TestOrg>;

beforeAll(async () => {
  ctx = await createTestContext();
  emulator = await startEmulator({ port: 0, logger: createLogger('silent') });
  for (const language of ['es', 'pt-BR', 'en'] as const) {
    const org = await createOrg(ctx, { language });
    await seedDemoShop(ctx.container, org.organizationId, language, emulator.url);
    const res = await call(ctx, org.owner, 'PUT', '/api/v1/assistant/settings', { enabled: true, brain: 'offline' });
    expect(res.statusCode, res.body).toBe(200);
    orgs[language] = org;
  }
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  await ctx?.close();
});

describe('offline brain on the demo shop', () => {
  it('answers an order status with the id given up front (es) and asks for it when missing', async () => {
    const chat = playground(ctx, orgs.es);
    const first = await chat.say('Hola, ¿dónde está mi pedido 1002?');
    expect(first.brain).toBe('offline');
    expect(toolCalls(first)).toMatchObject([{ tool: 'order_status', args: { orderId: '1002' }, status: 'ok' }]);
    expect(textOf(first)).toMatch(/Tu pedido 1002 está en estado «shipped»/);

    const ask = await chat.say('¿Cuándo llega mi pedido?');
    expect(toolCalls(ask)).toEqual([]);
    expect(textOf(ask)).toMatch(/^¿Me indicas el número del pedido/);
    const invalid = await chat.say('no lo sé, es el de las zapatillas');
    expect(textOf(invalid)).toMatch(/^(Eso no parece válido|¿Me indicas)/);
    const answered = await chat.say('Es el 1003');
    expect(toolCalls(answered)).toMatchObject([{ tool: 'order_status', args: { orderId: '1003' }, status: 'ok' }]);
    expect(textOf(answered)).toMatch(/delivered/);
  });

  it('answers in Portuguese and English', async () => {
    const pt = await playground(ctx, orgs['pt-BR']).say('Onde está meu pedido 4471?');
    expect(textOf(pt)).toMatch(/Seu pedido 4471 está com status «shipped»/);
    const en = playground(ctx, orgs.en);
    const q = await en.say('Where is my order?');
    expect(textOf(q)).toMatch(/^Could you tell me the order number/);
    const a = await en.say('#1003');
    expect(textOf(a)).toMatch(/Your order 1003 is "delivered"/);
  });

  it('asks to confirm a refund with the exact arguments and runs it once on yes', async () => {
    const chat = playground(ctx, orgs.es);
    const start = await chat.say('Quiero un reembolso de 20 euros del pedido 1002');
    expect(textOf(start)).toMatch(/^¿Me indicas el motivo del reembolso/);
    const ask = await chat.say('La talla era equivocada');
    const confirmation = confirmationOf(ask);
    expect(confirmation).toMatchObject({ tool: 'request_refund', args: { orderId: '1002', amount: 20, reason: 'La talla era equivocada' } });
    expect(ask.replies[0]).toMatchObject({ type: 'buttons', buttons: [{ id: `confirm:${confirmation.confirmationId}`, title: 'Sí' }, { title: 'No' }] });
    expect(ask.replies[0]!.text).toContain('1002');
    expect(toolCalls(ask)).toEqual([]);

    const yes = await chat.say('Sí, claro');
    expect(toolCalls(yes)).toMatchObject([{ tool: 'request_refund', args: { orderId: '1002', amount: 20, reason: 'La talla era equivocada' }, status: 'ok' }]);
    expect(textOf(yes)).toMatch(/^Reembolso R-\d{6} de 20 EUR registrado para el pedido 1002/);
    // The same button pressed again (a duplicate delivery) does nothing.
    const again = await chat.say(`confirm:${confirmation.confirmationId}`);
    expect(toolCalls(again)).toEqual([]);
    const [audit] = await ctx.container.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where target_id = ${confirmation.confirmationId}`);
    expect(audit!.n).toBe(2);
  });

  it('cancels on no, on expiry and on a different request', async () => {
    const chat = playground(ctx, orgs.es);
    const refund = async () => {
      await chat.say('Quiero un reembolso de 10 euros del pedido 1002');
      return confirmationOf(await chat.say('Llegó tarde'));
    };
    await refund();
    const no = await chat.say('no');
    expect(no.events).toMatchObject([{ type: 'confirmation_cancelled' }]);
    expect(textOf(no)).toMatch(/no lo hago/);

    const c2 = await refund();
    await ctx.container.database.rows(sql`update assistant_confirmations set expires_at = now() - interval '1 minute' where id = ${c2.confirmationId}`);
    const late = await chat.say('sí');
    expect(late.events).toMatchObject([{ type: 'confirmation_expired' }]);
    expect(toolCalls(late)).toEqual([]);

    await refund();
    const other = await chat.say('¿Dónde está mi pedido 1001?');
    expect(other.events[0]).toMatchObject({ type: 'confirmation_cancelled' });
    expect(toolCalls(other)).toMatchObject([{ tool: 'order_status', status: 'ok' }]);
    const [n] = await ctx.container.database.rows<{ n: number }>(sql`select count(*)::int as n from tool_calls where tool_name = 'request_refund' and arguments->>'amount' = '10'`);
    expect(n!.n).toBe(0);
  });

  it('never runs a confirmation twice under concurrent answers', async () => {
    const chat = playground(ctx, orgs.en);
    await chat.say('I want a refund of 15 euros for order 1003');
    const c = confirmationOf(await chat.say('It was damaged'));
    const turns = await Promise.all(Array.from({ length: 5 }, () => call(ctx, orgs.en.owner, 'POST', '/api/v1/assistant/playground', { sessionId: chat.sessionId, text: `confirm:${c.confirmationId}` })));
    const calls = turns.flatMap((t) => toolCalls(json(t)));
    expect(calls).toHaveLength(1);
    const [n] = await ctx.container.database.rows<{ n: number }>(sql`select count(*)::int as n from tool_calls where tool_name = 'request_refund' and organization_id = ${orgs.en.organizationId}`);
    expect(n!.n).toBe(1);
  });

  it('opens a ticket after confirmation (pt)', async () => {
    const chat = playground(ctx, orgs['pt-BR'], { phone: '+5511987654321' });
    const start = await chat.say('O produto chegou quebrado, quero abrir um chamado');
    expect(textOf(start)).toMatch(/^Pode me informar um resumo curto do problema/);
    const c = confirmationOf(await chat.say('Caneca quebrada'));
    expect(c.tool).toBe('create_ticket');
    const done = await chat.say('sim');
    expect(textOf(done)).toMatch(/^Abri o chamado T-\d{6}/);
  });

  it('captures a lead: name, e-mail and consent, then saves the contact (en)', async () => {
    const chat = playground(ctx, orgs.en);
    expect(textOf(await chat.say('I want to receive offers'))).toBe('Could you tell me your name?');
    expect(textOf(await chat.say('Emily'))).toBe('Could you tell me your e-mail address?');
    expect(textOf(await chat.say('not an email'))).toMatch(/^That doesn't look valid/);
    expect(textOf(await chat.say('emily@example.com'))).toMatch(/news and offers/);
    const saved = await chat.say('yes');
    expect(toolCalls(saved)).toMatchObject([{ tool: 'save_contact', status: 'ok' }]);
    const list = json<{ items: { id: string; email: string; firstName: string; marketingConsent: string }[] }>(await call(ctx, orgs.en.owner, 'GET', '/api/v1/contacts?q=emily@example.com'));
    expect(list.items[0]).toMatchObject({ firstName: 'Emily', email: 'emily@example.com', marketingConsent: 'granted' });
  });

  it('hands off when asked for a person, and after repeated "I don\'t know"', async () => {
    const chat = playground(ctx, orgs.es);
    const human = await chat.say('Quiero hablar con una persona');
    expect(human.events).toMatchObject([{ type: 'handoff' }]);
    const chat2 = playground(ctx, orgs.es);
    const first = await chat2.say('¿Cuál es la capital de Mongolia?');
    expect(textOf(first)).toMatch(/no sé responder/);
    const second = await chat2.say('¿Y la de Kazajistán?');
    expect(second.events.some((e) => e.type === 'handoff')).toBe(true);
  });
});
