import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { localEmbedding } from './local-embedding.ts';

/** One request the fake received, for assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** JSON bodies parsed, `multipart/form-data` bodies as `MultipartBody`, anything else as text. */
  body: unknown;
  /** The body's bytes as received. */
  raw: Buffer;
}

/** A parsed `multipart/form-data` body: its text fields and its files. */
export interface MultipartBody {
  fields: Record<string, string>;
  files: Record<string, { filename: string; contentType: string; data: Buffer }>;
}

/** What a route handler returns: a status and a JSON body (OpenAI answers JSON everywhere but streams). */
export interface FakeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One scripted chat completion: tool calls for the client to run, or the final text. */
export type ChatStep = { toolCalls: { name: string; arguments: Record<string, unknown> }[]; usage?: ChatUsage } | { text: string; usage?: ChatUsage };
/** Token counts reported by a scripted completion. */
export interface ChatUsage {
  prompt: number;
  completion: number;
}

/** A route handler; may also write to `res` itself (e.g. a server-sent-events stream) and return undefined. */
export type FakeRoute = (req: RecordedRequest, res: http.ServerResponse) => Promise<FakeReply | undefined> | FakeReply | undefined;

/** Options of the fake server. */
export interface FakeOpenAIOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 in OpenAI's error format otherwise). */
  apiKey?: string;
  /** The embedding of one input; defaults to the deterministic `localEmbedding`. */
  embed?: (text: string, model: string, dimensions: number | undefined) => number[];
  /**
   * What `POST /v1/audio/transcriptions` hears in a file; defaults to the words `fakeSpeech` put in it.
   * Return null for audio with no recognizable speech (OpenAI's 400 "might be corrupted or unsupported").
   */
  transcribe?: (audio: Buffer, fields: Record<string, string>) => string | null;
}

/** A running fake; `baseUrl` ends in `/v1`, as OpenAI-compatible clients expect. */
export interface FakeOpenAIServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Adds or replaces a route, e.g. `route('POST', '/v1/chat/completions', handler)`. */
  route(method: string, path: string, handler: FakeRoute): void;
  /** Makes the next `count` requests fail with `status` (OpenAI error body), e.g. 429 or 500. */
  failNext(count: number, status: number, message?: string): void;
  /** Delays every answer by `ms` (timeouts). */
  setDelay(ms: number): void;
  /**
   * Scripts `POST /v1/chat/completions` (non-streaming): each request takes the next step — tool calls
   * or a final text — answered in OpenAI's wire format with token usage. After the script runs out,
   * requests get a 500. A step may be a function of the request (to echo tool results back, say).
   */
  scriptChat(steps: (ChatStep | ((req: RecordedRequest) => ChatStep))[]): void;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible HTTP server on 127.0.0.1 speaking the real wire format — today
 * `POST /v1/embeddings` (`{ model, input, encoding_format, dimensions }` → `{ object: 'list', data: [{
 * object: 'embedding', index, embedding }], model, usage }`), `GET /v1/models`, `POST
 * /v1/audio/transcriptions` (multipart `file`, `model`, `language?`, `prompt?`, `response_format?` →
 * `{ text, usage }`, text, SRT, VTT or verbose JSON) and `POST /v1/audio/speech` (`{ model, input, voice,
 * response_format?, speed?, instructions? }` → audio bytes); other endpoints (chat completions) plug in
 * with `route`. Tests point real providers (the AI SDK) at it instead of the internet.
 *
 * Speech round-trips: `/v1/audio/speech` returns a real container (Ogg/Opus, MP3, WAV or raw PCM) whose
 * metadata carries the words, and `/v1/audio/transcriptions` reads them back — so a test builds a
 * customer's voice note with `fakeSpeech(text)` and the fake "hears" exactly that text.
 */
