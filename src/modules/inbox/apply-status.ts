import { asc, eq, type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Message, messages, organizations } from '../../db/schema/index.ts';
import { coalesceSettled, type Settled, settle } from '../../jobs/coalesce.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { type Locale, resolveLocale } from '../../shared/i18n.ts';
import { campaignMessagesToSync, onCampaignRecipientsSynced, recipientSync, type SyncedRecipient } from '../campaigns/campaign-hooks.ts';
import { presentMessage } from './message-view.ts';
import { inboxNotificationsReadingAssignee } from './realtime.ts';

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
  /** The provider id to record on a message that has none yet (a send adopted by its callback data). */
  adoptProviderId?: string;
}

/**
 * Moves locked messages forward with their reports in ONE statement whatever their count — the
 * messages' update, the sync of campaign recipients with them, and their `message.status` events —
 * and returns the rows that changed. Call inside a transaction holding the messages' locks. `also`:
 * other data-modifying statements (no `returning` read) that ride in the same statement — on other rows.
 */
export async function applyReports(tx: Db, entries: MessageReports[], also: SQL[] = []): Promise<Message[]> {
  const changes: { fields: DeliveryFields; entry: MessageReports }[] = [];
  for (const entry of entries) {
    const final = entry.reports.reduce<DeliveryFields>(foldReport, entry.message);
    if (changed(entry.message, final) || (entry.adoptProviderId && !entry.message.providerMessageId)) changes.push({ fields: pick(final), entry });
  }
  if (changes.length === 0) {
    for (const statement of also) await tx.execute(statement);
    return [];
  }
  // The update time is chosen here, so the events (built before the statement) carry the stored value.
  const updatedAt = new Date();
  const rows: Message[] = changes.map(({ fields, entry }) => ({
    ...entry.message,
    ...fields,
    providerMessageId: entry.message.providerMessageId ?? entry.adoptProviderId ?? null,
    updatedAt,
  }));
  const records = rows.map((row) => ({
    id: row.id,
    provider_message_id: row.providerMessageId,
    status: row.status,
    sent_at: row.sentAt?.toISOString() ?? null,
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    read_at: row.readAt?.toISOString() ?? null,
    failed_at: row.failedAt?.toISOString() ?? null,
    error_code: row.errorCode,
    error_title: row.errorTitle,
  }));
  const events = changes.map(({ entry }, i) => {
    const row = rows[i]!;
    return {
      type: 'message.status' as const,
      organizationId: row.organizationId,
      conversationId: row.conversationId,
      messageId: row.id,
      isPrivate: row.isPrivate,
      data: presentMessage(row, entry.locale),
    };
  });
  // Campaign sends are ordinary messages: their recipients follow the messages (campaigns module),
  // reading the new values from the update's `returning` (the table shows them only to the next statement).
  const campaignIds = campaignMessagesToSync(rows);
  const [result] = await rowsOf<{ updated: string[] | null; failed: SyncedRecipient[] | null }>(
    tx,
    sql`with x as (
          select * from json_to_recordset(${JSON.stringify(records)}::json)
            as x(id uuid, provider_message_id text, status text, sent_at timestamptz, delivered_at timestamptz, read_at timestamptz,
                 failed_at timestamptz, error_code text, error_title text)
        ),
        upd as (
          update messages m set status = x.status::message_status, sent_at = x.sent_at, delivered_at = x.delivered_at, read_at = x.read_at,
            failed_at = x.failed_at, error_code = x.error_code, error_title = x.error_title,
            provider_message_id = coalesce(m.provider_message_id, x.provider_message_id), updated_at = ${updatedAt.toISOString()}::timestamptz
          from x where m.id = x.id
          returning m.id, m.status, m.sent_at, m.delivered_at, m.read_at, m.failed_at, m.error_code, m.error_title
        )${
          campaignIds.length
            ? sql`, synced as (${recipientSync(sql`m.id = any(${`{${campaignIds.join(',')}}`}::uuid[])`, sql`upd`)})`
            : sql``
        }${sql.join(
          also.map((statement, i) => sql`, ${sql.raw(`also_${i}`)} as (${statement})`),
          sql``,
        )}
        select (select array_agg(id) from upd) as updated,
          ${campaignIds.length ? sql`(select json_agg(synced) from synced where status = 'failed')` : sql`null::json`} as failed,
          -- Delivered by PostgreSQL after the commit, so listeners never see a change that was rolled back.
          ${inboxNotificationsReadingAssignee(events, sql`e.id in (select id from upd)`)} as notified`,
  );
  if (result?.failed?.length) await onCampaignRecipientsSynced(tx, result.failed);
  const updated = new Set(result?.updated ?? []);
  return rows.filter((row) => updated.has(row.id));
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

/**
 * A query for an earlier statement of the caller's transaction: the messages recorded with these
 * reports' provider ids, as rows of `channel_id, provider_message_id` (their {@link lockKey}s are what
 * {@link applyProviderStatusesIn}'s `recorded` takes). Reads only (no lock).
 */
export function recordedProviderIds(items: ProviderStatus[]): SQL {
  const ids = [...new Map(items.map((i) => [keyOf(i), { channel_id: i.channel.id, provider_message_id: i.providerMessageId }])).values()];
  return sql`select m.channel_id, m.provider_message_id from messages m
    join json_to_recordset(${JSON.stringify(ids)}::json) as w(channel_id uuid, provider_message_id text)
      on m.channel_id = w.channel_id and m.provider_message_id = w.provider_message_id`;
}

/**
 * {@link applyProviderStatuses} inside the caller's transaction (which then holds the messages' locks
 * until it ends). The per-id advisory locks are what keeps a report from being parked while its send
 * records the id (and then forgotten): a provider id already recorded on a message never changes, so
 * `recorded` — the {@link lockKey}s of ids an earlier statement of the transaction saw recorded (see
 * {@link recordedProviderIds}) — need none; their reports find the message. Every advisory lock is
 * taken before any message is locked (the send path's order too), so the two never wait in a circle.
 */
export async function applyProviderStatusesIn(tx: Db, items: ProviderStatus[], options: { recorded?: ReadonlySet<string> } = {}): Promise<StatusOutcome[]> {
  if (items.length === 0) return [];
  const unrecorded = items.map(keyOf).filter((key) => !options.recorded?.has(key));
  if (unrecorded.length) await lockKeys(tx, unrecorded);
  // Each provider id once, with the first of its reports' callback data naming one of our messages.
  const wanted = new Map<string, { channel_id: string; provider_message_id: string; callback: string | null }>();
  for (const i of items) {
    const entry = wanted.get(keyOf(i)) ?? { channel_id: i.channel.id, provider_message_id: i.providerMessageId, callback: null };
    if (!entry.callback && i.report.callbackData && UUID.test(i.report.callbackData)) entry.callback = i.report.callbackData.toLowerCase();
    wanted.set(keyOf(i), entry);
  }
  // The messages with these provider ids — and, in the same statement, outbound messages still
  // without one that a report's callback data names: a send whose answer was lost (its worker died
  // after WhatsApp accepted it) or is still on its way is adopted rather than left waiting. The
  // conditions are on each row's own columns (arrays, not a join or a subquery on messages): when a
  // row was locked by a concurrent batch, PostgreSQL re-checks its newest version against exactly
  // these, so a message moved meanwhile is still found (and read as it is now), never skipped.
  const channelIds = [...new Set([...wanted.values()].map((w) => w.channel_id))];
  // Provider ids whose reports name one of our messages, by that message (`channel:message id`).
  const byCallback = new Map([...wanted].filter(([, w]) => w.callback).map(([key, w]) => [`${w.channel_id}:${w.callback}`, key]));
  const adoptable = [...byCallback.values()].map((key) => wanted.get(key)!);
  const callbacks = adoptable.map((w) => w.callback!);
  const found = await tx
    .select({
      message: messages,
      locale: organizations.locale,
      // For a send that may be adopted: the reports parked for the ids naming it (read after their locks;
      // taken in the statement that applies them).
      parked: callbacks.length
        ? sql<ParkedRow[] | null>`case when ${messages.providerMessageId} is null then (
            select json_agg(json_build_object('provider_message_id', p.provider_message_id, 'status', p.status, 'occurred_at', p.occurred_at,
                                              'error_code', p.error_code, 'error_title', p.error_title))
            from pending_statuses p join json_to_recordset(${JSON.stringify(adoptable)}::json) as w(channel_id uuid, provider_message_id text, callback uuid)
              on p.channel_id = w.channel_id and p.provider_message_id = w.provider_message_id
            where w.callback = ${messages.id}) end`
        : sql<null>`null`,
    })
    .from(messages)
    .innerJoin(organizations, eq(organizations.id, messages.organizationId))
    .where(
      sql`(${messages.channelId} = any(${pgTextArray(channelIds)}::uuid[]) and ${messages.providerMessageId} = any(${pgTextArray([...wanted.values()].map((w) => w.provider_message_id))}::text[]))${
        callbacks.length
          ? sql` or (${messages.id} = any(${pgTextArray(callbacks)}::uuid[]) and ${messages.providerMessageId} is null and ${messages.direction} = 'out')`
          : sql``
      }`,
    )
    // Locked in id order, as everything else that locks several messages does (a contact's deletion).
    .orderBy(asc(messages.id))
    .for('update', { of: messages });

  const byKey = new Map<string, MessageReports>();
  const adopted = new Set<string>();
  for (const { message, locale } of found) {
    const key = message.providerMessageId ? lockKey(message.channelId, message.providerMessageId) : undefined;
    // (The arrays match every channel × id pair: only the pairs asked for count.)
    if (key && wanted.has(key)) byKey.set(key, { message, reports: [], locale: resolveLocale(locale) });
  }
  const outcomes = new Map<string, StatusOutcome>();
  const firstOf = new Map<string, StatusReport>();
  for (const item of items) if (!firstOf.has(keyOf(item))) firstOf.set(keyOf(item), item.report);
  const taken: { channel_id: string; provider_message_id: string }[] = [];
  for (const { message, locale, parked } of found) {
    const key = message.providerMessageId ? undefined : byCallback.get(`${message.channelId}:${message.id}`);
    // A provider id whose message is known, or two naming the same message: not adopted (the reports wait, parked).
    if (!key || byKey.has(key) || adopted.has(message.id)) continue;
    const providerMessageId = wanted.get(key)!.provider_message_id;
    // An adopted send becomes `sent` when its first report happened, then takes the reports parked for
    // its id (held by the same locks), then those of this batch.
    const earlier = parkedReports((parked ?? []).filter((p) => p.provider_message_id === providerMessageId)).get(providerMessageId) ?? [];
    if (earlier.length) taken.push({ channel_id: message.channelId, provider_message_id: providerMessageId });
    const entry: MessageReports = {
      message,
      reports: [{ status: 'sent', occurredAt: firstOf.get(key)!.occurredAt }, ...earlier],
      locale: resolveLocale(locale),
      adoptProviderId: providerMessageId,
    };
    byKey.set(key, entry);
    adopted.add(message.id);
    outcomes.set(key, 'applied');
  }
  const also: SQL[] = [];
  if (taken.length) {
    also.push(sql`delete from pending_statuses p using json_to_recordset(${JSON.stringify(taken)}::json) as w(channel_id uuid, provider_message_id text)
                  where p.channel_id = w.channel_id and p.provider_message_id = w.provider_message_id`);
  }
  const parked: ProviderStatus[] = [];
  for (const item of items) {
    const key = keyOf(item);
    const entry = byKey.get(key);
    if (entry) entry.reports.push(item.report);
    else {
      parked.push(item);
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
    // Rides in the statement that applies the others (other ids: nothing here changes them).
    also.push(sql`insert into pending_statuses (channel_id, provider_message_id, status, occurred_at, error_code, error_title)
      select channel_id, provider_message_id, status, occurred_at, error_code, error_title
      from json_to_recordset(${JSON.stringify(rows)}::json)
        as r(channel_id uuid, provider_message_id text, status text, occurred_at timestamptz, error_code text, error_title text)
      on conflict do nothing`);
  }

  const updated = await applyReports(
    tx,
    [...byKey.values()].filter((e) => e.reports.length),
    also,
  );
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

/**
 * Records the provider id a send returned on the message (unless it has one already: a status webhook
 * adopted the send first), marks it sent, and applies any status reports that arrived before it.
 * Call inside a transaction: takes the id's advisory lock, then the message's row lock (the order every
 * path keeps). Returns the message as it is now (null if it is gone).
 */
export async function recordProviderId(tx: Db, message: Pick<Message, 'id' | 'channelId'>, providerMessageId: string, sentAt: Date, locale: Locale): Promise<Message | null> {
  await lockKeys(tx, [lockKey(message.channelId, providerMessageId)]);
  const [locked] = await tx.select().from(messages).where(eq(messages.id, message.id)).for('update');
  if (!locked || locked.providerMessageId) return locked ?? null;
  const parked = await takeParked(tx, locked.channelId, [providerMessageId]);
  const reports: StatusReport[] = [{ status: 'sent', occurredAt: sentAt }, ...(parked.get(providerMessageId) ?? [])];
  const [updated] = await applyReports(tx, [{ message: locked, reports, locale, adoptProviderId: providerMessageId }]);
  return updated ?? { ...locked, providerMessageId };
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
  const sorted = [...new Set(keys)].sort();
  await rowsOf(tx, sql`select count(pg_advisory_xact_lock(hashtextextended(k, 0))) from unnest(${pgTextArray(sorted)}::text[]) as k`);
}

/** A PostgreSQL text[] literal (elements quoted and escaped). */
function pgTextArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
