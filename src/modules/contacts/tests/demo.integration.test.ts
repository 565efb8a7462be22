import { afterAll, beforeAll, expect, it } from 'vitest';
import { identityDemoSeeder } from '../../identity/identity.demo.ts';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { contactsDemoSeeder } from '../index.ts';

let ctx: TestContext;
let org: TestOrg;
beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { language: 'es' });
});
afterAll(() => ctx.close());

it('seeds the demo: custom fields, the sample imported with its report, groups and a consent history', async () => {
  await identityDemoSeeder.seed(ctx.container, org.organizationId, 'es');
  await contactsDemoSeeder.seed(ctx.container, org.organizationId, 'es');
  const fields = json<{ items: { key: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/contact-fields'));
  expect(fields.items.map((f) => f.key).sort()).toEqual(['numero_documento', 'tipo_de_cliente']);
  const groups = json<{ items: { name: string; memberCount: number }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/groups'));
  expect(groups.items.map((g) => g.name)).toEqual(['Clientes VIP', 'Nuevos Registros', 'Prospecto Interesado']);
  const imports = json<{ items: { status: string; rowsProcessed: number; counts: { failed: number } }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/contacts/imports'));
  expect(imports.items[0]).toMatchObject({ status: 'completed', rowsProcessed: 10 });
  expect(imports.items[0]!.counts.failed).toBeGreaterThan(0);
  const granted = json<{ items: unknown[] }>(await call(ctx, org.owner, 'GET', '/api/v1/contacts?marketingConsent=granted'));
  const revoked = json<{ items: unknown[] }>(await call(ctx, org.owner, 'GET', '/api/v1/contacts?marketingConsent=revoked'));
  expect(granted.items.length).toBeGreaterThan(0);
  expect(revoked.items).toHaveLength(1);
});
