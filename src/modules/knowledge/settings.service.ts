import { eq, sql } from 'drizzle-orm';
import { createEmbedder, type Embedder, EmbeddingError, type EmbeddingProvider, embeddingsKey } from '../../adapters/embeddings/openai-embeddings.ts';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { knowledgeSettings } from '../../db/schema/index.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { validationError } from '../../shared/errors.ts';
import { secretHint } from '../../shared/secrets.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { embedChunksJob } from './jobs/definitions.ts';

/** The answer threshold when an organization has not chosen one (tuned with `npm run eval:knowledge`). */
export const DEFAULT_ANSWER_THRESHOLD = 0.45;

type SettingsRow = typeof knowledgeSettings.$inferSelect;

/** What a settings change may contain; `apiKey: null` removes the key, absent keeps it. */
export interface SettingsPatch {
  embeddings?: { provider: 'none' | EmbeddingProvider; baseUrl?: string | null; model?: string | null; apiKey?: string | null; dimensions?: number | null };
  answerThreshold?: number | null;
}

/** Reads an organization's knowledge settings (defaults when never saved). */
export async function readSettings(db: Db, organizationId: string): Promise<SettingsRow> {
  const [row] = await db.select().from(knowledgeSettings).where(eq(knowledgeSettings.organizationId, organizationId));
  return (
    row ?? {
      organizationId,
      embeddingProvider: 'none',
      embeddingBaseUrl: null,
      embeddingModel: null,
      embeddingApiKey: null,
      embeddingDimensions: null,
      embeddingKey: null,
      lastEmbeddingError: null,
      lastEmbeddingErrorAt: null,
      answerThreshold: null,
      updatedAt: new Date(0),
    }
  );
}

/** The effective answer threshold of an organization. */
export async function answerThresholdOf(db: Db, organizationId: string): Promise<number> {
  return (await readSettings(db, organizationId)).answerThreshold ?? DEFAULT_ANSWER_THRESHOLD;
}

/** The organization's embedder, or null when no provider is configured. The API key is decrypted only here. */
export async function loadEmbedder(deps: Pick<Deps, 'database' | 'secrets' | 'config'>, organizationId: string): Promise<Embedder | null> {
  return embedderOf(deps, await readSettings(deps.database.db, organizationId));
}

/** Builds the embedder of a settings row (null for `none` or an incomplete configuration). */
export function embedderOf(deps: Pick<Deps, 'secrets' | 'config'>, row: SettingsRow): Embedder | null {
  if (row.embeddingProvider !== 'openai' && row.embeddingProvider !== 'openai_compatible') return null;
  if (!row.embeddingModel) return null;
  const apiKey = row.embeddingApiKey ? deps.secrets.decrypt(row.embeddingApiKey, row.organizationId) : null;
  return createEmbedder(
    { provider: row.embeddingProvider, baseUrl: row.embeddingBaseUrl, model: row.embeddingModel, apiKey, dimensions: row.embeddingDimensions },
    { allowPrivateNetwork: deps.config.allowPrivateNetwork },
  );
}

/** Settings as the API shows them: the key only as a hint, plus how far embedding has got. */
export async function presentSettings(deps: Pick<Deps, 'database' | 'secrets' | 'config'>, row: SettingsRow) {
  const [counts] = await rowsOf<{ total: number; embedded: number }>(
    deps.database.db,
    sql`select count(*)::int as total,
               ${row.embeddingKey && (await deps.database.hasVector()) ? sql`(select count(*)::int from knowledge_embeddings e where e.organization_id = ${row.organizationId} and e.model_key = ${row.embeddingKey})` : sql`0`} as embedded
          from knowledge_chunks c where c.organization_id = ${row.organizationId}`,
  );
  const key = row.embeddingApiKey ? deps.secrets.decrypt(row.embeddingApiKey, row.organizationId) : null;
  return {
    embeddings: {
      provider: row.embeddingProvider as 'none' | EmbeddingProvider,
      baseUrl: row.embeddingBaseUrl,
      model: row.embeddingModel,
      dimensions: row.embeddingDimensions,
      apiKey: secretHint(key),
    },
    answerThreshold: row.answerThreshold,
    effectiveAnswerThreshold: row.answerThreshold ?? DEFAULT_ANSWER_THRESHOLD,
    vectorSearchAvailable: await deps.database.hasVector(),
    maxFileBytes: deps.config.knowledge.maxFileBytes,
    embeddingStatus: {
      totalChunks: counts?.total ?? 0,
      embeddedChunks: counts?.embedded ?? 0,
      lastError: row.lastEmbeddingError,
      lastErrorAt: row.lastEmbeddingErrorAt?.toISOString() ?? null,
    },
  };
}

