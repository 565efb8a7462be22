import { and, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Channel, channels, contacts, conversations, organizations } from '../../db/schema/index.ts';
import { notFound, unprocessable, validationError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { normalizePhone, toRegion } from '../contacts/index.ts';
import type { Principal } from '../identity/policy.ts';
import { findOrCreateContactForChannel } from './contact-link.ts';
import { canSeeConversation } from './conversation-policy.ts';
import type { directMessageBody } from './inbox.schemas.ts';
import { loadInboxSettings } from './inbox-settings.ts';
import { createOutbound, type SendOutcome } from './send-message.ts';

type DirectMessage = z.infer<typeof directMessageBody>;

/**
 * `POST /api/v1/messages`: sends to a phone number or a contact on a WhatsApp channel, creating the
 * contact and the conversation when needed. A conversation started this way by a member is theirs
 * and open; one started by an API key (an integration) is created closed, so it enters the inbox —
 * through the ticket rules — only when the customer answers.
 */
export async function sendDirect(deps: Pick<Deps, 'database' | 'queue'>, principal: Principal, body: DirectMessage, idempotencyKey?: string): Promise<SendOutcome> {
  const db = deps.database.db;
  const organizationId = principal.organizationId;
  const settings = await loadInboxSettings(db, organizationId);
  const channel = await pickChannel(db, organizationId, body.channelId);
  if (body.message.type === 'text' && body.message.private) {
    throw validationError('A private note belongs to an existing conversation', [{ path: 'message.private', message: 'Use POST /api/v1/conversations/{id}/messages' }]);
  }
  let phone: string | null = null;
  if (body.to.phone) {
    const [org] = await db.select({ country: organizations.country }).from(organizations).where(eq(organizations.id, organizationId));
    const normalized = normalizePhone(body.to.phone, toRegion(org?.country));
    if (!normalized.ok) throw validationError('Invalid phone number', [{ path: 'to.phone', message: normalized.reason }], 'invalid_phone');
    phone = normalized.e164;
  }

  return db.transaction(async (tx) => {
    let contactId: string;
    if (body.to.contactId) {
      const [contact] = await tx
        .select({ id: contacts.id, phone: contacts.phone, waId: contacts.waId })
        .from(contacts)
        .where(and(eq(contacts.id, body.to.contactId), eq(contacts.organizationId, organizationId)));
      if (!contact) throw notFound('Contact');
      if (!contact.phone && !contact.waId) throw unprocessable('This contact has no phone number to send WhatsApp messages to', 'contact_without_phone');
      contactId = contact.id;
    } else {
      contactId = (await findOrCreateContactForChannel(tx, organizationId, { waId: phone!.replace(/\D/g, ''), phone: phone! })).id;
    }
    const member = principal.kind === 'user';
    const now = new Date();
    await tx
      .insert(conversations)
      .values({
        id: newId(),
        organizationId,
        channelId: channel.id,
        contactId,
        status: member ? 'open' : 'closed',
        assigneeId: member ? principal.membershipId : null,
        closedAt: member ? null : now,
        lastMessageAt: now,
      })
      .onConflictDoNothing();
    const [conversation] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.channelId, channel.id), eq(conversations.contactId, contactId)))
      .for('update');
    // Sending into someone else's conversation would let an agent write where they cannot read.
    if (!canSeeConversation(principal, conversation!, settings.tickets)) {
      throw unprocessable('This contact already has a conversation assigned to someone else on this channel', 'conversation_not_yours');
    }
    return createOutbound(tx, deps, { principal, settings, conversation: conversation! }, body.message, idempotencyKey);
  });
}

/** The WhatsApp channel to send from: the one named, or the organization's only active one. */
async function pickChannel(db: Db, organizationId: string, channelId: string | undefined): Promise<Channel> {
  const rows = await db
    .select()
    .from(channels)
    .where(
      and(
        eq(channels.organizationId, organizationId),
        eq(channels.type, 'whatsapp'),
        isNull(channels.deletedAt),
        channelId ? eq(channels.id, channelId) : eq(channels.status, 'active'),
      ),
    );
  if (channelId) {
    if (!rows[0]) throw notFound('Channel');
    return rows[0];
  }
  if (rows.length === 1) return rows[0]!;
  if (rows.length === 0) throw unprocessable('Connect a WhatsApp channel first', 'no_whatsapp_channel');
  throw validationError('Choose the channel to send from', [{ path: 'channelId', message: 'The organization has several WhatsApp channels' }], 'channel_required');
}
