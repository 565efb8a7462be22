import { and, asc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Message, messages, organizations } from '../../db/schema/index.ts';
import { coalesceSettled, type Settled, settle } from '../../jobs/coalesce.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { type Locale, resolveLocale } from '../../shared/i18n.ts';
import { isCampaignMessage, onCampaignMessagesStatus } from '../campaigns/campaign-hooks.ts';
import { presentMessage } from './message-view.ts';
import { type InboxEvent, inboxNotifications, NOTIFICATIONS_PER_STATEMENT } from './realtime.ts';

/** Delivery states a provider reports for an outbound message. */
export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** A status report for one outbound message. */
export interface StatusReport {
  status: DeliveryStatus;
  occurredAt: Date;
  error?: { code: string; title: string | null };
  /** What the send asked the provider to echo back (WhatsApp: `biz_opaque_callback_data` = our message id). */
  callbackData?: string;
}

/** A provider's report about the message it knows by `providerMessageId` on a channel. */
export interface ProviderStatus {
  channel: { id: string; organizationId: string };
  providerMessageId: string;
  report: StatusReport;
}

/** What became of a report: it moved its message, changed nothing, or waits for the message's id. */
export type StatusOutcome = 'applied' | 'unchanged' | 'pending';

const RANK: Record<Message['status'], number> = { received: 0, queued: 0, failed: 0, sent: 1, delivered: 2, read: 3, played: 4 };

/**
 * The status a message moves to. Statuses only move forward (sent < delivered < read < played), so
 * duplicates and late arrivals change nothing. `failed` ends a message that had not been delivered;
 * a later `delivered`/`read` still wins over it (Meta reports that on multi-device users), and a
 * `failed` after delivery is ignored.
 */
export function nextStatus(current: Message['status'], reported: DeliveryStatus): Message['status'] {
  if (current === 'received') return current;
  if (reported === 'failed') return RANK[current] >= RANK.delivered ? current : 'failed';
  return RANK[reported] > RANK[current] || current === 'failed' ? reported : current;
}

/** The fields a status report changes on a message (none: the report changes nothing). Pure. */
type DeliveryFields = Pick<Message, 'status' | 'sentAt' | 'deliveredAt' | 'readAt' | 'failedAt' | 'errorCode' | 'errorTitle'>;

/** Applies one report to a message's delivery fields: timestamps fill in once, `read` also implies `delivered`. Pure. */
export function foldReport(current: DeliveryFields, report: StatusReport): DeliveryFields {
  const next = { ...current, status: nextStatus(current.status, report.status) };
  const at = report.occurredAt;
  const rank = RANK[report.status];
  if (report.status !== 'failed') {
    next.sentAt ??= at;
    if (rank >= RANK.delivered) next.deliveredAt ??= at;
    if (rank >= RANK.read) next.readAt ??= at;
  } else if (next.status === 'failed') {
    next.failedAt ??= at;
    if (report.error) {
      next.errorCode = report.error.code;
      next.errorTitle = report.error.title;
    }
  }
  return next;
}

const FIELDS = ['status', 'sentAt', 'deliveredAt', 'readAt', 'failedAt', 'errorCode', 'errorTitle'] as const;
const sameTime = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());
const changed = (a: DeliveryFields, b: DeliveryFields) =>
  FIELDS.some((f) => (f === 'status' || f === 'errorCode' || f === 'errorTitle' ? a[f] !== b[f] : !sameTime(a[f] as Date | null, b[f] as Date | null)));

/**
 * Reports for one locked message, in the order they arrived (which decides, e.g., whether a `sent`
 * after a `failed` revives the message: Meta's timestamps have one-second resolution, so they cannot).
 */
export interface MessageReports {
  message: Message;
  reports: StatusReport[];
  locale: Locale;
}

/**
 * Moves locked messages forward with their reports in a fixed number of statements whatever their
 * count — one update, one recipient sync for campaign messages, one batch of `message.status`
 * events — and returns the rows that changed. Call inside a transaction holding the messages' locks.
 */
