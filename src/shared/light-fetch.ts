import http from 'node:http';
import { Agent, type Dispatcher } from 'undici';

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
  /** Header names in lower case; a repeated header's values as an array. */
  headers: Record<string, string | string[] | undefined>;
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
  // undici's dispatcher (its own API, not its fetch): a third of node:http's client CPU per request on
  // loopback (measured for the emulator's webhooks). Idle connections close after 4 s, before servers
  // drop them under a request; a campaign keeps hundreds of Graph requests in flight.
  const agent = new Agent({ keepAliveTimeout: 4_000, connections: options.maxSockets ?? null });
  return {
    fetch: (input, init) => fetchThrough(agent, input, init),
    request: (url, init = {}) => {
      const target = typeof url === 'string' ? new URL(url) : url;
      if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${target.protocol}`) }));
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
      return exchange(agent, target, init.method ?? 'GET', headers, init.body, init.signal);
    },
  };
}

const shared = createLightHttp();

/**
 * A `fetch` for small JSON exchanges — a POST or GET with a string body (or none), the whole response
 * read — on undici's dispatcher with kept-alive connections. Node 20's global fetch (also undici) runs
 * every body through WHATWG streams, clones the request and allocates abort machinery per call; for
 * the assistant's model calls that was the largest share of a turn's CPU (bench/assistant.bench.ts),
 * and for a campaign's thousands of Graph sends per second (and the emulator's status webhooks) most
 * of the HTTP client's cost (bench/campaigns.bench.ts). Semantics kept: network failures reject with
 * `TypeError('fetch failed')` and the cause (AI SDK retries and Graph error classification rely on
 * it), an aborted signal rejects with its reason, and anything this does not handle — a `Request`
 * object, a stream or form body, a redirect — goes to the global fetch.
 */
export const lightFetch: typeof fetch = shared.fetch;

/** {@link LightHttp.request} on the shared connection pool. */
export const lightRequest: LightHttp['request'] = shared.request;

function fetchThrough(agent: Agent, input: Parameters<typeof fetch>[0], init: Parameters<typeof fetch>[1]): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
  const body = init?.body;
  if (url === null || (body != null && typeof body !== 'string') || (init?.redirect && init.redirect !== 'follow')) return fetch(input, init);
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return fetch(input, init);
  return exchange(agent, target, init?.method ?? 'GET', headersOf(init?.headers), body ?? undefined, init?.signal ?? undefined).then((response) => {
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
async function exchange(agent: Agent, target: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<LightResponse> {
  if (signal?.aborted) throw signal.reason;
  let response: Dispatcher.ResponseData;
  try {
    response = await agent.request({ origin: target.origin, path: target.pathname + target.search, method: method as Dispatcher.HttpMethod, headers, body, signal });
  } catch (err) {
    throw failure(err, signal);
  }
  const status = response.statusCode;
  const statusText = http.STATUS_CODES[status] ?? '';
  if (REDIRECT_STATUSES.has(status) && response.headers.location) {
    // The caller decides (fetch follows through the global fetch): the body is not needed.
    await response.body.dump().catch(() => {});
    return { status, statusText, headers: response.headers, body: Buffer.alloc(0) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        response.body.destroy();
        throw new TypeError('fetch failed', { cause: new Error(`the response is larger than ${MAX_RESPONSE_BYTES} bytes`) });
      }
      chunks.push(chunk);
    }
  } catch (err) {
    throw failure(err, signal);
  }
  return { status, statusText, headers: response.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) };
}

/** What a failed exchange rejects with: the signal's reason when it was aborted, else fetch's `TypeError`. */
function failure(err: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (err instanceof TypeError && err.message === 'fetch failed') return err;
  return new TypeError('fetch failed', { cause: err });
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
