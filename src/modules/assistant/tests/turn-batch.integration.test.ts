import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { type EmulatedNumber, eventually, startWhatsAppHarness, type WhatsAppHarness } from '../../../../test/support/whatsapp.ts';

/**
 * The turns the job runner claims together share their reads (messages, rules, settings): every
 * customer must still get the answer of their own organization's rules and settings.
 */
describe('assistant turns of several organizations at once', () => {
  let ctx: TestContext;
  let wa: WhatsAppHarness;
  let shop: TestOrg;
  let clinic: TestOrg;
  let shopNumber: EmulatedNumber;
  let clinicNumber: EmulatedNumber;

  beforeAll(async () => {
    ctx = await createTestContext();
    wa = await startWhatsAppHarness(ctx);
    shop = await createOrg(ctx, { language: 'es' });
    clinic = await createOrg(ctx, { language: 'pt-BR' });
    shopNumber = await wa.connect(shop);
    clinicNumber = await wa.connect(clinic);
    // The same keyword in both organizations, each with its own answer; only the shop's assistant is on.
    for (const [org, text] of [
      [shop, 'La tienda abre de 9 a 18 h.'],
      [clinic, 'A clínica abre das 8h às 20h.'],
    ] as const) {
      const rule = await call(ctx, org.owner, 'POST', '/api/v1/automated-replies', { name: 'Horario', keywords: ['horario'], match: 'contains', reply: { type: 'text', text } });
      expect(rule.statusCode, rule.body).toBe(201);
    }
    expect((await call(ctx, shop.owner, 'PUT', '/api/v1/assistant/settings', { enabled: true, brain: 'offline' })).statusCode).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await wa?.close();
    await ctx?.close();
  });

  it('answers every customer with their own organization’s rule, and only where its assistant is on', async () => {
    const customers = Array.from({ length: 6 }, (_, i) => ({ phone: `3460070${String(i).padStart(4, '0')}`, number: i % 2 ? clinicNumber : shopNumber }));
    // Stored before the worker starts, so the runner claims the turns together.
    await Promise.all(customers.map((c, i) => wa.inbound(c.number, { from: `+${c.phone}`, name: `Cliente ${i}`, type: 'text', text: '¿Cuál es el horario?' })));
    await wa.inbound(clinicNumber, { from: '+34600799999', name: 'Sin regla', type: 'text', text: 'Quero marcar uma consulta' });
    await wa.inbound(shopNumber, { from: '+34600788888', name: 'Con asistente', type: 'text', text: '¿Dónde está mi pedido?' });
    await wa.startWorker();

    for (const c of customers) {
      const sent = await eventually(async () => {
        const out = await wa.outbox(c.number, c.phone);
        return out.length ? out : undefined;
      }, 15_000, `the reply to ${c.phone}`);
      expect(sent).toHaveLength(1);
      expect(JSON.stringify(sent[0]!.body)).toContain(c.number === shopNumber ? 'La tienda abre de 9 a 18 h.' : 'A clínica abre das 8h às 20h.');
    }
    // The shop's assistant answers what no rule matches; the clinic's is off, so its customer waits for an agent.
    await eventually(async () => ((await wa.outbox(shopNumber, '34600788888')).length ? true : undefined), 15_000, 'the shop assistant’s reply');
    await eventually(async () => {
      const [left] = await ctx.container.database.rows<{ n: number }>(sql`select count(*)::int as n from jobs where name = 'assistant.turn' and state in ('queued', 'running')`);
      return left?.n === 0 ? true : undefined;
    }, 15_000, 'every turn done');
    expect(await wa.outbox(clinicNumber, '34600799999')).toEqual([]);
  }, 60_000);
});
