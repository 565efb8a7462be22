import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { type EmulatedNumber, eventually, getJson, startWhatsAppHarness, type WhatsAppHarness } from '../../../test/support/whatsapp.ts';
import type { CampaignView, RecipientView } from './campaigns.schemas.ts';
import { campaignTickHandler } from './jobs/campaign-tick.job.ts';
import { approvedTemplate, promoDraft, promoVariables, seedContacts, seededPhone } from './tests/campaign-fixtures.ts';

let ctx: TestContext;
let wa: WhatsAppHarness;
let org: TestOrg;
let number: EmulatedNumber;
let templateId: string;

const PREFIX = '3460100';

beforeAll(async () => {
  ctx = await createTestContext({ CHARLA_API_RATE_LIMIT: '1000000' });
  wa = await startWhatsAppHarness(ctx);
  org = await createOrg(ctx, { language: 'es' });
  number = await wa.connect(org);
  templateId = await approvedTemplate(ctx, org, promoDraft('promo_julio'));
  await wa.startWorker();
}, 90_000);
afterEach(async () => {
  // Each test starts with no contacts and no injected failures — once the last one's work is over:
  // deleting a contact cascades to its campaign recipients and then its messages, while a status
  // webhook still being applied locks a message and then updates its recipient. Run together, the
  // two deadlock (PostgreSQL aborts one of them), as they did whenever a test ended before WhatsApp's
  // last statuses for its sends had been processed (likelier on a busy machine).
  await backgroundWorkDone();
  await ctx.container.database.db.execute(sql`delete from contacts where organization_id = ${org.organizationId}`);
  await wa.control('DELETE', '/_emulator/failures');
});
afterAll(async () => {
  await wa?.close();
  await ctx?.close();
});

/**
 * Waits until nothing more happens on its own: WhatsApp has reported the final status of every message
 * sent (read, or failed) and delivered every webhook, and the worker has no job running or due.
 */
async function backgroundWorkDone() {
  await eventually(
    async () => {
      if ((await wa.outbox(number)).some((m) => m.status !== 'read' && m.status !== 'failed')) return false;
      const pending = await wa.control('GET', `/_emulator/webhooks?phoneNumberId=${number.phoneNumberId}&state=pending`);
      if ((pending.body as { data: unknown[] }).data.length > 0) return false;
      const [jobs] = await ctx.container.database.rows<{ busy: number }>(
        sql`select count(*)::int as busy from jobs where state = 'running' or (state = 'queued' and run_at <= now())`,
      );
      return jobs?.busy === 0;
    },
    20_000,
    'the statuses of the sends and the jobs they caused to be processed',
  );
}

const tick = () => campaignTickHandler(ctx.container)({}, { jobId: 'test', attempt: 1, signal: new AbortController().signal, heartbeat: async () => {} });
const details = (id: string) => getJson<CampaignView & { preview: { header: { text: string } | null; body: string } }>(ctx, org.owner, `/api/v1/campaigns/${id}`);
const recipients = (id: string, query = '') => getJson<{ items: RecipientView[] }>(ctx, org.owner, `/api/v1/campaigns/${id}/recipients?limit=200${query}`);
async function settled(id: string, done: (c: CampaignView) => boolean, what: string) {
  return eventually(async () => {
    await tick();
    const c = await details(id);
    if (done(c)) return c;
    await new Promise((resolve) => setTimeout(resolve, 100));
    return undefined;
  }, 20_000, what);
}

