import { and, asc, desc, eq, ilike, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { knowledgeChunks, knowledgeDocuments, knowledgeDocumentVersions } from '../../db/schema/index.ts';
import { notFound } from '../../shared/errors.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';

/** A knowledge document row. */
export type DocumentRow = typeof knowledgeDocuments.$inferSelect;
/** A document version row. */
export type VersionRow = typeof knowledgeDocumentVersions.$inferSelect;

/** The document, or a 404 that looks the same whether it is missing or another organization's. */
export async function getDocumentRow(db: Db, organizationId: string, id: string, lock = false): Promise<DocumentRow> {
  const query = db
    .select()
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.id, id), eq(knowledgeDocuments.organizationId, organizationId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Document', 'document_not_found');
  return row;
}

/** A version of an organization's document, if it still exists. */
export async function findVersion(db: Db, organizationId: string, id: string): Promise<VersionRow | undefined> {
  const [row] = await db
    .select()
    .from(knowledgeDocumentVersions)
    .where(and(eq(knowledgeDocumentVersions.id, id), eq(knowledgeDocumentVersions.organizationId, organizationId)));
  return row;
}

/** The number the next version of a document gets. */
export async function nextVersionNumber(db: Db, documentId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(max(${knowledgeDocumentVersions.number}), 0)::int` })
    .from(knowledgeDocumentVersions)
    .where(eq(knowledgeDocumentVersions.documentId, documentId));
  return (row?.n ?? 0) + 1;
}

/** Filters of the document list. */
export interface DocumentListQuery {
  cursor?: string;
  limit: number;
  status?: DocumentRow['status'];
  q?: string;
}

/** An organization's documents, newest first (keyset pagination on the UUIDv7 id). */
export async function listDocumentRows(db: Db, organizationId: string, query: DocumentListQuery) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .select()
    .from(knowledgeDocuments)
    .where(
      and(
        eq(knowledgeDocuments.organizationId, organizationId),
        query.status ? eq(knowledgeDocuments.status, query.status) : undefined,
        query.q ? ilike(knowledgeDocuments.title, `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
        after ? lt(knowledgeDocuments.id, String(after[0])) : undefined,
      ),
    )
    .orderBy(desc(knowledgeDocuments.id))
    .limit(query.limit + 1);
  return paginate(rows, query.limit, (r) => [r.id]);
}

/** The latest versions of a document, newest first. */
export async function listVersionRows(db: Db, organizationId: string, documentId: string, limit = 20): Promise<VersionRow[]> {
  return db
    .select()
    .from(knowledgeDocumentVersions)
    .where(and(eq(knowledgeDocumentVersions.documentId, documentId), eq(knowledgeDocumentVersions.organizationId, organizationId)))
    .orderBy(desc(knowledgeDocumentVersions.number))
    .limit(limit);
}

/** The chunks of a document's active version, in document order. */
export async function listChunkRows(db: Db, organizationId: string, document: DocumentRow, query: { cursor?: string; limit: number }) {
  const after = decodeCursor(query.cursor, 1);
  if (!document.activeVersionId) return { items: [], nextCursor: null };
  const rows = await db
    .select({
      id: knowledgeChunks.id,
      ordinal: knowledgeChunks.ordinal,
      kind: knowledgeChunks.kind,
      topic: knowledgeChunks.topic,
      heading: knowledgeChunks.heading,
      questions: knowledgeChunks.questions,
      answer: knowledgeChunks.answer,
      content: knowledgeChunks.content,
    })
    .from(knowledgeChunks)
    .where(
      and(
        eq(knowledgeChunks.organizationId, organizationId),
        eq(knowledgeChunks.versionId, document.activeVersionId),
        after ? sql`${knowledgeChunks.ordinal} > ${Number(after[0])}` : undefined,
      ),
    )
    .orderBy(asc(knowledgeChunks.ordinal))
    .limit(query.limit + 1);
  return paginate(rows, query.limit, (r) => [r.ordinal]);
}
