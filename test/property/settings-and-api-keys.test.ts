import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../support/context.ts';
import { type Caller, call, createOrg, type TestOrg } from '../support/factories.ts';
import { bodyFor, encodable, expectWellFormed, nastyRawBody, nastyString, nastyValue, RUNS, snapshot } from '../support/property.ts';

/**
 * Random and hostile input thrown at organization settings and the API-key endpoints, as the owner's
 * session and as an API key: never a 5xx, every rejection a problem document that changes nothing,
 * and whatever is accepted reads back as valid settings.
 */
let ctx: TestContext;
let org: TestOrg;
let callers: [string, Caller][];

beforeAll(async () => {
  ctx = await createTestContext({ CHARLA_API_RATE_LIMIT: '1000000' });
  org = await createOrg(ctx, { name: 'Fuzz Settings' });
  callers = [
    ['owner session', org.owner],
    ['API key', { apiKey: org.apiKey }],
  ];
});
afterAll(() => ctx?.close());

const settingsBody = bodyFor({
  name: fc.string({ minLength: 1, maxLength: 130 }),
  timezone: fc.constantFrom('UTC', 'America/Santiago', 'Asia/Kolkata', 'Mars/Base', '+03:00', 'utc'),
  locale: fc.constantFrom('es', 'pt-BR', 'en', 'pt', 'EN'),
  country: fc.constantFrom('CL', 'cl', 'CHL', null),
  address: bodyFor({
    street: fc.string({ maxLength: 220 }),
    city: fc.oneof(fc.string({ maxLength: 130 }), fc.constant(null)),
    postalCode: fc.string({ maxLength: 25 }),
  }),
  settings: bodyFor({
    notifications: bodyFor({ soundEnabled: fc.boolean(), sound: fc.constantFrom('chime', 'pop', 'siren'), volume: fc.double({ min: -1, max: 2 }) }),
    campaigns: bodyFor({
      resendEnabled: fc.boolean(),
      retryIntervalsHours: fc.array(fc.double({ min: -5, max: 200 }), { maxLength: 12 }),
      moveFailedToGroup: fc.boolean(),
      failedGroupId: fc.oneof(fc.uuid(), fc.constant(null), fc.string()),
    }),
    tickets: bodyFor({ enabled: fc.boolean(), autoAssignment: fc.constantFrom('off', 'round_robin', 'chaos'), reassignReopened: fc.boolean(), agentsSeeUnassigned: fc.boolean() }),
  }),
});

function send(caller: Caller, method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller && 'apiKey' in caller) headers.authorization = `Bearer ${caller.apiKey}`;
  if (caller && 'cookie' in caller) {
    headers.cookie = caller.cookie;
    headers['x-csrf-token'] = caller.csrfToken;
  }
  return ctx.app.inject({ method, url, headers, payload });
}

/** Settings as the API returns them must always satisfy the documented rules. */
function expectValidSettings(o: { timezone: string; settings: { campaigns: { retryIntervalsHours: number[]; moveFailedToGroup: boolean; failedGroupId: string | null }; notifications: { volume: number } } }) {
  const intervals = o.settings.campaigns.retryIntervalsHours;
  expect(intervals.length).toBeGreaterThan(0);
  intervals.forEach((v, i) => {
    expect(v).toBeGreaterThan(0);
    if (i > 0) expect(v).toBeGreaterThan(intervals[i - 1]!);
  });
  if (o.settings.campaigns.moveFailedToGroup) expect(o.settings.campaigns.failedGroupId).toBeTruthy();
  expect(o.settings.notifications.volume).toBeGreaterThanOrEqual(0);
  expect(o.settings.notifications.volume).toBeLessThanOrEqual(1);
}

