import { createSafeFetch, OutboundHttpError, type SafeFetchOptions } from '../outbound-http/safe-fetch.ts';

/**
 * Speech for the assistant over OpenAI's audio API (`POST /v1/audio/transcriptions` and
 * `POST /v1/audio/speech`), which OpenAI-compatible servers (LocalAI, speaches, vLLM…) speak too.
 * Calls go through the AI SDK (`experimental_transcribe` / `experimental_generateSpeech`), loaded on
 * first use so startup never pays for it, and every request goes through the SSRF-guarded fetch.
 */

/** Providers with an audio API. */
export type AudioProvider = 'openai' | 'openai_compatible';

/** What it takes to call a provider's audio API; the key is already decrypted and must never be logged. */
export interface AudioConfig {
  provider: AudioProvider;
  apiKey: string | null;
  baseUrl: string | null;
}

/** The largest file OpenAI transcribes (25 MB). */
export const MAX_TRANSCRIPTION_BYTES = 25 * 1024 * 1024;
/** The longest text one speech request accepts (characters). */
export const MAX_SPEECH_CHARACTERS = 4096;

/** Models used when the settings do not name one: OpenAI's current ones, the conventional names elsewhere. */
export const AUDIO_MODELS: Record<AudioProvider, { transcription: string; speech: string }> = {
  openai: { transcription: 'gpt-4o-mini-transcribe', speech: 'gpt-4o-mini-tts' },
  openai_compatible: { transcription: 'whisper-1', speech: 'tts-1' },
};

/** Why an audio call failed, in terms callers can show and act on. */
export type AudioErrorCode = 'too_large' | 'no_speech' | 'blocked' | 'auth' | 'rate_limited' | 'unavailable' | 'bad_request' | 'network';

/** A failed audio call, classified; never carries the key or the request. */
export class AudioError extends Error {
  override name = 'AudioError';
  constructor(
    readonly code: AudioErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A transcript. */
export interface Transcript {
  text: string;
  /** ISO 639-1 code when the provider reported one. */
  language: string | null;
  model: string;
}

/** Synthesized speech: Ogg/Opus, which WhatsApp plays as a voice note. */
export interface Speech {
  data: Buffer;
  mimeType: 'audio/ogg';
  model: string;
}

/** Transcribes an audio file (`audio/ogg`, `audio/mpeg`, `audio/mp4`, `audio/wav`…). */
export async function transcribeAudio(config: AudioConfig, audio: Buffer, http: SafeFetchOptions = {}, model = AUDIO_MODELS[config.provider].transcription): Promise<Transcript> {
  if (audio.length > MAX_TRANSCRIPTION_BYTES) throw new AudioError('too_large', `The audio has ${audio.length} bytes; the provider transcribes at most ${MAX_TRANSCRIPTION_BYTES}`);
  const { experimental_transcribe: transcribe } = await import('ai');
  const provider = await providerOf(config, http);
  try {
    const result = await transcribe({ model: provider.transcription(model), audio: new Uint8Array(audio), maxRetries: 1 });
    const text = result.text.trim();
    if (!text) throw new AudioError('no_speech', 'The provider heard no speech in the audio');
    return { text, language: result.language ?? null, model };
  } catch (err) {
    throw await classify(err);
  }
}

/** Reads `text` aloud with `voice`, as Ogg/Opus. */
export async function synthesizeSpeech(config: AudioConfig, text: string, voice: string, http: SafeFetchOptions = {}, model = AUDIO_MODELS[config.provider].speech): Promise<Speech> {
  const { experimental_generateSpeech: generateSpeech } = await import('ai');
  const provider = await providerOf(config, http);
  try {
    const result = await generateSpeech({ model: provider.speech(model), text: text.slice(0, MAX_SPEECH_CHARACTERS), voice, outputFormat: 'opus', maxRetries: 1 });
    const data = Buffer.from(result.audio.uint8Array);
    // The Ogg container starts with "OggS"; anything else is not the voice note WhatsApp needs.
    if (data.subarray(0, 4).toString('latin1') !== 'OggS') throw new AudioError('bad_request', 'The provider did not return Ogg/Opus audio');
    return { data, mimeType: 'audio/ogg', model };
  } catch (err) {
    throw await classify(err);
  }
}

async function providerOf(config: AudioConfig, http: SafeFetchOptions) {
  const { createOpenAI } = await import('@ai-sdk/openai');
  const baseURL = config.baseUrl?.replace(/\/+$/, '') || (config.provider === 'openai_compatible' ? 'http://127.0.0.1:11434/v1' : undefined);
  return createOpenAI({
    // Local servers often need no key; the SDK still sends the header, so give it a placeholder.
    apiKey: config.apiKey || (config.provider === 'openai_compatible' ? 'not-needed' : ''),
    ...(baseURL ? { baseURL } : {}),
    name: config.provider === 'openai' ? 'openai' : 'openai-compatible',
    fetch: guardedFetch(http),
  });
}

/**
 * The SSRF-guarded fetch, with multipart bodies serialized here: the guard sends bytes, so the
 * `multipart/form-data; boundary=…` header a `FormData` body implies must be set explicitly.
 */
function guardedFetch(http: SafeFetchOptions): typeof fetch {
  const safe = createSafeFetch({ timeoutMs: 120_000, maxResponseBytes: 32 * 1024 * 1024, ...http });
  return async (input, init) => {
    if (init?.body instanceof FormData) {
      const encoded = new Response(init.body);
      const headers = new Headers(init.headers);
      headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
      return safe(input, { ...init, headers, body: new Uint8Array(await encoded.arrayBuffer()) });
    }
    return safe(input, init);
  };
}

async function classify(err: unknown): Promise<AudioError> {
  if (err instanceof AudioError) return err;
  const { APICallError, NoTranscriptGeneratedError, NoSpeechGeneratedError, RetryError } = await import('ai');
  const last = RetryError.isInstance(err) ? err.lastError : err;
  if (NoTranscriptGeneratedError.isInstance(last)) return new AudioError('no_speech', 'The provider heard no speech in the audio');
  if (NoSpeechGeneratedError.isInstance(last)) return new AudioError('bad_request', 'The provider returned no audio');
  const cause = (last as { cause?: unknown })?.cause;
  const outbound = last instanceof OutboundHttpError ? last : cause instanceof OutboundHttpError ? cause : undefined;
  if (outbound) {
    if (outbound.code === 'blocked_address' || outbound.code === 'unsupported_protocol' || outbound.code === 'invalid_url') return new AudioError('blocked', outbound.message);
    if (outbound.code === 'too_large') return new AudioError('too_large', outbound.message);
    return new AudioError('network', outbound.message);
  }
  if (APICallError.isInstance(last)) {
    const status = last.statusCode ?? 0;
    if (status === 401 || status === 403) return new AudioError('auth', 'The provider rejected the API key');
    if (status === 413) return new AudioError('too_large', 'The provider refused the file as too large');
    if (status === 429) return new AudioError('rate_limited', 'The provider is rate limiting requests');
    if (status >= 500 || status === 0) return new AudioError('unavailable', `The provider is unavailable (HTTP ${status || 'error'})`);
    return new AudioError('bad_request', `The provider refused the request (HTTP ${status}): ${last.message.slice(0, 200)}`);
  }
  if ((last as Error)?.name === 'AbortError' || (last as Error)?.name === 'TimeoutError') return new AudioError('network', 'The request timed out');
  return new AudioError('network', `Unexpected failure: ${String((last as Error)?.message ?? last).slice(0, 200)}`);
}
