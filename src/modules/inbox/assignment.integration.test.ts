import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../adapters/whatsapp-cloud/index.ts';
import { conversations, memberships } from '../../db/schema/index.ts';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { addMember, type Caller, call, createOrg, type TestOrg } from '../../../test/support/factories.ts';

interface Channel {
  id: string;
  phoneNumberId: string;
  appSecret: string;
}
interface Conv {
  id: string;
  status: string;
  assignee: { membershipId: string } | null;
  contact: { waId: string };
}

let seq = 0;
/** Delivers a signed text webhook exactly as Meta would (raw bytes, X-Hub-Signature-256). */
async function customerWrites(ctx: TestContext, channel: Channel, from: string, text: string) {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '1022901',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001', phone_number_id: channel.phoneNumberId },
              contacts: [{ profile: { name: `Cliente ${from.slice(-3)}` }, wa_id: from }],
              messages: [{ from, id: `wamid.t${process.pid}.${++seq}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  });
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/webhooks/whatsapp/${channel.id}`,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, channel.appSecret) },
    payload: body,
  });
  expect(res.statusCode).toBe(200);
}

async function connect(ctx: TestContext, org: TestOrg, phoneNumberId: string): Promise<Channel> {
  const appSecret = `secret-${phoneNumberId}-abcdef`;
  const res = await call(ctx, org.owner, 'POST', '/api/v1/channels', {
    type: 'whatsapp',
    name: 'WA',
    phoneNumberId,
    wabaId: '1022901',
    accessToken: 'EAAG-token-not-used-here-0000',
    appSecret,
  });
  expect(res.statusCode).toBe(201);
  return { id: json<{ id: string }>(res).id, phoneNumberId, appSecret };
}

async function setTickets(ctx: TestContext, org: TestOrg, tickets: Record<string, unknown>) {
  const res = await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { settings: { tickets } });
  expect(res.statusCode).toBe(200);
}

async function membershipOf(ctx: TestContext, org: TestOrg, userId: string): Promise<string> {
  const [m] = await ctx.container.database.db.select().from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.organizationId, org.organizationId)));
  return m!.id;
}

const find = async (ctx: TestContext, caller: Caller, waId: string) => {
  const list = json<{ items: Conv[] }>(await call(ctx, caller, 'GET', `/api/v1/conversations?q=${waId}`));
  return list.items.find((c) => c.contact.waId === waId);
};

