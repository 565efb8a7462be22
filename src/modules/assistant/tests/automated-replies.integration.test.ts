import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';

/** Automated replies through the API: the playground answers with them first, and every change is audited. */
describe('automated replies', () => {
  let ctx: TestContext;
  let org: TestOrg;
  beforeAll(async () => {
    ctx = await createTestContext();
    org = await createOrg(ctx, { language: 'es' });
    expect((await call(ctx, org.owner, 'PUT', '/api/v1/assistant/settings', { enabled: true, brain: 'offline' })).statusCode).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
  });

  const playground = async (text: string, sessionId?: string) => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/assistant/playground', { text, ...(sessionId ? { sessionId } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { sessionId: string; replies: { type: string; text: string; link?: string; mediaType?: string }[]; events: { type: string; name?: string }[] };
  };
  const create = async (body: Record<string, unknown>) => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/automated-replies', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };

  it('answers in the playground before the assistant, accent- and case-insensitively, with text or media', async () => {
    const hours = await create({ name: 'Horario', keywords: ['horário'], match: 'contains', reply: { type: 'text', text: 'Abrimos de 9 a 18 h.' } });
    await create({ name: 'Catálogo', keywords: ['catalogo'], match: 'exact', priority: 5, reply: { type: 'media', mediaType: 'document', link: 'https://tienda.example/catalogo.pdf', caption: 'Nuestro catálogo' } });

    const first = await playground('¿Cuál es el HORARIO de la tienda?');
    expect(first.replies).toEqual([{ type: 'text', text: 'Abrimos de 9 a 18 h.' }]);
    expect(first.events).toEqual([{ type: 'automated_reply', ruleId: hours.id, name: 'Horario' }]);

    // The same session goes on: a rule's answer keeps the conversation, the next message reaches the assistant.
    const media = await playground('Catálogo', first.sessionId);
    expect(media.sessionId).toBe(first.sessionId);
    expect(media.replies).toEqual([{ type: 'media', mediaType: 'document', link: 'https://tienda.example/catalogo.pdf', text: 'Nuestro catálogo' }]);
    const other = await playground('quiero ver el catálogo completo', first.sessionId);
    expect(other.events.some((e) => e.type === 'automated_reply')).toBe(false);

    // A disabled rule never answers.
    const current = (await call(ctx, org.owner, 'GET', `/api/v1/automated-replies/${hours.id}`)).json() as Record<string, unknown>;
    const { id: _i, createdAt: _c, updatedAt: _u, ...definition } = current;
    expect((await call(ctx, org.owner, 'PUT', `/api/v1/automated-replies/${hours.id}`, { ...definition, enabled: false })).statusCode).toBe(200);
    expect((await playground('horario')).events.some((e) => e.type === 'automated_reply')).toBe(false);
  });

  it('refuses an unknown playground session and records every change in the audit log', async () => {
    await create({ name: 'Hola', keywords: ['hola'], match: 'exact', reply: { type: 'text', text: '¡Hola!' } });
    const unknown = await call(ctx, org.owner, 'POST', '/api/v1/assistant/playground', { text: 'hola', sessionId: '0b6a1c1e-2f3d-4c5b-8a9e-0123456789ab' });
    expect(unknown.statusCode).toBe(404);

    const rule = await create({ name: 'Envíos', keywords: ['envio'], reply: { type: 'text', text: 'Enviamos a todo el país.' } });
    expect((await call(ctx, org.owner, 'DELETE', `/api/v1/automated-replies/${rule.id}`)).statusCode).toBe(204);
    expect((await call(ctx, org.owner, 'DELETE', `/api/v1/automated-replies/${rule.id}`)).statusCode).toBe(404);
    const log = (await call(ctx, org.owner, 'GET', '/api/v1/audit-log?limit=100')).json() as { items: { action: string; targetId: string | null }[] };
    const forRule = log.items.filter((e) => e.targetId === rule.id).map((e) => e.action);
    expect(forRule.sort()).toEqual(['automated_reply.created', 'automated_reply.deleted']);
  });
});
