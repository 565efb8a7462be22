import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, conversations, files, messages, webchatVisitors, webhookEvents } from '../../../db/schema/index.ts';
import { newId } from '../../../shared/ids.ts';
import { recordAudit } from '../../audit/audit.service.ts';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';

let ctx: TestContext;
let org: TestOrg;
let whatsapp: string;
let webchat: string;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { language: 'es' });
  await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { country: 'CO' });
  const db = ctx.container.database.db;
  whatsapp = newId();
  webchat = newId();
  await db.insert(channels).values([
    { id: whatsapp, organizationId: org.organizationId, type: 'whatsapp', name: 'WhatsApp', phoneNumberId: `pn-${whatsapp.slice(-6)}` },
    { id: webchat, organizationId: org.organizationId, type: 'webchat', name: 'Web', publicId: `pub-${webchat.slice(-6)}` },
  ]);
});
afterAll(() => ctx.close());

const create = async (body: Record<string, unknown>) => {
  const res = await call(ctx, org.owner, 'POST', '/api/v1/contacts', body);
  expect(res.statusCode, res.body).toBe(201);
  return json<{ id: string }>(res).id;
};

/** A conversation with `n` messages (one with a stored media file) on a channel. */
async function conversation(contactId: string, channelId: string, texts: string[]) {
  const db = ctx.container.database.db;
  const id = newId();
  await db.insert(conversations).values({ id, organizationId: org.organizationId, channelId, contactId, status: 'open', lastMessageAt: new Date(), lastMessagePreview: texts.at(-1) });
  for (const [i, body] of texts.entries()) {
    let fileId: string | null = null;
    if (i === 0) {
      fileId = newId();
      const key = `${org.organizationId}/media/${fileId}`;
      await ctx.container.storage.put(key, Buffer.from(`photo of ${body}`));
      await db.insert(files).values({ id: fileId, organizationId: org.organizationId, storageKey: key, mimeType: 'image/jpeg', size: 10, sha256: 'x', source: 'inbound', conversationId: id });
    }
    await db.insert(messages).values({
      id: newId(),
      organizationId: org.organizationId,
      conversationId: id,
      channelId,
      direction: i % 2 ? 'out' : 'in',
      type: fileId ? 'image' : 'text',
      body,
      payload: { text: body },
      fileId,
      authorType: i % 2 ? 'member' : 'contact',
      status: i % 2 ? 'delivered' : 'received',
    });
  }
  return id;
}

