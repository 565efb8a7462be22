import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import type { Deps } from '../container.ts';
import { resolveApiKey, resolveCachedApiKey } from '../modules/identity/api-keys.service.ts';
import { assertCan, type Permission, type Principal } from '../modules/identity/policy.ts';
import { resolveSession } from '../modules/identity/sessions.ts';
import { AppError, forbidden, unauthenticated } from '../shared/errors.ts';
import { safeEqual } from '../shared/ids.ts';
import type { SessionContext } from './app-types.ts';

/** Name of the dashboard's session cookie. */
export const SESSION_COOKIE = 'charla_session';
/** Header the dashboard sends on state-changing requests (synchronizer token, checked against the session). */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The route's `auth` level: API routes require an organization unless they say otherwise; pages, /docs and webhooks are public. */
const levelOf = (req: FastifyRequest) => req.routeOptions.config?.auth ?? ((req.routeOptions.url ?? req.url).startsWith('/api/') ? 'org' : 'public');

/**
 * Resolves who is calling (API key or session cookie), checks CSRF for cookie-authenticated writes,
 * and enforces the route's `auth` level. Runs before validation, so unauthenticated requests never
 * reach a handler or learn anything about the body's shape.
 *
 * An API key this process has already resolved (see `resolveCachedApiKey`) is answered synchronously;
 * everything else takes the asynchronous path. (Fastify runs a hook that either calls `done` or returns
 * a promise; this one does exactly one of the two on each request.)
 */
export function authHook(deps: Deps): onRequestHookHandler {
  const authenticate = async (req: FastifyRequest, reply: FastifyReply) => {
    req.principal = null;
    req.sessionContext = null;
    // No such route: answer 404 for everyone (the route list is public in the OpenAPI document anyway).
    if (req.is404) return;
    const level = levelOf(req);
    const header = req.headers.authorization;

    if (header !== undefined) {
      const match = BEARER.exec(header);
      if (!match) throw unauthenticated('Use "Authorization: Bearer <API key>"', 'invalid_authorization_header');
      const principal = await resolveApiKey(deps, match[1]!);
      if (!principal) throw unauthenticated('Invalid or revoked API key', 'invalid_api_key');
      if (level === 'session') throw forbidden('This operation needs a signed-in user, not an API key', 'session_required');
      req.principal = principal;
      return;
    }

    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const resolved = await resolveSession(deps, token);
      if (!resolved) {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      } else {
        req.sessionContext = resolved.session;
        req.principal = resolved.principal;
        if (level !== 'public' && !SAFE_METHODS.has(req.method)) {
          const sent = req.headers[CSRF_HEADER];
          if (typeof sent !== 'string' || !safeEqual(sent, resolved.session.csrfToken)) {
            throw forbidden('Missing or invalid CSRF token; reload the page', 'csrf_failed');
          }
        }
      }
    }

    if (level === 'public') return;
    if (!req.sessionContext) throw unauthenticated();
    if (level === 'org' && !req.principal) {
      throw new AppError('forbidden', 'no_active_organization', 'You are not an active member of any organization');
    }
  };
  const hook = (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const header = req.headers.authorization;
    if (header !== undefined && !req.is404) {
      const match = BEARER.exec(header);
      const principal = match ? resolveCachedApiKey(deps, match[1]!) : undefined;
      if (principal) {
        req.sessionContext = null;
        if (levelOf(req) === 'session') throw forbidden('This operation needs a signed-in user, not an API key', 'session_required');
        req.principal = principal;
        done();
        return undefined;
      }
    }
    return authenticate(req, reply);
  };
  return hook as onRequestHookHandler;
}

/** The principal of an `org` route (always present there). */
export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthenticated();
  return req.principal;
}

/** The principal, after checking it holds a permission (403 otherwise). */
export function requirePermission(req: FastifyRequest, permission: Permission): Principal {
  const principal = requirePrincipal(req);
  assertCan(principal, permission);
  return principal;
}

/** The session of a `session` route (always present there). */
export function requireSession(req: FastifyRequest): SessionContext {
  if (!req.sessionContext) throw unauthenticated();
  return req.sessionContext;
}

/** The client's IP as Fastify resolved it (X-Forwarded-For counts only from proxies trusted by `CHARLA_TRUST_PROXY`). */
export const clientIp = (req: FastifyRequest): string => req.ip;
