import { createHash } from 'node:crypto';
import net from 'node:net';
import { type Readable, Transform } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import { isBlockedAddress } from '../../adapters/outbound-http/address-policy.ts';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { knowledgeDocuments, knowledgeDocumentVersions } from '../../db/schema/index.ts';
import { AppError, validationError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { applyTermStatistics } from './chunks.repository.ts';
import type { DocumentLanguage } from './chunking/language.ts';
import { type DocumentRow, getDocumentRow, nextVersionNumber, type VersionRow } from './documents.repository.ts';
import { processDocumentJob } from './jobs/definitions.ts';

/** New content for a document: an uploaded file, a web page, or an entry written in the dashboard. */
export type DocumentContent =
  | { source: 'file'; fileName: string; contentType: string | null; data: Readable | Buffer }
  | { source: 'url'; url: string }
  | { source: 'entry'; content: string };

/** A document to create: its content plus optional title and language (detected when absent). */
export type NewDocument = DocumentContent & { title?: string | null; language?: DocumentLanguage | null };

/** Who acts, for the audit log and `createdBy`. */
export type KnowledgeActor = AuditActor & { userId: string | null };

/**
 * Creates a document and its first version, stores an uploaded file, and enqueues processing in the same
 * transaction; the document starts `pending`.
 */
export async function createDocument(deps: Pick<Deps, 'database' | 'queue' | 'storage' | 'config'>, organizationId: string, input: NewDocument, actor: KnowledgeActor): Promise<DocumentRow> {
  const ids = { documentId: newId(), versionId: newId() };
  const stored = await storeContent(deps, organizationId, ids.documentId, ids.versionId, input);
  try {
    return await deps.database.db.transaction((tx) => insertNewDocument(tx, deps, organizationId, ids, input, stored, actor));
  } catch (err) {
    if (stored.storageKey) await deps.storage.delete(stored.storageKey).catch(() => {});
    throw err;
  }
}

/** Creates an entry (text written by a person) inside the caller's transaction, e.g. "Add answer" on a knowledge gap. */
export async function createEntryInTransaction(
  tx: Db,
  deps: Pick<Deps, 'queue'>,
  organizationId: string,
  input: { title: string; content: string; language?: DocumentLanguage | null },
  actor: KnowledgeActor,
): Promise<DocumentRow> {
  const entry: NewDocument = { source: 'entry', content: input.content, title: input.title, language: input.language ?? null };
  const stored = { storageKey: null, sizeBytes: Buffer.byteLength(input.content), sha256: createHash('sha256').update(input.content).digest('hex') };
  return insertNewDocument(tx, deps, organizationId, { documentId: newId(), versionId: newId() }, entry, stored, actor);
}

async function insertNewDocument(
  tx: Db,
  deps: Pick<Deps, 'queue'>,
  organizationId: string,
  ids: { documentId: string; versionId: string },
  input: NewDocument,
  stored: StoredContent,
  actor: KnowledgeActor,
): Promise<DocumentRow> {
  const [document] = await tx
    .insert(knowledgeDocuments)
    .values({
      id: ids.documentId,
      organizationId,
      title: defaultTitle(input),
      source: input.source,
      sourceName: input.source === 'file' ? input.fileName : input.source === 'url' ? input.url : null,
      languageOverride: input.language ?? null,
      status: 'pending',
      latestVersionId: ids.versionId,
      sizeBytes: stored.sizeBytes,
      createdByUserId: actor.userId,
    })
    .returning();
  await insertVersion(tx, organizationId, ids.documentId, ids.versionId, 1, input, stored);
  await deps.queue.enqueue(processDocumentJob, { organizationId, versionId: ids.versionId }, { tx, idempotencyKey: ids.versionId });
  await recordAudit(tx, { organizationId, actor, action: 'knowledge.document_created', targetType: 'knowledge_document', targetId: ids.documentId, data: { title: document!.title, source: input.source } });
  return document!;
}

/**
 * Replaces a document's content with a new version. The current version keeps answering until the new
 * one is fully indexed; then the switch happens in one transaction.
 */
export async function replaceDocumentContent(
  deps: Pick<Deps, 'database' | 'queue' | 'storage' | 'config'>,
  organizationId: string,
  documentId: string,
  input: DocumentContent & { title?: string | null },
  actor: KnowledgeActor,
): Promise<DocumentRow> {
  await getDocumentRow(deps.database.db, organizationId, documentId);
  const versionId = newId();
  const stored = await storeContent(deps, organizationId, documentId, versionId, input);
  try {
    return await deps.database.db.transaction(async (tx) => {
      await getDocumentRow(tx, organizationId, documentId, true);
      const number = await nextVersionNumber(tx, documentId);
      await insertVersion(tx, organizationId, documentId, versionId, number, input, stored);
      const [document] = await tx
        .update(knowledgeDocuments)
        .set({
          status: 'pending',
          failureReason: null,
          failureParams: null,
          latestVersionId: versionId,
          source: input.source,
          sourceName: input.source === 'file' ? input.fileName : input.source === 'url' ? input.url : null,
          ...(input.title ? { title: input.title } : {}),
          updatedAt: new Date(),
        })
        .where(eq(knowledgeDocuments.id, documentId))
        .returning();
      await deps.queue.enqueue(processDocumentJob, { organizationId, versionId }, { tx, idempotencyKey: versionId });
      await recordAudit(tx, { organizationId, actor, action: 'knowledge.document_replaced', targetType: 'knowledge_document', targetId: documentId, data: { version: number, source: input.source } });
      return document!;
    });
  } catch (err) {
    if (stored.storageKey) await deps.storage.delete(stored.storageKey).catch(() => {});
    throw err;
  }
}

/** Processes a document again from its latest source (a URL is fetched again); e.g. after a failure or a language change. */
export async function reprocessDocument(deps: Pick<Deps, 'database' | 'queue' | 'storage' | 'config'>, organizationId: string, documentId: string, actor: KnowledgeActor): Promise<DocumentRow> {
  const db = deps.database.db;
  const document = await getDocumentRow(db, organizationId, documentId);
  const [latest] = await db
    .select()
    .from(knowledgeDocumentVersions)
    .where(and(eq(knowledgeDocumentVersions.documentId, documentId), eq(knowledgeDocumentVersions.organizationId, organizationId)))
    .orderBy(sql`${knowledgeDocumentVersions.number} desc`)
    .limit(1);
  if (!latest) throw new AppError('conflict', 'document_has_no_content', 'The document has no content to process');
  const content = await contentOfVersion(deps, latest, document);
  return replaceDocumentContent(deps, organizationId, documentId, content, actor);
}

/** Renames a document and/or sets its language; a new language re-indexes it (stemming depends on it). */
export async function updateDocument(
  deps: Pick<Deps, 'database' | 'queue' | 'storage' | 'config'>,
  organizationId: string,
  documentId: string,
  patch: { title?: string; language?: DocumentLanguage | null },
  actor: KnowledgeActor,
): Promise<DocumentRow> {
  const before = await getDocumentRow(deps.database.db, organizationId, documentId);
  const languageChanged = patch.language !== undefined && patch.language !== before.languageOverride;
  const [updated] = await deps.database.db.transaction(async (tx) => {
    const rows = await tx
      .update(knowledgeDocuments)
      .set({ ...(patch.title ? { title: patch.title } : {}), ...(languageChanged ? { languageOverride: patch.language } : {}), updatedAt: new Date() })
      .where(and(eq(knowledgeDocuments.id, documentId), eq(knowledgeDocuments.organizationId, organizationId)))
      .returning();
    await recordAudit(tx, { organizationId, actor, action: 'knowledge.document_updated', targetType: 'knowledge_document', targetId: documentId, data: patch });
    return rows;
  });
  if (languageChanged && before.latestVersionId) return reprocessDocument(deps, organizationId, documentId, actor);
  return updated!;
}

/** Deletes a document, its versions, chunks and vectors (one transaction), then its files. */
export async function deleteDocument(deps: Pick<Deps, 'database' | 'storage'>, organizationId: string, documentId: string, actor: KnowledgeActor): Promise<DocumentRow> {
  const { document, keys } = await deps.database.db.transaction(async (tx) => {
    const document = await getDocumentRow(tx, organizationId, documentId, true);
    const versions = await tx
      .select({ storageKey: knowledgeDocumentVersions.storageKey })
      .from(knowledgeDocumentVersions)
      .where(eq(knowledgeDocumentVersions.documentId, documentId));
    if (document.activeVersionId) await applyTermStatistics(tx, organizationId, document.activeVersionId, -1);
    await tx.delete(knowledgeDocuments).where(and(eq(knowledgeDocuments.id, documentId), eq(knowledgeDocuments.organizationId, organizationId)));
    await recordAudit(tx, { organizationId, actor, action: 'knowledge.document_deleted', targetType: 'knowledge_document', targetId: documentId, data: { title: document.title } });
    return { document, keys: versions.map((v) => v.storageKey).filter((k): k is string => Boolean(k)) };
  });
  for (const key of keys) await deps.storage.delete(key).catch(() => {});
  return document;
}

interface StoredContent {
  storageKey: string | null;
  sizeBytes: number;
  sha256: string | null;
}

async function insertVersion(tx: Db, organizationId: string, documentId: string, versionId: string, number: number, input: DocumentContent, stored: StoredContent): Promise<VersionRow> {
  const [version] = await tx
    .insert(knowledgeDocumentVersions)
    .values({
      id: versionId,
      organizationId,
      documentId,
      number,
      source: input.source,
      fileName: input.source === 'file' ? input.fileName : null,
      contentType: input.source === 'file' ? input.contentType : null,
      url: input.source === 'url' ? input.url : null,
      content: input.source === 'entry' ? input.content : null,
      storageKey: stored.storageKey,
      sizeBytes: stored.sizeBytes,
      sha256: stored.sha256,
      status: 'pending',
    })
    .returning();
  return version!;
}

/** Writes an upload to storage under `<org>/knowledge/<document>/<version>`, refusing it past the size limit. */
async function storeContent(deps: Pick<Deps, 'storage' | 'config'>, organizationId: string, documentId: string, versionId: string, input: DocumentContent): Promise<StoredContent> {
  if (input.source === 'url') {
    assertFetchableUrl(input.url, deps.config.allowPrivateNetwork);
    return { storageKey: null, sizeBytes: 0, sha256: null };
  }
  if (input.source === 'entry') {
    return { storageKey: null, sizeBytes: Buffer.byteLength(input.content), sha256: createHash('sha256').update(input.content).digest('hex') };
  }
  const max = deps.config.knowledge.maxFileBytes;
  const key = `${organizationId}/knowledge/${documentId}/${versionId}`;
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > max) return done(tooLarge(max));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    const source = input.data;
    if (Buffer.isBuffer(source)) {
      meter.end(source);
    } else {
      source.on('error', (err) => meter.destroy(err));
      source.pipe(meter);
    }
    await deps.storage.put(key, meter);
    if (!Buffer.isBuffer(input.data) && (input.data as Readable & { truncated?: boolean }).truncated) throw tooLarge(max);
  } catch (err) {
    await deps.storage.delete(key).catch(() => {});
    const code = (err as { code?: string }).code;
    if (err instanceof AppError) throw err;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(max);
    throw err;
  }
  return { storageKey: key, sizeBytes: size, sha256: hash.digest('hex') };
}