/** Every text/JSON column of every table that contains one of the needles (case-insensitive). */
async function findEverywhere(needles: string[]): Promise<string[]> {
  const database = ctx.container.database;
  const cols = await database.rows<{ t: string; c: string }>(
    sql`select c.table_name as t, c.column_name as c from information_schema.columns c
        join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema and t.table_type = 'BASE TABLE'
        where c.table_schema = 'public' and c.data_type in ('text', 'character varying', 'jsonb', 'json')`,
  );
  const hits: string[] = [];
  for (const { t, c } of cols) {
    for (const needle of needles) {
      const rows = await database.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(`"${t}"`)} where ${sql.raw(`"${c}"`)}::text ilike ${`%${needle}%`}`);
      if ((rows[0]?.n ?? 0) > 0) hits.push(`${t}.${c} ∋ ${needle}`);
    }
  }
  return hits;
}

describe('erasure', () => {
  it('removes the person everywhere while conversations and counts stay', async () => {
    const id = await create({ firstName: 'Xiomara', lastName: 'Quintanilla', phone: '+57 315 777 8899', email: 'xiomara.q@example.com', notes: 'Prefiere llamadas', address: { street: 'Calle 9 # 4-20', city: 'Pasto' } });
    const conv = await conversation(id, whatsapp, ['Hola, soy Xiomara Quintanilla', 'Hola Xiomara', 'Mi correo es xiomara.q@example.com y vivo en Calle 9 # 4-20']);
    await conversation(id, webchat, ['Escribo desde la web']);
    const db = ctx.container.database.db;
    await db.insert(webchatVisitors).values({ id: newId(), organizationId: org.organizationId, channelId: webchat, contactId: id, name: 'Xiomara Quintanilla', email: 'xiomara.q@example.com' });
    await db.insert(webhookEvents).values({ id: newId(), organizationId: org.organizationId, channelId: whatsapp, bodySha256: newId(), body: JSON.stringify({ contacts: [{ wa_id: '573157778899', profile: { name: 'Xiomara Quintanilla' } }] }) });
    await recordAudit(db, { organizationId: org.organizationId, actor: { label: 'tool' }, action: 'crm.lead_synced', data: { phone: '+573157778899', email: 'xiomara.q@example.com' } });
    const other = await create({ firstName: 'Otro', phone: '+57 315 000 0001' });
    await conversation(other, whatsapp, ['No me borres']);
    const g = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'A borrar' }));
    await call(ctx, org.owner, 'PATCH', `/api/v1/contacts/${id}`, { groupIds: [g.id] });
    await call(ctx, org.owner, 'POST', `/api/v1/contacts/${id}/consents`, { purpose: 'marketing', status: 'granted', textShown: '¿Aceptas promociones?' });
    const before = await ctx.container.database.rows<{ c: number; m: number }>(sql`select (select count(*)::int from conversations) as c, (select count(*)::int from messages) as m`);
    expect(await findEverywhere(['Quintanilla', 'xiomara.q@example.com', '573157778899'])).not.toEqual([]);

    expect((await call(ctx, org.owner, 'POST', `/api/v1/contacts/${id}/erase`, {})).statusCode).toBe(400);
    const res = await call(ctx, org.owner, 'POST', `/api/v1/contacts/${id}/erase`, { confirm: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual({ conversations: 2, messages: 4, files: 2 });

    expect(await findEverywhere(['Xiomara', 'Quintanilla', 'xiomara.q@example.com', '573157778899', '+57 315 777 8899', 'Calle 9 # 4-20', 'Prefiere llamadas'])).toEqual([]);
    const after = await ctx.container.database.rows<{ c: number; m: number }>(sql`select (select count(*)::int from conversations) as c, (select count(*)::int from messages) as m`);
    expect(after).toEqual(before);
    const [m] = await ctx.container.database.rows<{ n: number }>(sql`select count(*)::int as n from messages where conversation_id = ${conv}::uuid and body is null`);
    expect(m!.n).toBe(3);
    const stored = await ctx.container.database.rows<{ key: string }>(sql`select storage_key as key from files`);
    expect(stored).toHaveLength(1);
    expect(json<{ memberCount: number }>(await call(ctx, org.owner, 'GET', `/api/v1/groups/${g.id}`)).memberCount).toBe(0);
    expect((await call(ctx, org.owner, 'GET', `/api/v1/contacts/${id}`)).statusCode).toBe(404);
    expect((await call(ctx, org.owner, 'POST', `/api/v1/contacts/${id}/erase`, { confirm: true })).statusCode).toBe(404);
    const audit = json<{ items: { action: string; targetId: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/audit-log?action=contact.erased'));
    expect(audit.items[0]).toMatchObject({ action: 'contact.erased', targetId: id });
    const untouched = await ctx.container.database.rows<{ body: string }>(sql`select body from messages where body = 'No me borres'`);
    expect(untouched).toHaveLength(1);
  });

  it('needs the erase permission (agents cannot)', async () => {
    const { addMember } = await import('../../../../test/support/factories.ts');
    const agent = await addMember(ctx, org, 'agent');
    const id = await create({ firstName: 'Protegido', phone: '+57 315 000 0002' });
    expect((await call(ctx, agent.caller, 'POST', `/api/v1/contacts/${id}/erase`, { confirm: true })).statusCode).toBe(403);
    expect((await call(ctx, agent.caller, 'GET', `/api/v1/contacts/${id}/export`)).statusCode).toBe(403);
  });
});

describe('merge and data export', () => {
  it('merges two contacts: conversations move (same channel merged), both histories stay whole', async () => {
    const a = await create({ firstName: 'Marta', phone: '+57 316 100 0001', customFields: {} });
    const b = await create({ firstName: 'Marta R.', lastName: 'Ruiz', email: 'marta.ruiz@example.com', notes: 'cliente antigua' });
    await conversation(a, whatsapp, ['a1', 'a2']);
    await conversation(b, whatsapp, ['b1', 'b2', 'b3']);
    await conversation(b, webchat, ['w1']);
    const g = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'Merge' }));
    await call(ctx, org.owner, 'PATCH', `/api/v1/contacts/${b}`, { groupIds: [g.id] });
    await call(ctx, org.owner, 'POST', `/api/v1/contacts/${b}/consents`, { purpose: 'marketing', status: 'granted' });
    const res = await call(ctx, org.owner, 'POST', '/api/v1/contacts/merge', { survivorId: a, mergedId: b });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({ id: a, firstName: 'Marta', lastName: 'Ruiz', phone: '+573161000001', email: 'marta.ruiz@example.com', notes: 'cliente antigua', marketingConsent: 'granted', groups: [{ name: 'Merge' }] });
    expect((await call(ctx, org.owner, 'GET', `/api/v1/contacts/${b}`)).statusCode).toBe(404);
    const convs = await ctx.container.database.rows<{ channel_id: string; n: number }>(
      sql`select c.channel_id, count(m.id)::int as n from conversations c join messages m on m.conversation_id = c.id where c.contact_id = ${a}::uuid group by c.channel_id order by n desc`,
    );
    expect(convs).toEqual([
      { channel_id: whatsapp, n: 5 },
      { channel_id: webchat, n: 1 },
    ]);
    expect((await call(ctx, org.owner, 'POST', '/api/v1/contacts/merge', { survivorId: a, mergedId: a })).statusCode).toBe(400);

    const exp = await call(ctx, org.owner, 'GET', `/api/v1/contacts/${a}/export`);
    expect(exp.statusCode).toBe(200);
    const data = JSON.parse(exp.body) as { contact: { email: string }; consents: unknown[]; merges: unknown[]; conversations: { messages: { body: string }[] }[] };
    expect(data.contact.email).toBe('marta.ruiz@example.com');
    expect(data.consents).toHaveLength(1);
    expect(data.merges).toHaveLength(1);
    expect(data.conversations.flatMap((c) => c.messages.map((m) => m.body)).sort()).toEqual(['a1', 'a2', 'b1', 'b2', 'b3', 'w1']);
  });
});