describe('campaign refusals and preview', () => {
  it('refuses templates that are not approved, unmapped variables, empty audiences and past times', async () => {
    const pending = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/templates', promoDraft('promo_pendiente')));
    const base = { name: 'Julio', templateId, variables: promoVariables, audience: { kind: 'all' }, action: 'send' };
    const notApproved = await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { ...base, templateId: pending.id });
    expect(notApproved.statusCode, notApproved.body).toBe(422);
    expect(json(notApproved).code).toBe('template_not_approved');

    const unmapped = await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { ...base, variables: { 'body.1': { source: 'text', value: 'X' } } });
    expect(unmapped.statusCode).toBe(400);
    const problem = json<{ code: string; errors: { path: string }[] }>(unmapped);
    expect(problem.code).toBe('variables_unmapped');
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['variables.body.2', 'variables.button.1', 'variables.header.1']);

    await seedContacts(ctx, org.organizationId, 2, { prefix: '3460999', consent: null });
    const empty = await call(ctx, org.owner, 'POST', '/api/v1/campaigns', base);
    expect(empty.statusCode, empty.body).toBe(422);
    expect(json<{ code: string; detail: string }>(empty)).toMatchObject({ code: 'audience_empty', detail: expect.stringContaining('2 without marketing consent') });

    const past = await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { ...base, action: 'schedule', scheduledAt: '2020-01-01T10:00' });
    expect([400, 422]).toContain(past.statusCode);
    // The audience is checked first; with consent granted the time is what fails.
    await ctx.container.database.db.execute(sql`update contacts set marketing_consent = 'granted' where organization_id = ${org.organizationId}`);
    const past2 = await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { ...base, action: 'schedule', scheduledAt: '2020-01-01T10:00' });
    expect(past2.statusCode).toBe(400);
    expect(json(past2).code).toBe('schedule_in_past');
  });

  it('previews counts, consent exclusions and the message for a sample contact (with fallbacks)', async () => {
    await seedContacts(ctx, org.organizationId, 3, { prefix: '3460200', consent: 'granted', firstName: '' });
    await seedContacts(ctx, org.organizationId, 2, { prefix: '3460300', consent: 'revoked' });
    await seedContacts(ctx, org.organizationId, 1, { prefix: '3460400', consent: 'granted', phone: false });
    const res = await call(ctx, org.owner, 'POST', '/api/v1/campaigns/preview', { templateId, variables: promoVariables, audience: { kind: 'all' } });
    expect(res.statusCode, res.body).toBe(200);
    const preview = json<{ audience: Record<string, number>; sample: { preview: { header: { text: string }; body: string }; missing: string[] }; issues: unknown[] }>(res);
    expect(preview.audience).toEqual({ total: 6, excludedNoPhone: 1, excludedNoConsent: 2, recipients: 3 });
    expect(preview.sample.preview.header.text).toBe('Hola cliente');
    expect(preview.sample.preview.body).toBe('Tu cupón VERANO20 vence el domingo. ¿Te interesa?');
    expect(preview.issues).toEqual([]);
  });
});

