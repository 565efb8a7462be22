import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './auth.ts';

/** Sets the session cookie: httpOnly, SameSite=Lax, Secure when Charla is served over https. */
export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt });
}

/** Removes the session cookie. */
export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The IP and user agent recorded with security events. */
export function requestMeta(req: FastifyRequest) {
  const ua = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof ua === 'string' ? ua : null };
}
