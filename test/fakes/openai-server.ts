import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { localEmbedding } from './local-embedding.ts';

/** One request the fake received, for assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** What a route handler returns: a status and a JSON body (OpenAI answers JSON everywhere but streams). */
export interface FakeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One scripted chat completion: tool calls for the client to run, or the final text. */
export type ChatStep = { toolCalls: { name: string; arguments: Record<string, unknown> }[]; usage?: ChatUsage } | { text: string; usage?: ChatUsage };
/** Token counts reported by a scripted completion. */
export interface ChatUsage {
  prompt: number;
  completion: number;
}

/** A route handler; may also write to `res` itself (e.g. a server-sent-events stream) and return undefined. */
export type FakeRoute = (req: RecordedRequest, res: http.ServerResponse) => Promise<FakeReply | undefined> | FakeReply | undefined;

/** Options of the fake server. */
export interface FakeOpenAIOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 in OpenAI's error format otherwise). */
  apiKey?: string;
  /** The embedding of one input; defaults to the deterministic `localEmbedding`. */
  embed?: (text: string, model: string, dimensions: number | undefined) => number[];
}

/** A running fake; `baseUrl` ends in `/v1`, as OpenAI-compatible clients expect. */
export interface FakeOpenAIServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Adds or replaces a route, e.g. `route('POST', '/v1/chat/completions', handler)`. */
  route(method: string, path: string, handler: FakeRoute): void;
  /** Makes the next `count` requests fail with `status` (OpenAI error body), e.g. 429 or 500. */
  failNext(count: number, status: number, message?: string): void;
  /** Delays every answer by `ms` (timeouts). */
  setDelay(ms: number): void;
  /**
   * Scripts `POST /v1/chat/completions` (non-streaming): each request takes the next step — tool calls
   * or a final text — answered in OpenAI's wire format with token usage. After the script runs out,
   * requests get a 500. A step may be a function of the request (to echo tool results back, say).
   */
  scriptChat(steps: (ChatStep | ((req: RecordedRequest) => ChatStep))[]): void;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible HTTP server on 127.0.0.1 speaking the real wire format — today
 * `POST /v1/embeddings` (`{ model, input, encoding_format, dimensions }` → `{ object: 'list', data: [{
 * object: 'embedding', index, embedding }], model, usage }`) and `GET /v1/models`; other endpoints (chat
 * completions) plug in with `route`. Tests point real providers (the AI SDK) at it instead of the internet.
 */
export async function startFakeOpenAIServer(options: FakeOpenAIOptions = {}): Promise<FakeOpenAIServer> {
  const routes = new Map<string, FakeRoute>();
  const requests: RecordedRequest[] = [];
  const failures: { status: number; message: string }[] = [];
  let delayMs = 0;
  const embed = options.embed ?? ((text, _model, dimensions) => localEmbedding(text, dimensions ?? 256));

  routes.set('POST /v1/embeddings', (req) => {
    const body = req.body as { model?: unknown; input?: unknown; dimensions?: unknown; encoding_format?: unknown };
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (typeof body.model !== 'string' || !Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) {
      return openAIError(400, "'input' must be a non-empty string or array of strings and 'model' a string", 'invalid_request_error');
    }
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : undefined;
    const data = inputs.map((text: string, index) => {
      const vector = embed(text, body.model as string, dimensions);
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const tokens = inputs.reduce((n: number, t: string) => n + Math.ceil(t.length / 4), 0);
    return { status: 200, body: { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
  });
  routes.set('GET /v1/models', () => ({
    status: 200,
    body: { object: 'list', data: [{ id: 'text-embedding-3-small', object: 'model', created: 0, owned_by: 'fake' }] },
  }));

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the raw text; the route decides
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
    requests.push(recorded);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    let reply: FakeReply | undefined;
    const failure = failures.shift();
    if (failure) reply = openAIError(failure.status, failure.message, failure.status === 429 ? 'rate_limit_exceeded' : 'server_error');
    else if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      reply = openAIError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    } else {
      const route = routes.get(`${recorded.method} ${path}`);
      reply = route ? await route(recorded, res) : openAIError(404, `Unknown request URL: ${recorded.method} ${path}`, 'invalid_request_error');
    }
    if (!reply || res.headersSent) return;
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    route: (method, path, handler) => {
      routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    failNext: (count, status, message = 'The server had an error while processing your request.') => {
      for (let i = 0; i < count; i++) failures.push({ status, message });
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    scriptChat: (steps) => {
      const queue = [...steps];
      let n = 0;
      routes.set('POST /v1/chat/completions', (req) => {
        const next = queue.shift();
        if (!next) return openAIError(500, 'The chat script ran out of steps', 'server_error');
        const step = typeof next === 'function' ? next(req) : next;
        const model = (req.body as { model?: string } | undefined)?.model ?? 'fake';
        const usage = step.usage ?? { prompt: 120, completion: 30 };
        const message =
          'text' in step
            ? { role: 'assistant', content: step.text }
            : { role: 'assistant', content: null, tool_calls: step.toolCalls.map((c) => ({ id: `call_${++n}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })) };
        return {
          status: 200,
          body: {
            id: `chatcmpl-${n}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model,
            choices: [{ index: 0, message, finish_reason: 'text' in step ? 'stop' : 'tool_calls' }],
            usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
          },
        };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A response in OpenAI's error format. */
export function openAIError(status: number, message: string, type: string, code: string | null = null): FakeReply {
  return { status, body: { error: { message, type, param: null, code } } };
}
