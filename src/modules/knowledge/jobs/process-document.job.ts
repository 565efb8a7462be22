import { and, eq } from 'drizzle-orm';
import { OutboundHttpError, readBody, safeFetch } from '../../../adapters/outbound-http/safe-fetch.ts';
import { FileNotFoundError } from '../../../adapters/storage/local-storage.ts';
import type { Deps } from '../../../container.ts';
import { knowledgeDocuments, knowledgeDocumentVersions, organizations } from '../../../db/schema/index.ts';
import type { JobContext, JobHandler } from '../../../jobs/queue.ts';
import { RetryableError } from '../../../shared/errors.ts';
import { chunkQaItems, chunkText } from '../chunking/chunker.ts';
import { detectLanguage, parseLanguage, TS_CONFIG } from '../chunking/language.ts';
import { applyTermStatistics, deleteVersionChunks, embeddingTextOf, ensureVectorStore, insertChunks, prepareChunks, upsertEmbeddings } from '../chunks.repository.ts';
import { getDocumentRow, findVersion, type VersionRow } from '../documents.repository.ts';
import { runExtraction } from '../extract/run-extraction.ts';
import { sniffFormat } from '../extract/sniff.ts';
import { DEFAULT_LIMITS, type ExtractedContent, ExtractionFailure, type FailureReason } from '../extract/types.ts';
import { loadEmbedder } from '../settings.service.ts';
import { embedChunksJob, processDocumentJob } from './definitions.ts';
import { recordEmbeddingError } from './embed-chunks.job.ts';

/** More chunks than this in one document is refused (a generous bound for knowledge, and for memory). */
const MAX_CHUNKS = 20_000;

type ProcessDeps = Pick<Deps, 'database' | 'storage' | 'config' | 'logger' | 'secrets' | 'queue'>;

/** The handler of `knowledge.process-document`. */
export function processDocumentHandler(deps: ProcessDeps): JobHandler<{ organizationId: string; versionId: string }> {
  return (payload, ctx) => processVersion(deps, payload.organizationId, payload.versionId, ctx);
}

/**
 * Reads a version (file, web page or entry), chunks it, embeds the chunks when a provider is set (best
 * effort), and in one transaction stores the chunks and makes the version active — replacing the previous
 * one, whose chunks go in the same transaction. Bad input ends the version `failed` with a reason code;
 * temporary problems (a site that does not answer) are retried, and the last attempt fails with a reason.
 */