export async function applyReports(tx: Db, entries: MessageReports[]): Promise<Message[]> {
  const changes: { row: DeliveryFields & { id: string }; entry: MessageReports }[] = [];
  for (const entry of entries) {
    const final = entry.reports.reduce<DeliveryFields>(foldReport, entry.message);
    if (changed(entry.message, final)) changes.push({ row: { id: entry.message.id, ...pick(final) }, entry });
  }
  if (changes.length === 0) return [];
  const records = changes.map(({ row }) => ({
    id: row.id,
    status: row.status,
    sent_at: row.sentAt?.toISOString() ?? null,
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    read_at: row.readAt?.toISOString() ?? null,
    failed_at: row.failedAt?.toISOString() ?? null,
    error_code: row.errorCode,
    error_title: row.errorTitle,
  }));
  // Only the id, the new update time and the conversation's assignee (who may see the event) come back:
  // the rest of each row is the locked row read before, with the fields this changed.
  const updated = await tx
    .update(messages)
    .set({
      status: sql`r.status::message_status`,
      sentAt: sql`r.sent_at`,
      deliveredAt: sql`r.delivered_at`,
      readAt: sql`r.read_at`,
      failedAt: sql`r.failed_at`,
      errorCode: sql`r.error_code`,
      errorTitle: sql`r.error_title`,
      updatedAt: sql`now()`,
    })
    .from(
      sql`jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
            as r(id uuid, status text, sent_at timestamptz, delivered_at timestamptz, read_at timestamptz, failed_at timestamptz, error_code text, error_title text)`,
    )
    .where(sql`${messages.id} = r.id`)
    .returning({
      id: messages.id,
      updatedAt: messages.updatedAt,
      assigneeId: sql<string | null>`(select c.assignee_id from conversations c where c.id = ${messages.conversationId})`,
    });
  const changeOf = new Map(changes.map((change) => [change.row.id, change]));
  const rows: Message[] = [];
  const events: InboxEvent[] = [];
  for (const { id, updatedAt, assigneeId } of updated) {
    const { row: fields, entry } = changeOf.get(id)!;
    const row: Message = { ...entry.message, ...pick(fields), updatedAt };
    rows.push(row);
    events.push({
      type: 'message.status',
      organizationId: row.organizationId,
      conversationId: row.conversationId,
      assigneeId: assigneeId ?? null,
      messageId: row.id,
      isPrivate: row.isPrivate,
      data: presentMessage(row, entry.locale),
    });
  }
  // Campaign sends are ordinary messages: their recipients follow the messages (campaigns module).
  const campaignRows = rows.filter((r) => isCampaignMessage(r.payload));
  if (campaignRows.length) await onCampaignMessagesStatus(tx, campaignRows);
  // Delivered by PostgreSQL after the commit, so listeners never see a change that was rolled back.
  for (let i = 0; i < events.length; i += NOTIFICATIONS_PER_STATEMENT) await tx.execute(sql`select ${inboxNotifications(events.slice(i, i + NOTIFICATIONS_PER_STATEMENT))}`);
  return rows;
}

function pick(f: DeliveryFields): DeliveryFields {
  return { status: f.status, sentAt: f.sentAt, deliveredAt: f.deliveredAt, readAt: f.readAt, failedAt: f.failedAt, errorCode: f.errorCode, errorTitle: f.errorTitle };
}

/**
 * Moves one (locked) message forward and emits `message.status`; returns the updated row, or null
 * when the report changed nothing.
 */
export async function applyToMessage(tx: Db, message: Message, report: StatusReport, locale: Locale): Promise<Message | null> {
  const [row] = await applyReports(tx, [{ message, reports: [report], locale }]);
  return row ?? null;
}

/** {@link applyProviderStatuses} for a single report. */
export async function applyProviderStatus(
  deps: Pick<Deps, 'database'>,
  channel: { id: string; organizationId: string },
  providerMessageId: string,
  report: StatusReport,
): Promise<StatusOutcome> {
  const [outcome] = await applyProviderStatuses(deps, [{ channel, providerMessageId, report }]);
  return outcome!;
}

/**
 * Applies providers' status reports to the messages with those provider ids, all in one transaction
 * and a fixed number of statements. When a message is not known yet (the `sent` webhook can beat the
 * send call's answer), its reports are parked in `pending_statuses` and applied when the id is
 * recorded. Both paths take the same per-id advisory locks (here in sorted order, so concurrent
 * batches never deadlock), so a report is never parked after its message was recorded and then forgotten.
 */
export async function applyProviderStatuses(deps: Pick<Deps, 'database'>, items: ProviderStatus[]): Promise<StatusOutcome[]> {
  if (items.length === 0) return [];
  return deps.database.db.transaction((tx) => applyProviderStatusesIn(tx, items));
}

/** The advisory-lock key of a report's message. */
const keyOf = (i: ProviderStatus) => lockKey(i.channel.id, i.providerMessageId);

/** The advisory-lock keys applying these reports takes (see {@link applyProviderStatusesIn}'s `keysLocked`). */
export function statusLockKeys(items: ProviderStatus[]): string[] {
  return items.map(keyOf);
}

