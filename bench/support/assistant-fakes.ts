import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeOpenAIServer } from '../../test/fakes/openai-server.ts';

/**
 * The assistant benchmark's external services, run in a child process so their work does not take the
 * measured process's event loop (in production they are on other machines): a scripted model on the
 * fake OpenAI server (0 ms think time: one call of `tool_007`, then the answer once the tool result is
 * in) and an instant HTTP tool. Prints `{ modelUrl, toolPort }` as one JSON line, then serves until
 * its stdin closes.
 */
const fake = await startFakeOpenAIServer();
fake.route('POST', '/v1/chat/completions', (req) => {
  // The fake records every request; the benchmark sends thousands, so keep none.
  fake.requests.length = 0;
  const messages = (req.body as { messages: { role: string }[] }).messages;
  const answered = messages.at(-1)?.role === 'tool';
  const message = answered
    ? { role: 'assistant', content: 'Your order is on its way.' }
    : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'tool_007', arguments: '{"orderId":"1002"}' } }] };
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
process.stdin.resume();
process.stdin.on('end', () => {
  toolServer.close();
  void fake.close().then(() => process.exit(0));
});
