import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../../emulator/server.ts';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { createLogger } from '../../../shared/logger.ts';
import { type ConversationActions, executeBuiltinTool, executeTool, listAssistantTools } from '../index.ts';
import { seedDemoShop } from '../integrations.demo.ts';

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { language: 'es' });
});
afterAll(() => ctx?.close());

const builtin = (name: Parameters<typeof executeBuiltinTool>[1]['name'], args: Record<string, unknown>, extra: Record<string, unknown> = {}, actions?: ConversationActions) =>
  executeBuiltinTool(ctx.container, { name, organizationId: org.organizationId, args, source: 'assistant', ...extra }, actions);

describe('built-in tools', () => {
  it('runs the CRM lead flow: create with source assistant, find again by e-mail, record consent', async () => {
    const first = await builtin('save_contact', { firstName: 'Lucía', email: 'lucia@example.com', marketingConsent: 'sí' });
    expect(first).toMatchObject({ status: 'ok', variables: { created: true }, reply: 'Datos guardados.' });
    const contactId = String(first.variables.contactId);
    const again = await builtin('save_contact', { email: 'LUCIA@example.com', phone: '+34 612 345 678', lastName: 'García' });
    expect(again.variables).toEqual({ contactId, created: false });
    const contact = json<{ firstName: string; lastName: string; phone: string; source: string; marketingConsent: string }>(await call(ctx, org.owner, 'GET', `/api/v1/contacts/${contactId}`));
    expect(contact).toMatchObject({ firstName: 'Lucía', lastName: 'García', phone: '+34612345678', source: 'assistant', marketingConsent: 'granted' });
    const consents = json<{ items: { source: string; status: string }[] }>(await call(ctx, org.owner, 'GET', `/api/v1/contacts/${contactId}/consents`));
    expect(consents.items[0]).toMatchObject({ source: 'message', status: 'granted' });
    const lookup = await builtin('lookup_contact', {}, { contactId });
    expect(lookup).toMatchObject({ status: 'ok', variables: { found: true, email: 'lucia@example.com' } });
    const invalid = await builtin('save_contact', { email: 'not-an-email' });
    expect(invalid).toMatchObject({ status: 'error', error: { code: 'invalid_arguments', issues: [{ param: 'email', problem: 'invalid_email' }] } });
  });

  it('searches the knowledge base and uses the inbox actions it is given', async () => {
    expect(await builtin('search_knowledge', { query: '¿Cuánto tarda el envío?' })).toMatchObject({ status: 'ok', variables: { count: 0 } });
    const done: string[] = [];
    const actions: ConversationActions = {
      addNote: async ({ text }) => void done.push(`note:${text}`),
      handOff: async ({ reason }) => void done.push(`handoff:${reason}`),
      close: async () => void done.push('close'),
    };
    const conversationId = '0190a0a0-0000-7000-8000-0000000000aa';
    expect(await builtin('add_note', { text: 'Cliente VIP' }, { conversationId }, actions)).toMatchObject({ status: 'ok' });
    expect(await builtin('handoff_to_human', { reason: 'Quiere hablar con una persona' }, { conversationId }, actions)).toMatchObject({ status: 'ok', handoff: true });
    expect(await builtin('close_conversation', {}, { conversationId }, actions)).toMatchObject({ status: 'ok' });
    expect(done).toEqual(['note:Cliente VIP', 'handoff:Quiere hablar con una persona', 'close']);
    expect(await builtin('close_conversation', {})).toMatchObject({ status: 'error', error: { code: 'not_available' } });
    const [row] = await ctx.container.database.rows<{ n: number }>(sql`select count(*)::int as n from tool_calls where organization_id = ${org.organizationId} and tool_name = 'add_note'`);
    expect(row!.n).toBe(1);
  });
});

describe('the demo shop integration', () => {
  it('seeds order_status, create_ticket and request_refund against the emulator, and they work', async () => {
    const emulator = await startEmulator({ port: 0, logger: createLogger('silent') });
    try {
      await seedDemoShop(ctx.container, org.organizationId, 'es', emulator.url);
      const tools = await listAssistantTools(ctx.container.database.db, org.organizationId, 'es');
      const byName = new Map(tools.map((t) => [t.name, t]));
      expect([...byName.keys()]).toEqual(expect.arrayContaining(['search_knowledge', 'save_contact', 'order_status', 'create_ticket', 'request_refund']));
      expect(byName.get('request_refund')).toMatchObject({ requiresConfirmation: true, examples: expect.arrayContaining(['Quiero un reembolso']) });
      expect(byName.get('create_ticket')?.requiresConfirmation).toBe(true);
      const record = (name: string) => {
        const t = byName.get(name);
        if (t?.kind !== 'integration') throw new Error(`${name} is not an integration tool`);
        return t.record;
      };
      const status = await executeTool(ctx.container, { organizationId: org.organizationId, tool: record('order_status'), args: { orderId: '1002' }, source: 'playground' });
      expect(status).toMatchObject({ status: 'ok', variables: { status: 'shipped', currency: 'EUR' } });
      expect(status.reply).toMatch(/^Tu pedido 1002 está en estado «shipped»\. Total: 84.4 EUR\./);
      const ticket = await executeTool(ctx.container, {
        organizationId: org.organizationId,
        tool: record('create_ticket'),
        args: { subject: 'Zapatillas rotas', description: 'La suela se despegó' },
        contact: { phone: '+34612345678' },
        source: 'playground',
      });
      expect(ticket.reply).toMatch(/^He abierto el ticket T-\d{6}\./);
      const refund = await executeTool(ctx.container, { organizationId: org.organizationId, tool: record('request_refund'), args: { orderId: '1002', amount: '20', reason: 'Talla equivocada' }, source: 'playground' });
      expect(refund).toMatchObject({ status: 'ok', variables: { status: 'approved' } });
      expect(refund.reply).toMatch(/^Reembolso R-\d{6} de 20 EUR registrado para el pedido 1002/);
      const missing = await executeTool(ctx.container, { organizationId: org.organizationId, tool: record('order_status'), args: { orderId: '9999' }, source: 'playground' });
      expect(missing).toMatchObject({ status: 'error', httpStatus: 404, fallbackMessage: expect.stringContaining('1002') });
    } finally {
      await emulator.close();
    }
  });
});
