import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { applyOptOutKeywords, audiencePage, countAudience } from '../index.ts';

let ctx: TestContext;
let org: TestOrg;
type Consent = { purpose: string; status: string; source: string; textShown: string; actorLabel: string };

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { language: 'pt-BR' });
  await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { country: 'BR' });
});
afterAll(() => ctx.close());

const contact = async (body: Record<string, unknown>) => json<{ id: string; marketingConsent: string | null }>(await call(ctx, org.owner, 'POST', '/api/v1/contacts', body));
const ledger = async (id: string) => json<{ items: Consent[] }>(await call(ctx, org.owner, 'GET', `/api/v1/contacts/${id}/consents`)).items;

describe('consent ledger', () => {
  it('records grants and revocations with how, what was shown and who', async () => {
    const c = await contact({ firstName: 'Lia', phone: '11 95555-0001' });
    const grant = await call(ctx, org.owner, 'POST', `/api/v1/contacts/${c.id}/consents`, { purpose: 'marketing', status: 'granted', textShown: 'Aceita receber ofertas?' });
    expect(grant.statusCode, grant.body).toBe(201);
    expect(json(grant)).toMatchObject({ source: 'agent', actorLabel: 'Owner' });
    await call(ctx, { apiKey: org.apiKey }, 'POST', `/api/v1/contacts/${c.id}/consents`, { purpose: 'service', status: 'granted' });
    expect((await call(ctx, org.owner, 'GET', `/api/v1/contacts/${c.id}`)).json()).toMatchObject({ marketingConsent: 'granted', serviceConsent: 'granted' });
    const items = await ledger(c.id);
    expect(items.map((i) => [i.purpose, i.status, i.source])).toEqual([
      ['service', 'granted', 'api'],
      ['marketing', 'granted', 'agent'],
    ]);
    const bad = await call(ctx, org.owner, 'POST', `/api/v1/contacts/${c.id}/consents`, { purpose: 'spam', status: 'granted' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('opt-out keywords', () => {
  it('revoke marketing consent on an exact keyword (case, accents, punctuation ignored), once', async () => {
    const c = await contact({ firstName: 'Rui', phone: '11 95555-0002' });
    await call(ctx, org.owner, 'POST', `/api/v1/contacts/${c.id}/consents`, { purpose: 'marketing', status: 'granted' });
    const db = ctx.container.database.db;
    expect(await db.transaction((tx) => applyOptOutKeywords(tx, org.organizationId, c.id, 'quero sair da lista amanhã', 'message'))).toEqual({ matched: false });
    expect(await db.transaction((tx) => applyOptOutKeywords(tx, org.organizationId, c.id, '  Sair! ', 'message'))).toEqual({ matched: true, keyword: 'SAIR' });
    expect(await db.transaction((tx) => applyOptOutKeywords(tx, org.organizationId, c.id, 'STOP', 'message'))).toEqual({ matched: true, keyword: 'STOP' });
    const items = await ledger(c.id);
    expect(items[0]).toMatchObject({ purpose: 'marketing', status: 'revoked', source: 'message', textShown: 'Descadastro por palavra-chave: "SAIR"\nSair!' });
    expect(items.filter((i) => i.status === 'revoked')).toHaveLength(1);
  });

  it('uses the keywords configured in the organization settings', async () => {
    const res = await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { settings: { contacts: { optOutKeywords: ['Não quero mais'] } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(json<{ settings: { contacts: { optOutKeywords: string[] } } }>(res).settings.contacts.optOutKeywords).toEqual(['Não quero mais']);
    const c = await contact({ firstName: 'Ivo', phone: '11 95555-0003' });
    const db = ctx.container.database.db;
    expect((await db.transaction((tx) => applyOptOutKeywords(tx, org.organizationId, c.id, 'STOP', 'message'))).matched).toBe(false);
    expect((await db.transaction((tx) => applyOptOutKeywords(tx, org.organizationId, c.id, 'nao quero mais.', 'message'))).matched).toBe(true);
    expect((await call(ctx, org.owner, 'GET', `/api/v1/contacts/${c.id}`)).json().marketingConsent).toBe('revoked');
    const tooMany = await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { settings: { contacts: { optOutKeywords: [''] } } });
    expect(tooMany.statusCode).toBe(400);
  });
});

describe('audiences (for campaigns)', () => {
  it('reaches group members with marketing consent, in pages', async () => {
    const g = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'Campanha' }));
    const yes = await contact({ firstName: 'Sim', phone: '11 96666-0001', groupIds: [g.id] });
    const no = await contact({ firstName: 'Nao', phone: '11 96666-0002', groupIds: [g.id] });
    const unknown = await contact({ firstName: 'Talvez', phone: '11 96666-0003', groupIds: [g.id] });
    await contact({ firstName: 'Fora', phone: '11 96666-0004' });
    await call(ctx, org.owner, 'POST', `/api/v1/contacts/${yes.id}/consents`, { purpose: 'marketing', status: 'granted' });
    await call(ctx, org.owner, 'POST', `/api/v1/contacts/${no.id}/consents`, { purpose: 'marketing', status: 'revoked' });
    const db = ctx.container.database.db;
    expect(await countAudience(db, org.organizationId, { groupIds: [g.id] })).toBe(1);
    expect(await countAudience(db, org.organizationId, { groupIds: [g.id], consent: 'not_revoked' })).toBe(2);
    const page = await audiencePage(db, org.organizationId, { groupIds: [g.id], consent: 'not_revoked' }, { limit: 1 });
    const next = await audiencePage(db, org.organizationId, { groupIds: [g.id], consent: 'not_revoked' }, { limit: 1, afterId: page[0]!.id });
    expect([...page, ...next].map((c) => c.id).sort()).toEqual([yes.id, unknown.id].sort());
    const other = await createOrg(ctx);
    expect(await countAudience(db, other.organizationId, { groupIds: [g.id] })).toBe(0);
  });
});
