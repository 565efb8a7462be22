import http from 'node:http';
import https from 'node:https';

/** The largest response read whole (a model's chat completion or a Graph API answer is a few kilobytes). */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Options of {@link createLightHttp}. */
export interface LightFetchOptions {
  /**
   * Connections per host at most (default: no limit, like the global fetch); requests beyond it wait
   * for a free connection — the wait counts towards their timeout.
   */
  maxSockets?: number;
}

/** A whole response, as {@link LightHttp.request} returns it. */
export interface LightResponse {
  status: number;
  statusText: string;
  /** Header names in lower case (node:http's `IncomingHttpHeaders`). */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What {@link LightHttp.request} sends. */
export interface LightRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** A connection pool with two ways in: a `fetch`, and `request` for callers that need no `Response`. */
export interface LightHttp {
  fetch: typeof fetch;
  /**
   * One exchange with the whole response, without building a WHATWG `Response` (whose body is a
   * stream again): for the hottest callers — a campaign's Graph sends, the emulator's webhooks.
   * Redirects are returned, not followed. Fails like `fetch` (see {@link lightFetch}).
   */
  request(url: string | URL, init?: LightRequestInit): Promise<LightResponse>;
}

/** A {@link lightFetch} (and {@link LightHttp.request}) with its own connection pool. */
export function createLightHttp(options: LightFetchOptions = {}): LightHttp {
  // Idle connections are closed after 4 s, as undici does, before servers drop them under a request (an
  // agent's `timeout` only closes sockets no request is using: a model's answer may take a minute). A
  // campaign keeps hundreds of Graph requests in flight: that many idle sockets are kept for reuse.
  const agentOptions = { keepAlive: true, timeout: 4_000, maxFreeSockets: 1024, maxSockets: options.maxSockets ?? Number.POSITIVE_INFINITY };
  const agents: Agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  return {
    fetch: (input, init) => fetchThrough(agents, input, init),
    request: (url, init = {}) => {
      const target = typeof url === 'string' ? new URL(url) : url;
      if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${target.protocol}`) }));
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
      return exchange(agents, target, init.method ?? 'GET', headers, init.body, init.signal);
    },
  };
}

const shared = createLightHttp();

/**
 * A `fetch` for small JSON exchanges — a POST or GET with a string body (or none), the whole response
 * read — on node:http with kept-alive connections. Node 20's global fetch (undici) runs every body
 * through WHATWG streams, clones the request and allocates abort machinery per call; for the
 * assistant's model calls that was the largest share of a turn's CPU (bench/assistant.bench.ts), and
 * for a campaign's thousands of Graph sends per second (and the emulator's status webhooks) it was
 * most of the HTTP client's cost (bench/campaigns.bench.ts). Semantics kept: network failures reject
 * with `TypeError('fetch failed')` and the cause (AI SDK retries and Graph error classification rely
 * on it), an aborted signal rejects with its reason, and anything this does not handle — a `Request`
 * object, a stream or form body, a redirect — goes to the global fetch.
 */
export const lightFetch: typeof fetch = shared.fetch;

/** {@link LightHttp.request} on the shared connection pool. */
export const lightRequest: LightHttp['request'] = shared.request;

type Agents = { 'http:': http.Agent; 'https:': https.Agent };

function fetchThrough(agents: Agents, input: Parameters<typeof fetch>[0], init: Parameters<typeof fetch>[1]): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
  const body = init?.body;
  if (url === null || (body != null && typeof body !== 'string') || (init?.redirect && init.redirect !== 'follow')) return fetch(input, init);
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return fetch(input, init);
  return exchange(agents, target, init?.method ?? 'GET', headersOf(init?.headers), body ?? undefined, init?.signal ?? undefined).then((response) => {
    if (REDIRECT_STATUSES.has(response.status) && response.headers.location) return fetch(input, init);
    const pairs: [string, string][] = [];
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) for (const v of value) pairs.push([name, v]);
      else if (value !== undefined) pairs.push([name, value]);
    }
    try {
      return new Response(NULL_BODY_STATUSES.has(response.status) ? null : (response.body as Uint8Array<ArrayBuffer>), { status: response.status, statusText: response.statusText, headers: pairs });
    } catch (err) {
      throw new TypeError('fetch failed', { cause: err });
    }
  });
}

/** One request on the pool; the whole response. Network failures reject with `TypeError('fetch failed')`. */
function exchange(agents: Agents, target: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<LightResponse> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const payload = body === undefined ? undefined : Buffer.from(body);
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise<LightResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = () => {
      fail(signal!.reason);
      request.destroy();
    };
    const request = (target.protocol === 'https:' ? https : http).request(target, { method, headers, agent: agents[target.protocol as 'http:' | 'https:'] }, (response) => {
      const status = response.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status) && response.headers.location) {
        // The caller decides (fetch follows through the global fetch): the body is not needed.
        response.resume();
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve({ status, statusText: response.statusMessage ?? '', headers: response.headers, body: Buffer.alloc(0) });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          response.destroy();
          fail(new TypeError('fetch failed', { cause: new Error(`the response is larger than ${MAX_RESPONSE_BYTES} bytes`) }));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (err) => fail(new TypeError('fetch failed', { cause: err })));
      // The connection closed before the whole body arrived.
      response.on('close', () => fail(new TypeError('fetch failed', { cause: new Error('the connection closed before the response ended') })));
      response.on('end', () => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve({ status, statusText: response.statusMessage ?? '', headers: response.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
      });
    });
    request.on('error', (err) => fail(new TypeError('fetch failed', { cause: err })));
    signal?.addEventListener('abort', onAbort, { once: true });
    request.end(payload);
  });
}

/** Request headers as a plain object (lower-case names), whatever form they were given in. */
function headersOf(given: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!given) return out;
  if (given instanceof Headers || Array.isArray(given)) {
    for (const [name, value] of given instanceof Headers ? given.entries() : given) out[name.toLowerCase()] = value;
    return out;
  }
  for (const [name, value] of Object.entries(given)) if (value !== undefined) out[name.toLowerCase()] = String(value);
  return out;
}
