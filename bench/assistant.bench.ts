import { spawn } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import readline from 'node:readline';
import pg from 'pg';
import { runTurn, type TurnResult } from '../src/modules/assistant/index.ts';
import { updateAssistantSettings } from '../src/modules/assistant/settings.service.ts';
import { createIntegration } from '../src/modules/integrations/integrations.service.ts';
import { createTool } from '../src/modules/integrations/tools.service.ts';
import { type KnowledgeWorkspace, openKnowledgeWorkspace } from '../test/support/knowledge-workspace.ts';
import { loadCorpus, random } from './support/knowledge-corpus.ts';
import { QUICK, round } from './support/load.ts';

/**
 * Platform overhead of one assistant turn — everything but the model's and the tool's time — with 200
 * tools and a 50,000-chunk knowledge base, on one process. The model is scripted on the fake OpenAI
 * server (one tool call, then the answer) and the tool is an instant local HTTP API, both in a child
 * process (they are other machines in production). The model reports the time its two calls took (its
 * own handling, scripted latency included) in its answer (see support/assistant-fakes.ts); a turn's
 * overhead is its wall time minus that. Everything else is charged to the platform — the loopback
 * transit of the three exchanges and the services' HTTP parsing (well under a millisecond each), and a
 * response that sat unread because the event loop was busy (as it should be). No instrumentation runs
 * in the measured process (AsyncLocalStorage, for one, would slow every promise on Node 20).
 *
 * Measured:
 * - one conversation at a time (LLM brain: two model calls and one tool call; offline brain: one tool
 *   call), the model answering at once; each turn continues one of 20 conversations;
 * - 200 concurrent conversations (LLM brain), each a closed loop like a customer's: a message, the turn
 *   (the scripted model taking 400–800 ms per call, as a hosted model does; the tool instant), then the
 *   customer's next message after 2–8 s of thinking/typing (faster than people type on a phone). They
 *   start spread over the first 8 s and run for 60 s; turns that start in the first 10 s (warm-up) are
 *   not counted. The load this gives (turns/s) is printed with the figures. The same with 50
 *   conversations for 40 s first, a lighter load;
 * - a burst: 200 conversations taking a turn at the same instant (model answering at once), which is a
 *   queue, not steady load: figures for information only.
 * Targets: overhead p50 < 20 ms, p95 < 60 ms for one conversation; p95 < 100 ms with 200 concurrent
 * conversations.
 *
 * The machine is shared: `machine_cpu_share` is the share of the wall time a CPU-bound loop got here
 * (1 on an idle core), and `llm_turn_cpu_ms` the CPU one turn costs. The concurrent conversations offer
 * about 32 turns/s; `…_core_share_needed` is the share of one core that costs at that CPU per turn —
 * when it exceeds what the process gets, turns queue and the concurrent figures measure the queue.
 */
export const name = 'assistant';

const CHUNKS = QUICK ? 5_000 : 50_000;
const TOOLS = 200;
const TURNS = QUICK ? 60 : 300;
const CONVERSATIONS = 20;
const CONCURRENT = 200;
const MODEL_LATENCY_MS: [number, number] = [400, 800];
const THINK_MS: [number, number] = [2_000, 8_000];
const CONCURRENT_SECONDS = QUICK ? 20 : 60;
/** A lighter load first (the same loops, fewer conversations), to show where the process stands. */
const FEWER = 50;
const FEWER_SECONDS = QUICK ? 15 : 40;
const WARM_UP_SECONDS = QUICK ? 8 : 10;
const QUESTION = 'Where is my order 1002?';
const OFFLINE_REPLY = 'Order 1002: shipped';

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!, 1);
};

interface Timed {
  started: number;
  total: number;
  overhead: number;
  modelMs: number;
  result: TurnResult;
}

