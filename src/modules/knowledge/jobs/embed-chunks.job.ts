import { eq } from 'drizzle-orm';
import { EmbeddingError } from '../../../adapters/embeddings/openai-embeddings.ts';
import type { Deps } from '../../../container.ts';
import { knowledgeSettings } from '../../../db/schema/index.ts';
import type { JobHandler } from '../../../jobs/queue.ts';
import { RetryableError } from '../../../shared/errors.ts';
import { chunksMissingEmbeddings, ensureVectorStore, upsertEmbeddings } from '../chunks.repository.ts';
import { embedderOf, readSettings } from '../settings.service.ts';

const PAGE = 256;

type EmbedDeps = Pick<Deps, 'database' | 'secrets' | 'config' | 'logger'>;

/**
 * The handler of `knowledge.embed-chunks`: embeds, page by page, every chunk of the organization that has
 * no vector under the current settings. Stops when the settings change under it (the change enqueues a
 * new run). Temporary provider failures retry with backoff; permanent ones (bad key, unknown model) are
 * recorded on the settings for a person to fix, and search stays lexical meanwhile.
 */
export function embedChunksHandler(deps: EmbedDeps): JobHandler<{ organizationId: string }> {
  return async ({ organizationId }, ctx) => {
    if (!(await deps.database.hasVector())) return;
    const settings = await readSettings(deps.database.db, organizationId);
    const embedder = embedderOf(deps, settings);
    if (!embedder || embedder.key !== settings.embeddingKey) return;
    await ensureVectorStore(deps.database);
    const indexed = new Set<number>();
    for (;;) {
      if (ctx.signal.aborted) return;
      const page = await chunksMissingEmbeddings(deps.database.db, organizationId, embedder.key, PAGE);
      if (page.length === 0) break;
      let vectors: number[][];
      try {
        vectors = await embedder.embed(
          page.map((c) => c.embeddingText),
          { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(120_000)]) },
        );
      } catch (err) {
        await recordEmbeddingError(deps, organizationId, err);
        if (err instanceof EmbeddingError && !err.temporary) return;
        throw new RetryableError(`embedding failed: ${(err as Error).message}`, err instanceof EmbeddingError ? err.retryAfterMs : undefined);
      }
      const dims = vectors[0]?.length ?? 0;
      if (!indexed.has(dims)) {
        await ensureVectorStore(deps.database, dims);
        indexed.add(dims);
      }
      const current = await readSettings(deps.database.db, organizationId);
      if (current.embeddingKey !== embedder.key) return;
      await upsertEmbeddings(
        deps.database.db,
        organizationId,
        embedder.key,
        page.map((c, i) => ({ chunkId: c.id, vector: vectors[i]! })),
      );
    }
    await deps.database.db
      .update(knowledgeSettings)
      .set({ lastEmbeddingError: null, lastEmbeddingErrorAt: null })
      .where(eq(knowledgeSettings.organizationId, organizationId));
  };
}

/** Remembers why embedding failed, for the settings page (never the key or the provider's raw body). */
export async function recordEmbeddingError(deps: Pick<Deps, 'database' | 'logger'>, organizationId: string, err: unknown): Promise<void> {
  const message = err instanceof EmbeddingError ? `${err.code}: ${err.message}` : 'unexpected error while embedding';
  deps.logger.warn({ organizationId, err: message }, 'knowledge embeddings failed');
  await deps.database.db
    .update(knowledgeSettings)
    .set({ lastEmbeddingError: message.slice(0, 500), lastEmbeddingErrorAt: new Date() })
    .where(eq(knowledgeSettings.organizationId, organizationId));
}