export async function processVersion(deps: ProcessDeps, organizationId: string, versionId: string, ctx: Pick<JobContext, 'attempt'>): Promise<void> {
  const db = deps.database.db;
  const version = await findVersion(db, organizationId, versionId);
  if (!version || version.status === 'ready' || version.status === 'failed') return;
  const document = await getDocumentRow(db, organizationId, version.documentId).catch(() => null);
  if (!document) return;
  if (document.latestVersionId !== versionId) return markSuperseded(deps, version);
  await setProcessing(deps, organizationId, version);

  try {
    const { content: extracted, sizeBytes } = await extract(deps, version);
    const orgLanguage = await organizationLanguage(deps, organizationId);
    const language = parseLanguage(document.languageOverride) ?? detectLanguage(extracted.text, orgLanguage);
    const chunks = prepareChunks(extracted.qa ? chunkQaItems(extracted.qa) : chunkText(extracted.text));
    if (chunks.length === 0) throw new ExtractionFailure('no_extractable_text');
    if (chunks.length > MAX_CHUNKS) throw new ExtractionFailure('too_much_text', { maxChunks: MAX_CHUNKS });
    const title = document.source === 'url' && document.title === version.url && extracted.title ? extracted.title.slice(0, 200) : document.title;
    const vectors = await embedBestEffort(deps, organizationId, chunks.map((c) => ({ id: c.id, text: embeddingTextOf(c, title) })));

    const outcome = await db.transaction(async (tx) => {
      const current = await getDocumentRow(tx, organizationId, document.id, true).catch(() => null);
      // Deleted or re-uploaded meanwhile: this version is no longer wanted.
      if (!current || current.latestVersionId !== versionId) return { switched: false as const };
      await deleteVersionChunks(tx, organizationId, versionId);
      await insertChunks(tx, { organizationId, documentId: document.id, versionId, title, tsConfig: TS_CONFIG[language], chunks });
      if (vectors) await upsertEmbeddings(tx, organizationId, vectors.key, vectors.items);
      await applyTermStatistics(tx, organizationId, versionId, 1);
      let oldKey: string | null = null;
      if (current.activeVersionId && current.activeVersionId !== versionId) {
        await applyTermStatistics(tx, organizationId, current.activeVersionId, -1);
        await deleteVersionChunks(tx, organizationId, current.activeVersionId);
        const [old] = await tx
          .update(knowledgeDocumentVersions)
          .set({ storageKey: null })
          .where(eq(knowledgeDocumentVersions.id, current.activeVersionId))
          .returning({ storageKey: knowledgeDocumentVersions.storageKey });
        oldKey = old?.storageKey ?? null;
      }
      const now = new Date();
      await tx
        .update(knowledgeDocumentVersions)
        .set({ status: 'ready', format: extracted.format, language, sizeBytes, chunkCount: chunks.length, pageCount: extracted.pageCount ?? null, processedAt: now, failureReason: null, failureParams: null })
        .where(eq(knowledgeDocumentVersions.id, versionId));
      await tx
        .update(knowledgeDocuments)
        .set({
          title,
          status: 'ready',
          failureReason: null,
          failureParams: null,
          activeVersionId: versionId,
          format: extracted.format,
          language,
          chunkCount: chunks.length,
          pageCount: extracted.pageCount ?? null,
          sizeBytes,
          processedAt: now,
          updatedAt: now,
        })
        .where(eq(knowledgeDocuments.id, document.id));
      if (!vectors?.complete) await deps.queue.enqueue(embedChunksJob, { organizationId }, { tx, idempotencyKey: `version:${versionId}` });
      return { switched: true as const, oldKey };
    });
    if (!outcome.switched) return markSuperseded(deps, version);
    if (outcome.oldKey && outcome.oldKey !== version.storageKey) await deps.storage.delete(outcome.oldKey).catch(() => {});
  } catch (err) {
    const failure = asFailure(err);
    if (failure) {
      if (failure.temporary && ctx.attempt < (processDocumentJob.maxAttempts ?? 3)) throw new RetryableError(`${failure.reason}: will retry`);
      return markFailed(deps, version, failure.reason, failure.params);
    }
    if (ctx.attempt >= (processDocumentJob.maxAttempts ?? 3)) {
      deps.logger.error({ err, organizationId, versionId }, 'knowledge document processing failed');
      return markFailed(deps, version, 'processing_error', {});
    }
    throw err;
  }
}

async function extract(deps: ProcessDeps, version: VersionRow): Promise<{ content: ExtractedContent; sizeBytes: number }> {
  const budget = { timeoutMs: deps.config.knowledge.parseTimeoutMs, maxHeapMb: deps.config.knowledge.parseMemoryMb, limits: DEFAULT_LIMITS };
  if (version.source === 'entry') {
    const text = (version.content ?? '').replace(/\r\n?/g, '\n');
    if (!text.trim()) throw new ExtractionFailure('empty_file');
    return { content: { format: 'entry', text }, sizeBytes: Buffer.byteLength(text) };
  }
  let bytes: Uint8Array;
  let fileName = version.fileName;
  let contentType = version.contentType;
  if (version.source === 'url') {
    const res = await safeFetch(
      version.url ?? '',
      { headers: { accept: 'text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5' } },
      { allowPrivateNetwork: deps.config.allowPrivateNetwork, timeoutMs: 30_000, maxResponseBytes: deps.config.knowledge.maxFileBytes },
    );
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new ExtractionFailure('url_fetch_failed', { status: res.status });
    }
    bytes = new Uint8Array(await readBody(res));
    contentType = res.headers.get('content-type');
    fileName = new URL(res.url || version.url || 'http://x/').pathname.split('/').pop() || null;
  } else {
    if (!version.storageKey) throw new ExtractionFailure('file_missing');
    bytes = new Uint8Array(await deps.storage.read(version.storageKey));
  }
  if (bytes.length > deps.config.knowledge.maxFileBytes) {
    throw new ExtractionFailure('file_too_large', { maxMb: Math.round(deps.config.knowledge.maxFileBytes / (1024 * 1024)) });
  }
  const format = sniffFormat(bytes, fileName, contentType);
  return { content: await runExtraction(format, bytes, budget), sizeBytes: bytes.length };
}

