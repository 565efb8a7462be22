import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../../container.ts';
import { type Channel, channels, contacts, conversations, files, type Message, messages, type StoredFile, webchatVisitors } from '../../../db/schema/index.ts';
import { AppError, notFound, unauthenticated, validationError } from '../../../shared/errors.ts';
import { newId } from '../../../shared/ids.ts';
import { applyReports } from '../../inbox/apply-status.ts';
import { findOrCreateContactForChannel } from '../../inbox/contact-link.ts';
import { loadInboxSettings } from '../../inbox/inbox-settings.ts';
import { recordInboundMessage } from '../../inbox/record-inbound.ts';
import { onInboundMessage } from '../../assistant/index.ts';
import { webchatSettingsOf } from '../channels.service.ts';
import { signVisitorToken, verifyVisitorToken } from './visitor-token.ts';

/** A web chat visitor row. */
export type Visitor = typeof webchatVisitors.$inferSelect;

/** A message as the visitor's widget sees it: no notes, no internal names or ids. */
export interface VisitorMessage {
  id: string;
  direction: 'in' | 'out';
  type: string;
  text: string | null;
  status: string;
  createdAt: string;
  media: { fileId: string; mimeType: string | null; filename: string | null } | null;
}

/** The active web chat channel behind a public id (404 when unknown, deleted or disabled). */
export async function findPublicWebchat(deps: Pick<Deps, 'database'>, publicId: string): Promise<Channel> {
  if (!/^wc_[\w-]{8,40}$/.test(publicId)) throw notFound('Web chat', 'webchat_not_found');
  const [row] = await deps.database.db
    .select()
    .from(channels)
    .where(and(eq(channels.publicId, publicId), eq(channels.type, 'webchat'), eq(channels.status, 'active'), isNull(channels.deletedAt)));
  if (!row) throw notFound('Web chat', 'webchat_not_found');
  return row;
}

/** Whether a page on `origin` may use the widget (an empty allow-list allows every site). */
export function originAllowed(channel: Channel, origin: string | undefined): boolean {
  if (!origin) return true;
  const allowed = webchatSettingsOf(channel).allowedOrigins;
  return allowed.length === 0 || allowed.includes(origin.toLowerCase());
}

/**
 * Starts (or resumes) a visitor's session. A valid token resumes its visitor, whose name and e-mail
 * the pre-chat form may complete; otherwise a new visitor and contact are created. The pre-chat
 * form's required fields are enforced here, not only in the widget.
 */
export async function startVisitorSession(
  deps: Pick<Deps, 'database' | 'secrets'>,
  channel: Channel,
  input: { name?: string; email?: string },
  token: string | undefined,
  userAgent: string | null,
): Promise<{ token: string; visitor: Visitor }> {
  const form = webchatSettingsOf(channel).preChatForm;
  const missing = (name: string | null | undefined, email: string | null | undefined) => {
    const issues: { path: string; message: string }[] = [];
    if (form.enabled && form.nameRequired && !name) issues.push({ path: 'name', message: 'Required' });
    if (form.enabled && form.emailRequired && !email) issues.push({ path: 'email', message: 'Required' });
    return issues;
  };
  const existingId = verifyVisitorToken(deps.secrets, channel.id, token);
  const db = deps.database.db;
  if (existingId) {
    const [visitor] = await db.select().from(webchatVisitors).where(and(eq(webchatVisitors.id, existingId), eq(webchatVisitors.channelId, channel.id)));
    if (visitor) {
      const issues = missing(input.name ?? visitor.name, input.email ?? visitor.email);
      if (issues.length) throw validationError('Please fill in the form', issues, 'prechat_required');
      return { token: token!, visitor: await completeVisitor(deps, visitor, input) };
    }
  }
  const issues = missing(input.name, input.email);
  if (issues.length) throw validationError('Please fill in the form', issues, 'prechat_required');
  const visitor = await db.transaction(async (tx) => {
    const id = newId();
    const contact = await findOrCreateContactForChannel(tx, channel.organizationId, { webchatVisitorId: id, name: input.name, email: input.email });
    const [row] = await tx
      .insert(webchatVisitors)
      .values({ id, organizationId: channel.organizationId, channelId: channel.id, contactId: contact.id, name: input.name ?? null, email: input.email ?? null, userAgent: userAgent?.slice(0, 300) ?? null })
      .returning();
    return row!;
  });
  return { token: signVisitorToken(deps.secrets, channel.id, visitor.id), visitor };
}

async function completeVisitor(deps: Pick<Deps, 'database'>, visitor: Visitor, input: { name?: string; email?: string }): Promise<Visitor> {
  if (!input.name && !input.email) return visitor;
  return deps.database.db.transaction(async (tx) => {
    const [row] = await tx
      .update(webchatVisitors)
      .set({ name: input.name ?? visitor.name, email: input.email ?? visitor.email, lastSeenAt: new Date() })
      .where(eq(webchatVisitors.id, visitor.id))
      .returning();
    const [contact] = await tx.select().from(contacts).where(eq(contacts.id, visitor.contactId)).for('update');
    if (contact && !contact.firstName && !contact.lastName && input.name) {
      const [first = '', ...rest] = input.name.trim().split(/\s+/);
      await tx.update(contacts).set({ firstName: first, lastName: rest.join(' '), updatedAt: new Date() }).where(eq(contacts.id, contact.id));
    }
    if (contact && !contact.email && input.email) {
      // Unique per organization: when another contact owns this e-mail it stays on the visitor only.
      await tx.execute(sql`update contacts set email = ${input.email}, updated_at = now() where id = ${contact.id}
        and not exists (select 1 from contacts c where c.organization_id = ${contact.organizationId} and lower(c.email) = lower(${input.email}))`);
    }
    return row!;
  });
}

