import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { addMember, call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx);
});
afterAll(() => ctx?.close());

const SECRET = 'sk_live_abcdefghijkl9876';

const shopTool = {
  name: 'order_status',
  description: 'When the customer asks where their order is',
  examples: ['where is my order'],
  parameters: [{ name: 'orderId', type: 'string', description: 'Order number', required: true }],
  request: { method: 'GET', url: '/orders/{{orderId}}', headers: [{ name: 'X-Key', value: '{{secrets.shopKey}}' }] },
  responseMapping: [{ variable: 'status', path: 'status' }],
  replyTemplate: 'Tu pedido {{orderId}} está {{status}}',
};

describe('integrations API', () => {
  it('creates an integration with encrypted secrets and returns only hints', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/integrations', {
      name: 'Shop',
      baseUrl: 'https://shop.example/api',
      auth: { type: 'bearer', token: SECRET },
      headers: [{ name: 'X-Tenant', value: 'acme' }, { name: 'X-Signature', value: 'sig-0123456789abcdef', secret: true }],
      secrets: { shopKey: 'shop-key-0000111122223333' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('shop-key-0000111122223333');
    expect(res.body).not.toContain('sig-0123456789abcdef');
    const body = json<{ id: string; auth: { secret: unknown }; secrets: unknown[]; headers: unknown[] }>(res);
    expect(body.auth.secret).toEqual({ isSet: true, last4: '9876' });
    expect(body.secrets).toEqual([{ name: 'shopKey', isSet: true, last4: '3333' }]);
    expect(body.headers).toEqual([
      { name: 'X-Tenant', value: 'acme', secret: false, hint: null },
      { name: 'X-Signature', value: null, secret: true, hint: { isSet: true, last4: 'cdef' } },
    ]);
    // Stored encrypted: the plaintext is nowhere in the row.
    const rows = await ctx.container.database.rows<Record<string, unknown>>(
      (await import('drizzle-orm')).sql`select * from integrations where id = ${body.id}`,
    );
    expect(JSON.stringify(rows)).not.toContain(SECRET);

    // A partial update keeps the secrets; changing the auth type without its secret is refused.
    const patched = await call(ctx, org.owner, 'PATCH', `/api/v1/integrations/${body.id}`, { name: 'Shop API', headers: [{ name: 'X-Signature', secret: true }] });
    expect(patched.statusCode).toBe(200);
    expect(json<{ auth: { secret: unknown }; headers: { hint: unknown }[] }>(patched).headers[0]!.hint).toEqual({ isSet: true, last4: 'cdef' });
    const bad = await call(ctx, org.owner, 'PATCH', `/api/v1/integrations/${body.id}`, { auth: { type: 'basic', username: 'ana' } });
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toMatchObject({ code: 'integration_invalid', errors: [{ path: 'auth.password' }] });
  });

  it('validates input with problem+json codes and never answers 500', async () => {
    const cases: [unknown, number, string][] = [
      [{ name: '' }, 400, 'validation_failed'],
      [{ name: 'x', baseUrl: 'ftp://x' }, 400, 'validation_failed'],
      [{ name: 'x', baseUrl: 'https://user:pw@x.example' }, 400, 'validation_failed'],
      [{ name: 'x', allowedPrivateHosts: ['169.254.169.254'] }, 400, 'validation_failed'],
      [{ name: 'x', kind: 'mcp' }, 400, 'integration_invalid'],
      [{ name: 'x', headers: [{ name: 'X-A', value: '{{orderId}}' }] }, 400, 'integration_invalid'],
      [{ name: 'x', headers: [{ name: 'X-A', value: '{{secrets.nope}}' }] }, 400, 'integration_invalid'],
      [{ name: 'x', headers: [{ name: 'Bad Header', value: 'v' }] }, 400, 'validation_failed'],
      [{ name: 'x', unknown: true }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(ctx, org.owner, 'POST', '/api/v1/integrations', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(json(res).code).toBe(code);
    }
  });

  it('manages tools: create, list, unique names, reserved names, validation, delete', async () => {
    const integration = json<{ id: string }>(
      await call(ctx, org.owner, 'POST', '/api/v1/integrations', { name: 'Orders', baseUrl: 'https://shop.example', secrets: { shopKey: 'k-123456789012' } }),
    );
    const created = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integration.id}/tools`, shopTool);
    expect(created.statusCode).toBe(201);
    const tool = json<{ id: string; inputSchema: unknown; request: unknown }>(created);
    expect(tool.inputSchema).toEqual({ type: 'object', properties: { orderId: { type: 'string', description: 'Order number' } }, required: ['orderId'], additionalProperties: false });

    expect(json(await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integration.id}/tools`, shopTool))).toMatchObject({ code: 'tool_name_taken' });
    expect(json(await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integration.id}/tools`, { ...shopTool, name: 'search_knowledge' }))).toMatchObject({ code: 'tool_name_taken' });
    expect((await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integration.id}/tools`, { ...shopTool, name: 'Order-Status' })).statusCode).toBe(400);

    const invalid: [unknown, string][] = [
      [{ ...shopTool, name: 't1', request: { url: '/orders/{{order}}' } }, 'request.url'],
      [{ ...shopTool, name: 't2', request: { url: 'https://{{orderId}}.evil/x' } }, 'request.url'],
      [{ ...shopTool, name: 't3', request: { url: '/x', headers: [{ name: 'X-K', value: '{{secrets.missing}}' }] } }, 'request.headers.0.value'],
      [{ ...shopTool, name: 't4', request: { method: 'GET', url: '/x', body: { a: 1 } } }, 'request.body'],
      [{ ...shopTool, name: 't5', replyTemplate: 'Key {{secrets.shopKey}}' }, 'replyTemplate'],
      [{ ...shopTool, name: 't6', responseMapping: [{ variable: 'a', path: 'x..y' }] }, 'responseMapping.0.path'],
      [{ ...shopTool, name: 't7', request: { url: '/a/../admin' } }, 'request.url'],
      [{ ...shopTool, name: 't8', parameters: [{ name: 'k', type: 'enum' }] }, 'parameters.0.enumValues'],
    ];
    for (const [body, path] of invalid) {
      const res = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integration.id}/tools`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(json(res).errors), JSON.stringify(body)).toContain(path);
    }

    const all = json<{ items: { name: string; integrationName: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/tools'));
    expect(all.items.map((t) => t.name)).toContain('order_status');
    const patched = await call(ctx, org.owner, 'PATCH', `/api/v1/integrations/${integration.id}/tools/${tool.id}`, { requiresConfirmation: true, fallbackMessage: 'No disponible' });
    expect(json(patched)).toMatchObject({ requiresConfirmation: true, fallbackMessage: 'No disponible', name: 'order_status' });

    // A secret in use cannot be deleted.
    const secretDelete = await call(ctx, org.owner, 'PATCH', `/api/v1/integrations/${integration.id}`, { secrets: { shopKey: null } });
    expect(json(secretDelete)).toMatchObject({ code: 'integration_invalid', errors: [{ path: 'secrets.shopKey' }] });

    const builtins = json<{ items: { name: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/tools/builtin'));
    expect(builtins.items.map((b) => b.name)).toEqual(['search_knowledge', 'lookup_contact', 'save_contact', 'add_note', 'handoff_to_human', 'close_conversation']);

    expect((await call(ctx, org.owner, 'DELETE', `/api/v1/integrations/${integration.id}`)).statusCode).toBe(204);
    expect((await call(ctx, org.owner, 'GET', `/api/v1/tools/${tool.id}`)).statusCode).toBe(404);
  });

  it('requires assistant.manage', async () => {
    const agent = await addMember(ctx, org, 'agent');
    const manager = await addMember(ctx, org, 'manager');
    expect((await call(ctx, agent.caller, 'GET', '/api/v1/integrations')).statusCode).toBe(403);
    expect((await call(ctx, agent.caller, 'POST', '/api/v1/integrations', { name: 'x' })).statusCode).toBe(403);
    expect((await call(ctx, manager.caller, 'POST', '/api/v1/integrations', { name: 'Managed' })).statusCode).toBe(201);
    expect((await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/tools')).statusCode).toBe(200);
  });

  it('answers 404 for malformed and unknown ids', async () => {
    expect((await call(ctx, org.owner, 'GET', '/api/v1/integrations/nope')).statusCode).toBe(400);
    expect(json(await call(ctx, org.owner, 'GET', '/api/v1/integrations/0190a0a0-0000-7000-8000-000000000000')).code).toBe('integration_not_found');
    expect(json(await call(ctx, org.owner, 'POST', '/api/v1/tools/0190a0a0-0000-7000-8000-000000000000/test', {})).code).toBe('tool_not_found');
  });
});
