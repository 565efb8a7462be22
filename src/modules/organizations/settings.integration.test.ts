import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, callFrom, expectProblem } from '../../../test/support/auth.ts';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';

interface Org {
  name: string;
  timezone: string;
  locale: string;
  country: string | null;
  address: Record<string, string | null | undefined>;
  settings: {
    notifications: { soundEnabled: boolean; sound: string; volume: number };
    campaigns: { resendEnabled: boolean; retryIntervalsHours: number[]; moveFailedToGroup: boolean; failedGroupId: string | null };
    tickets: { enabled: boolean; autoAssignment: string; reassignReopened: boolean; agentsSeeUnassigned: boolean };
  } & Record<string, unknown>;
  updatedAt: string;
}

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { name: 'Ajustes' });
});
afterAll(() => ctx?.close());

const get = async () => json<Org>(await call(ctx, org.owner, 'GET', '/api/v1/organization'));
const patch = (body: unknown) => call(ctx, org.owner, 'PATCH', '/api/v1/organization', body);
const GROUP = '01890a5d-ac96-774b-bcce-b302099a8057';

describe('organization settings', () => {
  it('start with the documented defaults', async () => {
    const o = await get();
    expect(o.settings.notifications).toEqual({ soundEnabled: true, sound: 'chime', volume: 0.7 });
    expect(o.settings.campaigns).toEqual({ resendEnabled: true, retryIntervalsHours: [1, 3, 6], moveFailedToGroup: false, failedGroupId: null });
    expect(o.settings.tickets).toEqual({ enabled: true, autoAssignment: 'off', reassignReopened: false, agentsSeeUnassigned: true });
  });

  it('updates every part of item 6 and returns what is stored', async () => {
    const res = await patch({
      name: 'Ajustes SA',
      timezone: 'America/Sao_Paulo',
      locale: 'pt-BR',
      country: 'BR',
      address: { street: 'Rua Augusta 1508', city: 'São Paulo', state: 'SP', postalCode: '01304-001', country: 'Brasil' },
      settings: {
        notifications: { soundEnabled: false, sound: 'bell', volume: 0.3 },
        campaigns: { resendEnabled: false, retryIntervalsHours: [2, 4, 8, 24], moveFailedToGroup: true, failedGroupId: GROUP },
        tickets: { enabled: true, autoAssignment: 'round_robin', reassignReopened: true, agentsSeeUnassigned: false },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const o = await get();
    expect(o).toMatchObject({ name: 'Ajustes SA', timezone: 'America/Sao_Paulo', locale: 'pt-BR', country: 'BR' });
    expect(o.address).toMatchObject({ city: 'São Paulo', postalCode: '01304-001' });
    expect(o.settings.campaigns).toEqual({ resendEnabled: false, retryIntervalsHours: [2, 4, 8, 24], moveFailedToGroup: true, failedGroupId: GROUP });
    expect(o.settings.tickets.autoAssignment).toBe('round_robin');
    expect(json<Org>(res)).toEqual(o);
  });

  it('a partial update changes only what was sent', async () => {
    const before = await get();
    expect((await patch({ settings: { notifications: { volume: 0.9 } }, address: { city: 'Campinas' } })).statusCode).toBe(200);
    const after = await get();
    expect(after.settings.notifications).toEqual({ ...before.settings.notifications, volume: 0.9 });
    expect(after.settings.campaigns).toEqual(before.settings.campaigns);
    expect(after.settings.tickets).toEqual(before.settings.tickets);
    expect(after.address).toEqual({ ...before.address, city: 'Campinas' });
    expect(after.name).toBe(before.name);
    expect(after.timezone).toBe(before.timezone);
  });

  it.each([
    ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'body.timezone'],
    ['an offset instead of a zone', { timezone: '+03:00' }, 'body.timezone'],
    ['a lower-case country', { country: 'br' }, 'body.country'],
    ['an unknown language', { locale: 'fr' }, 'body.locale'],
    ['an empty name', { name: '   ' }, 'body.name'],
    ['a volume above 1', { settings: { notifications: { volume: 1.5 } } }, 'body.settings.notifications.volume'],
    ['an unknown sound', { settings: { notifications: { sound: 'airhorn' } } }, 'body.settings.notifications.sound'],
    ['a non-positive interval', { settings: { campaigns: { retryIntervalsHours: [0, 2] } } }, 'body.settings.campaigns.retryIntervalsHours.0'],
    ['no intervals at all', { settings: { campaigns: { retryIntervalsHours: [] } } }, 'body.settings.campaigns.retryIntervalsHours'],
    ['a bad failed-contacts group id', { settings: { campaigns: { failedGroupId: 'group-1' } } }, 'body.settings.campaigns.failedGroupId'],
    ['an unknown assignment mode', { settings: { tickets: { autoAssignment: 'random' } } }, 'body.settings.tickets.autoAssignment'],
    ['an unknown settings key', { settings: { notifications: { loud: true } } }, 'body.settings.notifications'],
    ['an unknown settings section', { settings: { billing: {} } }, 'body.settings'],
    ['an unknown address field', { address: { planet: 'Earth' } }, 'body.address'],
    ['an unknown top-level field', { slug: 'x' }, 'body'],
  ])('rejects %s with a 400 naming the field, and changes nothing', async (_what, body, path) => {
    const before = await get();
    const problem = expectProblem(await patch(body), 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect(await get()).toEqual(before);
  });

  it('rejects retry intervals that do not increase, naming the field', async () => {
    const before = await get();
    for (const intervals of [[3, 1], [1, 1], [1, 6, 3]]) {
      const problem = expectProblem(await patch({ settings: { campaigns: { retryIntervalsHours: intervals } } }), 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.path.replace(/^body\./, ''))).toContain('settings.campaigns.retryIntervalsHours');
    }
    expect(await get()).toEqual(before);
  });

  it('"move failed contacts to a group" needs the group, also when the group is removed later', async () => {
    const fresh = await createOrg(ctx, { name: 'Grupo' });
    const p = (body: unknown) => call(ctx, fresh.owner, 'PATCH', '/api/v1/organization', body);
    const problem = expectProblem(await p({ settings: { campaigns: { moveFailedToGroup: true } } }), 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path.replace(/^body\./, ''))).toContain('settings.campaigns.failedGroupId');
    expect((await p({ settings: { campaigns: { moveFailedToGroup: true, failedGroupId: GROUP } } })).statusCode).toBe(200);
    const removed = expectProblem(await p({ settings: { campaigns: { failedGroupId: null } } }), 400, 'validation_failed');
    expect(removed.errors?.map((e) => e.path.replace(/^body\./, ''))).toContain('settings.campaigns.failedGroupId');
    expect((await p({ settings: { campaigns: { moveFailedToGroup: false, failedGroupId: null } } })).statusCode).toBe(200);
  });

  it('accepts every IANA time zone name, including current canonical names', async () => {
    for (const tz of ['America/Argentina/Buenos_Aires', 'America/Buenos_Aires', 'Asia/Kolkata', 'Europe/Kyiv', 'UTC', 'America/Mexico_City']) {
      const res = await patch({ timezone: tz });
      expect(res.statusCode, `${tz}: ${res.body}`).toBe(200);
      expect((await get()).timezone).toBe(tz);
    }
  });

  it('keeps stored settings when a stored section holds a key this version no longer knows', async () => {
    const fresh = await createOrg(ctx, { name: 'Legacy' });
    await ctx.container.database.rows(
      sql`update organizations set settings = ${JSON.stringify({
        notifications: { volume: 0.2, legacyFlag: true },
        tickets: { enabled: false },
        retired: { x: 1 },
      })}::jsonb where id = ${fresh.organizationId}`,
    );
    const o = json<Org>(await call(ctx, fresh.owner, 'GET', '/api/v1/organization'));
    expect(o.settings.notifications.volume).toBe(0.2);
    expect(o.settings.tickets.enabled).toBe(false);
    expect(o.settings.campaigns.retryIntervalsHours).toEqual([1, 3, 6]);
    expect(o.settings).not.toHaveProperty('retired');
  });

  it('every change is audited with the fields that changed, the actor and the IP', async () => {
    const res = await callFrom(ctx, org.owner, 'PATCH', '/api/v1/organization', { name: 'Audited', settings: { tickets: { enabled: false } } }, '10.6.6.6');
    expect(res.statusCode).toBe(200);
    const [entry] = await auditOf(ctx, org.organizationId, 'organization.settings_updated');
    expect(entry).toMatchObject({ actor_user_id: org.ownerUserId, ip: '10.6.6.6', target_id: org.organizationId });
    expect(entry!.data).toMatchObject({ changed: expect.arrayContaining(['name', 'settings']), settings: { tickets: { enabled: false } } });
    const byKey = await callFrom(ctx, { apiKey: org.apiKey }, 'PATCH', '/api/v1/organization', { name: 'By key' }, '10.6.6.7');
    expect(byKey.statusCode).toBe(200);
    const [keyEntry] = await auditOf(ctx, org.organizationId, 'organization.settings_updated');
    expect(keyEntry).toMatchObject({ actor_api_key_id: expect.any(String), ip: '10.6.6.7', actor_label: 'API key "test key"' });
  });
});