/** The visitor behind a request's token (401 when it is missing, forged, or for another channel). */
export async function visitorFromToken(deps: Pick<Deps, 'database' | 'secrets'>, channel: Channel, token: string | undefined): Promise<Visitor> {
  const id = verifyVisitorToken(deps.secrets, channel.id, token);
  if (!id) throw unauthenticated('Start a chat session first', 'visitor_token_invalid');
  const [visitor] = await deps.database.db.select().from(webchatVisitors).where(and(eq(webchatVisitors.id, id), eq(webchatVisitors.channelId, channel.id)));
  if (!visitor) throw unauthenticated('Start a chat session first', 'visitor_token_invalid');
  return visitor;
}

/** The visitor's conversation id, once they have written. */
export async function visitorConversationId(deps: Pick<Deps, 'database'>, channel: Channel, visitor: Visitor): Promise<string | null> {
  const [row] = await deps.database.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.channelId, channel.id), eq(conversations.contactId, visitor.contactId)));
  return row?.id ?? null;
}

/** The visitor's messages (notes excluded), oldest first, optionally only those after a message. */
export async function listVisitorMessages(deps: Pick<Deps, 'database'>, channel: Channel, visitor: Visitor, afterId?: string): Promise<VisitorMessage[]> {
  const conversationId = await visitorConversationId(deps, channel, visitor);
  if (!conversationId) return [];
  const rows = await deps.database.db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.isPrivate, false), afterId ? gt(messages.id, afterId) : undefined))
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .limit(200);
  return rows.map(presentVisitorMessage);
}

/** A visitor writes: the message enters the inbox like any inbound message (deduplicated on the widget's id). */
export async function postVisitorMessage(
  deps: Pick<Deps, 'database' | 'queue'>,
  channel: Channel,
  visitor: Visitor,
  input: { text: string; clientMessageId?: string },
): Promise<VisitorMessage> {
  const result = await recordInboundMessage(deps, {
    channel,
    from: { contactId: visitor.contactId },
    providerMessageId: input.clientMessageId ? `wc:${visitor.id}:${input.clientMessageId}` : `wc:${visitor.id}:${newId()}`,
    occurredAt: new Date(),
    type: 'text',
    body: input.text,
    payload: {},
  });
  await onInboundMessage(deps, result);
  await deps.database.db.update(webchatVisitors).set({ lastSeenAt: new Date() }).where(eq(webchatVisitors.id, visitor.id));
  const [row] = await deps.database.db.select().from(messages).where(eq(messages.id, result.messageId!));
  return presentVisitorMessage(row!);
}

/**
 * The visitor saw the team's messages: `delivered` when their widget received them, `read` when the
 * chat was open in front of them. Statuses only move forward, like WhatsApp's.
 */
export async function markVisitorMessages(deps: Pick<Deps, 'database'>, channel: Channel, visitor: Visitor, status: 'delivered' | 'read'): Promise<number> {
  const conversationId = await visitorConversationId(deps, channel, visitor);
  if (!conversationId) return 0;
  const { locale } = await loadInboxSettings(deps.database.db, channel.organizationId);
  const pending = status === 'read' ? (['sent', 'delivered'] as const) : (['sent'] as const);
  return deps.database.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'out'), eq(messages.isPrivate, false), inArray(messages.status, [...pending])))
      .for('update');
    const occurredAt = new Date();
    await applyReports(
      tx,
      rows.map((message) => ({ message, reports: [{ status, occurredAt }], locale })),
    );
    return rows.length;
  });
}

/** A file the team sent in the visitor's conversation (404 for anything else). */
export async function visitorFile(deps: Pick<Deps, 'database'>, channel: Channel, visitor: Visitor, fileId: string): Promise<StoredFile> {
  const conversationId = await visitorConversationId(deps, channel, visitor);
  const [row] = conversationId
    ? await deps.database.db
        .select({ file: files })
        .from(files)
        .innerJoin(messages, and(eq(messages.fileId, files.id), eq(messages.isPrivate, false)))
        .where(and(eq(files.id, fileId), eq(files.conversationId, conversationId)))
        .limit(1)
    : [];
  if (!row) throw new AppError('not_found', 'not_found', 'File not found');
  return row.file;
}

/** A file of the channel's organization, for a signed file link (404 otherwise). */
export async function fileOfChannel(deps: Pick<Deps, 'database'>, channel: Channel, fileId: string): Promise<StoredFile> {
  const [row] = await deps.database.db.select().from(files).where(and(eq(files.id, fileId), eq(files.organizationId, channel.organizationId)));
  if (!row) throw notFound('File');
  return row;
}

const mediaMeta = z.object({ mimeType: z.string().nullish(), filename: z.string().nullish() }).loose().catch({});

/** The visitor-facing shape of a message. */
export function presentVisitorMessage(m: Message): VisitorMessage {
  const meta = mediaMeta.parse(m.payload.media);
  return {
    id: m.id,
    direction: m.direction,
    type: m.type,
    text: m.body,
    status: m.status,
    createdAt: m.createdAt.toISOString(),
    media: m.fileId
      ? { fileId: m.fileId, mimeType: meta.mimeType ?? null, filename: meta.filename ?? null }
      : null,
  };
}
