import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { CampaignRow } from '../../../db/schema/index.ts';
import { rowsOf } from '../../../jobs/pg-queue.ts';
import { newId } from '../../../shared/ids.ts';
import { previewOf as conversationPreview } from '../../inbox/record-inbound.ts';
import type { CampaignTemplate } from '../campaign-template.ts';
import { previewOf, resolveValues, sendComponents } from '../campaign-variables.ts';

/** A claimed recipient with the message to send it. */
export interface ClaimedSend {
  recipientId: string;
  messageId: string;
  /** E.164 number. */
  to: string;
  message: { type: string; body: string | null; payload: Record<string, unknown> };
  /** Created by an earlier run whose answer was lost: may have been accepted already. */
  inDoubt: boolean;
  messageCreatedAt: Date;
}

interface PendingRow {
  id: string;
  contact_id: string;
  phone: string | null;
  attempts: number;
  first_name: string;
  last_name: string;
  contact_phone: string | null;
  wa_id: string | null;
  email: string | null;
  street: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
  custom_fields: Record<string, string | number>;
  erased_at: string | null;
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/**
 * Claims the batch's pending recipients in one transaction: each gets its values resolved, a
 * conversation with the contact (created closed when there is none, so the inbox queue is not flooded;
 * the contact's reply reopens it), a queued message in it whose idempotency key is
 * `campaign:<recipient>:<attempt>`, and the state `sending`. Recipients without a number or without a
 * value the template needs are skipped, with the reason. Returns the sends to make.
 */
export async function claimPending(tx: Db, campaign: CampaignRow, batch: number, template: CampaignTemplate): Promise<ClaimedSend[]> {
  const rows = await rowsOf<PendingRow>(
    tx,
    sql`select r.id, r.contact_id, r.phone, r.attempts, c.first_name, c.last_name, c.phone as contact_phone, c.wa_id, c.email,
               c.street, c.city, c.state, c.postal_code, c.country, c.custom_fields, c.erased_at
        from campaign_recipients r join contacts c on c.id = r.contact_id
        where r.campaign_id = ${campaign.id} and r.batch = ${batch} and r.status = 'pending'
        order by r.id
        for update of r skip locked`,
  );
  if (rows.length === 0) return [];
  const named = template.snapshot.parameterFormat === 'named';
  const skipped: { id: string; code: string; detail: string | null }[] = [];
  const ready: { row: PendingRow; to: string; body: string; payload: Record<string, unknown> }[] = [];
  for (const row of rows) {
    const to = row.contact_phone ?? (row.wa_id ? `+${row.wa_id}` : row.phone);
    if (row.erased_at || !to) {
      skipped.push({ id: row.id, code: 'no_phone', detail: null });
      continue;
    }
    const { values, missing } = resolveValues(template.parameters, campaign.variables, {
      firstName: row.first_name,
      lastName: row.last_name,
      phone: to,
      email: row.email,
      street: row.street,
      city: row.city,
      state: row.state,
      postalCode: row.postal_code,
      country: row.country,
      customFields: row.custom_fields ?? {},
    });
    if (missing.length) {
      skipped.push({ id: row.id, code: 'variable_missing', detail: missing.join(', ') });
      continue;
    }
    const body = previewOf(template.content, values);
    const components = sendComponents(template.content, template.parameters, values, named, campaign.variables);
    const payload = {
      template: { name: template.snapshot.name, language: template.snapshot.language, components, preview: body },
      campaign: { id: campaign.id, recipientId: row.id, name: campaign.name, values },
    };
    ready.push({ row, to, body, payload });
  }

  if (skipped.length) {
    await tx.execute(sql`update campaign_recipients r set status = 'skipped', error_code = x.code, error_title = x.detail,
                           finalized_at = now(), updated_at = now()
                         from jsonb_to_recordset(${json(skipped)}) as x(id uuid, code text, detail text) where r.id = x.id`);
  }
  if (ready.length === 0) return [];

  const contactIds = ready.map((r) => ({ id: newId(), contact_id: r.row.contact_id }));
  await tx.execute(sql`insert into conversations (id, organization_id, channel_id, contact_id, status, created_at, updated_at)
                       select x.id, ${campaign.organizationId}::uuid, ${campaign.channelId}::uuid, x.contact_id, 'closed', now(), now()
                       from jsonb_to_recordset(${json(contactIds)}) as x(id uuid, contact_id uuid)
                       on conflict (channel_id, contact_id) do nothing`);
  const conversations = await rowsOf<{ id: string; contact_id: string }>(
    tx,
    sql`select c.id, c.contact_id from conversations c
        join jsonb_to_recordset(${json(contactIds)}) as x(id uuid, contact_id uuid) on x.contact_id = c.contact_id
        where c.channel_id = ${campaign.channelId}`,
  );
  const conversationOf = new Map(conversations.map((c) => [c.contact_id, c.id]));
  const now = new Date();
  const sends = ready.map((r) => ({
    recipient_id: r.row.id,
    message_id: newId(),
    conversation_id: conversationOf.get(r.row.contact_id)!,
    body: r.body,
    payload: r.payload,
    key: `campaign:${r.row.id}:${r.row.attempts + 1}`,
    preview: conversationPreview('template', r.body),
  }));
  const inserted = await rowsOf<{ id: string; key: string }>(
    tx,
    sql`insert into messages (id, organization_id, conversation_id, channel_id, direction, type, body, payload, is_private, author_type,
                              idempotency_key, status, created_at, updated_at)
        select x.message_id, ${campaign.organizationId}::uuid, x.conversation_id, ${campaign.channelId}::uuid, 'out', 'template', x.body, x.payload,
               false, 'system', x.key, 'queued', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${json(sends)}) as x(message_id uuid, conversation_id uuid, body text, payload jsonb, key text)
        on conflict (organization_id, idempotency_key) do nothing
        returning id, idempotency_key as key`,
  );
  // A key that already existed belongs to a message an earlier, rolled-back claim could not have made;
  // keep the existing row so a message never exists twice for one attempt.
  const ids = new Map(inserted.map((m) => [m.key, m.id]));
  const missingKeys = sends.filter((s) => !ids.has(s.key)).map((s) => s.key);
  if (missingKeys.length) {
    const existing = await rowsOf<{ id: string; key: string }>(
      tx,
      sql`select id, idempotency_key as key from messages where organization_id = ${campaign.organizationId} and idempotency_key = any(${`{${missingKeys.map((k) => `"${k}"`).join(',')}}`}::text[])`,
    );
    for (const m of existing) ids.set(m.key, m.id);
  }
  for (const s of sends) s.message_id = ids.get(s.key)!;

  await tx.execute(sql`update campaign_recipients r set status = 'sending', attempts = r.attempts + 1, message_id = x.message_id,
                         conversation_id = x.conversation_id, first_attempt_at = coalesce(r.first_attempt_at, now()),
                         next_attempt_at = null, error_code = null, error_title = null, failed_at = null, updated_at = now()
                       from jsonb_to_recordset(${json(sends)}) as x(recipient_id uuid, message_id uuid, conversation_id uuid)
                       where r.id = x.recipient_id`);
  await tx.execute(sql`update conversations c set last_message_at = greatest(c.last_message_at, ${now.toISOString()}::timestamptz),
                         last_message_preview = x.preview, updated_at = now()
                       from jsonb_to_recordset(${json(sends)}) as x(conversation_id uuid, preview text)
                       where c.id = x.conversation_id`);
  return sends.map((s, i) => ({
    recipientId: s.recipient_id,
    messageId: s.message_id,
    to: ready[i]!.to,
    message: { type: 'template', body: s.body, payload: s.payload },
    inDoubt: false,
    messageCreatedAt: now,
  }));
}

/**
 * Recipients of the batch left `sending` by an earlier run (its worker died): their message either has
 * a WhatsApp id by now (recorded late, or adopted from Meta's status webhook through its callback
 * data), failed, or is still queued — then it may or may not have reached Meta.
 */
export async function claimInFlight(tx: Db, campaign: CampaignRow, batch: number): Promise<(ClaimedSend & { messageStatus: string; providerId: string | null; resendAfter: Date | null })[]> {
  const rows = await rowsOf<{
    recipient_id: string;
    message_id: string;
    phone: string;
    type: string;
    body: string | null;
    payload: Record<string, unknown>;
    status: string;
    provider_message_id: string | null;
    created_at: string;
    resend_after: string | null;
  }>(
    tx,
    sql`select r.id as recipient_id, m.id as message_id, r.phone, m.type, m.body, m.payload, m.status, m.provider_message_id, m.created_at,
               r.next_attempt_at as resend_after
        from campaign_recipients r join messages m on m.id = r.message_id
        where r.campaign_id = ${campaign.id} and r.batch = ${batch} and r.status = 'sending'
        for update of r skip locked`,
  );
  return rows.map((r) => ({
    recipientId: r.recipient_id,
    messageId: r.message_id,
    to: r.phone,
    message: { type: r.type, body: r.body, payload: r.payload },
    inDoubt: true,
    messageCreatedAt: new Date(r.created_at),
    messageStatus: r.status,
    providerId: r.provider_message_id,
    resendAfter: r.resend_after ? new Date(r.resend_after) : null,
  }));
}
