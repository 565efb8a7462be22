import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { addMember, call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { authHeaders } from './helpers.ts';

let ctx: TestContext;
let org: TestOrg;
type Contact = { id: string; firstName: string; lastName: string; phone: string | null; email: string | null; customFields: Record<string, unknown>; groups: { id: string; name: string }[] };
type Page = { items: Contact[]; nextCursor: string | null };

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { language: 'es' });
  await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { country: 'CO' });
});
afterAll(() => ctx.close());

const create = async (body: Record<string, unknown>) => {
  const res = await call(ctx, org.owner, 'POST', '/api/v1/contacts', body);
  expect(res.statusCode, res.body).toBe(201);
  return json<Contact>(res);
};
const list = async (query: string) => {
  const res = await call(ctx, org.owner, 'GET', `/api/v1/contacts?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return json<Page>(res);
};

describe('contacts CRUD and validation', () => {
  it('normalizes the phone with the organization country and validates e-mails', async () => {
    const c = await create({ firstName: 'María José', lastName: 'Gómez', phone: '300 123 4567', email: 'MJ@Example.com', address: { city: 'Bogotá' } });
    expect(c.phone).toBe('+573001234567');
    expect(c.email).toBe('MJ@example.com');
    const bad = await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: 'X', phone: '+57 31A 222 33B4', email: 'luis@@example' });
    expect(bad.statusCode).toBe(400);
    expect(json<{ code: string; errors: { path: string }[] }>(bad)).toMatchObject({ code: 'contact_invalid' });
    expect(json<{ errors: { path: string }[] }>(bad).errors.map((e) => e.path).sort()).toEqual(['email', 'phone']);
    const unknown = await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: 'X', nickname: 'y' });
    expect(unknown.statusCode).toBe(400);
    const empty = await call(ctx, org.owner, 'POST', '/api/v1/contacts', {});
    expect(empty.statusCode).toBe(400);
  });

  it('keeps phone and e-mail unique (e-mail ignoring case) with a 409 naming the other contact', async () => {
    const a = await create({ firstName: 'Único', phone: '+57 310 555 0101', email: 'unico@example.com' });
    const samePhone = await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: 'Otro', phone: '(310) 555-0101' });
    expect(samePhone.statusCode).toBe(409);
    expect(json<{ code: string; errors: { message: string }[] }>(samePhone).code).toBe('contact_phone_taken');
    expect(json<{ errors: { message: string }[] }>(samePhone).errors[0]!.message).toContain(a.id);
    const sameEmail = await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: 'Otro', email: 'UNICO@example.com' });
    expect(json(sameEmail).code).toBe('contact_email_taken');
    const patch = await call(ctx, org.owner, 'PATCH', `/api/v1/contacts/${a.id}`, { email: 'Unico@Example.com', notes: 'ok' });
    expect(patch.statusCode, patch.body).toBe(200);
  });

  it('updates partially, clears with null, and deletes', async () => {
    const c = await create({ firstName: 'Pedro', email: 'pedro@example.com', address: { city: 'Cali', country: 'Colombia' } });
    const u = json<Contact & { address: { city: string | null; country: string | null } }>(
      await call(ctx, org.owner, 'PATCH', `/api/v1/contacts/${c.id}`, { lastName: 'Pérez', address: { city: null } }),
    );
    expect(u).toMatchObject({ firstName: 'Pedro', lastName: 'Pérez', address: { city: null, country: 'Colombia' } });
    expect((await call(ctx, org.owner, 'DELETE', `/api/v1/contacts/${c.id}`)).statusCode).toBe(204);
    expect((await call(ctx, org.owner, 'GET', `/api/v1/contacts/${c.id}`)).statusCode).toBe(404);
    expect((await call(ctx, org.owner, 'GET', '/api/v1/contacts/not-a-uuid')).statusCode).toBe(400);
  });

  it('stores a profile photo checked by its bytes', async () => {
    const c = await create({ firstName: 'Foto', email: 'foto@example.com' });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a1c40000000049454e44ae426082', 'hex');
    const send = (data: Buffer) => {
      const boundary = 'xyzBOUNDARY';
      const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      return ctx.app.inject({ method: 'PUT', url: `/api/v1/contacts/${c.id}/photo`, headers: { ...authHeaders(org.owner), 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    };
    const ok = await send(png);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok).hasPhoto).toBe(true);
    const got = await call(ctx, org.owner, 'GET', `/api/v1/contacts/${c.id}/photo`);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.rawPayload.equals(png)).toBe(true);
    const notImage = await send(Buffer.from('<svg onload=alert(1)>'));
    expect(notImage.statusCode).toBe(422);
    expect(json(notImage).code).toBe('photo_unsupported');
  });
});

describe('custom fields', () => {
  let fieldId: string;
  it('creates fields, enforces required ones and validates values by type', async () => {
    const f = json<{ id: string; key: string }>(await call(ctx, org.owner, 'POST', '/api/v1/contact-fields', { label: 'Tipo de cliente', component: 'select', options: ['Cotización', 'Compra', 'Recompra'], required: true }));
    expect(f.key).toBe('tipo_de_cliente');
    fieldId = f.id;
    await call(ctx, org.owner, 'POST', '/api/v1/contact-fields', { label: 'Compras', component: 'input', inputType: 'number' });
    const missing = await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: 'Sin tipo', email: 'sintipo@example.com' });
    expect(missing.statusCode).toBe(400);
    expect(json<{ errors: { path: string; message: string }[] }>(missing).errors).toEqual([{ path: 'customFields.tipo_de_cliente', message: 'Required' }]);
    const wrong = await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: 'X', email: 'x1@example.com', customFields: { tipo_de_cliente: 'Otro', compras: 'muchas', nope: 1 } });
    expect(json<{ errors: { path: string }[] }>(wrong).errors.map((e) => e.path).sort()).toEqual(['customFields.compras', 'customFields.nope', 'customFields.tipo_de_cliente']);
    const ok = await create({ firstName: 'Con tipo', email: 'contipo@example.com', customFields: { tipo_de_cliente: 'cotizacion', compras: '3' } });
    expect(ok.customFields).toEqual({ tipo_de_cliente: 'Cotización', compras: 3 });
    const clear = await call(ctx, org.owner, 'PATCH', `/api/v1/contacts/${ok.id}`, { customFields: { tipo_de_cliente: null } });
    expect(clear.statusCode).toBe(400);
  });

  it('refuses a type change that existing values do not fit, listing them; converts when they fit', async () => {
    const c = await create({ firstName: 'Ana', email: 'ana.recompra@example.com', customFields: { tipo_de_cliente: 'Recompra' } });
    const refused = await call(ctx, org.owner, 'PATCH', `/api/v1/contact-fields/${fieldId}`, { options: ['Cotización', 'Compra'] });
    expect(refused.statusCode).toBe(409);
    const body = json<{ code: string; errors: { path: string; message: string }[] }>(refused);
    expect(body.code).toBe('contact_field_values_conflict');
    expect(body.errors).toContainEqual({ path: `contacts.${c.id}`, message: '"Recompra" (Ana)' });
    const stillThere = json<{ options: string[] }>(await call(ctx, org.owner, 'GET', `/api/v1/contact-fields/${fieldId}`));
    expect(stillThere.options).toHaveLength(3);
    const toText = await call(ctx, org.owner, 'PATCH', `/api/v1/contact-fields/${fieldId}`, { component: 'input', inputType: 'text', required: false });
    expect(toText.statusCode, toText.body).toBe(200);
    const toNumber = await call(ctx, org.owner, 'PATCH', `/api/v1/contact-fields/${fieldId}`, { inputType: 'number' });
    expect(toNumber.statusCode).toBe(409);
  });

  it('deleting a field removes its values from every contact', async () => {
    const fields = json<{ items: { id: string; key: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/contact-fields'));
    const compras = fields.items.find((f) => f.key === 'compras')!;
    expect((await call(ctx, org.owner, 'DELETE', `/api/v1/contact-fields/${compras.id}`)).statusCode).toBe(204);
    const page = await list('q=Con tipo');
    expect(page.items[0]!.customFields).not.toHaveProperty('compras');
  });

  it('only owners and managers edit field definitions', async () => {
    const agent = await addMember(ctx, org, 'agent');
    expect((await call(ctx, agent.caller, 'POST', '/api/v1/contact-fields', { label: 'X', component: 'textarea' })).statusCode).toBe(403);
    expect((await call(ctx, agent.caller, 'GET', '/api/v1/contact-fields')).statusCode).toBe(200);
  });
});

describe('search, sort and pagination', () => {
  beforeAll(async () => {
    const g = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'Búsqueda' }));
    await create({ firstName: 'João', lastName: 'Conceição', phone: '+55 11 98765-4321', email: 'joao.conceicao@example.com.br', groupIds: [g.id] });
    await create({ firstName: 'Lucía', lastName: 'Fernández', phone: '+34 612 345 678', email: 'lucia.f@example.es' });
    await create({ firstName: 'Andrés', lastName: 'Ramírez', phone: '+57 (310) 555-0199', email: 'andres.r@example.com' });
  });

  it('finds names without accents or case, in any word order', async () => {
    expect((await list('q=conceicao')).items.map((c) => c.firstName)).toEqual(['João']);
    expect((await list('q=LUCIA fernandez')).items.map((c) => c.firstName)).toEqual(['Lucía']);
    expect((await list('q=ramirez andres')).items.map((c) => c.firstName)).toEqual(['Andrés']);
    expect((await list('q=lu')).items.map((c) => c.firstName)).toContain('Lucía');
  });

  it('finds phones typed in any format, and e-mails', async () => {
    for (const q of ['+34 612 345 678', '0034612345678', '612345678', '612 345', '98765-4321', '(11) 9 8765']) {
      expect((await list(`q=${encodeURIComponent(q)}`)).items.map((c) => c.firstName), q).toContain(q.startsWith('(11)') || q.startsWith('98765') ? 'João' : 'Lucía');
    }
    expect((await list('q=example.es')).items.map((c) => c.firstName)).toEqual(['Lucía']);
    expect((await list('q=100%25_')).items).toEqual([]);
    // The whole address and the whole number must match, not only the part the index looks up.
    expect((await list('q=ANDRES.R@example.com')).items.map((c) => c.firstName)).toEqual(['Andrés']);
    expect((await list('q=andres.r@example.es')).items).toEqual([]);
    expect((await list(`q=${encodeURIComponent('+57 612 345 678')}`)).items).toEqual([]);
  });

  it('filters by group, custom field and consent', async () => {
    const groups = json<{ items: { id: string; name: string; memberCount: number }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/groups?q=búsq'));
    const g = groups.items[0]!;
    expect(g.memberCount).toBe(1);
    expect((await list(`groupId=${g.id}`)).items.map((c) => c.firstName)).toEqual(['João']);
    expect((await list('field=tipo_de_cliente:Recompra')).items.map((c) => c.firstName)).toEqual(['Ana']);
    expect((await list('marketingConsent=granted')).items).toEqual([]);
    expect((await call(ctx, org.owner, 'GET', '/api/v1/contacts?field=bad')).statusCode).toBe(400);
  });

  it('sorts by name with stable cursor pagination that visits every contact once', async () => {
    const all = await list('sort=name&limit=200');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`sort=name&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((c) => c.id));
    expect(new Set(seen).size).toBe(seen.length);
    // Two contacts wrote recently: "last seen" lists them first (newest first), then everyone else.
    const [older, newer] = all.items.slice(0, 2).map((c) => c.id) as [string, string];
    await ctx.container.database.rows(
      sql`update contacts set last_seen_at = case when id = ${newer}::uuid then now() - interval '1 minute' else now() - interval '1 day' end
          where id in (${older}::uuid, ${newer}::uuid)`,
    );
    expect((await list('sort=-lastSeenAt&limit=2')).items.map((c) => c.id)).toEqual([newer, older]);
    for (const sort of ['-name', 'createdAt', '-lastSeenAt']) {
      const ids: string[] = [];
      let c: string | null = null;
      do {
        const page: Page = await list(`sort=${sort}&limit=3${c ? `&cursor=${c}` : ''}`);
        ids.push(...page.items.map((x) => x.id));
        c = page.nextCursor;
      } while (c);
      expect(new Set(ids).size, sort).toBe(all.items.length);
    }
    expect((await call(ctx, org.owner, 'GET', '/api/v1/contacts?cursor=garbage')).statusCode).toBe(400);
  });

  it('adds and removes many contacts to groups by ids or by filter', async () => {
    const vip = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'VIP bulk' }));
    const byFilter = await call(ctx, org.owner, 'POST', '/api/v1/contacts/bulk-groups', { action: 'add', groupIds: [vip.id], filter: { q: 'example.com' } });
    expect(byFilter.statusCode, byFilter.body).toBe(200);
    const added = json<{ changed: number }>(byFilter).changed;
    expect(added).toBeGreaterThan(2);
    expect((await list(`groupId=${vip.id}&limit=200`)).items).toHaveLength(added);
    const one = (await list(`groupId=${vip.id}`)).items[0]!;
    const removed = await call(ctx, org.owner, 'POST', '/api/v1/contacts/bulk-groups', { action: 'remove', groupIds: [vip.id], contactIds: [one.id] });
    expect(json(removed).changed).toBe(1);
    const both = await call(ctx, org.owner, 'POST', '/api/v1/contacts/bulk-groups', { action: 'add', groupIds: [vip.id], contactIds: [one.id], filter: {} });
    expect(both.statusCode).toBe(400);
    const foreign = await call(ctx, org.owner, 'POST', '/api/v1/contacts/bulk-groups', { action: 'add', groupIds: ['01a1fce8-0000-7000-8000-000000000000'], filter: {} });
    expect(foreign.statusCode).toBe(404);
  });
});
