import type { FastifyRequest } from 'fastify';
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
