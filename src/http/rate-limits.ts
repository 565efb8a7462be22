import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Deps } from '../container.ts';

/** Rate limit of unauthenticated credential endpoints: per client IP, over 15 minutes. */
export function loginRateLimit(deps: Pick<Deps, 'config'>) {
  return {
    max: deps.config.rateLimits.loginPer15Minutes,
    timeWindow: 15 * 60_000,
    keyGenerator: (req: FastifyRequest) => `cred:${req.ip}`,
  };
}

/** The key the general API limit counts against: the API key, else the user, else the IP. */
export function apiRateKey(req: FastifyRequest): string {
  const p = req.principal;
  if (p?.kind === 'apiKey') return `key:${p.apiKeyId}`;
  if (req.sessionContext) return `user:${req.sessionContext.userId}`;
  return `ip:${req.ip}`;
}

interface Window {
  count: number;
  resetAt: number;
}

/** How many keys the API limiter tracks at most (the plugin's default LRU size, doubled). */
const MAX_TRACKED_KEYS = 10_000;

/**
 * The general API limit: `max` requests per key (`apiRateKey`) per fixed window, counted in this
 * process. Every answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
 * (seconds); beyond the limit it answers 429 (problem+json `rate_limited`, see problem.ts) with
 * `Retry-After`. The same rule and headers as @fastify/rate-limit's global limit, which this replaces
 * on API routes (routes with their own `config.rateLimit` keep the plugin's per-route limiter): a
 * synchronous hook, where the plugin's is asynchronous (several promises per request) and re-reads the
 * route options; the difference is a visible part of a small request's cost (bench/foundation.bench.ts).
 */
export class ApiRateLimiter {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** A `preHandler` hook: counts the request and sets the headers, or throws the 429. */
  readonly hook = (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const now = Date.now();
    const key = apiRateKey(req);
    let w = this.#windows.get(key);
    if (!w) {
      if (this.#windows.size >= MAX_TRACKED_KEYS) this.#evict(now);
      w = { count: 0, resetAt: now + this.windowMs };
      this.#windows.set(key, w);
    } else if (w.resetAt <= now) {
      w.count = 0;
      w.resetAt = now + this.windowMs;
    }
    w.count++;
    const resetSeconds = Math.ceil((w.resetAt - now) / 1000);
    reply.header('x-ratelimit-limit', this.max);
    if (w.count > this.max) {
      reply.header('x-ratelimit-remaining', 0);
      reply.header('x-ratelimit-reset', resetSeconds);
      reply.header('retry-after', resetSeconds);
      const err = new Error(`Rate limit exceeded; retry in ${resetSeconds} s`) as Error & { statusCode: number };
      err.statusCode = 429;
      throw err;
    }
    reply.header('x-ratelimit-remaining', this.max - w.count);
    reply.header('x-ratelimit-reset', resetSeconds);
    done();
  };

  /** Drops expired windows; when none has expired, the oldest tracked keys (as the plugin's LRU would). */
  #evict(now: number): void {
    for (const [key, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(key);
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < MAX_TRACKED_KEYS) break;
      this.#windows.delete(key);
    }
  }
}
