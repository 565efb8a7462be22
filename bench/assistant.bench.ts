import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { runTurn, type TurnResult } from '../src/modules/assistant/index.ts';
import { updateAssistantSettings } from '../src/modules/assistant/settings.service.ts';
import { createIntegration } from '../src/modules/integrations/integrations.service.ts';
import { createTool } from '../src/modules/integrations/tools.service.ts';
import { type KnowledgeWorkspace, openKnowledgeWorkspace } from '../test/support/knowledge-workspace.ts';
import { loadCorpus } from './support/knowledge-corpus.ts';
import { QUICK, round } from './support/load.ts';

/**
 * Platform overhead of one assistant turn — everything but the model's and the tool's time — with 200
 * tools and a 50,000-chunk knowledge base. The model is scripted on the fake OpenAI server (0 ms think
 * time: one tool call, then the answer) and the tool is an instant local HTTP API, both in a child
 * process (they are other machines in production). Every outbound HTTP exchange of a turn is timed from
 * the request's creation to its response (undici's and node:http's diagnostics channels, attributed to
 * the turn through AsyncLocalStorage); the overhead is the turn's wall time minus that waiting.
 *
 * Measured: LLM-brain turns (two model calls, one tool call) and offline-brain turns (one tool call), one
 * at a time, each continuing one of 20 conversations; then 200 different conversations taking a turn at
 * the same instant (LLM brain), each turn's overhead measured the same way, with the CPU time the batch
 * took per turn. Targets: overhead p50 < 20 ms, p95 < 60 ms; p95 < 100 ms with 200 at once.
 */
export const name = 'assistant';

const CHUNKS = QUICK ? 5_000 : 50_000;
const TOOLS = 200;
const TURNS = QUICK ? 60 : 300;
const CONVERSATIONS = 20;
const CONCURRENT = 200;
const QUESTION = 'Where is my order 1002?';

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!, 1);
};

/** Time a turn spent waiting for outbound HTTP exchanges (model, tool), and how many it made. */
interface Waiting {
  ms: number;
  exchanges: number;
}
const turnWaiting = new AsyncLocalStorage<Waiting>();
const inFlight = new WeakMap<object, { started: number; waiting: Waiting }>();

function start(request: object) {
  const waiting = turnWaiting.getStore();
  if (waiting) inFlight.set(request, { started: performance.now(), waiting });
}
function end(request: object) {
  const entry = inFlight.get(request);
  if (!entry) return;
  inFlight.delete(request);
  entry.waiting.ms += performance.now() - entry.started;
  entry.waiting.exchanges++;
}
// The model (AI SDK → global fetch → undici): from the request to the last byte of the response.
diagnostics.subscribe('undici:request:create', (m) => start((m as { request: object }).request));
diagnostics.subscribe('undici:request:trailers', (m) => end((m as { request: object }).request));
diagnostics.subscribe('undici:request:error', (m) => end((m as { request: object }).request));
// The tool (the SSRF-guarded node:http client): from the request to its response (one small packet).
diagnostics.subscribe('http.client.request.start', (m) => start((m as { request: object }).request));
diagnostics.subscribe('http.client.response.finish', (m) => end((m as { request: object }).request));

interface Timed {
  total: number;
  overhead: number;
  result: TurnResult;
}

