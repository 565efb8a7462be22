import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../../emulator/server.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../../../test/fakes/openai-server.ts';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { assistantEvents, assistantSessions } from '../../../db/schema/index.ts';
import { createLogger } from '../../../shared/logger.ts';
import { seedDemoShop } from '../../integrations/integrations.demo.ts';
import { playground, textOf, toolCalls } from './helpers.ts';

let ctx: TestContext;
let emulator: RunningEmulator;
let fake: FakeOpenAIServer;
let org: TestOrg;

const chatCompletion = (message: Record<string, unknown>, finish: string) => ({
  status: 200,
  body: {
    id: 'chatcmpl-concurrent',
    object: 'chat.completion',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
  },
});

beforeAll(async () => {
  ctx = await createTestContext();
  emulator = await startEmulator({ port: 0, logger: createLogger('silent') });
  fake = await startFakeOpenAIServer();
  // Every conversation: one order lookup, then the answer once the tool result is in.
  fake.route('POST', '/v1/chat/completions', (req) => {
    const messages = (req.body as { messages: { role: string }[] }).messages;
    if (messages.at(-1)?.role === 'tool') return chatCompletion({ role: 'assistant', content: 'Tu pedido 1002 ya está en camino.' }, 'stop');
    return chatCompletion(
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'order_status', arguments: '{"orderId":"1002"}' } }] },
      'tool_calls',
    );
  });
  org = await createOrg(ctx, { language: 'es' });
  await seedDemoShop(ctx.container, org.organizationId, 'es', emulator.url);
  const res = await call(ctx, org.owner, 'PUT', '/api/v1/assistant/settings', { enabled: true, brain: 'llm', provider: 'openai_compatible', baseUrl: fake.baseUrl, model: 'gpt-4o-mini' });
  expect(res.statusCode, res.body).toBe(200);
}, 60_000);
afterAll(async () => {
  await fake?.close();
  await emulator?.close();
  await ctx?.close();
});

describe('many conversations taking a turn at once', () => {
  it('answers each one and keeps every session, event and the organization usage total exact', async () => {
    const CONVERSATIONS = 12;
    const chats = Array.from({ length: CONVERSATIONS }, () => playground(ctx, org));
    // Two turns each, all conversations at once: the second continues the first (history, usage).
    for (let round = 0; round < 2; round++) {
      const turns = await Promise.all(chats.map((chat) => chat.say('¿Dónde está mi pedido 1002?')));
      for (const turn of turns) {
        expect(turn.brain).toBe('llm');
        expect(toolCalls(turn)).toMatchObject([{ tool: 'order_status', args: { orderId: '1002' }, status: 'ok' }]);
        expect(textOf(turn)).toBe('Tu pedido 1002 ya está en camino.');
      }
    }

    const db = ctx.container.database.db;
    for (const chat of chats) {
      const [session] = await db.select().from(assistantSessions).where(and(eq(assistantSessions.id, chat.sessionId!), eq(assistantSessions.organizationId, org.organizationId)));
      // Each of the two turns: two model calls of 100 + 10 tokens.
      expect(session).toMatchObject({ inputTokens: 400, outputTokens: 40 });
      expect(session!.history.map((h) => h.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
      const events = await db.select().from(assistantEvents).where(eq(assistantEvents.sessionId, chat.sessionId!));
      expect(events.map((e) => e.type).sort()).toEqual(['tool_call', 'tool_call', 'usage', 'usage']);
    }
    // The organization's total counts every turn once, although concurrent turns share its updates.
    const settings = json<{ usage: { inputTokens: number; outputTokens: number } }>(await call(ctx, org.owner, 'GET', '/api/v1/assistant/settings'));
    expect(settings.usage).toMatchObject({ inputTokens: CONVERSATIONS * 400, outputTokens: CONVERSATIONS * 40 });
  }, 120_000);
});
