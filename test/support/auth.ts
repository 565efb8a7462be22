import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { type TestContext, json } from './context.ts';
import { type Caller, call } from './factories.ts';

/** A session caller plus the ids the session payload carries. */
export interface SessionCaller {
  cookie: string;
  csrfToken: string;
  userId: string;
  activeOrganizationId: string | null;
}

/** The session cookie set by a response, as a Cookie header value. */
export function sessionCookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const line = all.find((c) => c.startsWith('charla_session=') && !c.startsWith('charla_session=;'));
  if (!line) throw new Error(`no session cookie in ${res.statusCode} response: ${res.body.slice(0, 200)}`);
  return line.split(';')[0]!;
}

/** Turns a response that signed someone in (login, setup, accept) into a caller. */
export function callerFrom(res: LightMyRequestResponse): SessionCaller {
  const body = json<{ csrfToken: string; user: { id: string }; activeOrganizationId: string | null }>(res);
  return { cookie: sessionCookieOf(res), csrfToken: body.csrfToken, userId: body.user.id, activeOrganizationId: body.activeOrganizationId };
}

/** Signs in through the API (from a given client address, so tests do not share the login rate limit). */
export async function login(ctx: TestContext, email: string, password: string, remoteAddress = randomIp()): Promise<SessionCaller> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ email, password }),
  });
  expect(res.statusCode, res.body).toBe(200);
  return callerFrom(res);
}

/** A public request from a chosen client address. */
export function publicCall(ctx: TestContext, method: 'GET' | 'POST', url: string, body?: unknown, remoteAddress = randomIp()) {
  return ctx.app.inject({
    method,
    url,
    remoteAddress,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
}

let ipCounter = 0;
/** A fresh client address in 10.0.0.0/8. */
export function randomIp(): string {
  ipCounter++;
  return `10.${(process.pid >> 8) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

/** The newest e-mail of a kind sent to an address, straight from the outbox table. */
export async function lastMail(ctx: TestContext, to: string, kind: string): Promise<{ text: string; subject: string } | undefined> {
  const rows = await ctx.container.database.rows<{ text: string; subject: string }>(
    sql`select text, subject from mail_outbox where lower("to") = lower(${to}) and kind = ${kind} order by id desc limit 1`,
  );
  return rows[0];
}

/** The token at the end of the link in an e-mail (`…/reset-password/<token>`, `…/invite/<token>`). */
export function tokenIn(text: string, path: 'reset-password' | 'invite'): string {
  const m = new RegExp(`/${path}/([\\w-]+)`).exec(text);
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return m[1]!;
}

/** Audit entries of an organization (newest first), optionally of one action. */
export async function auditOf(ctx: TestContext, organizationId: string, action?: string) {
  return ctx.container.database.rows<{
    action: string;
    actor_user_id: string | null;
    actor_api_key_id: string | null;
    actor_label: string;
    target_type: string | null;
    target_id: string | null;
    ip: string | null;
    data: Record<string, unknown>;
  }>(
    sql`select action, actor_user_id, actor_api_key_id, actor_label, target_type, target_id, host(ip) as ip, data
          from audit_log where organization_id = ${organizationId} ${action ? sql`and action = ${action}` : sql``}
         order by id desc`,
  );
}

/** Asserts a response is an RFC 9457 problem document with a status and, optionally, a code. */
export function expectProblem(res: LightMyRequestResponse, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = json<{ type: string; title: string; status: number; code: string; detail?: string; errors?: { path: string; message: string }[] }>(res);
  expect(body.status).toBe(status);
  expect(body.type).toBe(`urn:charla:error:${body.code}`);
  expect(typeof body.title).toBe('string');
  if (code) expect(body.code).toBe(code);
  return body;
}

/** Calls as someone from a chosen address (the audit log records it). */
export function callFrom(ctx: TestContext, caller: Caller, method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown, remoteAddress = randomIp()) {
  const headers: Record<string, string> = {};
  if (caller && 'apiKey' in caller) headers.authorization = `Bearer ${caller.apiKey}`;
  if (caller && 'cookie' in caller) {
    headers.cookie = caller.cookie;
    headers['x-csrf-token'] = caller.csrfToken;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  return ctx.app.inject({ method, url, headers, remoteAddress, payload: body === undefined ? undefined : JSON.stringify(body) });
}

export { call };