/**
 * {@link applyProviderStatuses} inside the caller's transaction (which then holds the messages' locks
 * until it ends). `keysLocked`: the caller already took the {@link statusLockKeys} of these reports in
 * an earlier statement of the transaction (e.g. riding along in its own, saving a round trip).
 */
export async function applyProviderStatusesIn(tx: Db, items: ProviderStatus[], options: { keysLocked?: boolean } = {}): Promise<StatusOutcome[]> {
  if (items.length === 0) return [];
  if (!options.keysLocked) await lockKeys(tx, statusLockKeys(items));
  const wanted = [...new Map(items.map((i) => [keyOf(i), { channel_id: i.channel.id, provider_message_id: i.providerMessageId }])).values()];
  const found = await tx
    .select({ message: messages, locale: organizations.locale })
    .from(messages)
    .innerJoin(organizations, eq(organizations.id, messages.organizationId))
    .where(
      sql`(${messages.channelId}, ${messages.providerMessageId}) in
          (select channel_id, provider_message_id from jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as w(channel_id uuid, provider_message_id text))`,
    )
    // Locked in id order, as everything else that locks several messages does (a contact's deletion).
    .orderBy(asc(messages.id))
    .for('update', { of: messages });

  const byKey = new Map<string, MessageReports>();
  for (const { message, locale } of found) byKey.set(lockKey(message.channelId, message.providerMessageId!), { message, reports: [], locale: resolveLocale(locale) });
  const outcomes = new Map<string, StatusOutcome>();
  const unknown = new Map<string, ProviderStatus[]>();
  for (const item of items) {
    const key = keyOf(item);
    const entry = byKey.get(key);
    if (entry) entry.reports.push(item.report);
    else unknown.set(key, [...(unknown.get(key) ?? []), item]);
  }

  const parked: ProviderStatus[] = [];
  for (const [key, group] of unknown) {
    // A send whose answer was lost (its worker died after WhatsApp accepted it) is recognised by the
    // message id it carried as callback data: adopt the provider id instead of waiting forever.
    const adopted = await adoptByCallback(tx, group);
    if (adopted) {
      byKey.set(key, { message: adopted.message, reports: group.map((g) => g.report), locale: adopted.locale });
      outcomes.set(key, 'applied');
    } else {
      parked.push(...group);
      outcomes.set(key, 'pending');
    }
  }
  if (parked.length) {
    const rows = parked.map((p) => ({
      channel_id: p.channel.id,
      provider_message_id: p.providerMessageId,
      status: p.report.status,
      occurred_at: p.report.occurredAt.toISOString(),
      error_code: p.report.error?.code ?? null,
      error_title: p.report.error?.title ?? null,
    }));
    await tx.execute(sql`insert into pending_statuses (channel_id, provider_message_id, status, occurred_at, error_code, error_title)
      select channel_id, provider_message_id, status, occurred_at, error_code, error_title
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as r(channel_id uuid, provider_message_id text, status text, occurred_at timestamptz, error_code text, error_title text)
      on conflict do nothing`);
  }

  const updated = await applyReports(tx, [...byKey.values()].filter((e) => e.reports.length));
  const moved = new Set(updated.map((m) => lockKey(m.channelId, m.providerMessageId!)));
  return items.map((item) => {
    const key = keyOf(item);
    return outcomes.get(key) ?? (moved.has(key) ? 'applied' : 'unchanged');
  });
}

/**
 * {@link applyProviderStatuses} as a group commit: reports handed over by concurrently running jobs
 * share one transaction. If a shared transaction fails (a bad report, a deadlock with a concurrent
 * send), its reports are retried one by one, so each caller gets its own outcome or its own error.
 */
