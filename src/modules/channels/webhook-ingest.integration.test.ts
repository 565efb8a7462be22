import { createHash } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../adapters/whatsapp-cloud/index.ts';
import { messages, pendingStatuses, webhookEvents } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { connectChannelWithoutGraph, postSignedWebhook } from '../../../test/support/whatsapp.ts';
import { storeWebhook } from './whatsapp-webhook.routes.ts';
import { APPLY_AT_INGEST } from './webhook-batcher.ts';
import { findWebhookChannel } from './webhook-channel-cache.ts';

const APP_SECRET = 'ingest-app-secret-0123456789abcdef';
/** How a stored delivery is known (a delivery applied as it was stored keeps only this). */
const hashOf = (body: string) => createHash('sha256').update(body).digest('hex');
const storedAs = (bodies: string[]) => inArray(webhookEvents.bodySha256, bodies.map(hashOf));
const PHONE_NUMBER_ID = '106540352000777';

/** A notification carrying one inbound text message (`variant` changes the bytes, not the message). */
function inboundBody(i: number, variant = '') {
  const customer = `52155${String(i % 7).padStart(8, '0')}`;
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550001111', phone_number_id: PHONE_NUMBER_ID },
    contacts: [{ profile: { name: `Cliente ${i % 7}${variant}` }, wa_id: customer }],
    messages: [{ from: customer, id: `wamid.INGEST.IN.${i}`, timestamp: String(1_790_000_000 + i), text: { body: `Mensaje ${i}` }, type: 'text' }],
  };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ value, field: 'messages' }] }] });
}

/** A notification carrying one status of an outbound message Charla does not know yet (it is parked). */
function statusBody(i: number) {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550001111', phone_number_id: PHONE_NUMBER_ID },
    statuses: [{ id: `wamid.INGEST.OUT.${Math.floor(i / 3)}`, status: ['sent', 'delivered', 'read'][i % 3], timestamp: String(1_790_000_000 + i), recipient_id: '5215500000001' }],
  };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ value, field: 'messages' }] }] });
}

