import http from 'node:http';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';
import { startFakeOpenAIServer } from '../../test/fakes/openai-server.ts';
import { random } from './knowledge-corpus.ts';

/**
 * The assistant benchmark's external services, run in a child process so their work does not take the
 * measured process's event loop (in production they are on other machines): a scripted model on the
 * fake OpenAI server (one call of `tool_007`, then the answer once the tool result is in) and an instant
 * HTTP tool. The model answers at once until told otherwise: a line `{"modelLatencyMs":[min,max]}` on
 * stdin makes every completion take a (seeded) uniformly random time in that range, like a hosted
 * model; the child answers `ok`.
 *
 * The model tells the benchmark how long it took, without the benchmark having to attribute requests to
 * turns: the time the first call spent (from its handler's start to its answer, scripted latency
 * included) goes into the tool call's id, which the second call receives back; the answer ends with
 * ` [model <calls> <ms>]`, the calls and the time both spent, which the benchmark strips.
 *
 * Prints `{ modelUrl, toolPort }` as one JSON line, then serves until its stdin closes.
 */
const rnd = random(11);
let latency: [number, number] = [0, 0];
const fake = await startFakeOpenAIServer();
fake.route('POST', '/v1/chat/completions', async (req) => {
  const started = performance.now();
  // The fake records every request; the benchmark sends thousands, so keep none.
  fake.requests.length = 0;
  const [min, max] = latency;
  if (max > 0) await new Promise((resolve) => setTimeout(resolve, min + rnd() * (max - min)));
  const messages = (req.body as { messages: { role: string; tool_call_id?: string }[] }).messages;
  const last = messages.at(-1);
  const answered = last?.role === 'tool';
  const earlier = answered ? Number(/^call_([\d.]+)$/.exec(last.tool_call_id ?? '')?.[1] ?? Number.NaN) : 0;
  const message = answered
    ? { role: 'assistant', content: `Your order is on its way. [model 2 ${(earlier + performance.now() - started).toFixed(3)}]` }
    : { role: 'assistant', content: null, tool_calls: [{ id: `call_${(performance.now() - started).toFixed(3)}`, type: 'function', function: { name: 'tool_007', arguments: '{"orderId":"1002"}' } }] };
  return {
    status: 200,
    body: {
      id: 'c',
      object: 'chat.completion',
      created: 0,
      model: 'bench',
      choices: [{ index: 0, message, finish_reason: answered ? 'stop' : 'tool_calls' }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    },
  };
});

const toolServer = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"shipped","eta":"2026-01-01"}');
});
await new Promise<void>((resolve) => toolServer.listen(0, '127.0.0.1', resolve));

process.stdout.write(`${JSON.stringify({ modelUrl: fake.baseUrl, toolPort: (toolServer.address() as AddressInfo).port })}\n`);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as { modelLatencyMs?: [number, number] };
  if (command.modelLatencyMs) latency = command.modelLatencyMs;
  process.stdout.write('ok\n');
});
process.stdin.on('end', () => {
  toolServer.close();
  void fake.close().then(() => process.exit(0));
});