function tooLarge(max: number): AppError {
  return new AppError('payload_too_large', 'file_too_large', `The file is larger than the ${formatMb(max)} MB limit for knowledge documents`, { maxBytes: max });
}

function formatMb(bytes: number): string {
  return String(Math.round((bytes / (1024 * 1024)) * 10) / 10);
}

/** Cheap checks before a URL is accepted; the SSRF guard checks resolved addresses again when it is fetched. */
function assertFetchableUrl(value: string, allowPrivateNetwork: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw validationError('The URL is not valid', [{ path: 'url', message: 'Use a full address such as https://example.com/faq' }], 'invalid_url');
  }
  const issue = (message: string) => validationError(message, [{ path: 'url', message }], 'url_not_allowed');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw issue('Only http and https addresses can be added');
  if (url.username || url.password) throw issue('Addresses with a user name or password are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateNetwork && ((net.isIP(host) && isBlockedAddress(host)) || /^(localhost|.*\.localhost|.*\.local|.*\.internal)$/i.test(host))) {
    throw issue('The address points to a private network, which is not allowed');
  }
}

function defaultTitle(input: NewDocument): string {
  if (input.title?.trim()) return input.title.trim().slice(0, 200);
  if (input.source === 'file') return input.fileName.replace(/\.[A-Za-z0-9]{1,8}$/, '').slice(0, 200) || input.fileName.slice(0, 200);
  if (input.source === 'url') return input.url.slice(0, 200);
  return input.content.trim().split('\n')[0]!.replace(/^#+\s*/, '').slice(0, 120);
}

async function contentOfVersion(deps: Pick<Deps, 'storage'>, version: VersionRow, document: DocumentRow): Promise<DocumentContent> {
  if (version.source === 'url' && version.url) return { source: 'url', url: version.url };
  if (version.source === 'entry') return { source: 'entry', content: version.content ?? '' };
  if (!version.storageKey) throw new AppError('conflict', 'document_file_missing', 'The uploaded file of this document is no longer stored; upload it again');
  const data = await deps.storage.read(version.storageKey).catch(() => {
    throw new AppError('conflict', 'document_file_missing', 'The uploaded file of this document is no longer stored; upload it again');
  });
  return { source: 'file', fileName: version.fileName ?? document.sourceName ?? 'document', contentType: version.contentType, data };
}
