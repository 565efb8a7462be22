import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, conversations, messages } from '../../db/schema/index.ts';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { connectChannelWithoutGraph, notificationBody, postSignedWebhook } from '../../../test/support/whatsapp.ts';

const PHONE_NUMBER_ID = '109100200300411';
const APP_SECRET = 'inbound-batch-app-secret';
const T0 = 1_790_100_000;

type Inbound = { from: string; name?: string; id: string; at: number } & ({ text: string } | { reaction: { emoji: string; messageId: string } });

/** One signed delivery carrying the given messages, exactly as Meta sends them. */
function messagesBody(list: Inbound[]): string {
  return notificationBody(PHONE_NUMBER_ID, {
    contacts: list.map((m) => ({ profile: { name: m.name ?? `Cliente ${m.from.slice(-4)}` }, wa_id: m.from })),
    messages: list.map((m) =>
      'text' in m
        ? { from: m.from, id: m.id, timestamp: String(m.at), type: 'text', text: { body: m.text } }
        : { from: m.from, id: m.id, timestamp: String(m.at), type: 'reaction', reaction: { emoji: m.reaction.emoji, message_id: m.reaction.messageId } },
    ),
  });
}

describe('inbound messages recorded in batches', () => {
  let ctx: TestContext;
  let org: TestOrg;
  let channelId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    org = await createOrg(ctx);
    channelId = await connectChannelWithoutGraph(ctx, org.owner, { phoneNumberId: PHONE_NUMBER_ID, appSecret: APP_SECRET });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const post = (body: string) => postSignedWebhook(ctx, channelId, APP_SECRET, body);

  it('records a burst from many customers once each, with their contacts, conversations, previews and unread counts', async () => {
    // A customer the team imported by phone, written the way Brazilians do (with the ninth digit);
    // WhatsApp reports the same number without it.
    const imported = await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: 'Renata', lastName: 'Lima', phone: '+55 11 98765-4321' });
    expect(imported.statusCode).toBe(201);
    const importedId = json<{ id: string }>(imported).id;

    const customers = Array.from({ length: 30 }, (_, i) => `34612${String(100000 + i)}`);
    customers.push('551187654321');
    const deliveries: string[] = [];
    customers.forEach((from, i) => {
      deliveries.push(messagesBody([{ from, id: `wamid.BATCH.${i}.a`, at: T0 + i, text: `Hola ${i}` }]));
      deliveries.push(messagesBody([{ from, id: `wamid.BATCH.${i}.b`, at: T0 + 100 + i, text: `¿Tienen envío a domicilio? ${i}` }]));
    });
    // Meta repeats some deliveries, byte for byte and with other bytes, and sometimes two messages together.
    const repeats = deliveries.slice(0, 6);
    const reworded = deliveries.slice(6, 10).map((b) => b.replace('"whatsapp_business_account"', '"whatsapp_business_account" '));
    const together = messagesBody([
      { from: customers[0]!, id: 'wamid.BATCH.0.a', at: T0, text: 'Hola 0' },
      { from: customers[0]!, id: 'wamid.BATCH.0.c', at: T0 + 200, text: 'Gracias' },
      { from: customers[0]!, id: 'wamid.BATCH.0.r', at: T0 + 201, reaction: { emoji: '👍', messageId: 'wamid.BATCH.0.c' } },
    ]);
    const answers = await Promise.all([...deliveries, ...repeats, ...reworded, together].map(post));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    await ctx.runJobs();

    const db = ctx.container.database.db;
    const stored = await db.select().from(messages).where(eq(messages.channelId, channelId));
    const ids = stored.map((m) => m.providerMessageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(stored).toHaveLength(customers.length * 2 + 2);

    const people = await db.select().from(contacts).where(eq(contacts.organizationId, org.organizationId));
    expect(people).toHaveLength(customers.length);
    // The imported contact is the one who wrote: its name kept, the WhatsApp id recorded.
    const renata = people.find((c) => c.id === importedId)!;
    expect(renata).toMatchObject({ firstName: 'Renata', lastName: 'Lima', waId: '551187654321' });
    expect(renata.lastSeenAt).not.toBeNull();
    const newcomer = people.find((c) => c.waId === customers[3])!;
    expect(newcomer).toMatchObject({ firstName: 'Cliente', lastName: customers[3]!.slice(-4), source: 'whatsapp', phone: `+${customers[3]}` });

    const chats = await db.select().from(conversations).where(eq(conversations.channelId, channelId));
    expect(chats).toHaveLength(customers.length);
    const chatOf = (contactId: string) => chats.find((c) => c.contactId === contactId)!;
    const first = chatOf(people.find((c) => c.waId === customers[0])!.id);
    // Three messages to read (the reaction is not one), the newest text as the preview.
    expect(first).toMatchObject({ unreadCount: 3, lastMessagePreview: 'Gracias' });
    expect(first.lastMessageAt?.getTime()).toBe((T0 + 201) * 1000);
    const reaction = stored.find((m) => m.providerMessageId === 'wamid.BATCH.0.r')!;
    expect(reaction.replyToMessageId).toBe(stored.find((m) => m.providerMessageId === 'wamid.BATCH.0.c')!.id);
    const renataChat = chatOf(importedId);
    expect(renataChat).toMatchObject({ unreadCount: 2, lastMessagePreview: `¿Tienen envío a domicilio? ${customers.length - 1}` });
    expect(renataChat.lastInboundAt?.getTime()).toBe((T0 + 100 + customers.length - 1) * 1000);
  });

  it('reopens a closed conversation and keeps a late message from replacing the newer preview', async () => {
    const from = '5215511999001';
    expect((await post(messagesBody([{ from, id: 'wamid.REOPEN.1', at: T0 + 1000, text: 'Primera' }]))).statusCode).toBe(200);
    await ctx.runJobs();
    const db = ctx.container.database.db;
    const [contact] = await db.select().from(contacts).where(eq(contacts.waId, from));
    const [chat] = await db.select().from(conversations).where(eq(conversations.contactId, contact!.id));
    await db.update(conversations).set({ status: 'closed', closedAt: new Date() }).where(eq(conversations.id, chat!.id));

    const answers = await Promise.all([
      post(messagesBody([{ from, id: 'wamid.REOPEN.3', at: T0 + 1003, text: 'La más nueva' }])),
      post(messagesBody([{ from, id: 'wamid.REOPEN.2', at: T0 + 1002, text: 'Llegó tarde' }])),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    await ctx.runJobs();
    const [after] = await db.select().from(conversations).where(eq(conversations.id, chat!.id));
    expect(after!.status).not.toBe('closed');
    expect(after!.closedAt).toBeNull();
    expect(after).toMatchObject({ lastMessagePreview: 'La más nueva', unreadCount: 3 });
    expect(await db.select().from(conversations).where(eq(conversations.contactId, contact!.id))).toHaveLength(1);
  });
});
