import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import type { Locale } from '../../shared/i18n.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import type { RecipientView } from './campaigns.schemas.ts';
import { describeFailure, tc } from './campaigns.i18n.ts';
import { zoneOffsetMs } from './schedule-time.ts';

interface RecipientRow {
  id: string;
  contact_id: string;
  first_name: string | null;
  last_name: string | null;
  phone: string;
  status: RecipientView['status'];
  error_code: string | null;
  error_title: string | null;
  attempts: number;
  next_attempt_at: string | null;
  conversation_id: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  failed_at: string | null;
  replied_at: string | null;
  updated_at: string;
  body: string | null;
}

/** Filters of the recipients table (and the export). */
export interface RecipientFilter {
  status?: RecipientView['status'] | 'replied' | 'retrying';
  q?: string;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function filterSql(campaignId: string, f: RecipientFilter): SQL {
  const parts: SQL[] = [sql`r.campaign_id = ${campaignId}`];
  if (f.status === 'replied') parts.push(sql`r.replied_at is not null`);
  else if (f.status === 'retrying') parts.push(sql`r.status = 'failed' and r.next_attempt_at is not null`);
  else if (f.status) parts.push(sql`r.status = ${f.status}`);
  const q = f.q?.trim();
  if (q) {
    const like = `%${escapeLike(q.toLowerCase())}%`;
    const digits = q.replace(/\D/g, '');
    parts.push(sql`(lower(c.first_name || ' ' || c.last_name) like ${like} ${digits.length >= 3 ? sql`or r.phone like ${`%${digits}%`}` : sql``})`);
  }
  return sql.join(parts, sql` and `);
}

async function recipientRows(db: Db, campaignId: string, f: RecipientFilter, afterId: string | undefined, limit: number): Promise<RecipientRow[]> {
  return rowsOf<RecipientRow>(
    db,
    sql`select r.id, r.contact_id, c.first_name, c.last_name, r.phone, r.status, r.error_code, r.error_title, r.attempts,
               r.next_attempt_at, r.conversation_id, r.sent_at, r.delivered_at, r.read_at, r.failed_at, r.replied_at, r.updated_at, m.body
        from campaign_recipients r
        join contacts c on c.id = r.contact_id
        left join messages m on m.id = r.message_id
        where ${filterSql(campaignId, f)} ${afterId ? sql`and r.id > ${afterId}` : sql``}
        order by r.id limit ${limit}`,
  );
}

const iso = (v: string | null) => (v ? new Date(v).toISOString() : null);

function present(r: RecipientRow, locale: Locale): RecipientView {
  const attempts = r.attempts;
  return {
    id: r.id,
    contactId: r.contact_id,
    contactName: `${r.first_name ?? ''} ${r.last_name ?? ''}`.trim() || r.phone,
    phone: r.phone,
    status: r.status,
    errorCode: r.error_code,
    reason: r.status === 'failed' || r.status === 'skipped' ? describeFailure(r.error_code, r.error_title, locale) : null,
    attempts,
    retries: Math.max(0, attempts - 1),
    nextAttemptAt: iso(r.next_attempt_at),
    conversationId: r.conversation_id,
    sentAt: iso(r.sent_at),
    deliveredAt: iso(r.delivered_at),
    readAt: iso(r.read_at),
    failedAt: iso(r.failed_at),
    repliedAt: iso(r.replied_at),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** One page of a campaign's recipients (keyset on id), with each failure explained. */
export async function listRecipients(db: Db, campaignId: string, q: RecipientFilter & { cursor?: string; limit: number }, locale: Locale) {
  const after = decodeCursor(q.cursor, 1)?.[0];
  const rows = await recipientRows(db, campaignId, q, typeof after === 'string' ? after : undefined, q.limit + 1);
  const page = paginate(rows, q.limit, (r) => [r.id]);
  return { items: page.items.map((r) => present(r, locale)), nextCursor: page.nextCursor };
}

/**
 * The export's rows, header first, read a thousand at a time so memory stays flat for any size.
 * Dates are the organization's local time (`YYYY-MM-DD HH:mm:ss`), statuses and reasons in words.
 */
export async function* exportRecipientRows(db: Db, campaignId: string, f: RecipientFilter, locale: Locale, timeZone: string): AsyncGenerator<string[]> {
  const h = (k: Parameters<typeof tc>[1]) => tc(locale, k);
  yield [h('csv_contact'), h('csv_phone'), h('csv_status'), h('csv_reason'), h('csv_error_code'), h('csv_retries'), h('csv_sent_at'), h('csv_delivered_at'), h('csv_read_at'), h('csv_failed_at'), h('csv_replied_at'), h('csv_last_update'), h('csv_message')];
  const local = (v: string | null) => {
    if (!v) return '';
    const t = new Date(v).getTime();
    return new Date(t + zoneOffsetMs(t, timeZone)).toISOString().slice(0, 19).replace('T', ' ');
  };
  let after: string | undefined;
  for (;;) {
    const rows = await recipientRows(db, campaignId, f, after, 1000);
    for (const r of rows) {
      const v = present(r, locale);
      yield [
        v.contactName,
        v.phone,
        tc(locale, `status_${v.status}`),
        v.reason ?? '',
        v.errorCode ?? '',
        String(v.retries),
        local(r.sent_at),
        local(r.delivered_at),
        local(r.read_at),
        local(r.failed_at),
        local(r.replied_at),
        local(r.updated_at),
        r.body ?? '',
      ];
    }
    if (rows.length < 1000) return;
    after = rows.at(-1)!.id;
  }
}
