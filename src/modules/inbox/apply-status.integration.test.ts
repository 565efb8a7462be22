import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, type Message, memberships, messages, pendingStatuses } from '../../db/schema/index.ts';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { connectChannelWithoutGraph, notificationBody, postSignedWebhook } from '../../../test/support/whatsapp.ts';
import { newId } from '../../shared/ids.ts';
import { applyProviderStatuses, applyProviderStatusesIn, lockKey, recordProviderId } from './apply-status.ts';
import { type InboxEvent, inboxEventHub } from './realtime.ts';
import { addMember } from '../../../test/support/factories.ts';

const PHONE_NUMBER_ID = '109100200300400';
const APP_SECRET = 'apply-status-app-secret';
const CUSTOMER = '5491155550100';
const T0 = 1_790_000_000;

type Status = { id: string; status: string; timestamp: number; error?: { code: number; title: string } };

/** One signed delivery with the given statuses, exactly as Meta batches them. */
function statusesBody(statuses: Status[]): string {
  return notificationBody(PHONE_NUMBER_ID, {
    statuses: statuses.map((s) => ({
      id: s.id,
      status: s.status,
      timestamp: String(s.timestamp),
      recipient_id: CUSTOMER,
      ...(s.error ? { errors: [{ code: s.error.code, title: s.error.title }] } : {}),
    })),
  });
}

