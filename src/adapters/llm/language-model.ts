import type { LanguageModel } from 'ai';

/** Language-model providers Charla can talk to. */
export type LlmProvider = 'openai' | 'openai_compatible' | 'anthropic';

/** What it takes to build a model client; the key is already decrypted and must never be logged. */
export interface LanguageModelConfig {
  provider: LlmProvider;
  model: string;
  apiKey: string | null;
  baseUrl: string | null;
  /** The `fetch` the client uses (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

/**
 * Builds the AI SDK model for a provider — the only provider-specific code: OpenAI (or any
 * OpenAI-compatible server such as Ollama, vLLM or LM Studio through its base URL, on the Chat
 * Completions API they all speak) and Anthropic. The agent loop lives in modules/assistant.
 * The provider packages are imported on first use: most processes never call a model, and loading
 * them costs a start about 170 ms of CPU (see bench/foundation.bench.ts).
 */
export async function buildLanguageModel(config: LanguageModelConfig): Promise<LanguageModel> {
  switch (config.provider) {
    case 'openai': {
      const { createOpenAI } = await import('@ai-sdk/openai');
      return createOpenAI({ apiKey: config.apiKey ?? '', ...(config.baseUrl ? { baseURL: config.baseUrl } : {}), fetch: config.fetch }).chat(config.model);
    }
    case 'openai_compatible': {
      const { createOpenAI } = await import('@ai-sdk/openai');
      // Local servers often need no key; the SDK still sends a header, so give it a placeholder.
      return createOpenAI({ apiKey: config.apiKey || 'not-needed', baseURL: config.baseUrl ?? 'http://127.0.0.1:11434/v1', name: 'openai-compatible', fetch: config.fetch }).chat(config.model);
    }
    case 'anthropic': {
      const { createAnthropic } = await import('@ai-sdk/anthropic');
      return createAnthropic({ apiKey: config.apiKey ?? '', ...(config.baseUrl ? { baseURL: config.baseUrl } : {}), fetch: config.fetch })(config.model);
    }
  }
}

/** USD per million input/output tokens of well-known models; unknown (self-hosted) models cost nothing. */
const PRICES: [RegExp, number, number][] = [
  [/^gpt-4o-mini/, 0.15, 0.6],
  [/^gpt-4o/, 2.5, 10],
  [/^gpt-4\.1-nano/, 0.1, 0.4],
  [/^gpt-4\.1-mini/, 0.4, 1.6],
  [/^gpt-4\.1/, 2, 8],
  [/^gpt-5-nano/, 0.05, 0.4],
  [/^gpt-5-mini/, 0.25, 2],
  [/^gpt-5/, 1.25, 10],
  [/^gpt-3\.5/, 0.5, 1.5],
  [/haiku/, 0.8, 4],
  [/sonnet/, 3, 15],
  [/opus/, 15, 75],
];

/** Estimated cost of a call in millionths of a US dollar. */
export function estimateCostMicros(provider: LlmProvider, model: string, inputTokens: number, outputTokens: number): number {
  if (provider === 'openai_compatible') return 0;
  const price = PRICES.find(([re]) => re.test(model));
  if (!price) return 0;
  return Math.round(inputTokens * price[1] + outputTokens * price[2]);
}
