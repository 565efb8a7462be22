import http from 'node:http';
import https from 'node:https';

/** The largest model response read (a chat completion is a few kilobytes). */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// Idle connections are closed after 4 s, as undici does, before servers drop them under a request (an
// agent's `timeout` only closes sockets no request is using: a model's answer may take a minute).
const agents = { 'http:': new http.Agent({ keepAlive: true, timeout: 4_000 }), 'https:': new https.Agent({ keepAlive: true, timeout: 4_000 }) };

/**
 * The `fetch` the assistant's model clients use: the same exchange as the global fetch for the AI SDK's
 * non-streaming calls (a POST of a JSON string, the whole response read), on node:http with kept-alive
 * connections. Node 20's global fetch (undici) runs every body through WHATWG streams and clones the
 * request; for a chat completion that was the largest share of a turn's CPU (see
 * bench/assistant.bench.ts). Semantics kept: network failures reject with `TypeError('fetch failed')`
 * (the AI SDK retries those), an aborted signal rejects with its reason, and anything this does not
 * handle — a `Request` object, a stream body, a redirect — goes to the global fetch.
 */
export const modelFetch: typeof fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
  const body = init?.body;
  if (url === null || (body != null && typeof body !== 'string') || (init?.redirect && init.redirect !== 'follow')) return fetch(input, init);
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return fetch(input, init);
  const signal = init?.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const headers = headersOf(init?.headers);
  const payload = body == null ? undefined : Buffer.from(body);
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise<Response>((resolve, reject) => {
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
    const request = (target.protocol === 'https:' ? https : http).request(target, { method: init?.method ?? 'GET', headers, agent: agents[target.protocol as 'http:' | 'https:'] }, (response) => {
      const status = response.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status) && response.headers.location) {
        response.resume();
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(fetch(input, init));
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
        const pairs: [string, string][] = [];
        const raw = response.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
        try {
          resolve(new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks, size), { status, statusText: response.statusMessage ?? '', headers: pairs }));
        } catch (err) {
          reject(new TypeError('fetch failed', { cause: err }));
        }
      });
    });
    request.on('error', (err) => fail(new TypeError('fetch failed', { cause: err })));
    signal?.addEventListener('abort', onAbort, { once: true });
    request.end(payload);
  });
};

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