describe('ticket assignment, reopening and visibility', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('spreads 100 new conversations fairly over active agents, skipping disabled ones, with two workers at once', async () => {
    const org = await createOrg(ctx);
    const channel = await connect(ctx, org, '700000000001');
    const agents = await Promise.all([1, 2, 3].map(async (i) => membershipOf(ctx, org, (await addMember(ctx, org, 'agent', `Agente ${i}`)).userId)));
    const disabled = await membershipOf(ctx, org, (await addMember(ctx, org, 'agent', 'Agente de vacaciones')).userId);
    await ctx.container.database.db.update(memberships).set({ status: 'disabled' }).where(eq(memberships.id, disabled));
    await addMember(ctx, org, 'manager');
    await setTickets(ctx, org, { autoAssignment: 'round_robin' });

    for (let i = 0; i < 100; i++) await customerWrites(ctx, channel, `5215500${String(i).padStart(5, '0')}`, `Hola ${i}`);
    const a = ctx.newRunner({ concurrency: 6, workerId: 'worker-a' });
    const b = ctx.newRunner({ concurrency: 6, workerId: 'worker-b' });
    await Promise.all([a.drain(), b.drain()]);

    const rows = await ctx.container.database.db.select().from(conversations).where(eq(conversations.organizationId, org.organizationId));
    expect(rows).toHaveLength(100);
    expect(rows.every((r) => r.status === 'open' && r.assigneeId)).toBe(true);
    const counts = agents.map((id) => rows.filter((r) => r.assigneeId === id).length);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(100);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(rows.some((r) => r.assigneeId === disabled)).toBe(false);
  }, 120_000);

  it('reopens a closed conversation to its previous agent, or through assignment again when configured', async () => {
    const org = await createOrg(ctx);
    const channel = await connect(ctx, org, '700000000002');
    const m1 = await membershipOf(ctx, org, (await addMember(ctx, org, 'agent', 'A1')).userId);
    const m2 = await membershipOf(ctx, org, (await addMember(ctx, org, 'agent', 'A2')).userId);
    await setTickets(ctx, org, { autoAssignment: 'off', reassignReopened: false });

    await customerWrites(ctx, channel, '5215511111111', 'Hola');
    await ctx.runJobs();
    const conv = (await find(ctx, org.owner, '5215511111111'))!;
    expect(conv.status).toBe('unassigned');
    expect((await call(ctx, org.owner, 'PATCH', `/api/v1/conversations/${conv.id}`, { assigneeId: m1 })).statusCode).toBe(200);
    expect((await call(ctx, org.owner, 'PATCH', `/api/v1/conversations/${conv.id}`, { status: 'closed' })).statusCode).toBe(200);

    await customerWrites(ctx, channel, '5215511111111', 'Otra pregunta');
    await ctx.runJobs();
    let now = (await find(ctx, org.owner, '5215511111111'))!;
    expect(now.status).toBe('open');
    expect(now.assignee?.membershipId).toBe(m1);

    // Reassign reopened chats (manual assignment): back to Unassigned.
    await setTickets(ctx, org, { reassignReopened: true });
    await call(ctx, org.owner, 'PATCH', `/api/v1/conversations/${conv.id}`, { status: 'closed' });
    await customerWrites(ctx, channel, '5215511111111', 'Sigo aquí');
    await ctx.runJobs();
    now = (await find(ctx, org.owner, '5215511111111'))!;
    expect(now.status).toBe('unassigned');
    expect(now.assignee).toBeNull();

    // Previous agent disabled, no reassignment: round-robin picks an active agent instead.
    await setTickets(ctx, org, { reassignReopened: false, autoAssignment: 'round_robin' });
    await call(ctx, org.owner, 'PATCH', `/api/v1/conversations/${conv.id}`, { assigneeId: m1 });
    await call(ctx, org.owner, 'PATCH', `/api/v1/conversations/${conv.id}`, { status: 'closed' });
    await ctx.container.database.db.update(memberships).set({ status: 'disabled' }).where(eq(memberships.id, m1));
    await customerWrites(ctx, channel, '5215511111111', '¿Hola?');
    await ctx.runJobs();
    now = (await find(ctx, org.owner, '5215511111111'))!;
    expect(now.status).toBe('open');
    expect(now.assignee?.membershipId).toBe(m2);
  });

  it('shows agents their conversations, and unassigned ones only when allowed', async () => {
    const org = await createOrg(ctx);
    const channel = await connect(ctx, org, '700000000003');
    const alice = await addMember(ctx, org, 'agent', 'Alice');
    const bob = await addMember(ctx, org, 'agent', 'Bob');
    const aliceId = await membershipOf(ctx, org, alice.userId);
    const bobId = await membershipOf(ctx, org, bob.userId);
    await setTickets(ctx, org, { autoAssignment: 'off', agentsSeeUnassigned: true });
    for (const n of ['5215522220001', '5215522220002', '5215522220003']) await customerWrites(ctx, channel, n, 'Hola');
    await ctx.runJobs();
    const [c1, c2, c3] = await Promise.all(['5215522220001', '5215522220002', '5215522220003'].map(async (n) => (await find(ctx, org.owner, n))!));
    await call(ctx, org.owner, 'PATCH', `/api/v1/conversations/${c1!.id}`, { assigneeId: aliceId });
    await call(ctx, org.owner, 'PATCH', `/api/v1/conversations/${c2!.id}`, { assigneeId: bobId });

    const visible = async (caller: Caller) => json<{ items: Conv[]; counts: { all: number } }>(await call(ctx, caller, 'GET', '/api/v1/conversations?status=all'));
    let seen = await visible(alice.caller);
    expect(seen.items.map((c) => c.id).sort()).toEqual([c1!.id, c3!.id].sort());
    expect(seen.counts.all).toBe(2);
    expect((await call(ctx, alice.caller, 'GET', `/api/v1/conversations/${c2!.id}`)).statusCode).toBe(404);
    expect((await call(ctx, alice.caller, 'GET', `/api/v1/conversations/${c2!.id}/messages`)).statusCode).toBe(404);
    expect((await call(ctx, alice.caller, 'POST', `/api/v1/conversations/${c2!.id}/messages`, { type: 'text', text: 'hola', private: true })).statusCode).toBe(404);

    // Agents cannot assign to others, but may take an unassigned conversation.
    const give = await call(ctx, alice.caller, 'PATCH', `/api/v1/conversations/${c3!.id}`, { assigneeId: bobId });
    expect(give.statusCode).toBe(422);
    expect(json(give).code).toBe('assignment_not_allowed');
    const take = await call(ctx, alice.caller, 'PATCH', `/api/v1/conversations/${c3!.id}`, { assigneeId: aliceId });
    expect(take.statusCode).toBe(200);
    expect(json<Conv>(take).status).toBe('open');

    await setTickets(ctx, org, { agentsSeeUnassigned: false });
    await customerWrites(ctx, channel, '5215522220004', 'Nuevo');
    await ctx.runJobs();
    seen = await visible(bob.caller);
    expect(seen.items.map((c) => c.id)).toEqual([c2!.id]);
    const manager = await addMember(ctx, org, 'manager');
    expect((await visible(manager.caller)).counts.all).toBe(4);
  });

  it('answers 404 for another organization’s conversations and files', async () => {
    const org = await createOrg(ctx);
    const stranger = await createOrg(ctx);
    const channel = await connect(ctx, org, '700000000004');
    await customerWrites(ctx, channel, '5215533330001', 'Hola');
    await ctx.runJobs();
    const conv = (await find(ctx, org.owner, '5215533330001'))!;
    const cases: [string, string, unknown?][] = [
      ['GET', `/api/v1/conversations/${conv.id}`],
      ['PATCH', `/api/v1/conversations/${conv.id}`, { status: 'closed' }],
      ['GET', `/api/v1/conversations/${conv.id}/messages`],
      ['POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'x' }],
      ['POST', `/api/v1/conversations/${conv.id}/read`],
      ['POST', `/api/v1/conversations/${conv.id}/typing`],
      ['POST', '/api/v1/messages', { channelId: channel.id, to: { phone: '+5215533330001' }, message: { type: 'template', template: { name: 'x', language: 'es' } } }],
    ];
    for (const [method, url, body] of cases) {
      const res = await call(ctx, stranger.owner, method as 'GET', url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const rows = await ctx.container.database.db.select().from(conversations).where(inArray(conversations.organizationId, [stranger.organizationId]));
    expect(rows).toHaveLength(0);
  });
});
