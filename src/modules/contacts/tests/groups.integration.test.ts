import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';

let ctx: TestContext;
let org: TestOrg;
beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx);
});
afterAll(() => ctx.close());

describe('groups', () => {
  it('creates, lists with counts, renames and deletes groups', async () => {
    const a = await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'Clientes VIP' });
    expect(a.statusCode).toBe(201);
    const dup = await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'clientes vip' });
    expect(dup.statusCode).toBe(409);
    expect(json(dup).code).toBe('group_name_taken');
    await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'Nuevos prospectos' });
    const list = json<{ items: { id: string; name: string; memberCount: number }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/groups'));
    expect(list.items.map((g) => g.name)).toEqual(['Clientes VIP', 'Nuevos prospectos']);
    expect(list.items[0]!.memberCount).toBe(0);
    const id = json<{ id: string }>(a).id;
    const renamed = await call(ctx, org.owner, 'PATCH', `/api/v1/groups/${id}`, { name: 'VIP' });
    expect(json(renamed).name).toBe('VIP');
    expect((await call(ctx, org.owner, 'DELETE', `/api/v1/groups/${id}`)).statusCode).toBe(204);
    expect((await call(ctx, org.owner, 'GET', `/api/v1/groups/${id}`)).statusCode).toBe(404);
  });

  it('rejects unknown fields and empty names', async () => {
    const r = await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: ' ', extra: 1 });
    expect(r.statusCode).toBe(400);
  });
});
