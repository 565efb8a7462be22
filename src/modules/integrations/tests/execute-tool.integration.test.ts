import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { executeTool } from '../index.ts';
import { type FakeAnswer, type FakeApi, startFakeApi } from './fake-api.ts';
import { createIntegrationVia, createToolVia } from './helpers.ts';

let ctx: TestContext;
let org: TestOrg;
let api: FakeApi;
const BEARER = 'tok_abcdefghijklmnop1234';
const API_KEY = 'key_zyxwvutsrqponm5678';

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { language: 'es' });
  api = await startFakeApi();
});
afterAll(async () => {
  await api?.close();
  await ctx?.close();
});
afterEach(() => {
  api.requests.length = 0;
});

const base = () => ({ baseUrl: `${api.url}/v1`, allowedPrivateHosts: ['127.0.0.1'] });
const run = (toolId: string, args: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  executeTool(ctx.container, { organizationId: org.organizationId, toolId, args, source: 'assistant', ...extra });

describe('executeTool over HTTP', () => {
  it('sends each auth kind, maps the response and renders the reply', async () => {
    api.handle((req) => ({ body: { order: { id: req.url.split('/')[3]?.split('?')[0], status: 'shipped', items: [{ sku: 'A' }, { sku: 'B' }] } } }));
    const auths = [
      [{ type: 'bearer', token: BEARER }, (h: Record<string, unknown>) => h.authorization === `Bearer ${BEARER}`],
      [{ type: 'basic', username: 'ana', password: 'pw-0123456789xyz' }, (h: Record<string, unknown>) => h.authorization === `Basic ${Buffer.from('ana:pw-0123456789xyz').toString('base64')}`],
      [{ type: 'apiKey', in: 'header', name: 'X-Api-Key', value: API_KEY }, (h: Record<string, unknown>) => h['x-api-key'] === API_KEY],
    ] as const;
    for (const [i, [auth, check]] of auths.entries()) {
      const integrationId = await createIntegrationVia(ctx, org, { name: `Auth ${i}`, ...base(), auth, headers: [{ name: 'X-Contact', value: '{{contact.email}}' }] });
      const toolId = await createToolVia(ctx, org, integrationId, {
        name: `order_${i}`,
        parameters: [{ name: 'orderId', type: 'string' }],
        request: { url: '/orders/{{orderId}}', query: [{ name: 'lang', value: 'es' }] },
        responseMapping: [
          { variable: 'status', path: 'order.status' },
          { variable: 'skus', path: 'order.items[*].sku' },
        ],
        replyTemplate: 'Pedido {{orderId}}: {{status}} ({{skus}}) para {{contact.firstName}}',
      });
      const r = await run(toolId, { orderId: '12/34' }, { contact: { firstName: 'Ana', email: 'ana@example.com' } });
      expect(r).toMatchObject({ status: 'ok', httpStatus: 200, variables: { status: 'shipped', skus: ['A', 'B'] }, reply: 'Pedido 12/34: shipped (A, B) para Ana' });
      const req = api.requests.at(-1)!;
      expect(req.url).toBe('/v1/orders/12%2F34?lang=es');
      expect(check(req.headers)).toBe(true);
      expect(req.headers['x-contact']).toBe('ana@example.com');
    }
    const queryKey = await createIntegrationVia(ctx, org, { name: 'Query key', ...base(), auth: { type: 'apiKey', in: 'query', name: 'api_key', value: API_KEY } });
    const toolId = await createToolVia(ctx, org, queryKey, { name: 'query_key', request: { url: '/ping?x=1' } });
    expect((await run(toolId)).status).toBe('ok');
    expect(api.requests.at(-1)!.url).toBe(`/v1/ping?x=1&api_key=${API_KEY}`);
  });

  it('fetches, caches and refreshes OAuth 2 client-credentials tokens', async () => {
    let issued = 0;
    let expiresIn = 3600;
    const valid = new Set<string>();
    api.handle((req) => {
      if (req.url === '/oauth/token') {
        expect(req.headers.authorization).toBe(`Basic ${Buffer.from('client-1:secret-abcdefghij12').toString('base64')}`);
        expect(req.body).toContain('grant_type=client_credentials');
        expect(req.body).toContain('scope=orders.read');
        const token = `at-${++issued}-0123456789`;
        valid.add(token);
        return { body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn } };
      }
      const token = String(req.headers.authorization ?? '').replace('Bearer ', '');
      return valid.has(token) ? { body: { ok: true, token } } : { status: 401, body: { error: 'invalid_token' } };
    });
    const integrationId = await createIntegrationVia(ctx, org, {
      name: 'OAuth',
      ...base(),
      auth: { type: 'oauth2', tokenUrl: `${api.url}/oauth/token`, clientId: 'client-1', clientSecret: 'secret-abcdefghij12', scope: 'orders.read' },
    });
    const toolId = await createToolVia(ctx, org, integrationId, { name: 'oauth_call', request: { url: '/me' }, responseMapping: [{ variable: 'token', path: 'token' }] });
    expect((await run(toolId)).variables.token).toBe('at-1-0123456789');
    expect((await run(toolId)).variables.token).toBe('at-1-0123456789');
    expect(issued).toBe(1);
    // The token is cached encrypted, never in clear.
    const [row] = await ctx.container.database.rows<{ oauth_token: string }>(sql`select oauth_token from integrations where id = ${integrationId}`);
    expect(row!.oauth_token).not.toContain('at-1');
    // A revoked token gets a 401: a new one is fetched and the call retried once.
    valid.clear();
    expect((await run(toolId)).variables.token).toBe('at-2-0123456789');
    // A token about to expire is refreshed before use.
    expiresIn = 30;
    valid.clear();
    await run(toolId);
    expect(issued).toBe(3);
    await run(toolId);
    expect(issued).toBe(4);
  });

  it('retries only idempotent methods, only on 429/5xx, and honours Retry-After', async () => {
    const integrationId = await createIntegrationVia(ctx, org, { name: 'Flaky', ...base() });
    const get = await createToolVia(ctx, org, integrationId, { name: 'flaky_get', request: { method: 'GET', url: '/flaky' }, retries: 2 });
    const post = await createToolVia(ctx, org, integrationId, { name: 'flaky_post', request: { method: 'POST', url: '/flaky', body: { a: 1 } }, retries: 2 });
    let n = 0;
    api.handle((): FakeAnswer => (++n < 3 ? { status: n === 1 ? 503 : 429, headers: n === 2 ? { 'retry-after': '0' } : {}, body: { error: 'busy' } } : { body: { ok: true } }));
    const ok = await run(get);
    expect(ok.status).toBe('ok');
    expect(api.requests).toHaveLength(3);

    api.requests.length = 0;
    n = 0;
    const failed = await run(post);
    expect(api.requests).toHaveLength(1);
    expect(failed).toMatchObject({ status: 'error', httpStatus: 503, error: { code: 'http_error' } });

    api.requests.length = 0;
    api.handle(() => ({ status: 404, body: { error: 'order_not_found' } }));
    const notFound = await run(get, {}, { locale: 'en' });
    expect(api.requests).toHaveLength(1);
    expect(notFound).toMatchObject({ status: 'error', httpStatus: 404, json: { error: 'order_not_found' }, fallbackMessage: 'Sorry, I can\'t look that up right now. Please try again in a few minutes.' });
  });

  it('times out into the fallback message and hands off when configured', async () => {
    api.handle(() => ({ delayMs: 3000, body: { ok: true } }));
    const integrationId = await createIntegrationVia(ctx, org, { name: 'Slow', ...base() });
    const toolId = await createToolVia(ctx, org, integrationId, { name: 'slow_call', request: { url: '/slow' }, timeoutMs: 500, fallbackMessage: 'Ahora no puedo consultarlo.', handoffOnFailure: true });
    const started = Date.now();
    const r = await run(toolId);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r).toMatchObject({ status: 'timeout', fallbackMessage: 'Ahora no puedo consultarlo.', handoff: true, error: { code: 'timeout' } });
  });

  it('opens the circuit after consecutive failures, then lets one probe through', async () => {
    api.handle(() => ({ status: 500, body: { error: 'down' } }));
    const integrationId = await createIntegrationVia(ctx, org, { name: 'Breaker', ...base(), circuitBreaker: { failureThreshold: 3, cooldownSeconds: 1 } });
    const toolId = await createToolVia(ctx, org, integrationId, { name: 'breaker_call', request: { url: '/x' }, retries: 0 });
    for (let i = 0; i < 3; i++) expect((await run(toolId)).status).toBe('error');
    const refused = await run(toolId);
    expect(refused).toMatchObject({ status: 'circuit_open', fallbackMessage: expect.stringContaining('Lo siento') });
    expect(api.requests).toHaveLength(3);
    const view = json<{ circuitBreaker: { state: string } }>(await call(ctx, org.owner, 'GET', `/api/v1/integrations/${integrationId}`));
    expect(view.circuitBreaker.state).toBe('open');
    await new Promise((r) => setTimeout(r, 1100));
    // Half-open: one probe; its failure opens the circuit again.
    expect((await run(toolId)).status).toBe('error');
    expect((await run(toolId)).status).toBe('circuit_open');
    await new Promise((r) => setTimeout(r, 1100));
    api.handle(() => ({ body: { ok: true } }));
    expect((await run(toolId)).status).toBe('ok');
    expect((await run(toolId)).status).toBe('ok');
  });

  it('caps the response size', async () => {
    api.handle(() => ({ body: 'x'.repeat(2 * 1024 * 1024), headers: { 'content-type': 'text/plain' } }));
    const integrationId = await createIntegrationVia(ctx, org, { name: 'Big', ...base() });
    const toolId = await createToolVia(ctx, org, integrationId, { name: 'big_call', request: { url: '/big' }, retries: 0 });
    expect(await run(toolId)).toMatchObject({ status: 'error', error: { code: 'too_large' } });
  });

  it('refuses invalid arguments without calling, and logs calls with redacted arguments', async () => {
    api.handle(() => ({ body: { ok: true } }));
    const integrationId = await createIntegrationVia(ctx, org, { name: 'Leads', ...base(), secrets: { crm: 'crm-secret-123456789' } });
    const toolId = await createToolVia(ctx, org, integrationId, {
      name: 'create_lead',
      parameters: [
        { name: 'email', type: 'email' },
        { name: 'phone', type: 'phone' },
        { name: 'budget', type: 'integer', required: false },
      ],
      request: { method: 'POST', url: '/leads', headers: [{ name: 'X-Crm', value: '{{secrets.crm}}' }], body: { email: '{{email}}', phone: '{{phone}}', budget: '{{budget}}' } },
    });
    const bad = await run(toolId, { email: 'nope', phone: '12' });
    expect(bad).toMatchObject({ status: 'error', error: { code: 'invalid_arguments', issues: [{ param: 'email', problem: 'invalid_email' }, { param: 'phone', problem: 'invalid_phone' }] } });
    expect(bad.fallbackMessage).toBeUndefined();
    expect(api.requests).toHaveLength(0);
    const ok = await run(toolId, { email: 'lucia@example.com', phone: '+34 612 345 678', budget: '5000' }, { conversationId: '0190a0a0-0000-7000-8000-000000000001' });
    expect(ok.status).toBe('ok');
    expect(JSON.parse(api.requests[0]!.body)).toEqual({ email: 'lucia@example.com', phone: '+34612345678', budget: 5000 });
    const [logged] = await ctx.container.database.rows<{ arguments: Record<string, string>; status: string; conversation_id: string; http_status: number }>(
      sql`select arguments, status, conversation_id, http_status from tool_calls where id = ${ok.callId}`,
    );
    expect(logged).toMatchObject({ status: 'ok', http_status: 200, conversation_id: '0190a0a0-0000-7000-8000-000000000001' });
    expect(logged!.arguments.email).toBe('l***@example.com');
    expect(logged!.arguments.phone).not.toContain('612');
  });

  it('the test endpoint shows the exact request with secrets masked', async () => {
    api.handle((req) => ({ body: { echo: req.headers['x-crm'], auth: req.headers.authorization, status: 'open' } }));
    const integrationId = await createIntegrationVia(ctx, org, { name: 'Masked', ...base(), auth: { type: 'bearer', token: BEARER }, secrets: { crm: 'crm-secret-123456789' } });
    const toolId = await createToolVia(ctx, org, integrationId, {
      name: 'masked_call',
      parameters: [{ name: 'q', type: 'string' }],
      request: { method: 'POST', url: '/search?key={{secrets.crm}}', headers: [{ name: 'X-Crm', value: '{{secrets.crm}}' }], body: { q: '{{q}}', k: 'k={{secrets.crm}}' } },
      responseMapping: [{ variable: 'status', path: 'status' }],
      replyTemplate: 'Estado: {{status}}',
    });
    const res = await call(ctx, org.owner, 'POST', `/api/v1/tools/${toolId}/test`, { args: { q: 'zapatos' }, contact: { firstName: 'Ana' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('crm-secret-123456789');
    expect(res.body).not.toContain(BEARER);
    const body = json<{ request: { url: string; headers: { name: string; value: string }[]; body: string }; response: { status: number; body: string }; reply: string; variables: unknown; latencyMs: number }>(res);
    expect(body.request.url).toBe(`${api.url}/v1/search?key=••••••`);
    expect(body.request.headers).toContainEqual({ name: 'authorization', value: 'Bearer ••••••' });
    expect(body.request.headers).toContainEqual({ name: 'X-Crm', value: '••••••' });
    expect(JSON.parse(body.request.body)).toEqual({ q: 'zapatos', k: 'k=••••••' });
    expect(body).toMatchObject({ status: 'ok', reply: 'Estado: open', variables: { status: 'open' }, response: { status: 200 } });
    // The draft tester runs a definition that was never saved.
    const draft = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integrationId}/tools/test`, {
      tool: { name: 'draft_tool', description: 'd', request: { url: '/draft' }, responseMapping: [{ variable: 's', path: 'status' }] },
      args: {},
    });
    expect(json(draft)).toMatchObject({ status: 'ok', variables: { s: 'open' } });
  });
});