describe('hostile input on organization settings', () => {
  it('PATCH /api/v1/organization', async () => {
    await fc.assert(
      fc.asyncProperty(settingsBody, fc.constantFrom(0, 1), async (body, who) => {
        const before = await snapshot(ctx);
        const res = await send(callers[who]![1], 'PATCH', '/api/v1/organization', JSON.stringify(body));
        expectWellFormed(res, body);
        if (res.statusCode >= 400) {
          expect(await snapshot(ctx)).toEqual(before);
        } else {
          expectValidSettings(json(res));
          expectValidSettings(json(await call(ctx, org.owner, 'GET', '/api/v1/organization')));
        }
      }),
      { numRuns: RUNS * 2 },
    );
  }, 300_000);

  it('raw and prototype-poisoning bodies on PATCH /api/v1/organization', async () => {
    await fc.assert(
      fc.asyncProperty(nastyRawBody, async (raw) => {
        const before = await snapshot(ctx);
        const res = await send(org.owner, 'PATCH', '/api/v1/organization', raw);
        expectWellFormed(res, raw);
        if (res.statusCode >= 400) expect(await snapshot(ctx)).toEqual(before);
        const o = json<{ settings: Record<string, unknown> }>(await call(ctx, org.owner, 'GET', '/api/v1/organization'));
        expect(Object.keys(o.settings).sort()).not.toContain('__proto__');
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});

describe('hostile input on the API-key endpoints', () => {
  it('POST /api/v1/api-keys', async () => {
    await fc.assert(
      fc.asyncProperty(bodyFor({ name: fc.oneof(fc.string({ minLength: 1, maxLength: 90 }), nastyString) }), fc.constantFrom(0, 1), async (body, who) => {
        const before = await snapshot(ctx);
        const res = await send(callers[who]![1], 'POST', '/api/v1/api-keys', JSON.stringify(body));
        expectWellFormed(res, body);
        // API keys cannot manage API keys: refused (403, or 400 when the body is malformed anyway).
        if (who === 1) expect(res.statusCode).toBeGreaterThanOrEqual(400);
        if (res.statusCode >= 400) {
          expect(await snapshot(ctx)).toEqual(before);
        } else {
          const created = json<{ key: string; name: string }>(res);
          expect(created.key).toMatch(/^chk_[\w-]{8}_[\w-]{43}$/);
          expect(created.name.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('DELETE /api/v1/api-keys/{id} with hostile ids, and GET with hostile queries', async () => {
    const idArb = fc.oneof(fc.uuid(), fc.string(), nastyString.filter((s) => s.length > 0), fc.constant(org.apiKey)).filter(encodable);
    const queryArb = fc.dictionary(fc.constantFrom('limit', 'cursor', 'q', '__proto__', 'constructor'), fc.oneof(fc.string(), nastyString, fc.integer().map(String)), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(idArb, queryArb, async (id, query) => {
        const before = await snapshot(ctx);
        const del = await send(org.owner, 'DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`);
        expectWellFormed(del, id);
        expect(del.statusCode).toBeGreaterThanOrEqual(400);
        const qs = new URLSearchParams(query).toString();
        const list = await send(org.owner, 'GET', `/api/v1/api-keys?${qs}`);
        expectWellFormed(list, query);
        expect(await snapshot(ctx)).toEqual(before);
        // The organization's own key keeps working whatever was thrown at it.
        expect((await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/me')).statusCode).toBe(200);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('hostile values in every member and invitation field', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          bodyFor({ email: fc.emailAddress(), role: fc.constantFrom('agent', 'manager', 'owner', 'root'), language: fc.constantFrom('es', 'xx') }).map((b) => ['POST', '/api/v1/invitations', b] as const),
          fc.tuple(fc.oneof(fc.uuid(), fc.string()).filter(encodable), bodyFor({ role: fc.constantFrom('agent', 'owner', 'god'), status: fc.constantFrom('active', 'disabled', 'invited') })).map(
            ([id, b]) => ['PATCH', `/api/v1/members/${encodeURIComponent(id)}`, b] as const,
          ),
        ),
        async ([method, url, body]) => {
          const before = await snapshot(ctx);
          const res = await send(org.owner, method, url, JSON.stringify(body));
          expectWellFormed(res, body);
          if (res.statusCode >= 400) expect(await snapshot(ctx)).toEqual(before);
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('nested garbage never reaches the database as a stored secret or a 500', async () => {
    await fc.assert(
      fc.asyncProperty(nastyValue, async (value) => {
        const res = await send(org.owner, 'POST', '/api/v1/api-keys', JSON.stringify({ name: value }));
        expectWellFormed(res, value);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});
