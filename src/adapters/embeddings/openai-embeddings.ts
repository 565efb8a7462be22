import { createHash } from 'node:crypto';
import type { EmbeddingModel } from 'ai';
import { createSafeFetch, OutboundHttpError, type SafeFetchOptions } from '../outbound-http/safe-fetch.ts';

/** Embeddings providers: OpenAI itself, or any server speaking its API (Ollama, vLLM, LM Studio, LocalAI...). */
export const EMBEDDING_PROVIDERS = ['openai', 'openai_compatible'] as const;
export type EmbeddingProvider = (typeof EMBEDDING_PROVIDERS)[number];

/** Where and how to embed. */
export interface EmbeddingsConfig {
  provider: EmbeddingProvider;
  /** Required for `openai_compatible` (e.g. `http://127.0.0.1:11434/v1`); optional for `openai`. */
  baseUrl: string | null;
  model: string;
  apiKey: string | null;
  /** Output dimensions, for models that can shorten their vectors (text-embedding-3-*). */
  dimensions: number | null;
}

/** The embeddings port the knowledge module uses; tests point it at a fake OpenAI-compatible server. */
export interface Embedder {
  /** Fingerprint of provider, URL, model and dimensions: vectors made under another key are not comparable. */
  readonly key: string;
  embed(values: string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
}

/** How an embeddings call failed: temporary failures are retried, the rest need a person to fix the settings. */
export class EmbeddingError extends Error {
  override name = 'EmbeddingError';
  constructor(
    readonly code: 'auth' | 'rate_limited' | 'unavailable' | 'bad_request' | 'network' | 'blocked' | 'invalid_response',
    message: string,
    readonly temporary: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The fingerprint of a configuration (see `Embedder.key`). */
export function embeddingsKey(config: Pick<EmbeddingsConfig, 'provider' | 'baseUrl' | 'model' | 'dimensions'>): string {
  const id = [config.provider, (config.baseUrl ?? '').replace(/\/+$/, ''), config.model, config.dimensions ?? ''].join('|');
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

/**
 * An embedder over the AI SDK (`embedMany`), with every request going through the SSRF-guarded fetch.
 * Failures are classified (auth, rate limit, unavailable, bad request, network) instead of surfacing
 * vendor errors; retries are left to the caller's job. The AI SDK is imported on the first call: most
 * processes never embed, and loading it costs a start about 200 ms of CPU (see bench/foundation.bench.ts).
 */
export function createEmbedder(config: EmbeddingsConfig, http: SafeFetchOptions & { batchSize?: number }): Embedder {
  const fetch = createSafeFetch({ timeoutMs: 30_000, maxResponseBytes: 64 * 1024 * 1024, ...http });
  const baseURL = config.baseUrl?.replace(/\/+$/, '') || undefined;
  let model: Promise<EmbeddingModel> | undefined;
  const modelOf = () =>
    (model ??=
      config.provider === 'openai'
        ? import('@ai-sdk/openai').then(({ createOpenAI }) => createOpenAI({ apiKey: config.apiKey ?? '', baseURL, fetch }).embeddingModel(config.model))
        : import('@ai-sdk/openai-compatible').then(({ createOpenAICompatible }) =>
            createOpenAICompatible({ name: 'compatible', baseURL: baseURL ?? '', apiKey: config.apiKey ?? undefined, fetch }).embeddingModel(config.model),
          ));
  const providerOptions = config.dimensions
    ? { openai: { dimensions: config.dimensions }, openaiCompatible: { dimensions: config.dimensions } }
    : undefined;
  const batchSize = http.batchSize ?? 96;
  return {
    key: embeddingsKey(config),
    async embed(values, options = {}) {
      const [{ APICallError, embedMany }, embeddingModel] = await Promise.all([import('ai'), modelOf()]);
      const out: number[][] = [];
      for (let i = 0; i < values.length; i += batchSize) {
        const batch = values.slice(i, i + batchSize);
        try {
          const { embeddings } = await embedMany({ model: embeddingModel, values: batch, maxRetries: 0, abortSignal: options.signal, providerOptions });
          if (embeddings.length !== batch.length || embeddings.some((e) => !Array.isArray(e) || e.length === 0 || e.length !== embeddings[0]!.length)) {
            throw new EmbeddingError('invalid_response', 'The provider returned malformed embeddings', false);
          }
          out.push(...embeddings);
        } catch (err) {
          throw classify(err, APICallError);
        }
      }
      return out;
    },
  };
}

function classify(err: unknown, APICallError: typeof import('ai').APICallError): EmbeddingError {
  if (err instanceof EmbeddingError) return err;
  const cause = (err as { cause?: unknown })?.cause;
  const outbound = err instanceof OutboundHttpError ? err : cause instanceof OutboundHttpError ? cause : undefined;
  if (outbound) {
    if (outbound.code === 'blocked_address' || outbound.code === 'unsupported_protocol' || outbound.code === 'invalid_url') {
      return new EmbeddingError('blocked', outbound.message, false);
    }
    return new EmbeddingError('network', outbound.message, outbound.temporary);
  }
  if (APICallError.isInstance(err)) {
    const status = err.statusCode ?? 0;
    if (status === 401 || status === 403) return new EmbeddingError('auth', 'The provider rejected the API key', false);
    if (status === 429) {
      const retryAfter = Number(err.responseHeaders?.['retry-after']);
      return new EmbeddingError('rate_limited', 'The provider is rate limiting requests', true, Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
    }
    if (status >= 500 || status === 0) return new EmbeddingError('unavailable', `The provider is unavailable (HTTP ${status || 'error'})`, true);
    return new EmbeddingError('bad_request', `The provider refused the request (HTTP ${status}): ${err.message.slice(0, 200)}`, false);
  }
  if ((err as Error)?.name === 'AbortError') return new EmbeddingError('network', 'The request was cancelled', true);
  return new EmbeddingError('invalid_response', `Unexpected answer from the provider: ${String((err as Error)?.message ?? err).slice(0, 200)}`, false);
}