/** Runs the suite and returns its figures. */
export async function run(): Promise<Record<string, number | string>> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `charla_assistant_bench_${process.pid}`;
  const usePg = await createDatabase(adminUrl, dbName);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  // The pool size of the default configuration (DATABASE_POOL_SIZE).
  const ws = await openKnowledgeWorkspace(usePg ? { database: { kind: 'postgres', url: url.toString(), poolSize: 40 } } : {});
  const fakes = await startFakes();
  let failedTools = 0;
  try {
    await setUp(ws, fakes.toolPort, fakes.modelUrl);
    const shareBefore = cpuShare();
    const timed = async (sessionId: string | undefined, brain: 'llm' | 'offline'): Promise<Timed> => {
      const t = performance.now();
      const result = await runTurn(ws.container, { organizationId: ws.organizationId, session: { kind: 'playground', sessionId }, text: QUESTION, contact: null, channelType: null });
      const total = performance.now() - t;
      const reply = result.replies.map((r) => r.text).join('\n');
      let modelMs = 0;
      if (brain === 'llm') {
        // The answer ends with the model's own time: ` [model <calls> <ms>]`.
        const [, calls, ms] = /^Your order is on its way\. \[model (\d+) ([\d.]+)\]$/.exec(reply) ?? [];
        // A turn that took another path (an error, a fallback) would measure something else.
        if (calls !== '2') throw new Error(`unexpected turn: ${JSON.stringify(result.replies)}`);
        modelMs = Number(ms);
      } else if (reply !== OFFLINE_REPLY) throw new Error(`unexpected turn: ${JSON.stringify(result.replies)}`);
      // The scripted model answers the same whatever the tool said: a failed tool call is counted.
      if (!result.events.some((e) => e.type === 'tool_call' && e.status === 'ok')) failedTools++;
      return { started: t, total, overhead: total - modelMs, modelMs, result };
    };

    // One conversation at a time. Conversations (sessions) created and warmed with a first turn; measured turns continue them.
    const sessions: string[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) sessions.push((await timed(undefined, 'llm')).result.sessionId);
    for (let i = 0; i < 2 * CONVERSATIONS; i++) await timed(sessions[i % CONVERSATIONS], 'llm');
    const llm: Timed[] = [];
    const cpuLlm = process.cpuUsage();
    for (let i = 0; i < TURNS; i++) llm.push(await timed(sessions[i % CONVERSATIONS], 'llm'));
    const llmCpu = process.cpuUsage(cpuLlm);
    console.log(`  llm, one at a time: ${TURNS} turns, overhead p50 ${pct(llm.map((t) => t.overhead), 50)} ms, p95 ${pct(llm.map((t) => t.overhead), 95)} ms`);

    // 200 conversations, created (with a first turn) 20 at a time.
    const many: string[] = [];
    for (let i = 0; i < CONCURRENT; i += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, CONCURRENT - i) }, () => timed(undefined, 'llm')));
      many.push(...batch.map((t) => t.result.sessionId));
    }

    // Concurrent conversations: closed loops with a hosted model's latency and a customer's think time.
    await fakes.command({ modelLatencyMs: MODEL_LATENCY_MS });
    const rnd = random(3);
    const between = ([min, max]: [number, number]) => min + rnd() * (max - min);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const converse = async (ids: string[], seconds: number) => {
      const loopStarted = performance.now();
      const measureFrom = loopStarted + WARM_UP_SECONDS * 1000;
      const stopAt = loopStarted + seconds * 1000;
      const turns: Timed[] = [];
      let cpuBefore: NodeJS.CpuUsage | undefined;
      const delay = monitorEventLoopDelay({ resolution: 5 });
      const markWarm = setTimeout(() => {
        cpuBefore = process.cpuUsage();
        delay.enable();
      }, WARM_UP_SECONDS * 1000);
      await Promise.all(
        ids.map(async (id) => {
          // Think times end early at the stop, so the loops finish with their last turn.
          const think = (ms: number) => sleep(Math.max(0, Math.min(ms, stopAt - performance.now())));
          await think(between([0, THINK_MS[1]]));
          while (performance.now() < stopAt) {
            const turn = await timed(id, 'llm');
            if (turn.started >= measureFrom) turns.push(turn);
            await think(between(THINK_MS));
          }
        }),
      );
      clearTimeout(markWarm);
      const cpu = cpuBefore ? process.cpuUsage(cpuBefore) : { user: 0, system: 0 };
      delay.disable();
      // Turns that started in the measured window, per second of it.
      const rate = turns.length / (seconds - WARM_UP_SECONDS);
      console.log(
        `  ${ids.length} concurrent conversations: ${turns.length} turns measured (${round(rate, 1)}/s), overhead p50 ${pct(turns.map((t) => t.overhead), 50)} ms, p95 ${pct(turns.map((t) => t.overhead), 95)} ms`,
      );
      return { turns, rate, cpuMsPerTurn: turns.length ? (cpu.user + cpu.system) / 1000 / turns.length : 0, loopDelayP99: delay.percentile(99) / 1e6 };
    };
    const fewer = await converse(many.slice(0, FEWER), FEWER_SECONDS);
    const steadyRun = await converse(many, CONCURRENT_SECONDS);
    const steady = steadyRun.turns;

    // A burst: every conversation takes a turn at the same instant (a queue, for information).
    await fakes.command({ modelLatencyMs: [0, 0] });
    const cpuBurst = process.cpuUsage();
    const wallBefore = performance.now();
    const burst = await Promise.all(many.map((id) => timed(id, 'llm')));
    const wall = performance.now() - wallBefore;
    const burstCpu = process.cpuUsage(cpuBurst);
    console.log(`  burst of ${CONCURRENT}: ${Math.round(wall)} ms wall`);

    await updateAssistantSettings(ws.container, ws.organizationId, { brain: 'offline' }, { label: 'bench' });
    for (let i = 0; i < CONVERSATIONS; i++) await timed(sessions[i], 'offline');
    const offline: Timed[] = [];
    for (let i = 0; i < TURNS; i++) offline.push(await timed(sessions[i % CONVERSATIONS], 'offline'));

    const share = round((shareBefore + cpuShare()) / 2, 2);
    const of = (list: Timed[], key: 'total' | 'overhead', p: number) => pct(list.map((t) => t[key]), p);
    const llmCpuMs = (llmCpu.user + llmCpu.system) / 1000 / TURNS;
    return {
      database: usePg ? 'postgres' : 'pglite',
      chunks: CHUNKS,
      tools: TOOLS,
      machine_cpu_share: share,
      llm_turn_total_p50_ms: of(llm, 'total', 50),
      llm_turn_total_p95_ms: of(llm, 'total', 95),
      llm_turn_overhead_p50_ms: of(llm, 'overhead', 50),
      llm_turn_overhead_p95_ms: of(llm, 'overhead', 95),
      llm_turn_cpu_ms: round(llmCpuMs, 2),
      offline_turn_total_p50_ms: of(offline, 'total', 50),
      offline_turn_total_p95_ms: of(offline, 'total', 95),
      offline_turn_overhead_p50_ms: of(offline, 'overhead', 50),
      offline_turn_overhead_p95_ms: of(offline, 'overhead', 95),
      [`llm_${CONCURRENT}_conversations_model_latency_ms`]: `${MODEL_LATENCY_MS[0]}-${MODEL_LATENCY_MS[1]}`,
      [`llm_${CONCURRENT}_conversations_think_ms`]: `${THINK_MS[0]}-${THINK_MS[1]}`,
      [`llm_${CONCURRENT}_conversations_turns`]: steady.length,
      [`llm_${FEWER}_conversations_turns_per_s`]: round(fewer.rate, 1),
      [`llm_${FEWER}_conversations_overhead_p50_ms`]: of(fewer.turns, 'overhead', 50),
      [`llm_${FEWER}_conversations_overhead_p95_ms`]: of(fewer.turns, 'overhead', 95),
      [`llm_${FEWER}_conversations_cpu_ms_per_turn`]: round(fewer.cpuMsPerTurn, 2),
      [`llm_${CONCURRENT}_conversations_turns_per_s`]: round(steadyRun.rate, 1),
      // The turns per second these conversations ask for when every turn takes just the model's time.
      [`llm_${CONCURRENT}_conversations_offered_turns_per_s`]: round(CONCURRENT / ((MODEL_LATENCY_MS[0] + MODEL_LATENCY_MS[1] + (THINK_MS[0] + THINK_MS[1]) / 2) / 1000), 1),
      // The share of one core that rate costs at the CPU of a one-at-a-time turn.
      [`llm_${CONCURRENT}_conversations_core_share_needed`]: round((CONCURRENT / ((MODEL_LATENCY_MS[0] + MODEL_LATENCY_MS[1] + (THINK_MS[0] + THINK_MS[1]) / 2) / 1000)) * (llmCpuMs / 1000), 2),
      [`llm_${CONCURRENT}_conversations_total_p95_ms`]: of(steady, 'total', 95),
      [`llm_${CONCURRENT}_conversations_overhead_p50_ms`]: of(steady, 'overhead', 50),
      [`llm_${CONCURRENT}_conversations_overhead_p95_ms`]: of(steady, 'overhead', 95),
      [`llm_${CONCURRENT}_conversations_overhead_p99_ms`]: of(steady, 'overhead', 99),
      [`llm_${CONCURRENT}_conversations_p95_vs_one_at_a_time`]: round(of(steady, 'overhead', 95) / of(llm, 'overhead', 95), 2),
      [`llm_${CONCURRENT}_conversations_cpu_ms_per_turn`]: round(steadyRun.cpuMsPerTurn, 2),
      [`llm_${CONCURRENT}_conversations_event_loop_delay_p99_ms`]: round(steadyRun.loopDelayP99, 1),
      [`burst_${CONCURRENT}_overhead_p50_ms`]: of(burst, 'overhead', 50),
      [`burst_${CONCURRENT}_overhead_p95_ms`]: of(burst, 'overhead', 95),
      [`burst_${CONCURRENT}_wall_ms`]: round(wall, 0),
      [`burst_${CONCURRENT}_cpu_ms_per_turn`]: round((burstCpu.user + burstCpu.system) / 1000 / CONCURRENT, 2),
      turns_with_failed_tool_calls: failedTools,
    };
  } finally {
    await fakes.close();
    await ws.close();
    if (usePg) await dropDatabase(adminUrl, dbName);
  }
}

