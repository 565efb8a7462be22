import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { isAllowlisted, isBlockedAddress } from './address-policy.ts';

/** Resolves a host name to every address it has (the shape of `dns.promises.lookup(host, { all: true })`). */
export type LookupFn = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** Limits of one outbound request (redirects included). */
export interface SafeFetchOptions {
  /** Let requests reach private, loopback and link-local addresses (`CHARLA_ALLOW_PRIVATE_NETWORK`). Default false. */
  allowPrivateNetwork?: boolean;
  /**
   * Private hosts this caller may reach even without `allowPrivateNetwork`: host names, IP addresses or
   * CIDR networks (e.g. an integration's `127.0.0.1` for a local shop). Link-local and metadata
   * addresses are never allowed this way. Checked on every redirect hop, after DNS resolution.
   */
  allowedPrivateHosts?: readonly string[];
  /** Deadline for the whole exchange, body included (default 15 s). */
  timeoutMs?: number;
  /** Largest response body accepted, after decompression (default 10 MiB). */
  maxResponseBytes?: number;
  /** Redirects followed before giving up (default 5); every hop is checked again. */
  maxRedirects?: number;
  /** DNS resolution, replaceable in tests. */
  lookup?: LookupFn;
  /** Which resolved addresses are refused (default: every non-public address); replaceable in tests. */
  isBlocked?: (address: string) => boolean;
  /** Sent as `User-Agent` unless the request sets one. */
  userAgent?: string;
}

/** Why an outbound request was refused or failed. `temporary` failures are worth retrying later. */
export type OutboundHttpErrorCode =
  | 'invalid_url'
  | 'unsupported_protocol'
  | 'blocked_address'
  | 'dns_failed'
  | 'connection_failed'
  | 'timeout'
  | 'too_many_redirects'
  | 'too_large';

/** A refused or failed outbound request, classified for callers and the job runner. */
export class OutboundHttpError extends Error {
  override name = 'OutboundHttpError';
  constructor(
    readonly code: OutboundHttpErrorCode,
    message: string,
    readonly temporary = false,
  ) {
    super(message);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NO_BODY = new Set([101, 103, 204, 205, 304]);
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) };
const systemLookup: LookupFn = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * `fetch`, guarded against server-side request forgery: only http(s); the host is resolved first and
 * every address must be public (unless private networks are allowed); the connection is pinned to the
 * checked address (no DNS-rebinding window); redirects are followed by hand, each hop checked again and
 * credentials dropped across origins; the body is capped after decompression; one deadline covers it all.
 * Returns a standard `Response` whose body streams, so it also serves streaming APIs (LLM providers).
 */
export async function safeFetch(input: string | URL, init: RequestInit = {}, options: SafeFetchOptions = {}): Promise<Response> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxResponseBytes ?? 10 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  const headers = new Headers(init.headers);
  if (!headers.has('user-agent')) headers.set('user-agent', options.userAgent ?? 'Charla/1.0 (+https://github.com/charla)');
  headers.set('accept-encoding', 'gzip, deflate, br');
  let method = (init.method ?? 'GET').toUpperCase();
  let body = await bodyBytes(init.body);
  let url = parseUrl(input);

  for (let hop = 0; ; hop++) {
    const res = await requestOnce(url, method, headers, body, options, signal, timeout, timeoutMs);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (!REDIRECTS.has(status) || !location || init.redirect === 'manual') return toResponse(res, url, maxBytes, method, timeout, timeoutMs);
    res.resume();
    if (init.redirect === 'error') throw new OutboundHttpError('too_many_redirects', `Redirect refused (${status})`);
    if (hop >= maxRedirects) throw new OutboundHttpError('too_many_redirects', `More than ${maxRedirects} redirects`);
    const next = parseUrl(new URL(location, url));
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      headers.delete('content-type');
      headers.delete('content-length');
    }
    if (next.origin !== url.origin) {
      headers.delete('authorization');
      headers.delete('cookie');
      headers.delete('proxy-authorization');
    }
    url = next;
  }
}

/** A `fetch`-compatible function with fixed limits, e.g. for the AI SDK's `fetch` option. */
export function createSafeFetch(options: SafeFetchOptions): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit) => {
    if (input instanceof Request) {
      const body = input.body ? new Uint8Array(await input.arrayBuffer()) : undefined;
      return safeFetch(input.url, { method: input.method, headers: input.headers, body, signal: input.signal, ...init }, options);
    }
    return safeFetch(input, init, options);
  };
}