describe('webhook ingest under concurrency', () => {
  let ctx: TestContext;
  let org: TestOrg;
  let channelId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    org = await createOrg(ctx);
    channelId = await connectChannelWithoutGraph(ctx, org.owner, { phoneNumberId: PHONE_NUMBER_ID, appSecret: APP_SECRET, name: 'Ingest' });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const post = (body: string, signature?: string) => postSignedWebhook(ctx, channelId, APP_SECRET, body, signature);

  it('stores every valid delivery exactly once, refuses bad signatures, and processes everything', async () => {
    const inbound = Array.from({ length: 40 }, (_, i) => inboundBody(i));
    const statuses = Array.from({ length: 120 }, (_, i) => statusBody(i));
    // Meta repeats deliveries: the same bytes three times, and one message again with different bytes.
    const repeated = [...inbound.slice(0, 5), ...statuses.slice(0, 10)];
    const reworded = inboundBody(7, ' ');
    const forged = inboundBody(1000);
    const requests = [
      ...inbound.map((b) => post(b)),
      ...statuses.map((b) => post(b)),
      ...repeated.flatMap((b) => [post(b), post(b)]),
      post(reworded),
      post(forged, signWebhookBody(forged, 'not-the-app-secret')),
      post(inbound[3]!, signWebhookBody(inbound[3]!, 'not-the-app-secret')),
    ];
    const answers = await Promise.all(requests);
    const codes = answers.map((a) => a.statusCode);
    expect(codes.slice(0, -2).every((c) => c === 200)).toBe(true);
    expect(codes.slice(-2)).toEqual([401, 401]);

    const events = await ctx.container.database.db.select().from(webhookEvents).where(eq(webhookEvents.channelId, channelId));
    // 40 + 120 distinct bodies, plus the reworded repeat; the forged one is not there.
    expect(events).toHaveLength(161);
    const byHash = new Map(events.map((e) => [e.bodySha256, e]));
    expect(byHash.has(hashOf(forged))).toBe(false);
    for (const body of [...inbound, ...statuses, reworded]) expect(byHash.get(hashOf(body))?.receivedCount).toBe(repeated.includes(body) ? 3 : 1);

    // Every stored delivery was applied as it was stored (status-only ones, when a batch holds enough of
    // them) or is in exactly one processing job (a job takes the deliveries its transaction stored).
    const jobs = await ctx.container.database.rows<{ payload: { eventIds: string[] } }>(sql`select payload from jobs where name = 'channels.process-webhook'`);
    const queued = jobs.flatMap((j) => j.payload.eventIds);
    const applied = events.filter((e) => e.processedAt !== null);
    // Those applied as they were stored keep only their hash; the others keep their exact bytes for their job.
    expect(applied.every((e) => statuses.map(hashOf).includes(e.bodySha256) && e.body === null)).toBe(true);
    expect(events.filter((e) => e.processedAt === null).every((e) => e.body !== null && hashOf(e.body) === e.bodySha256)).toBe(true);
    expect([...queued, ...applied.map((e) => e.id)].sort()).toEqual(events.map((e) => e.id).sort());
    expect(jobs.length).toBeLessThan(events.length);

    await ctx.runJobs();
    const after = await ctx.container.database.db.select().from(webhookEvents).where(eq(webhookEvents.channelId, channelId));
    expect(after.every((e) => e.processedAt !== null)).toBe(true);
    // Every inbound message is in the inbox once (the reworded repeat of message 7 included).
    const stored = await ctx.container.database.db
      .select({ wamid: messages.providerMessageId })
      .from(messages)
      .where(eq(messages.channelId, channelId));
    expect(stored.map((m) => m.wamid).sort()).toEqual(inbound.map((_, i) => `wamid.INGEST.IN.${i}`).sort());
    // Every status is parked once for its (not yet known) outbound message.
    const parked = await ctx.container.database.db.select().from(pendingStatuses).where(eq(pendingStatuses.channelId, channelId));
    expect(parked).toHaveLength(120);

    // Late retries of processed deliveries are counted, and create no new work.
    const [again] = await Promise.all([post(inbound[0]!), post(statuses[0]!)]);
    expect(again!.statusCode).toBe(200);
    expect(await ctx.runJobs()).toBe(0);
    const [first] = await ctx.container.database.db.select().from(webhookEvents).where(eq(webhookEvents.body, inbound[0]!));
    expect(first!.receivedCount).toBe(4);
  });

  /** A status-only delivery for outbound message `wamid` (not known to Charla: it is parked). */
  function statusOf(wamid: string, status = 'delivered') {
    const value = {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: PHONE_NUMBER_ID },
      statuses: [{ id: wamid, status, timestamp: '1790000999', recipient_id: '5215500000001' }],
    };
    return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ value, field: 'messages' }] }] });
  }
  const jobsHolding = async (ids: string[]) =>
    (await ctx.container.database.rows<{ payload: { eventIds: string[] } }>(sql`select payload from jobs where name = 'channels.process-webhook'`)).flatMap((j) =>
      j.payload.eventIds.filter((id) => ids.includes(id)),
    );

  it('applies a batch of status deliveries in the transaction that stores them; a few wait for a job', async () => {
    const channel = (await findWebhookChannel(ctx.container.database, ctx.container.secrets, channelId))!;
    const db = ctx.container.database.db;
    // Deliveries handed over in the same turn of the event loop share one batch.
    const many = Array.from({ length: APPLY_AT_INGEST + 6 }, (_, i) => statusOf(`wamid.INGEST.MANY.${i}`));
    await Promise.all(many.map((b) => storeWebhook(ctx.container, channel, Buffer.from(b))));
    const stored = await db.select().from(webhookEvents).where(storedAs(many));
    expect(stored).toHaveLength(many.length);
    expect(stored.every((e) => e.processedAt !== null)).toBe(true);
    expect(await jobsHolding(stored.map((e) => e.id))).toHaveLength(0);
    const parked = await db.select().from(pendingStatuses).where(inArray(pendingStatuses.providerMessageId, many.map((_, i) => `wamid.INGEST.MANY.${i}`)));
    expect(parked).toHaveLength(many.length);

    const few = Array.from({ length: 5 }, (_, i) => statusOf(`wamid.INGEST.FEW.${i}`));
    await Promise.all(few.map((b) => storeWebhook(ctx.container, channel, Buffer.from(b))));
    const waiting = await db.select().from(webhookEvents).where(storedAs(few));
    expect(waiting.every((e) => e.processedAt === null)).toBe(true);
    expect((await jobsHolding(waiting.map((e) => e.id))).sort()).toEqual(waiting.map((e) => e.id).sort());
    await ctx.runJobs();
    const done = await db.select().from(webhookEvents).where(storedAs(few));
    expect(done.every((e) => e.processedAt !== null)).toBe(true);
  });

  it('leaves status deliveries to processing jobs when applying them while storing fails', async () => {
    const channel = (await findWebhookChannel(ctx.container.database, ctx.container.secrets, channelId))!;
    const db = ctx.container.database.db;
    // The database refuses to park one status of the batch (a fault only a trigger can inject).
    await db.execute(sql`create function refuse_boom() returns trigger language plpgsql as $$
      begin
        if new.provider_message_id = 'wamid.INGEST.BOOM' then raise exception 'parking refused'; end if;
        return new;
      end $$`);
    await db.execute(sql`create trigger refuse_boom before insert on pending_statuses for each row execute function refuse_boom()`);
    const bodies = [statusOf('wamid.INGEST.BOOM'), ...Array.from({ length: APPLY_AT_INGEST }, (_, i) => statusOf(`wamid.INGEST.NEXT.${i}`))];
    try {
      // Acknowledged all the same: stored, unprocessed, each in a job.
      const outcomes = await Promise.allSettled(bodies.map((b) => storeWebhook(ctx.container, channel, Buffer.from(b))));
      expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
      const stored = await db.select().from(webhookEvents).where(storedAs(bodies));
      expect(stored).toHaveLength(bodies.length);
      expect(stored.every((e) => e.processedAt === null)).toBe(true);
      expect((await jobsHolding(stored.map((e) => e.id))).sort()).toEqual(stored.map((e) => e.id).sort());
    } finally {
      await db.execute(sql`drop trigger refuse_boom on pending_statuses`);
      await db.execute(sql`drop function refuse_boom()`);
    }
    // Once the database takes them, the jobs process the deliveries: every status is parked for its message.
    await ctx.runJobs();
    const processed = await db.select().from(webhookEvents).where(storedAs(bodies));
    expect(processed.every((e) => e.processedAt !== null)).toBe(true);
    const parked = await db.select().from(pendingStatuses).where(eq(pendingStatuses.providerMessageId, 'wamid.INGEST.BOOM'));
    expect(parked.map((p) => p.status)).toEqual(['delivered']);
  });

  it('fails every delivery of a transaction that fails, and stores none of them', async () => {
    const channel = await findWebhookChannel(ctx.container.database, ctx.container.secrets, channelId);
    expect(channel).not.toBeNull();
    // A delivery for a channel that does not exist (a foreign key the database refuses) shares the
    // transaction with valid ones sent at the same moment.
    const ghost = { ...channel!, id: newId(), organizationId: newId() };
    const good = [inboundBody(500), inboundBody(501)];
    const outcomes = await Promise.allSettled([
      storeWebhook(ctx.container, channel!, Buffer.from(good[0]!)),
      storeWebhook(ctx.container, ghost, Buffer.from(inboundBody(502))),
      storeWebhook(ctx.container, channel!, Buffer.from(good[1]!)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const none = await ctx.container.database.db.select().from(webhookEvents).where(storedAs(good));
    expect(none).toHaveLength(0);
    // Meta retries: now they are stored.
    const retried = await Promise.all(good.map((b) => post(b)));
    expect(retried.map((r) => r.statusCode)).toEqual([200, 200]);
    const stored = await ctx.container.database.db.select().from(webhookEvents).where(storedAs(good));
    expect(stored).toHaveLength(2);
  });
});