/**
 * The share of the wall time a CPU-bound loop gets (1 on an idle core; far less when the machine is
 * shared and busy): read it next to the latencies.
 */
function cpuShare(): number {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  let x = 0;
  while (performance.now() - wall < 300) for (let i = 0; i < 10_000; i++) x = (x * 31 + i) % 1_000_003;
  const used = process.cpuUsage(cpu);
  return x >= 0 ? (used.user + used.system) / 1000 / (performance.now() - wall) : 0;
}

/** Starts the model and tool fakes in a child process (see support/assistant-fakes.ts). */
export async function startFakes(): Promise<{ modelUrl: string; toolPort: number; command(command: { modelLatencyMs: [number, number] }): Promise<void>; close(): Promise<void> }> {
  const child = spawn(process.execPath, [...process.execArgv, path.join(import.meta.dirname, 'support', 'assistant-fakes.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(line);
      waiters.push(resolve);
      child.once('exit', (code) => reject(new Error(`the fakes exited (${code})`)));
    });
  const { modelUrl, toolPort } = JSON.parse(await nextLine()) as { modelUrl: string; toolPort: number };
  return {
    modelUrl,
    toolPort,
    async command(command) {
      child.stdin!.write(`${JSON.stringify(command)}\n`);
      if ((await nextLine()) !== 'ok') throw new Error('the fakes did not take the command');
    },
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

export async function setUp(ws: KnowledgeWorkspace, toolPort: number, modelUrl: string) {
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

export async function createDatabase(adminUrl: string, dbName: string): Promise<boolean> {
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

export async function dropDatabase(adminUrl: string, dbName: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`drop database if exists ${pg.escapeIdentifier(dbName)} with (force)`);
  await client.end();
}
