import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { validationError } from '../shared/errors.ts';

/** Half of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** A NUL or a lone surrogate. */
const isBadText = (s: string) => s.includes('\u0000') || LONE_SURROGATE.test(s);

/**
 * PostgreSQL text cannot hold the NUL character (`\u0000`), and JSON columns refuse a lone surrogate
 * (`\ud800`): a request carrying one would fail deep in a query as a 500. This `preValidation` hook
 * refuses such requests up front with a 400 that names the field. Binary bodies (Buffers, e.g.
 * webhooks) are not text and pass untouched. Synchronous (a callback hook): it runs on every request.
 */
export function rejectBadText(req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const path = findBadText(req.body, 'body', 0) ?? findBadText(req.query, 'querystring', 0) ?? findBadText(req.params, 'params', 0);
  if (path) throw validationError('Text must be valid Unicode without NUL characters', [{ path, message: 'Contains a NUL character or broken Unicode' }]);
  done();
}

function findBadText(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return isBadText(value) ? path : undefined;
  if (depth > 64 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], `${path}.${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  // (for…in over own keys: no entries array per object, on every request's query and params.)
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (isBadText(key)) return path;
    const found = findBadText((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
