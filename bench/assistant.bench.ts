import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { runTurn } from '../src/modules/assistant/index.ts';
import { updateAssistantSettings } from '../src/modules/assistant/settings.service.ts';
import { createIntegration } from '../src/modules/integrations/integrations.service.ts';
import { createTool } from '../src/modules/integrations/tools.service.ts';
import { startFakeOpenAIServer } from '../test/fakes/openai-server.ts';
import { type KnowledgeWorkspace, openKnowledgeWorkspace } from '../test/support/knowledge-workspace.ts';
import { loadCorpus } from './support/knowledge-corpus.ts';
import { QUICK, round } from './support/load.ts';

/**
 * Platform overhead of one assistant turn: a scripted model on a local fake OpenAI server (0 ms think
 * time: one tool call, then the answer) and an instant local tool, with 200 tools and a 50,000-chunk
 * knowledge base. Measured: the LLM-brain turn (includes two localhost model round trips and one tool
 * round trip, so it is an upper bound of the overhead), the offline-brain turn, and the LLM turn with
 * 200 conversations at once. Targets: p50 < 20 ms, p95 < 60 ms; p95 < 100 ms at 200 concurrent.
 */
export const name = 'assistant';

const CHUNKS = QUICK ? 5_000 : 50_000;
const TOOLS = 200;
const TURNS = QUICK ? 60 : 300;
const CONCURRENT = 200;

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!, 1);
};

/** Runs the suite and returns its figures. */
export async function run(): Promise<Record<string, number | string>> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `charla_assistant_bench_${process.pid}`;
  const usePg = await createDatabase(adminUrl, dbName);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const ws = await openKnowledgeWorkspace(usePg ? { database: { kind: 'postgres', url: url.toString(), poolSize: 20 } } : {});
  const toolServer = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"shipped","eta":"2026-01-01"}');
  });
  await new Promise<void>((r) => toolServer.listen(0, '127.0.0.1', r));
  const fake = await startFakeOpenAIServer();
  fake.route('POST', '/v1/chat/completions', (req) => {
    const messages = (req.body as { messages: { role: string }[] }).messages;
    const answered = messages.at(-1)?.role === 'tool';
    const message = answered
      ? { role: 'assistant', content: 'Your order is on its way.' }
      : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'tool_007', arguments: '{"orderId":"1002"}' } }] };
    return { status: 200, body: { id: 'c', object: 'chat.completion', created: 0, model: 'bench', choices: [{ index: 0, message, finish_reason: answered ? 'stop' : 'tool_calls' }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } };
  });
  try {
    await setUp(ws, (toolServer.address() as AddressInfo).port, fake.baseUrl);
    const turn = (text: string) => runTurn(ws.container, { organizationId: ws.organizationId, session: { kind: 'playground' }, text, contact: null, channelType: null });
    const timed = async (text: string) => {
      const t = performance.now();
      await turn(text);
      return performance.now() - t;
    };
    for (let i = 0; i < 10; i++) await timed('Where is my order 1002?');
    const llm: number[] = [];
    for (let i = 0; i < TURNS; i++) llm.push(await timed('Where is my order 1002?'));
    const concurrent = await Promise.all(Array.from({ length: CONCURRENT }, () => timed('Where is my order 1002?')));
    await updateAssistantSettings(ws.container, ws.organizationId, { brain: 'offline' }, { label: 'bench' });
    const offline: number[] = [];
    for (let i = 0; i < TURNS; i++) offline.push(await timed('Where is my order 1002?'));
    return {
      database: usePg ? 'postgres' : 'pglite',
      chunks: CHUNKS,
      tools: TOOLS,
      llm_turn_p50_ms: pct(llm, 50),
      llm_turn_p95_ms: pct(llm, 95),
      offline_turn_p50_ms: pct(offline, 50),
      offline_turn_p95_ms: pct(offline, 95),
      [`llm_turn_${CONCURRENT}_concurrent_p95_ms`]: pct(concurrent, 95),
    };
  } finally {
    await fake.close();
    toolServer.close();
    await ws.close();
    if (usePg) await dropDatabase(adminUrl, dbName);
  }
}

async function setUp(ws: KnowledgeWorkspace, toolPort: number, modelUrl: string) {
  const deps = ws.container;
  const actor = { userId: null, label: 'bench' };
  await loadCorpus(deps.database, ws.organizationId, CHUNKS, { withVectors: false, seed: 7 });
  const integration = await createIntegration(
    deps,
    ws.organizationId,
    { kind: 'http', name: 'Bench API', description: '', baseUrl: `http://127.0.0.1:${toolPort}`, auth: { type: 'none' }, headers: [], allowedPrivateHosts: ['127.0.0.1'], enabled: true },
    actor,
  );
  for (let i = 0; i < TOOLS; i++) {
    const n = String(i).padStart(3, '0');
    await createTool(
      deps,
      ws.organizationId,
      integration.id,
      {
        name: `tool_${n}`,
        description: i === 7 ? 'Looks up the status of an order when the customer asks where it is.' : `Bench tool number ${n} for topic ${n}.`,
        examples: i === 7 ? ['Where is my order?', 'order status'] : [`topic ${n} question`],
        parameters: [{ name: 'orderId', type: 'string', description: 'The order number.', required: true, pattern: null, enumValues: null, example: '1002' }],
        request: { method: 'GET', url: `/t/${n}/{{orderId}}`, headers: [], query: [], body: null },
        responseMapping: [{ variable: 'status', path: 'status' }],
        responseMode: 'template',
        replyTemplate: 'Order {{orderId}}: {{status}}',
        fallbackMessage: null,
        timeoutMs: 10_000,
        retries: 0,
        handoffOnFailure: false,
        requiresConfirmation: false,
        enabled: true,
      },
      actor,
    );
  }
  await updateAssistantSettings(deps, ws.organizationId, { enabled: true, brain: 'llm', provider: 'openai_compatible', baseUrl: modelUrl, model: 'bench' }, actor);
}

async function createDatabase(adminUrl: string, dbName: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query(`drop database if exists ${pg.escapeIdentifier(dbName)} with (force)`);
    await client.query(`create database ${pg.escapeIdentifier(dbName)}`);
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropDatabase(adminUrl: string, dbName: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`drop database if exists ${pg.escapeIdentifier(dbName)} with (force)`);
  await client.end();
}