/** Embeds a new version's chunks before it goes live; on any failure the embeddings job catches up later. */
async function embedBestEffort(deps: ProcessDeps, organizationId: string, items: { id: string; text: string }[]) {
  if (!(await deps.database.hasVector())) return null;
  const embedder = await loadEmbedder(deps, organizationId);
  if (!embedder) return null;
  try {
    const vectors = await embedder.embed(items.map((i) => i.text), { signal: AbortSignal.timeout(120_000) });
    await ensureVectorStore(deps.database, vectors[0]?.length);
    return { key: embedder.key, complete: true, items: items.map((item, i) => ({ chunkId: item.id, vector: vectors[i]! })) };
  } catch (err) {
    await recordEmbeddingError(deps, organizationId, err);
    return null;
  }
}

function asFailure(err: unknown): { reason: FailureReason; params: Record<string, string | number>; temporary: boolean } | undefined {
  if (err instanceof ExtractionFailure) return { reason: err.reason, params: err.params, temporary: false };
  if (err instanceof FileNotFoundError) return { reason: 'file_missing', params: {}, temporary: false };
  if (err instanceof OutboundHttpError) {
    const reason: FailureReason =
      err.code === 'blocked_address' || err.code === 'unsupported_protocol' || err.code === 'invalid_url'
        ? 'url_blocked'
        : err.code === 'too_large'
          ? 'url_too_large'
          : err.code === 'too_many_redirects'
            ? 'url_fetch_failed'
            : 'url_unreachable';
    return { reason, params: {}, temporary: err.temporary };
  }
  return undefined;
}

async function setProcessing(deps: ProcessDeps, organizationId: string, version: VersionRow): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    await tx.update(knowledgeDocumentVersions).set({ status: 'processing' }).where(eq(knowledgeDocumentVersions.id, version.id));
    await tx
      .update(knowledgeDocuments)
      .set({ status: 'processing', updatedAt: new Date() })
      .where(and(eq(knowledgeDocuments.id, version.documentId), eq(knowledgeDocuments.organizationId, organizationId), eq(knowledgeDocuments.latestVersionId, version.id)));
  });
}

async function markFailed(deps: ProcessDeps, version: VersionRow, reason: FailureReason, params: Record<string, string | number>): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    const now = new Date();
    await tx
      .update(knowledgeDocumentVersions)
      .set({ status: 'failed', failureReason: reason, failureParams: params, processedAt: now })
      .where(eq(knowledgeDocumentVersions.id, version.id));
    // The document shows the failure only if this is still its latest version; an active older version keeps answering.
    await tx
      .update(knowledgeDocuments)
      .set({ status: 'failed', failureReason: reason, failureParams: params, updatedAt: now })
      .where(and(eq(knowledgeDocuments.id, version.documentId), eq(knowledgeDocuments.organizationId, version.organizationId), eq(knowledgeDocuments.latestVersionId, version.id)));
  });
}

/** A newer upload arrived while this one waited: drop this version and its file. */
async function markSuperseded(deps: ProcessDeps, version: VersionRow): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    await deleteVersionChunks(tx, version.organizationId, version.id);
    await tx.delete(knowledgeDocumentVersions).where(eq(knowledgeDocumentVersions.id, version.id));
  });
  if (version.storageKey) await deps.storage.delete(version.storageKey).catch(() => {});
}

async function organizationLanguage(deps: ProcessDeps, organizationId: string) {
  const [org] = await deps.database.db.select({ locale: organizations.locale }).from(organizations).where(eq(organizations.id, organizationId));
  return parseLanguage(org?.locale) ?? 'other';
}