export function statusApplier(deps: Pick<Deps, 'database' | 'logger'>): (item: ProviderStatus) => Promise<StatusOutcome> {
  return coalesceSettled(async (items: ProviderStatus[]): Promise<Settled<StatusOutcome>[]> => {
    const together = await settle(() => applyProviderStatuses(deps, items));
    if (together.ok) return together.value.map((value) => ({ ok: true, value }));
    if (items.length === 1) return [together];
    deps.logger.warn({ err: together.error, statuses: items.length }, 'applying statuses together failed; applying them one by one');
    const settled: Settled<StatusOutcome>[] = [];
    for (const item of items) settled.push(await settle(async () => (await applyProviderStatuses(deps, [item]))[0]!));
    return settled;
  }, 400);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Adopts the provider id for the outbound message a report's callback data names, if it has none yet. */
async function adoptByCallback(tx: Db, group: ProviderStatus[]): Promise<{ message: Message; locale: Locale } | null> {
  const first = group.find((g) => g.report.callbackData && UUID.test(g.report.callbackData));
  if (!first) return null;
  const { channel, providerMessageId, report } = first;
  const [sent] = await tx
    .select({ message: messages, locale: organizations.locale })
    .from(messages)
    .innerJoin(organizations, eq(organizations.id, messages.organizationId))
    .where(and(eq(messages.id, report.callbackData!), eq(messages.channelId, channel.id), eq(messages.direction, 'out'), isNull(messages.providerMessageId)))
    .for('update', { of: messages });
  if (!sent) return null;
  const locale = resolveLocale(sent.locale);
  const message = await recordProviderId(tx, sent.message, providerMessageId, report.occurredAt, locale);
  return { message, locale };
}

/**
 * Records the provider id a send returned, marks the message sent, and applies any status reports
 * that arrived before it. Call inside a transaction. Returns the message as it is now.
 */
export async function recordProviderId(tx: Db, message: Message, providerMessageId: string, sentAt: Date, locale: Locale): Promise<Message> {
  await lockKeys(tx, [lockKey(message.channelId, providerMessageId)]);
  const [withId] = await tx.update(messages).set({ providerMessageId, updatedAt: new Date() }).where(eq(messages.id, message.id)).returning();
  const parked = await takeParked(tx, message.channelId, [providerMessageId]);
  const reports: StatusReport[] = [{ status: 'sent', occurredAt: sentAt }, ...(parked.get(providerMessageId) ?? [])];
  const [updated] = await applyReports(tx, [{ message: withId!, reports, locale }]);
  return updated ?? withId!;
}

/** Removes and returns the reports parked for these provider ids (call holding their locks). */
export async function takeParked(tx: Db, channelId: string, providerMessageIds: string[]): Promise<Map<string, StatusReport[]>> {
  return parkedReports(await rowsOf<ParkedRow>(tx, sql`delete from pending_statuses ${parkedOf(channelId, providerMessageIds)} returning ${PARKED_COLUMNS}`));
}

/** A parked report as `delete … returning {@link PARKED_COLUMNS}` gives it back. */
export interface ParkedRow {
  provider_message_id: string;
  status: DeliveryStatus;
  occurred_at: string | Date;
  error_code: string | null;
  error_title: string | null;
}

/** The columns of a {@link ParkedRow}. */
export const PARKED_COLUMNS = sql.raw('provider_message_id, status, occurred_at, error_code, error_title');

/** `where` of the reports parked for these provider ids on a channel. */
export function parkedOf(channelId: string, providerMessageIds: string[]) {
  return sql`where channel_id = ${channelId} and provider_message_id = any(${pgTextArray(providerMessageIds)}::text[])`;
}

/** Parked reports per provider id, in arrival order as far as their timestamps tell. */
export function parkedReports(rows: ParkedRow[]): Map<string, StatusReport[]> {
  const byId = new Map<string, StatusReport[]>();
  rows.sort((a, b) => new Date(a.occurred_at).getTime() - new Date(b.occurred_at).getTime());
  for (const p of rows) {
    const report: StatusReport = { status: p.status, occurredAt: new Date(p.occurred_at), error: p.error_code ? { code: p.error_code, title: p.error_title } : undefined };
    byId.set(p.provider_message_id, [...(byId.get(p.provider_message_id) ?? []), report]);
  }
  return byId;
}

/** The advisory-lock key of a provider message id on a channel (the send and status paths share it). */
export function lockKey(channelId: string, providerMessageId: string): string {
  return `msg:${channelId}:${providerMessageId}`;
}

/** Takes the per-id advisory locks in sorted order (every path sorts, so lock orders never cross). */
export async function lockKeys(tx: Db, keys: string[]): Promise<void> {
  await rowsOf(tx, sql`select ${lockingKeys(keys)}`);
}

/**
 * An SQL expression that takes the per-id advisory locks (sorted, as {@link lockKeys}) when evaluated
 * once — to ride along in another statement. A later statement of the transaction sees whatever the
 * previous holders committed.
 */
export function lockingKeys(keys: string[]): SQL {
  const sorted = [...new Set(keys)].sort();
  return sql`(select count(pg_advisory_xact_lock(hashtextextended(k, 0))) from unnest(${pgTextArray(sorted)}::text[]) as k)`;
}

/** A PostgreSQL text[] literal (elements quoted and escaped). */
function pgTextArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