/** Reads a response body whole; fails with `too_large` past the cap given to `safeFetch`. */
export async function readBody(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new OutboundHttpError('invalid_url', 'The URL is not valid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundHttpError('unsupported_protocol', `Only http and https URLs are allowed, not ${url.protocol.replace(':', '')}`);
  }
  if (url.username || url.password) throw new OutboundHttpError('invalid_url', 'URLs with credentials are not allowed');
  return url;
}

async function bodyBytes(body: RequestInit['body']): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(await new Response(body).arrayBuffer());
}

async function resolveChecked(url: URL, options: SafeFetchOptions): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (net.isIP(host)) {
    addresses = [{ address: host, family: net.isIP(host) }];
  } else {
    try {
      addresses = await (options.lookup ?? systemLookup)(host);
    } catch {
      throw new OutboundHttpError('dns_failed', `The host ${host} could not be resolved`, true);
    }
    if (addresses.length === 0) throw new OutboundHttpError('dns_failed', `The host ${host} has no address`, true);
  }
  const blocked = options.isBlocked ?? isBlockedAddress;
  if (!options.allowPrivateNetwork && addresses.some((a) => blocked(a.address) && !isAllowlisted(host, a.address, options.allowedPrivateHosts))) {
    throw new OutboundHttpError('blocked_address', `${host} points to a private or reserved network address, which is not allowed`);
  }
  return addresses[0]!;
}

async function requestOnce(
  url: URL,
  method: string,
  headers: Headers,
  body: Buffer | undefined,
  options: SafeFetchOptions,
  signal: AbortSignal,
  timeout: AbortSignal,
  timeoutMs: number,
): Promise<http.IncomingMessage> {
  const pinned = await resolveChecked(url, options);
  const protocol = url.protocol as 'http:' | 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const outgoing: Record<string, string> = {};
  headers.forEach((value, key) => {
    outgoing[key] = value;
  });
  if (body) outgoing['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = (protocol === 'https:' ? https : http).request({
      protocol,
      host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method,
      headers: outgoing,
      agent: agents[protocol],
      signal,
      servername: net.isIP(host) ? undefined : host,
      // Connect to the address that was checked, never to a second resolution of the name.
      lookup: (_hostname, opts, callback) => {
        if ((opts as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
        else callback(null, pinned.address, pinned.family);
      },
    });
    req.on('response', resolve);
    req.on('error', (err) => reject(classify(err, timeout, timeoutMs)));
    req.end(body);
  });
}

function toResponse(res: http.IncomingMessage, url: URL, maxBytes: number, method: string, timeout: AbortSignal, timeoutMs: number): Response {
  const status = res.statusCode ?? 502;
  const declared = Number(res.headers['content-length']);
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
  if (!encoding && Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw new OutboundHttpError('too_large', `The response is larger than ${Math.round(maxBytes / 1024)} KiB`);
  }
  const headers = new Headers();
  for (const [key, value] of Object.entries(res.headers)) {
    if (value === undefined || (encoding && (key === 'content-encoding' || key === 'content-length'))) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
  }
  let stream: Readable = res;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(zlib.createGunzip());
  else if (encoding === 'deflate') stream = res.pipe(zlib.createInflate());
  else if (encoding === 'br') stream = res.pipe(zlib.createBrotliDecompress());
  if (stream !== res) res.on('error', (err) => stream.destroy(err));
  let seen = 0;
  const capped = stream.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen += chunk.length;
        if (seen > maxBytes) {
          res.destroy();
          done(new OutboundHttpError('too_large', `The response is larger than ${Math.round(maxBytes / 1024)} KiB`));
          return;
        }
        done(null, chunk);
      },
    }),
  );
  stream.on('error', (err) => capped.destroy(classify(err, timeout, timeoutMs)));
  const hasBody = !NO_BODY.has(status) && method !== 'HEAD';
  if (!hasBody) res.resume();
  const response = new Response(hasBody ? (Readable.toWeb(capped) as ReadableStream<Uint8Array>) : null, {
    status: status < 200 || status > 599 ? 502 : status,
    statusText: res.statusMessage,
    headers,
  });
  Object.defineProperty(response, 'url', { value: url.toString() });
  return response;
}

function classify(err: unknown, timeout: AbortSignal, timeoutMs: number): Error {
  if (err instanceof OutboundHttpError) return err;
  if (timeout.aborted) return new OutboundHttpError('timeout', `No complete answer within ${Math.round(timeoutMs / 1000)} s`, true);
  const code = (err as NodeJS.ErrnoException).code;
  if ((err as Error).name === 'AbortError') return err as Error;
  return new OutboundHttpError('connection_failed', `Connection failed${code ? ` (${code})` : ''}`, true);
}