/** Runs the suite and returns its figures. */
export async function run(): Promise<Record<string, number | string>> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `charla_assistant_bench_${process.pid}`;
  const usePg = await createDatabase(adminUrl, dbName);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const ws = await openKnowledgeWorkspace(usePg ? { database: { kind: 'postgres', url: url.toString(), poolSize: 20 } } : {});
  const fakes = await startFakes();
  let unattributed = 0;
  try {
    await setUp(ws, fakes.toolPort, fakes.modelUrl);
    const timed = async (sessionId: string | undefined, expected: string, exchanges: number): Promise<Timed> => {
      const waiting: Waiting = { ms: 0, exchanges: 0 };
      const t = performance.now();
      const result = await turnWaiting.run(waiting, () =>
        runTurn(ws.container, { organizationId: ws.organizationId, session: { kind: 'playground', sessionId }, text: QUESTION, contact: null, channelType: null }),
      );
      const total = performance.now() - t;
      // A turn that took another path (an error, a fallback) would measure something else.
      if (result.replies.map((r) => r.text).join('\n') !== expected) throw new Error(`unexpected turn: ${JSON.stringify(result.replies)}`);
      // An exchange the channels could not attribute to its turn counts as overhead (the figure errs high).
      if (waiting.exchanges !== exchanges) unattributed++;
      return { total, overhead: total - waiting.ms, result };
    };
    const LLM_REPLY = 'Your order is on its way.';
    const OFFLINE_REPLY = 'Order 1002: shipped';

    // Conversations (sessions) created and warmed with a first turn; measured turns continue them.
    const sessions: string[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) sessions.push((await timed(undefined, LLM_REPLY, 3)).result.sessionId);
    for (let i = 0; i < 2 * CONVERSATIONS; i++) await timed(sessions[i % CONVERSATIONS], LLM_REPLY, 3);
    const llm: Timed[] = [];
    for (let i = 0; i < TURNS; i++) llm.push(await timed(sessions[i % CONVERSATIONS], LLM_REPLY, 3));
    console.log(`  llm: ${TURNS} turns, overhead p50 ${pct(llm.map((t) => t.overhead), 50)} ms`);

    const many: string[] = [];
    for (let i = 0; i < CONCURRENT; i += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, CONCURRENT - i) }, () => timed(undefined, LLM_REPLY, 3)));
      many.push(...batch.map((t) => t.result.sessionId));
    }
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const concurrent = await Promise.all(many.map((id) => timed(id, LLM_REPLY, 3)));
    const wall = performance.now() - wallBefore;
    const cpu = process.cpuUsage(cpuBefore);
    console.log(`  ${CONCURRENT} at once: ${Math.round(wall)} ms wall`);

    await updateAssistantSettings(ws.container, ws.organizationId, { brain: 'offline' }, { label: 'bench' });
    for (let i = 0; i < CONVERSATIONS; i++) await timed(sessions[i], OFFLINE_REPLY, 1);
    const offline: Timed[] = [];
    for (let i = 0; i < TURNS; i++) offline.push(await timed(sessions[i % CONVERSATIONS], OFFLINE_REPLY, 1));

    const of = (list: Timed[], key: 'total' | 'overhead', p: number) => pct(list.map((t) => t[key]), p);
    return {
      database: usePg ? 'postgres' : 'pglite',
      chunks: CHUNKS,
      tools: TOOLS,
      llm_turn_total_p50_ms: of(llm, 'total', 50),
      llm_turn_total_p95_ms: of(llm, 'total', 95),
      llm_turn_overhead_p50_ms: of(llm, 'overhead', 50),
      llm_turn_overhead_p95_ms: of(llm, 'overhead', 95),
      offline_turn_total_p50_ms: of(offline, 'total', 50),
      offline_turn_total_p95_ms: of(offline, 'total', 95),
      offline_turn_overhead_p50_ms: of(offline, 'overhead', 50),
      offline_turn_overhead_p95_ms: of(offline, 'overhead', 95),
      [`llm_${CONCURRENT}_concurrent_total_p95_ms`]: of(concurrent, 'total', 95),
      [`llm_${CONCURRENT}_concurrent_overhead_p50_ms`]: of(concurrent, 'overhead', 50),
      [`llm_${CONCURRENT}_concurrent_overhead_p95_ms`]: of(concurrent, 'overhead', 95),
      [`llm_${CONCURRENT}_concurrent_wall_ms`]: round(wall, 0),
      [`llm_${CONCURRENT}_concurrent_cpu_ms_per_turn`]: round((cpu.user + cpu.system) / 1000 / CONCURRENT, 2),
      turns_with_unattributed_exchanges: unattributed,
    };
  } finally {
    await fakes.close();
    await ws.close();
    if (usePg) await dropDatabase(adminUrl, dbName);
  }
}

/** Starts the model and tool fakes in a child process (see support/assistant-fakes.ts). */
async function startFakes(): Promise<{ modelUrl: string; toolPort: number; close(): Promise<void> }> {
  const child = spawn(process.execPath, [...process.execArgv, path.join(import.meta.dirname, 'support', 'assistant-fakes.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the fakes exited (${code})`)));
  });
  const { modelUrl, toolPort } = JSON.parse(line) as { modelUrl: string; toolPort: number };
  return {
    modelUrl,
    toolPort,
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
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
        parameters: [{ name: 'orderId', type: 'string', description: 'The order number.', required: true, pattern: '\\d{3,10}', enumValues: null, example: '1002' }],
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