describe('status webhooks applied in batches', () => {
  let ctx: TestContext;
  let org: TestOrg;
  let channelId: string;
  let conversationId: string;
  let seq = 0;

  beforeAll(async () => {
    ctx = await createTestContext();
    org = await createOrg(ctx);
    channelId = await connectChannelWithoutGraph(ctx, org.owner, { phoneNumberId: PHONE_NUMBER_ID, appSecret: APP_SECRET });
    // The customer writes first: that makes the contact and the conversation the team answers in.
    const inbound = notificationBody(PHONE_NUMBER_ID, {
      contacts: [{ profile: { name: 'Lucía' }, wa_id: CUSTOMER }],
      messages: [{ from: CUSTOMER, id: 'wamid.STATUS.IN.1', timestamp: String(T0), type: 'text', text: { body: 'Hola' } }],
    });
    expect((await post(inbound)).statusCode).toBe(200);
    await ctx.runJobs();
    const [conversation] = await ctx.container.database.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    conversationId = conversation!.id;
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const post = (body: string) => postSignedWebhook(ctx, channelId, APP_SECRET, body);

  /** Outbound messages as sends leave them: `sent` with WhatsApp's id, or still `queued` without one. */
  async function outbound(count: number, state: 'sent' | 'queued' = 'sent'): Promise<Message[]> {
    const rows = Array.from({ length: count }, () => {
      const n = ++seq;
      return {
        id: newId(),
        organizationId: org.organizationId,
        conversationId,
        channelId,
        direction: 'out' as const,
        type: 'text',
        body: `Respuesta ${n}`,
        authorType: 'member' as const,
        status: state,
        providerMessageId: state === 'sent' ? `wamid.STATUS.OUT.${n}` : null,
        sentAt: state === 'sent' ? new Date((T0 + 1) * 1000) : null,
      };
    });
    return ctx.container.database.db.insert(messages).values(rows).returning();
  }

  const reload = async (list: Message[]) => {
    const rows = await ctx.container.database.db
      .select()
      .from(messages)
      .where(inArray(
        messages.id,
        list.map((m) => m.id),
      ));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return list.map((m) => byId.get(m.id)!);
  };

  it('applies every status of many deliveries, in any order, once per message', async () => {
    const [a, b, c, d] = await outbound(4);
    const deliveries = [
      statusesBody([
        { id: a!.providerMessageId!, status: 'read', timestamp: T0 + 30 },
        { id: b!.providerMessageId!, status: 'delivered', timestamp: T0 + 10 },
        { id: c!.providerMessageId!, status: 'failed', timestamp: T0 + 5, error: { code: 131026, title: 'Message undeliverable' } },
      ]),
      statusesBody([{ id: a!.providerMessageId!, status: 'delivered', timestamp: T0 + 20 }]),
      statusesBody([{ id: b!.providerMessageId!, status: 'sent', timestamp: T0 + 2 }]),
      statusesBody([{ id: d!.providerMessageId!, status: 'delivered', timestamp: T0 + 12 }]),
      statusesBody([{ id: 'wamid.STATUS.UNKNOWN.1', status: 'delivered', timestamp: T0 + 40 }]),
    ];
    // Delivered together: the processing jobs run at the same time and share their status transactions.
    const answers = await Promise.all(deliveries.map(post));
    expect(answers.map((r) => r.statusCode)).toEqual(deliveries.map(() => 200));
    await ctx.runJobs();

    const [ra, rb, rc, rd] = await reload([a!, b!, c!, d!]);
    // Read before delivered: read wins, and reading implies delivery (the earliest report's time).
    expect(ra).toMatchObject({ status: 'read', deliveredAt: new Date((T0 + 30) * 1000), readAt: new Date((T0 + 30) * 1000) });
    // A late `sent` never moves a delivered message back.
    expect(rb).toMatchObject({ status: 'delivered', deliveredAt: new Date((T0 + 10) * 1000) });
    expect(rc).toMatchObject({ status: 'failed', errorCode: '131026', failedAt: new Date((T0 + 5) * 1000) });
    expect(rc!.errorTitle).toContain('Message undeliverable');
    expect(rd).toMatchObject({ status: 'delivered' });
    // The status of a message Charla has not recorded yet waits for it.
    const parked = await ctx.container.database.db.select().from(pendingStatuses).where(eq(pendingStatuses.providerMessageId, 'wamid.STATUS.UNKNOWN.1'));
    expect(parked.map((p) => p.status)).toEqual(['delivered']);

    // The same deliveries again (Meta retries with other bytes too) change nothing.
    const before = await reload([a!, b!, c!, d!]);
    await Promise.all(deliveries.map((body) => post(body.replace('"whatsapp_business_account"', '"whatsapp_business_account" '))));
    await ctx.runJobs();
    expect(await reload([a!, b!, c!, d!])).toEqual(before);
  });

  it('applies parked reports in the order they arrived when the send records its id', async () => {
    const [queued] = await outbound(1, 'queued');
    const wamid = 'wamid.STATUS.LATE.1';
    // WhatsApp reported the failure before the send call's answer was recorded.
    expect((await post(statusesBody([{ id: wamid, status: 'failed', timestamp: T0 + 50, error: { code: 131047, title: 'Re-engagement message' } }]))).statusCode).toBe(200);
    await ctx.runJobs();
    const db = ctx.container.database.db;
    expect(await db.select().from(pendingStatuses).where(eq(pendingStatuses.providerMessageId, wamid))).toHaveLength(1);

    // Recorded later (our clock is ahead of Meta's timestamp): the failure still stands.
    const sentAt = new Date();
    const after = await db.transaction((tx) => recordProviderId(tx, queued!, wamid, sentAt, 'es'));
    expect(after).toMatchObject({ providerMessageId: wamid, status: 'failed', errorCode: '131047' });
    expect(await db.select().from(pendingStatuses).where(and(eq(pendingStatuses.channelId, channelId), eq(pendingStatuses.providerMessageId, wamid)))).toHaveLength(0);
  });

  it('adopts a send whose answer was lost from the message id WhatsApp echoes back', async () => {
    const [queued] = await outbound(1, 'queued');
    const wamid = 'wamid.STATUS.ADOPT.1';
    const body = statusesBody([
      { id: wamid, status: 'sent', timestamp: T0 + 60 },
      { id: wamid, status: 'delivered', timestamp: T0 + 61 },
    ]).replace(/"recipient_id"/g, `"biz_opaque_callback_data":"${queued!.id}","recipient_id"`);
    expect((await post(body)).statusCode).toBe(200);
    await ctx.runJobs();
    const [row] = await reload([queued!]);
    expect(row).toMatchObject({ providerMessageId: wamid, status: 'delivered', sentAt: new Date((T0 + 60) * 1000), deliveredAt: new Date((T0 + 61) * 1000) });
  });

  it('adopts a send together with the reports parked for its id before one of them named it', async () => {
    const [queued] = await outbound(1, 'queued');
    const wamid = 'wamid.STATUS.ADOPT.2';
    const db = ctx.container.database.db;
    // Delivered, reported without our message id: nothing to find it by yet, so it waits.
    expect((await post(statusesBody([{ id: wamid, status: 'delivered', timestamp: T0 + 70 }]))).statusCode).toBe(200);
    await ctx.runJobs();
    expect(await db.select().from(pendingStatuses).where(eq(pendingStatuses.providerMessageId, wamid))).toHaveLength(1);
    // Read, naming the send: adopted, with the parked delivery applied and taken.
    const read = statusesBody([{ id: wamid, status: 'read', timestamp: T0 + 72 }]).replace(/"recipient_id"/g, `"biz_opaque_callback_data":"${queued!.id}","recipient_id"`);
    expect((await post(read)).statusCode).toBe(200);
    await ctx.runJobs();
    expect((await reload([queued!]))[0]).toMatchObject({ providerMessageId: wamid, status: 'read', deliveredAt: new Date((T0 + 70) * 1000), readAt: new Date((T0 + 72) * 1000) });
    expect(await db.select().from(pendingStatuses).where(eq(pendingStatuses.providerMessageId, wamid))).toHaveLength(0);
  });

  it("tells dashboards what each status changed, with the conversation's current assignee, after the commit", async () => {
    const agent = await addMember(ctx, org, 'agent', 'Agente Rosa');
    const db = ctx.container.database.db;
    const [membership] = await db.select({ id: memberships.id }).from(memberships).where(and(eq(memberships.userId, agent.userId), eq(memberships.organizationId, org.organizationId)));
    await db.update(conversations).set({ assigneeId: membership!.id }).where(eq(conversations.id, conversationId));
    const events: InboxEvent[] = [];
    const unsubscribe = await inboxEventHub(ctx.container.database, ctx.container.logger).subscribe(org.organizationId, (e) => events.push(e));
    try {
      const sent = await outbound(3);
      const [queued] = await outbound(1, 'queued');
      const channel = { id: channelId, organizationId: org.organizationId };
      const at = new Date((T0 + 400) * 1000);
      const outcomes = await applyProviderStatuses(ctx.container, [
        { channel, providerMessageId: sent[0]!.providerMessageId!, report: { status: 'delivered', occurredAt: at } },
        { channel, providerMessageId: sent[1]!.providerMessageId!, report: { status: 'read', occurredAt: at } },
        // Changes nothing: no event.
        { channel, providerMessageId: sent[2]!.providerMessageId!, report: { status: 'sent', occurredAt: at } },
        // Adopted by its callback data: one event with the final state.
        { channel, providerMessageId: 'wamid.STATUS.EVENTS.ADOPT', report: { status: 'delivered', occurredAt: at, callbackData: queued!.id } },
      ]);
      expect(outcomes).toEqual(['applied', 'applied', 'unchanged', 'applied']);
      const byMessage = async () => {
        for (let i = 0; i < 100 && events.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
        return new Map(events.map((e) => [e.messageId, e]));
      };
      const seen = await byMessage();
      expect(events).toHaveLength(3);
      for (const [message, status] of [[sent[0]!, 'delivered'], [sent[1]!, 'read'], [queued!, 'delivered']] as const) {
        const event = seen.get(message.id);
        expect(event).toMatchObject({ type: 'message.status', conversationId, assigneeId: membership!.id, data: { id: message.id, status } });
        // What the event says is what is stored.
        const [row] = await reload([message]);
        expect(event!.data).toMatchObject({ providerMessageId: row!.providerMessageId, deliveredAt: row!.deliveredAt?.toISOString() ?? null, readAt: row!.readAt?.toISOString() ?? null });
      }
      expect((await reload([queued!]))[0]).toMatchObject({ providerMessageId: 'wamid.STATUS.EVENTS.ADOPT', status: 'delivered' });
    } finally {
      unsubscribe();
      await db.update(conversations).set({ assigneeId: null }).where(eq(conversations.id, conversationId));
    }
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL: reports waiting for messages another batch is moving apply to them once it commits (never parked)', async () => {
    const sent = await outbound(200);
    const channel = { id: channelId, organizationId: org.organizationId };
    const recorded = new Set(sent.map((m) => lockKey(channelId, m.providerMessageId!)));
    const report = (m: Message, status: 'delivered' | 'read', offset: number) => ({ channel, providerMessageId: m.providerMessageId!, report: { status, occurredAt: new Date((T0 + offset) * 1000) } });
    const db = ctx.container.database.db;
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // Batch A moves the messages to delivered and holds their locks; batch B (which saw their ids
    // recorded, so takes no advisory locks) waits for them with the reads.
    const a = db.transaction(async (tx) => {
      await applyProviderStatusesIn(tx, sent.map((m) => report(m, 'delivered', 500)), { recorded });
      locked();
      await held;
    });
    await lockTaken;
    const b = db.transaction((tx) => applyProviderStatusesIn(tx, sent.map((m) => report(m, 'read', 501)), { recorded }));
    await new Promise((r) => setTimeout(r, 200));
    release();
    await a;
    expect(await b).toEqual(sent.map(() => 'applied'));
    expect((await reload(sent)).every((r) => r.status === 'read' && r.deliveredAt?.getTime() === (T0 + 500) * 1000)).toBe(true);
    const wamids = sent.map((m) => m.providerMessageId!);
    expect(await db.select().from(pendingStatuses).where(and(eq(pendingStatuses.channelId, channelId), inArray(pendingStatuses.providerMessageId, wamids)))).toHaveLength(0);
  });

  it('keeps up with a burst of concurrent deliveries, each status applied exactly once', async () => {
    const sent = await outbound(60);
    const bodies = sent.flatMap((m, i) => [
      statusesBody([{ id: m.providerMessageId!, status: 'delivered', timestamp: T0 + 100 + i }]),
      statusesBody([{ id: m.providerMessageId!, status: 'read', timestamp: T0 + 200 + i }]),
    ]);
    const answers = await Promise.all(bodies.map(post));
    expect(answers.every((r) => r.statusCode === 200)).toBe(true);
    await ctx.runJobs();
    const rows = await reload(sent);
    expect(rows.map((r) => r.status)).toEqual(sent.map(() => 'read'));
    expect(rows.every((r, i) => r.deliveredAt?.getTime() === (T0 + 100 + i) * 1000 || r.deliveredAt?.getTime() === (T0 + 200 + i) * 1000)).toBe(true);
  });

  it('applies a batch larger than one statement can notify about (hundreds of statuses in one transaction)', async () => {
    const sent = await outbound(250);
    const channel = { id: channelId, organizationId: org.organizationId };
    const outcomes = await applyProviderStatuses(
      ctx.container,
      sent.map((m, i) => ({ channel, providerMessageId: m.providerMessageId!, report: { status: 'delivered' as const, occurredAt: new Date((T0 + 300 + i) * 1000) } })),
    );
    expect(outcomes).toEqual(sent.map(() => 'applied'));
    expect((await reload(sent)).every((r) => r.status === 'delivered')).toBe(true);
  });
});
