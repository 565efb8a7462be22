import { setTimeout as sleep } from 'node:timers/promises';
import { OutboundHttpError, type SafeFetchOptions, safeFetch } from '../../adapters/outbound-http/safe-fetch.ts';

/** A request as it goes on the wire. */
export interface WireRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body?: string;
}

/** A response read whole (within the size cap). */
export interface WireResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/** The outcome of an exchange: the last response, or the error that ended it, and how many attempts it took. */
export type ExchangeResult = { ok: true; response: WireResponse; attempts: number } | { ok: false; error: OutboundHttpError; attempts: number };

/** Options of `exchange`. */
export interface ExchangeOptions {
  /** Retries after the first attempt, only when `idempotent`. */
  retries: number;
  idempotent: boolean;
  /** Absolute deadline (ms since epoch) of the whole exchange, retries and backoff included. */
  deadline: number;
  fetch: SafeFetchOptions;
  /** Base of the exponential backoff (default 250 ms). */
  backoffMs?: number;
}

/** Largest response a tool accepts (after decompression). */
export const MAX_TOOL_RESPONSE_BYTES = 1024 * 1024;

/**
 * Sends a request through the SSRF-guarded client, retrying idempotent requests on 429, 5xx and
 * temporary network errors with exponential backoff and jitter (honouring `Retry-After` when it fits
 * in the deadline). Non-idempotent requests (POST, PATCH) are sent exactly once. One deadline covers
 * every attempt: when it passes, the result is a `timeout` error.
 */
export async function exchange(req: WireRequest, options: ExchangeOptions): Promise<ExchangeResult> {
  const maxAttempts = options.idempotent ? options.retries + 1 : 1;
  const base = options.backoffMs ?? 250;
  let attempts = 0;
  for (;;) {
    attempts++;
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) return { ok: false, error: timeoutError(), attempts: attempts - 1 };
    let response: WireResponse;
    try {
      const res = await safeFetch(
        req.url,
        { method: req.method, headers: req.headers, body: req.body },
        { maxResponseBytes: MAX_TOOL_RESPONSE_BYTES, ...options.fetch, timeoutMs: remaining },
      );
      const body = Buffer.from(await res.arrayBuffer());
      const headers: [string, string][] = [];
      res.headers.forEach((value, name) => {
        headers.push([name, value]);
      });
      response = { status: res.status, headers, body };
    } catch (err) {
      const error = err instanceof OutboundHttpError ? err : new OutboundHttpError('connection_failed', (err as Error).message, true);
      if (error.code === 'timeout') return { ok: false, error, attempts };
      if (!error.temporary || attempts >= maxAttempts) return { ok: false, error, attempts };
      if (!(await backoff(base, attempts, undefined, options.deadline))) return { ok: false, error, attempts };
      continue;
    }
    const retryable = response.status === 429 || response.status >= 500;
    if (!retryable || attempts >= maxAttempts) return { ok: true, response, attempts };
    const retryAfter = response.headers.find(([n]) => n === 'retry-after')?.[1];
    if (!(await backoff(base, attempts, retryAfter, options.deadline))) return { ok: true, response, attempts };
  }
}

function timeoutError() {
  return new OutboundHttpError('timeout', 'No answer within the tool\'s time limit', true);
}

/** Waits before the next attempt; false when the wait would not fit in the deadline. */
async function backoff(base: number, attempt: number, retryAfter: string | undefined, deadline: number): Promise<boolean> {
  let delay = base * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
  if (retryAfter) {
    const seconds = /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(seconds)) delay = Math.max(delay, seconds);
  }
  // Leave time for the next attempt itself.
  if (Date.now() + delay + 50 >= deadline) return false;
  await sleep(delay);
  return true;
}