export async function startFakeOpenAIServer(options: FakeOpenAIOptions = {}): Promise<FakeOpenAIServer> {
  const routes = new Map<string, FakeRoute>();
  const requests: RecordedRequest[] = [];
  const failures: { status: number; message: string }[] = [];
  let delayMs = 0;
  const embed = options.embed ?? ((text, _model, dimensions) => localEmbedding(text, dimensions ?? 256));

  routes.set('POST /v1/embeddings', (req) => {
    const body = req.body as { model?: unknown; input?: unknown; dimensions?: unknown; encoding_format?: unknown };
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (typeof body.model !== 'string' || !Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) {
      return openAIError(400, "'input' must be a non-empty string or array of strings and 'model' a string", 'invalid_request_error');
    }
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : undefined;
    const data = inputs.map((text: string, index) => {
      const vector = embed(text, body.model as string, dimensions);
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const tokens = inputs.reduce((n: number, t: string) => n + Math.ceil(t.length / 4), 0);
    return { status: 200, body: { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
  });
  routes.set('POST /v1/audio/transcriptions', (req, res) => transcriptionRoute(req, res, options.transcribe ?? ((audio) => readFakeSpeech(audio))));
  routes.set('POST /v1/audio/speech', speechRoute);
  routes.set('GET /v1/models', () => ({
    status: 200,
    body: { object: 'list', data: [{ id: 'text-embedding-3-small', object: 'model', created: 0, owned_by: 'fake' }] },
  }));

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    let body: unknown = raw;
    const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    if (boundary) body = parseMultipart(bytes, boundary[1] ?? boundary[2]!);
    else {
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // keep the raw text; the route decides
      }
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, raw: bytes };
    requests.push(recorded);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    let reply: FakeReply | undefined;
    const failure = failures.shift();
    if (failure) reply = openAIError(failure.status, failure.message, failure.status === 429 ? 'rate_limit_exceeded' : 'server_error');
    else if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      reply = openAIError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    } else {
      const route = routes.get(`${recorded.method} ${path}`);
      reply = route ? await route(recorded, res) : openAIError(404, `Unknown request URL: ${recorded.method} ${path}`, 'invalid_request_error');
    }
    if (!reply || res.headersSent) return;
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    route: (method, path, handler) => {
      routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    failNext: (count, status, message = 'The server had an error while processing your request.') => {
      for (let i = 0; i < count; i++) failures.push({ status, message });
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    scriptChat: (steps) => {
      const queue = [...steps];
      let n = 0;
      routes.set('POST /v1/chat/completions', (req) => {
        const next = queue.shift();
        if (!next) return openAIError(500, 'The chat script ran out of steps', 'server_error');
        const step = typeof next === 'function' ? next(req) : next;
        const model = (req.body as { model?: string } | undefined)?.model ?? 'fake';
        const usage = step.usage ?? { prompt: 120, completion: 30 };
        const message =
          'text' in step
            ? { role: 'assistant', content: step.text }
            : { role: 'assistant', content: null, tool_calls: step.toolCalls.map((c) => ({ id: `call_${++n}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })) };
        return {
          status: 200,
          body: {
            id: `chatcmpl-${n}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model,
            choices: [{ index: 0, message, finish_reason: 'text' in step ? 'stop' : 'tool_calls' }],
            usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
          },
        };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A response in OpenAI's error format. */
export function openAIError(status: number, message: string, type: string, code: string | null = null): FakeReply {
  return { status, body: { error: { message, type, param: null, code } } };
}

/** Parses a `multipart/form-data` body (RFC 7578); a malformed body yields what could be read. */
export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const out: MultipartBody = { fields: {}, files: {} };
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next === -1) break;
    // A part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = body.subarray(afterDelimiter + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const disposition = /content-disposition:\s*form-data([^\r\n]*)/i.exec(headers)?.[1] ?? '';
      const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
      const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
      const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
      if (name !== undefined) {
        if (filename !== undefined) out.files[name] = { filename, contentType, data: Buffer.from(content) };
        else out.fields[name] = content.toString('utf8');
      }
    }
    start = next;
  }
  return out;
}

/** The formats `/v1/audio/transcriptions` accepts, by file extension (OpenAI checks the name). */
const TRANSCRIBABLE = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm'];
const MAX_TRANSCRIPTION_BYTES = 25 * 1024 * 1024;
const LANGUAGE_NAMES: Record<string, string> = { es: 'spanish', pt: 'portuguese', en: 'english', fr: 'french', de: 'german', it: 'italian' };

function transcriptionRoute(req: RecordedRequest, res: http.ServerResponse, hear: (audio: Buffer, fields: Record<string, string>) => string | null): FakeReply | undefined {
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
    return openAIError(400, `Invalid Content-Type header ('${req.headers['content-type'] ?? ''}'), expected multipart/form-data.`, 'invalid_request_error');
  }
  const { fields, files } = req.body as MultipartBody;
  const file = files.file;
  if (!file) return openAIError(400, "1 validation error for Request\nbody -> file\n  field required (type=value_error.missing)", 'invalid_request_error');
  if (!fields.model) return openAIError(400, 'you must provide a model parameter', 'invalid_request_error');
  if (file.data.length > MAX_TRANSCRIPTION_BYTES) {
    return openAIError(413, `Maximum content size limit (${MAX_TRANSCRIPTION_BYTES}) exceeded (${file.data.length} bytes read)`, 'invalid_request_error');
  }
  const extension = file.filename.split('.').pop()?.toLowerCase() ?? '';
  if (!TRANSCRIBABLE.includes(extension)) {
    return openAIError(400, `Invalid file format. Supported formats: ${JSON.stringify(TRANSCRIBABLE)}`, 'invalid_request_error', 'invalid_value');
  }
  const text = hear(file.data, fields);
  if (text === null) return openAIError(400, 'Audio file might be corrupted or unsupported', 'invalid_request_error', 'invalid_value');
  const duration = Math.max(1, Math.round(text.split(/\s+/).length / 2.5));
  const whisper = fields.model.startsWith('whisper');
  const format = fields.response_format ?? 'json';
  if (!whisper && (format === 'verbose_json' || format === 'srt' || format === 'vtt')) {
    return openAIError(400, `response_format '${format}' is not compatible with model '${fields.model}'. Use 'json' or 'text'.`, 'invalid_request_error', 'unsupported_value');
  }
  const stamp = (seconds: number, sep: string) => `00:00:${String(seconds).padStart(2, '0')}${sep}000`;
  switch (format) {
    case 'json':
      return {
        status: 200,
        body: {
          text,
          usage: whisper
            ? { type: 'duration', seconds: duration }
            : { type: 'tokens', input_tokens: duration * 10, input_token_details: { text_tokens: 0, audio_tokens: duration * 10 }, output_tokens: Math.ceil(text.length / 4), total_tokens: duration * 10 + Math.ceil(text.length / 4) },
        },
      };
    case 'verbose_json': {
      const language = LANGUAGE_NAMES[fields.language ?? ''] ?? 'english';
      const segment = { id: 0, seek: 0, start: 0, end: duration, text: ` ${text}`, tokens: [50364], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01 };
      return { status: 200, body: { task: 'transcribe', language, duration, text, segments: [segment], usage: { type: 'duration', seconds: duration } } };
    }
    case 'text':
    case 'srt':
    case 'vtt': {
      const out =
        format === 'text' ? `${text}\n` : format === 'srt' ? `1\n${stamp(0, ',')} --> ${stamp(duration, ',')}\n${text}\n\n` : `WEBVTT\n\n${stamp(0, '.')} --> ${stamp(duration, '.')}\n${text}\n\n`;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(out);
      return undefined;
    }
    default:
      return openAIError(400, `'${format}' is not one of ['json', 'text', 'srt', 'verbose_json', 'vtt'] - 'response_format'`, 'invalid_request_error', 'invalid_value');
  }
}

/** OpenAI's built-in voices. */
export const OPENAI_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];
/** The formats the fake synthesizes (OpenAI also has aac and flac). */
export type FakeSpeechFormat = 'mp3' | 'opus' | 'wav' | 'pcm';
const SPEECH_TYPES: Record<FakeSpeechFormat, string> = { mp3: 'audio/mpeg', opus: 'audio/ogg', wav: 'audio/wav', pcm: 'audio/pcm' };

function speechRoute(req: RecordedRequest, res: http.ServerResponse): FakeReply | undefined {
  const body = (req.body ?? {}) as { model?: unknown; input?: unknown; voice?: unknown; response_format?: unknown; speed?: unknown };
  if (typeof body.model !== 'string' || !body.model) return openAIError(400, 'you must provide a model parameter', 'invalid_request_error');
  if (typeof body.input !== 'string' || !body.input) return openAIError(400, "'input' is a required property", 'invalid_request_error');
  if (body.input.length > 4096) return openAIError(400, `'input' is too long: ${body.input.length} characters; the maximum is 4096`, 'invalid_request_error', 'string_above_max_length');
  const voice = typeof body.voice === 'object' && body.voice && 'id' in body.voice ? String(body.voice.id) : body.voice;
  if (typeof voice !== 'string' || !(OPENAI_VOICES.includes(voice) || voice.startsWith('voice_'))) {
    return openAIError(400, `Invalid value: '${String(voice)}'. Supported values are: ${OPENAI_VOICES.map((v) => `'${v}'`).join(', ')}.`, 'invalid_request_error', 'invalid_value');
  }
  if (body.speed !== undefined && body.speed !== null && (typeof body.speed !== 'number' || body.speed < 0.25 || body.speed > 4)) {
    return openAIError(400, `Invalid 'speed': ${String(body.speed)}. Expected a value between 0.25 and 4.`, 'invalid_request_error', 'invalid_value');
  }
  const format = body.response_format ?? 'mp3';
  if (format === 'aac' || format === 'flac') return openAIError(400, `The fake OpenAI server does not synthesize ${format}; use mp3, opus, wav or pcm.`, 'invalid_request_error', 'invalid_value');
  if (typeof format !== 'string' || !(format in SPEECH_TYPES)) {
    return openAIError(400, `Invalid value: '${String(format)}'. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', and 'pcm'.`, 'invalid_request_error', 'invalid_value');
  }
  const audio = fakeSpeech(body.input, format as FakeSpeechFormat);
  res.writeHead(200, { 'content-type': SPEECH_TYPES[format as FakeSpeechFormat], 'transfer-encoding': 'chunked' });
  res.end(audio);
  return undefined;
}

const SPEECH_MARK = /charla-fake-speech:([A-Za-z0-9+/=]*);/;
const speechTag = (text: string) => Buffer.from(`charla-fake-speech:${Buffer.from(text, 'utf8').toString('base64')};`, 'latin1');

/** The words a `fakeSpeech` file says, or null for any other audio. */
export function readFakeSpeech(audio: Buffer): string | null {
  const match = SPEECH_MARK.exec(audio.toString('latin1'));
  return match ? Buffer.from(match[1]!, 'base64').toString('utf8') : null;
}

/**
 * A short, well-formed audio file "saying" `text`: Ogg/Opus (OpusHead, OpusTags with the words in a
 * comment, one silent frame, with real page CRCs), MP3 (an ID3v2.4 TXXX frame and one silent MPEG
 * frame), WAV (a LIST/INFO comment and silence) or raw 24 kHz PCM (silence after the words' tag).
 */
export function fakeSpeech(text: string, format: FakeSpeechFormat = 'opus'): Buffer {
  const tag = speechTag(text);
  switch (format) {
    case 'opus': {
      const head = Buffer.alloc(19);
      head.write('OpusHead', 0, 'latin1');
      head.writeUInt8(1, 8); // version
      head.writeUInt8(1, 9); // mono
      head.writeUInt16LE(312, 10); // pre-skip
      head.writeUInt32LE(24_000, 12); // input sample rate
      head.writeInt16LE(0, 16); // output gain
      head.writeUInt8(0, 18); // channel mapping family
      const vendor = Buffer.from('charla-fake-openai', 'latin1');
      const tags = Buffer.concat([Buffer.from('OpusTags', 'latin1'), u32le(vendor.length), vendor, u32le(1), u32le(tag.length), tag]);
      const silence = Buffer.from([0xf8, 0xff, 0xfe]); // one 20 ms silent frame
      return Buffer.concat([oggPage(head, 0x02, 0n, 0), oggPage(tags, 0x00, 0n, 1), oggPage(silence, 0x04, 960n, 2)]);
    }
    case 'mp3': {
      const value = Buffer.concat([Buffer.from([3]), Buffer.from('charla', 'latin1'), Buffer.from([0]), tag]);
      const frame = Buffer.concat([Buffer.from('TXXX', 'latin1'), syncsafe(value.length), Buffer.from([0, 0]), value]);
      const id3 = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0]), syncsafe(frame.length), frame]);
      const mpeg = Buffer.alloc(417);
      mpeg.set([0xff, 0xfb, 0x90, 0x64]); // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz
      return Buffer.concat([id3, mpeg]);
    }
    case 'wav': {
      const comment = tag.length % 2 ? Buffer.concat([tag, Buffer.from([0])]) : tag;
      const info = Buffer.concat([Buffer.from('INFOICMT', 'latin1'), u32le(comment.length), comment]);
      const fmt = Buffer.alloc(16);
      fmt.writeUInt16LE(1, 0); // PCM
      fmt.writeUInt16LE(1, 2); // mono
      fmt.writeUInt32LE(24_000, 4);
      fmt.writeUInt32LE(48_000, 8);
      fmt.writeUInt16LE(2, 12);
      fmt.writeUInt16LE(16, 14);
      const data = Buffer.alloc(960);
      const chunks = Buffer.concat([Buffer.from('WAVE', 'latin1'), chunk('fmt ', fmt), chunk('LIST', info), chunk('data', data)]);
      return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(chunks.length), chunks]);
    }
    case 'pcm':
      return Buffer.concat([tag, Buffer.alloc(960)]);
  }
}

const u32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const syncsafe = (n: number) => Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
const chunk = (id: string, data: Buffer) => Buffer.concat([Buffer.from(id, 'latin1'), u32le(data.length), data]);

/** One Ogg page (RFC 3533) holding one whole packet. */
function oggPage(packet: Buffer, headerType: number, granule: bigint, sequence: number): Buffer {
  const lacing: number[] = [];
  for (let left = packet.length; ; left -= 255) {
    lacing.push(Math.min(left, 255));
    if (left < 255) break;
  }
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header.writeUInt8(0, 4);
  header.writeUInt8(headerType, 5);
  header.writeBigUInt64LE(granule, 6);
  header.writeUInt32LE(0x43484c41, 14); // stream serial number
  header.writeUInt32LE(sequence, 18);
  header.writeUInt8(lacing.length, 26);
  const page = Buffer.concat([header, Buffer.from(lacing), packet]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

let crcTable: Uint32Array | undefined;
/** Ogg's CRC-32 (polynomial 0x04c11db7, not reflected), over the page with its CRC field zeroed. */
function oggCrc(data: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let r = i << 24;
      for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
      crcTable[i] = r >>> 0;
    }
  }
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}
