import { and, desc, eq, ilike, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { type Channel, channels, files, type MessageTemplateRow, messageTemplates } from '../../db/schema/index.ts';
import { notFound, validationError } from '../../shared/errors.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';

/** A template of the organization, or 404 (also for another organization's id). */
export async function findTemplate(db: Db, organizationId: string, id: string, options: { lock?: boolean } = {}): Promise<MessageTemplateRow> {
  const query = db
    .select()
    .from(messageTemplates)
    .where(and(eq(messageTemplates.id, id), eq(messageTemplates.organizationId, organizationId)));
  const [row] = options.lock ? await query.for('update') : await query;
  if (!row) throw notFound('Template', 'template_not_found');
  return row;
}

/** Filters of the template list. */
export interface TemplateListFilter {
  q?: string;
  status?: MessageTemplateRow['status'];
  category?: MessageTemplateRow['category'];
  language?: string;
  channelId?: string;
  cursor?: string;
  limit: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of templates, most recently changed first (keyset on updated_at, id). */
export async function listTemplateRows(db: Db, organizationId: string, f: TemplateListFilter) {
  const conditions: (SQL | undefined)[] = [eq(messageTemplates.organizationId, organizationId)];
  if (f.status) conditions.push(eq(messageTemplates.status, f.status));
  if (f.category) conditions.push(eq(messageTemplates.category, f.category));
  if (f.language) conditions.push(eq(messageTemplates.language, f.language));
  if (f.channelId) conditions.push(eq(messageTemplates.channelId, f.channelId));
  const q = f.q?.trim();
  if (q) {
    const like = `%${escapeLike(q)}%`;
    // The body lives in the components JSON; searching its text keeps the list's search useful.
    conditions.push(or(ilike(messageTemplates.name, like), sql`${messageTemplates.components}::text ilike ${like}`));
  }
  const cursor = decodeCursor(f.cursor, 2);
  if (cursor) {
    const [at, id] = cursor as [string, string];
    conditions.push(
      or(
        lt(messageTemplates.updatedAt, new Date(at)),
        and(eq(messageTemplates.updatedAt, new Date(at)), lt(messageTemplates.id, id)),
      ),
    );
  }
  const rows = await db
    .select()
    .from(messageTemplates)
    .where(and(...conditions))
    .orderBy(desc(messageTemplates.updatedAt), desc(messageTemplates.id))
    .limit(f.limit + 1);
  return paginate(rows, f.limit, (r) => [r.updatedAt.toISOString(), r.id]);
}

/**
 * The WhatsApp channel templates go to: the one given, or the organization's only WhatsApp channel.
 * Unknown, deleted and web chat channels look alike (a field error on `channelId`).
 */
export async function resolveWhatsAppChannel(db: Db, organizationId: string, channelId: string | undefined): Promise<Channel> {
  const rows = await db
    .select()
    .from(channels)
    .where(and(eq(channels.organizationId, organizationId), eq(channels.type, 'whatsapp'), isNull(channels.deletedAt), channelId ? eq(channels.id, channelId) : undefined))
    .limit(2);
  if (channelId && !rows[0]) throw validationError('No such WhatsApp channel', [{ path: 'channelId', message: 'Not a WhatsApp channel of this organization' }], 'channel_not_found');
  if (!rows[0]) throw validationError('Connect a WhatsApp channel first', [{ path: 'channelId', message: 'No WhatsApp channel is connected' }], 'whatsapp_channel_required');
  if (rows.length > 1) throw validationError('Choose the WhatsApp channel', [{ path: 'channelId', message: 'Required: the organization has several WhatsApp channels' }], 'channel_required');
  return rows[0];
}

/** The organization's uploaded file (the sample of a media header), or a field error. */
export async function findSampleFile(db: Db, organizationId: string, fileId: string) {
  const [row] = await db.select().from(files).where(and(eq(files.id, fileId), eq(files.organizationId, organizationId)));
  if (!row) throw validationError('No such file', [{ path: 'header.example.fileId', message: 'Upload the file first with POST /api/v1/files' }], 'file_not_found');
  return row;
}

/** Whether the channel already has a template with this name and language (other than `exceptId`). */
export async function nameTaken(db: Db, channelId: string, name: string, language: string): Promise<boolean> {
  const [row] = await db
    .select({ id: messageTemplates.id })
    .from(messageTemplates)
    .where(and(eq(messageTemplates.channelId, channelId), eq(messageTemplates.name, name), eq(messageTemplates.language, language)));
  return !!row;
}
