import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../../emulator/server.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../../../test/fakes/openai-server.ts';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { createLogger } from '../../../shared/logger.ts';
import { seedDemoShop } from '../../integrations/integrations.demo.ts';
import { confirmationOf, playground, textOf, toolCalls } from './helpers.ts';

const API_KEY = 'sk-test-0123456789abcdefWXYZ';
let ctx: TestContext;
let emulator: RunningEmulator;
let fake: FakeOpenAIServer;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext();
  emulator = await startEmulator({ port: 0, logger: createLogger('silent') });
  fake = await startFakeOpenAIServer({ apiKey: API_KEY });
  org = await createOrg(ctx, { language: 'es' });
  await seedDemoShop(ctx.container, org.organizationId, 'es', emulator.url);
  const res = await call(ctx, org.owner, 'PUT', '/api/v1/assistant/settings', {
    enabled: true,
    brain: 'auto',
    provider: 'openai',
    apiKey: API_KEY,
    baseUrl: fake.baseUrl,
    model: 'gpt-4o-mini',
    persona: 'Eres la asistente de la tienda.',
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.body).not.toContain(API_KEY);
  expect(json(res)).toMatchObject({ apiKey: { isSet: true, last4: 'WXYZ' }, provider: 'openai' });
}, 60_000);
afterAll(async () => {
  await fake?.close();
  await emulator?.close();
  await ctx?.close();
});

const chatRequests = () => fake.requests.filter((r) => r.path === '/v1/chat/completions');

describe('LLM brain over an OpenAI-compatible server', () => {
  it('runs a scripted tool call through the executor against a real HTTP API, then answers', async () => {
    let toolResult = '';
    fake.scriptChat([
      { toolCalls: [{ name: 'order_status', arguments: { orderId: '1002' } }], usage: { prompt: 1000, completion: 50 } },
      (req) => {
        const messages = (req.body as { messages: { role: string; content: unknown }[] }).messages;
        toolResult = JSON.stringify(messages.filter((m) => m.role === 'tool'));
        return { text: 'Tu pedido 1002 ya está en camino.', usage: { prompt: 1200, completion: 20 } };
      },
    ]);
    const turn = await playground(ctx, org).say('¿Dónde está mi pedido 1002?');
    expect(turn.brain).toBe('llm');
    expect(toolCalls(turn)).toMatchObject([{ tool: 'order_status', args: { orderId: '1002' }, status: 'ok' }]);
    expect(toolResult).toContain('shipped');
    expect(textOf(turn)).toBe('Tu pedido 1002 ya está en camino.');
    expect(turn.events.find((e) => e.type === 'usage')).toMatchObject({ inputTokens: 2200, outputTokens: 70, model: 'gpt-4o-mini' });

    const [first] = chatRequests();
    expect(first!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const body = first!.body as { model: string; messages: { role: string; content: string }[]; tools: { function: { name: string } }[] };
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Eres la asistente de la tienda.') });
    expect(body.tools.map((t) => t.function.name)).toEqual(expect.arrayContaining(['order_status', 'request_refund', 'search_knowledge']));

    const settings = json<{ usage: { inputTokens: number; estimatedCostUsd: number } }>(await call(ctx, org.owner, 'GET', '/api/v1/assistant/settings'));
    expect(settings.usage.inputTokens).toBe(2200);
    expect(settings.usage.estimatedCostUsd).toBeGreaterThan(0);
  });

  it('stops the loop for a confirmation-required tool and runs it with the confirmed arguments on yes', async () => {
    fake.scriptChat([{ toolCalls: [{ name: 'request_refund', arguments: { orderId: '1002', amount: 25, reason: 'Talla equivocada' } }] }]);
    const before = chatRequests().length;
    const chat = playground(ctx, org);
    const ask = await chat.say('Quiero que me devuelvan 25 euros del pedido 1002, la talla era equivocada');
    expect(chatRequests().length - before).toBe(1);
    const c = confirmationOf(ask);
    expect(c).toMatchObject({ tool: 'request_refund', args: { orderId: '1002', amount: 25, reason: 'Talla equivocada' } });
    expect(toolCalls(ask)).toEqual([]);
    const yes = await chat.say(`confirm:${c.confirmationId}`);
    expect(chatRequests().length - before).toBe(1);
    expect(toolCalls(yes)).toMatchObject([{ tool: 'request_refund', args: { orderId: '1002', amount: 25 }, status: 'ok' }]);
    expect(textOf(yes)).toMatch(/^Reembolso R-\d{6} de 25 EUR/);
  });

  it('falls back to the offline brain when the provider fails', async () => {
    fake.failNext(2, 500);
    fake.scriptChat([]);
    const turn = await playground(ctx, org).say('¿Dónde está mi pedido 1003?');
    expect(turn.replies.length).toBeGreaterThan(0);
    expect(toolCalls(turn)).toMatchObject([{ tool: 'order_status', status: 'ok' }]);
  });

  it('tests the connection', async () => {
    fake.scriptChat([{ text: 'OK' }]);
    const ok = json<{ ok: boolean }>(await call(ctx, org.owner, 'POST', '/api/v1/assistant/settings/test'));
    expect(ok.ok).toBe(true);
    fake.failNext(1, 401, 'Incorrect API key provided.');
    const bad = json<{ ok: boolean; error: string }>(await call(ctx, org.owner, 'POST', '/api/v1/assistant/settings/test'));
    expect(bad).toMatchObject({ ok: false });
    expect(bad.error).not.toContain(API_KEY);
  });
});
