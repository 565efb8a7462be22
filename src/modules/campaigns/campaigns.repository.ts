import { and, desc, eq, ilike, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { type CampaignRow, campaigns, organizations } from '../../db/schema/index.ts';
import { notFound } from '../../shared/errors.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import { normalizeSettings, type OrgSettings } from '../organizations/settings.ts';

/** A campaign of the organization, or 404 (also for another organization's id). */
export async function findCampaign(db: Db, organizationId: string, id: string, options: { lock?: boolean } = {}): Promise<CampaignRow> {
  const query = db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.id, id), eq(campaigns.organizationId, organizationId)));
  const [row] = options.lock ? await query.for('update') : await query;
  if (!row) throw notFound('Campaign', 'campaign_not_found');
  return row;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of campaigns, newest first. */
export async function listCampaignRows(db: Db, organizationId: string, f: { q?: string; status?: CampaignRow['status']; cursor?: string; limit: number }) {
  const conditions: (SQL | undefined)[] = [eq(campaigns.organizationId, organizationId)];
  if (f.status) conditions.push(eq(campaigns.status, f.status));
  if (f.q?.trim()) conditions.push(ilike(campaigns.name, `%${escapeLike(f.q.trim())}%`));
  const cursor = decodeCursor(f.cursor, 2);
  if (cursor) {
    const [at, id] = cursor as [string, string];
    conditions.push(or(lt(campaigns.createdAt, new Date(at)), and(eq(campaigns.createdAt, new Date(at)), lt(campaigns.id, id))));
  }
  const rows = await db
    .select()
    .from(campaigns)
    .where(and(...conditions))
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(f.limit + 1);
  return paginate(rows, f.limit, (r) => [r.createdAt.toISOString(), r.id]);
}

/** The organization's time zone and campaign settings. */
export async function orgCampaignContext(db: Db, organizationId: string): Promise<{ timezone: string; settings: OrgSettings['campaigns'] }> {
  const [row] = await db
    .select({ timezone: organizations.timezone, settings: organizations.settings })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return { timezone: row?.timezone ?? 'UTC', settings: normalizeSettings(row?.settings).campaigns };
}

/** A new UUIDv7 computed by the database (for rows written by INSERT … SELECT). */
export const SQL_NEW_ID = sql`(lpad(to_hex(floor(extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(replace(gen_random_uuid()::text, '-', ''), 14, 19))::uuid`;