/**
 * Saves settings. Changing the provider, URL, model or dimensions drops the vectors made under the old
 * configuration; any embeddings change enqueues (in the same transaction) the embedding of every chunk
 * that lacks a vector under the new configuration.
 */
export async function updateSettings(deps: Pick<Deps, 'database' | 'secrets' | 'queue'>, organizationId: string, patch: SettingsPatch, actor: AuditActor): Promise<SettingsRow> {
  return deps.database.db.transaction(async (tx) => {
    const current = await readSettings(tx, organizationId);
    const next = { ...current };
    if (patch.answerThreshold !== undefined) next.answerThreshold = patch.answerThreshold;
    if (patch.embeddings) {
      const e = patch.embeddings;
      next.embeddingProvider = e.provider;
      if (e.provider === 'none') {
        Object.assign(next, { embeddingBaseUrl: null, embeddingModel: null, embeddingDimensions: null, embeddingApiKey: null });
      } else {
        if (e.baseUrl !== undefined) next.embeddingBaseUrl = e.baseUrl ? e.baseUrl.replace(/\/+$/, '') : null;
        if (e.model !== undefined) next.embeddingModel = e.model;
        if (e.dimensions !== undefined) next.embeddingDimensions = e.dimensions;
        if (e.apiKey !== undefined) next.embeddingApiKey = e.apiKey ? deps.secrets.encrypt(e.apiKey, organizationId) : null;
        const issues = [];
        if (!next.embeddingModel) issues.push({ path: 'embeddings.model', message: 'Choose the embedding model' });
        if (e.provider === 'openai_compatible' && !next.embeddingBaseUrl) issues.push({ path: 'embeddings.baseUrl', message: 'An OpenAI-compatible provider needs its base URL' });
        if (e.provider === 'openai' && !next.embeddingApiKey) issues.push({ path: 'embeddings.apiKey', message: 'OpenAI needs an API key' });
        if (issues.length) throw validationError('The embeddings settings are incomplete', issues, 'embeddings_incomplete');
      }
    }
    const configured = next.embeddingProvider !== 'none' && next.embeddingModel;
    next.embeddingKey = configured
      ? embeddingsKey({ provider: next.embeddingProvider as EmbeddingProvider, baseUrl: next.embeddingBaseUrl, model: next.embeddingModel!, dimensions: next.embeddingDimensions })
      : null;
    const changed = next.embeddingKey !== current.embeddingKey;
    if (changed) Object.assign(next, { lastEmbeddingError: null, lastEmbeddingErrorAt: null });
    const values = { ...next, organizationId, updatedAt: new Date() };
    const [saved] = await tx
      .insert(knowledgeSettings)
      .values(values)
      .onConflictDoUpdate({ target: knowledgeSettings.organizationId, set: values })
      .returning();
    if (changed && (await deps.database.hasVector())) {
      await tx.execute(sql`delete from knowledge_embeddings where organization_id = ${organizationId}`);
    }
    // Also after a new API key with the same model: chunks a refused key left without vectors are embedded now.
    if (next.embeddingKey && (changed || patch.embeddings)) {
      await deps.queue.enqueue(embedChunksJob, { organizationId }, { tx, idempotencyKey: `${organizationId}:${next.embeddingKey}:${Date.now()}` });
    }
    await recordAudit(tx, {
      organizationId,
      actor,
      action: 'knowledge.settings_updated',
      targetType: 'knowledge_settings',
      targetId: organizationId,
      data: { provider: next.embeddingProvider, model: next.embeddingModel, baseUrl: next.embeddingBaseUrl, apiKeyChanged: patch.embeddings?.apiKey !== undefined, answerThreshold: next.answerThreshold },
    });
    return saved!;
  });
}

/** Tries the configured provider with one tiny embedding; reports what went wrong in a person's terms. */
export async function testEmbeddings(deps: Pick<Deps, 'database' | 'secrets' | 'config'>, organizationId: string) {
  const embedder = await loadEmbedder(deps, organizationId);
  if (!embedder) return { ok: false as const, code: 'not_configured', message: 'No embeddings provider is configured' };
  try {
    const [vector] = await embedder.embed(['Charla connection test'], { signal: AbortSignal.timeout(15_000) });
    return { ok: true as const, dimensions: vector?.length ?? 0 };
  } catch (err) {
    const e = err instanceof EmbeddingError ? err : new EmbeddingError('invalid_response', String(err), false);
    return { ok: false as const, code: e.code, message: e.message };
  }
}