describe('sending a campaign', () => {
  it('sends once per recipient, follows statuses, counts replies, explains failures and exports them', async () => {
    await seedContacts(ctx, org.organizationId, 6, { prefix: PREFIX, consent: 'granted' });
    await wa.control('POST', '/_emulator/failures', { to: seededPhone(PREFIX, 2), code: 131026, times: 1 });
    const created = await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { name: 'Rebajas de julio', templateId, variables: promoVariables, audience: { kind: 'all' }, action: 'send' });
    expect(created.statusCode, created.body).toBe(201);
    const campaign = json<CampaignView>(created);
    expect(campaign.status).toBe('sending');

    const done = await settled(campaign.id, (c) => c.status === 'finished' && c.stats.read === 5 && c.stats.failed === 1, 'the campaign to finish and be read');
    expect(done.stats).toMatchObject({ total: 6, sent: 5, delivered: 5, read: 5, failed: 1, pending: 0 });
    expect(done.rates.delivery.label).toBe('83.33% 5/6');
    expect(done.preview.header?.text).toMatch(/^Hola Cliente \d$/);

    // Exactly one accepted message per recipient reached WhatsApp.
    const outbox = await wa.outbox(number);
    const byRecipient = new Map<string, number>();
    for (const m of outbox) byRecipient.set(m.to, (byRecipient.get(m.to) ?? 0) + 1);
    expect([...byRecipient.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(outbox[0]!.body).toMatchObject({ type: 'template', template: { name: 'promo_julio', language: { code: 'es' } } });

    const failed = (await recipients(campaign.id, '&status=failed')).items;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ phone: `+${seededPhone(PREFIX, 2)}`, errorCode: '131026', retries: 0 });
    expect(failed[0]!.reason).toMatch(/WhatsApp/);

    // The contact answers with the quick reply: a conversation in the inbox, counted as replied.
    const target = outbox.find((m) => m.to === seededPhone(PREFIX, 1))!;
    await wa.inbound(number, { from: seededPhone(PREFIX, 1), name: 'Cliente 1', type: 'button', button: { text: 'Me interesa', payload: 'Me interesa' }, context: { messageId: target.id } });
    const replied = await settled(campaign.id, (c) => c.stats.replied === 1, 'the reply to be counted');
    expect(replied.rates.replied.label).toBe('16.67% 1/6');
    const [r1] = (await recipients(campaign.id, '&status=replied')).items;
    const conversation = await getJson<{ status: string }>(ctx, org.owner, `/api/v1/conversations/${r1!.conversationId}`);
    expect(conversation.status).not.toBe('closed');

    const csv = await call(ctx, org.owner, 'GET', `/api/v1/campaigns/${campaign.id}/export.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFFContacto,Teléfono,Estado,Motivo')).toBe(true);
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toHaveLength(7);
    expect(lines.some((l) => l.startsWith('Cliente 2 Núñez,+') && l.includes(',Fallido,') && l.includes('131026'))).toBe(true);
    expect(lines.filter((l) => l.includes(',Leído,'))).toHaveLength(5);
  }, 60_000);

  it('pauses on an account-level error with the reason, resumes without duplicates, and cancels', async () => {
    await seedContacts(ctx, org.organizationId, 4, { prefix: '3460500', consent: 'granted' });
    await wa.control('POST', '/_emulator/failures', { code: 131042, times: 1 });
    const campaign = json<CampaignView>(await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { name: 'Pagos', templateId, variables: promoVariables, audience: { kind: 'all' }, action: 'send' }));
    const paused = await settled(campaign.id, (c) => c.status === 'paused', 'the campaign to pause');
    expect(paused.pauseReason?.code).toBe('131042');
    expect(paused.pauseReason?.message).toMatch(/pago|payment/i);
    const resumed = await call(ctx, org.owner, 'POST', `/api/v1/campaigns/${campaign.id}/resume`);
    expect(resumed.statusCode, resumed.body).toBe(200);
    const done = await settled(campaign.id, (c) => c.status === 'finished' && c.stats.sent === 4, 'the resumed campaign to finish');
    expect(done.stats.total).toBe(4);
    const outbox = (await wa.outbox(number)).filter((m) => m.to.startsWith('3460500'));
    expect(outbox).toHaveLength(4);
    expect(new Set(outbox.map((m) => m.to)).size).toBe(4);

    const again = await call(ctx, org.owner, 'POST', `/api/v1/campaigns/${campaign.id}/resume`);
    expect(again.statusCode).toBe(409);
    expect(json(again).code).toBe('campaign_state_conflict');
    const draft = json<CampaignView>(await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { name: 'Borrador', templateId, variables: {}, audience: { kind: 'all' } }));
    expect(draft.status).toBe('draft');
    const cancelled = await call(ctx, org.owner, 'POST', `/api/v1/campaigns/${draft.id}/cancel`);
    expect(json<CampaignView>(cancelled).status).toBe('cancelled');
  }, 60_000);

  it('stops sending soon after a pause, and resumes without duplicates', async () => {
    const COUNT = 600;
    await seedContacts(ctx, org.organizationId, COUNT, { prefix: '3460700', consent: 'granted' });
    // Slow answers: sends are still in flight when the pause comes (the number's pace is 80/s).
    await wa.control('POST', '/_emulator/config', { latencyMs: 150 });
    const sentSoFar = async () => (await wa.outbox(number)).filter((m) => m.to.startsWith('3460700')).length;
    try {
      const campaign = json<CampaignView>(await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { name: 'Pausa', templateId, variables: promoVariables, audience: { kind: 'all' }, action: 'send' }));
      await eventually(async () => (await sentSoFar()) >= 20, 20_000, 'the first sends');
      const paused = await call(ctx, org.owner, 'POST', `/api/v1/campaigns/${campaign.id}/pause`);
      expect(paused.statusCode, paused.body).toBe(200);
      // Every batch sees the pause within ½ s (on a busy machine, a little later); sends already handed
      // to WhatsApp still finish. Then nothing more goes out, long before everyone got the message
      // (at the number's 80/s, all of them would take 7.5 s).
      let last = -1;
      let stableSince = Date.now();
      await eventually(
        async () => {
          const n = await sentSoFar();
          if (n !== last) {
            last = n;
            stableSince = Date.now();
            return false;
          }
          return Date.now() - stableSince >= 1_500;
        },
        20_000,
        'sending to stop',
      );
      expect(last).toBeLessThan(COUNT);
      expect((await details(campaign.id)).status).toBe('paused');

      expect((await call(ctx, org.owner, 'POST', `/api/v1/campaigns/${campaign.id}/resume`)).statusCode).toBe(200);
      const done = await settled(campaign.id, (c) => c.status === 'finished' && c.stats.sent === COUNT, 'the resumed campaign to finish');
      expect(done.stats.total).toBe(COUNT);
      const outbox = (await wa.outbox(number)).filter((m) => m.to.startsWith('3460700'));
      expect(outbox).toHaveLength(COUNT);
      expect(new Set(outbox.map((m) => m.to)).size).toBe(COUNT);
    } finally {
      await wa.control('POST', '/_emulator/config', { latencyMs: 0 });
    }
  }, 90_000);

  it('resends retryable failures at the organization\'s intervals and moves final failures to the group', async () => {
    const db = ctx.container.database.db;
    const group = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'Fallidos' }));
    const settings = await call(ctx, org.owner, 'PATCH', '/api/v1/organization', {
      settings: { campaigns: { resendEnabled: true, retryIntervalsHours: [1, 3], moveFailedToGroup: true, failedGroupId: group.id } },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    await seedContacts(ctx, org.organizationId, 2, { prefix: '3460600', consent: 'granted' });
    // Recipient 1: WhatsApp answers 5xx on every try of the first attempt (3 tries), then works.
    await wa.control('POST', '/_emulator/failures', { to: seededPhone('3460600', 1), httpStatus: 500, times: 3 });
    const campaign = json<CampaignView>(await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { name: 'Reintentos', templateId, variables: promoVariables, audience: { kind: 'all' }, action: 'send' }));
    const first = await settled(campaign.id, (c) => c.stats.failed === 1 && c.stats.retrying === 1, 'the resend to be planned');
    const [failing] = (await recipients(first.id, '&status=retrying')).items;
    expect(failing).toMatchObject({ errorCode: '131000', attempts: 1, retries: 0 });
    // One hour after the first attempt (the clock is moved by rewriting the times).
    expect(new Date(failing!.nextAttemptAt!).getTime() - Date.now()).toBeGreaterThan(3500_000);
    await db.execute(sql`update campaign_recipients set first_attempt_at = first_attempt_at - interval '61 minutes', next_attempt_at = now() - interval '1 second' where id = ${failing!.id}`);
    const resent = await settled(campaign.id, (c) => c.status === 'finished' && c.stats.failed === 0 && c.stats.sent === 2, 'the resend to succeed');
    expect(resent.stats.retrying).toBe(0);
    const [ok] = (await recipients(campaign.id, `&q=${seededPhone('3460600', 1)}`)).items;
    expect(ok).toMatchObject({ status: expect.stringMatching(/sent|delivered|read/), attempts: 2, retries: 1 });

    // A recipient that keeps failing: after the last interval it is final and joins the group.
    await seedContacts(ctx, org.organizationId, 1, { prefix: '3460700', consent: 'granted' });
    await wa.control('POST', '/_emulator/failures', { to: seededPhone('3460700', 1), httpStatus: 503, times: 9 });
    const c2 = json<CampaignView>(await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { name: 'Siempre falla', templateId, variables: promoVariables, audience: { kind: 'groups', groupIds: [group.id] } }));
    expect(c2.status).toBe('draft');
    const c3 = json<CampaignView>(await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { name: 'Siempre falla', templateId, variables: promoVariables, audience: { kind: 'filter', filter: { q: seededPhone('3460700', 1) } }, action: 'send' }));
    for (let round = 1; round <= 3; round++) {
      await settled(c3.id, (c) => c.stats.failed === 1 && c.stats.pending === 0, `failure ${round}`);
      await tick();
      await db.execute(sql`update campaign_recipients set next_attempt_at = now() - interval '1 second' where campaign_id = ${c3.id} and next_attempt_at is not null`);
    }
    const [last] = (await recipients(c3.id)).items;
    expect(last).toMatchObject({ status: 'failed', attempts: 3, retries: 2, nextAttemptAt: null });
    await eventually(async () => {
      await tick();
      const members = await getJson<{ items: unknown[] }>(ctx, org.owner, `/api/v1/contacts?groupId=${group.id}`);
      return members.items.length === 1;
    }, 10_000, 'the failed contact in the group');
  }, 90_000);

  it('starts a scheduled campaign when its time comes (in the organization\'s time zone)', async () => {
    await ctx.container.database.db.execute(sql`update organizations set timezone = 'America/Bogota' where id = ${org.organizationId}`);
    await seedContacts(ctx, org.organizationId, 2, { prefix: '3460800', consent: 'granted' });
    const res = await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { name: 'Programada', templateId, variables: promoVariables, audience: { kind: 'all' }, action: 'schedule', scheduledAt: '2099-07-21T08:30' });
    expect(res.statusCode, res.body).toBe(201);
    const campaign = json<CampaignView>(res);
    expect(campaign).toMatchObject({ status: 'scheduled', scheduledAt: '2099-07-21T13:30:00.000Z' });
    await ctx.container.database.db.execute(sql`update campaigns set scheduled_at = now() - interval '1 second' where id = ${campaign.id}`);
    const done = await settled(campaign.id, (c) => c.status === 'finished', 'the scheduled campaign');
    expect(done.stats.sent).toBe(2);
  }, 60_000);

  // Only on PostgreSQL: embedded PGlite runs inside this process and takes its time from the same clock.
  it.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL: starts a scheduled campaign when the database says it is due, even if the worker\'s clock lags behind', async () => {
    await seedContacts(ctx, org.organizationId, 1, { prefix: '3460900', consent: 'granted' });
    const res = await call(ctx, org.owner, 'POST', '/api/v1/campaigns', { name: 'Reloj atrasado', templateId, variables: promoVariables, audience: { kind: 'all' }, action: 'schedule', scheduledAt: '2099-07-21T08:30' });
    expect(res.statusCode, res.body).toBe(201);
    const campaign = json<CampaignView>(res);
    await ctx.container.database.db.execute(sql`update campaigns set scheduled_at = now() - interval '1 second' where id = ${campaign.id}`);
    // This process — the worker — runs 5 seconds behind the database server.
    const realNow = Date.now.bind(Date);
    const lag = vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 5_000);
    try {
      const done = await settled(campaign.id, (c) => c.status === 'finished', 'the campaign due on the database clock');
      expect(done.stats.sent).toBe(1);
    } finally {
      lag.mockRestore();
    }
  }, 60_000);
});
