import type { z } from 'zod';
import { lightRequest } from '../../shared/light-fetch.ts';
import { buildMarkReadBody, buildMessageBody, type JsonObject } from './build-message.ts';
import { classifyGraphError, networkGraphError } from './graph-errors.ts';
import {
  createTemplateResponseSchema,
  mediaResponseSchema,
  normalizeComponentCase,
  phoneNumberResponseSchema,
  sendResponseSchema,
  successResponseSchema,
  templateComponentSchema,
  templatePageSchema,
  uploadHandleSchema,
  uploadResponseSchema,
  uploadSessionSchema,
} from './graph-schemas.ts';
import {
  type CreateTemplateInput,
  DEFAULT_GRAPH_API_URL,
  DEFAULT_GRAPH_API_VERSION,
  type DownloadedMedia,
  GraphApiError,
  type MediaInfo,
  type MessageTemplate,
  NETWORK_ERROR_CODE,
  type OutboundMessage,
  type PhoneNumberInfo,
  type SendResult,
  type TemplateDefinitionComponent,
  type TemplatePage,
  type WhatsAppCloudApi,
  type WhatsAppCredentials,
} from './types.ts';

/** Tuning of the HTTP client. */
export interface WhatsAppCloudClientOptions {
  /**
   * fetch implementation for every call (default: {@link lightRequest} for the JSON calls — a campaign
   * makes up to a thousand a second —, the global fetch for uploads and for media downloads, which it streams).
   */
  fetch?: typeof fetch;
  /** Per-request timeout for Graph calls, default 20 s. */
  timeoutMs?: number;
  /** Timeout for media downloads, default 120 s. */
  downloadTimeoutMs?: number;
  /** Largest media download accepted, default 100 MB (Meta's own maximum). */
  maxDownloadBytes?: number;
}

const TEMPLATE_FIELDS = 'id,name,language,status,category,parameter_format,components,rejected_reason';

type Query = Record<string, string | number | undefined>;

/**
 * The WhatsApp Cloud API over HTTP (see `WhatsAppCloudClientOptions.fetch`). Every failure is a classified {@link GraphApiError}; a 200
 * from `sendMessage` only means "accepted" (delivery and most failures arrive as status webhooks).
 */
export class WhatsAppCloudClient implements WhatsAppCloudApi {
  readonly #credentials: WhatsAppCredentials;
  /** The fetch given in the options, if any (tests); otherwise the light client serves the JSON calls. */
  readonly #given: typeof fetch | undefined;
  readonly #fetch: typeof fetch;
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #downloadTimeoutMs: number;
  readonly #maxDownloadBytes: number;

  constructor(credentials: WhatsAppCredentials, options: WhatsAppCloudClientOptions = {}) {
    this.#credentials = credentials;
    this.#given = options.fetch;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    const root = (credentials.graphApiUrl ?? DEFAULT_GRAPH_API_URL).replace(/\/+$/, '');
    this.#base = `${root}/${credentials.graphApiVersion ?? DEFAULT_GRAPH_API_VERSION}`;
    this.#timeoutMs = options.timeoutMs ?? 20_000;
    this.#downloadTimeoutMs = options.downloadTimeoutMs ?? 120_000;
    this.#maxDownloadBytes = options.maxDownloadBytes ?? 100 * 1024 * 1024;
  }

  async sendMessage(to: string, message: OutboundMessage): Promise<SendResult> {
    const answer = await this.#call('POST', `/${this.#credentials.phoneNumberId}/messages`, sendResponseSchema, {
      json: buildMessageBody(to, message),
    });
    const [first] = answer.messages;
    return { wamid: first?.id ?? '', waId: answer.contacts?.[0]?.wa_id, messageStatus: first?.message_status };
  }

  async markRead(wamid: string, options: { typing?: boolean } = {}): Promise<void> {
    await this.#call('POST', `/${this.#credentials.phoneNumberId}/messages`, successResponseSchema, {
      json: buildMarkReadBody(wamid, options.typing ?? false),
    });
  }

  async uploadMedia(data: Uint8Array, mimeType: string, filename: string): Promise<{ id: string }> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', mimeType);
    form.append('file', new Blob([new Uint8Array(data)], { type: mimeType }), filename);
    return this.#call('POST', `/${this.#credentials.phoneNumberId}/media`, uploadResponseSchema, { form });
  }

  async getMedia(mediaId: string): Promise<MediaInfo> {
    const m = await this.#call('GET', `/${encodeURIComponent(mediaId)}`, mediaResponseSchema, {
      query: { phone_number_id: this.#credentials.phoneNumberId },
    });
    return { id: m.id, url: m.url, mimeType: m.mime_type, sha256: m.sha256, fileSize: m.file_size };
  }

  async downloadMedia(url: string): Promise<DownloadedMedia> {
    let response: Response;
    try {
      // The lookaside URL needs the same Bearer token; without it Meta answers an error page.
      response = await this.#fetch(url, {
        headers: { authorization: `Bearer ${this.#credentials.accessToken}` },
        redirect: 'follow',
        signal: AbortSignal.timeout(this.#downloadTimeoutMs),
      });
    } catch (err) {
      throw networkGraphError(`Media download failed: ${describeFetchError(err)}`, err);
    }
    if (!response.ok) {
      throw classifyGraphError(response.status, await readJson(response), response.headers.get('retry-after'));
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > this.#maxDownloadBytes) {
      await response.body?.cancel();
      throw new GraphApiError({
        message: `Media is ${declared} bytes, over the ${this.#maxDownloadBytes}-byte limit`,
        httpStatus: response.status,
        code: 131052,
        classification: 'permanent',
      });
    }
    const data = Buffer.from(await response.arrayBuffer());
    const mimeType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
    return { data, mimeType };
  }

  async fetchMedia(mediaId: string): Promise<DownloadedMedia & { sha256: string; fileSize: number }> {
    const info = await this.getMedia(mediaId);
    const file = await this.downloadMedia(info.url);
    // Meta's metadata knows the real type better than a CDN's content-type header.
    return { data: file.data, mimeType: info.mimeType || file.mimeType, sha256: info.sha256, fileSize: info.fileSize || file.data.length };
  }

  async deleteMedia(mediaId: string): Promise<void> {
    await this.#call('DELETE', `/${encodeURIComponent(mediaId)}`, successResponseSchema, {
      query: { phone_number_id: this.#credentials.phoneNumberId },
    });
  }

  async getPhoneNumber(): Promise<PhoneNumberInfo> {
    const p = await this.#call('GET', `/${this.#credentials.phoneNumberId}`, phoneNumberResponseSchema, {
      query: { fields: 'id,display_phone_number,verified_name,quality_rating,throughput,code_verification_status,name_status,platform_type' },
    });
    return {
      id: p.id,
      displayPhoneNumber: p.display_phone_number,
      verifiedName: p.verified_name,
      qualityRating: p.quality_rating,
      throughputLevel: p.throughput?.level,
      codeVerificationStatus: p.code_verification_status,
      nameStatus: p.name_status,
      platformType: p.platform_type,
    };
  }

  async listTemplates(options: { limit?: number; after?: string; name?: string; status?: string } = {}): Promise<TemplatePage> {
    const page = await this.#call('GET', `/${this.#credentials.wabaId}/message_templates`, templatePageSchema, {
      query: { fields: TEMPLATE_FIELDS, limit: options.limit ?? 100, after: options.after, name: options.name, status: options.status },
    });
    const nextCursor = page.paging?.next ? page.paging.cursors?.after : undefined;
    return { templates: page.data.map(toTemplate), nextCursor };
  }

  async listAllTemplates(options: { name?: string; status?: string } = {}): Promise<MessageTemplate[]> {
    const all: MessageTemplate[] = [];
    let after: string | undefined;
    // A WABA holds at most 250 templates (per language); the page cap only guards against a looping cursor.
    for (let pages = 0; pages < 100; pages++) {
      const page = await this.listTemplates({ ...options, after, limit: 100 });
      all.push(...page.templates);
      if (!page.nextCursor || page.nextCursor === after) break;
      after = page.nextCursor;
    }
    return all;
  }

  async createTemplate(input: CreateTemplateInput): Promise<{ id: string; status: string; category: string }> {
    const json = {
      name: input.name,
      language: input.language,
      category: input.category,
      ...(input.parameterFormat ? { parameter_format: input.parameterFormat } : {}),
      components: input.components,
    };
    return this.#call('POST', `/${this.#credentials.wabaId}/message_templates`, createTemplateResponseSchema, { json });
  }

  async editTemplate(templateId: string, input: { components: TemplateDefinitionComponent[]; category?: CreateTemplateInput['category'] }): Promise<void> {
    const json = { components: input.components, ...(input.category ? { category: input.category } : {}) };
    await this.#call('POST', `/${encodeURIComponent(templateId)}`, successResponseSchema, { json });
  }

  async uploadTemplateSample(appId: string, data: Uint8Array, mimeType: string, filename: string): Promise<string> {
    // Meta's resumable upload: open a session on the app, then send the bytes at offset 0.
    const session = await this.#call('POST', `/${encodeURIComponent(appId)}/uploads`, uploadSessionSchema, {
      query: { file_name: filename, file_length: data.byteLength, file_type: mimeType },
    });
    const uploaded = await this.#call('POST', `/${session.id}`, uploadHandleSchema, {
      raw: data,
      headers: { file_offset: '0', 'content-type': 'application/octet-stream' },
      authScheme: 'OAuth',
    });
    return uploaded.h;
  }

  async deleteTemplate(name: string, templateId?: string): Promise<void> {
    await this.#call('DELETE', `/${this.#credentials.wabaId}/message_templates`, successResponseSchema, {
      query: { name, hsm_id: templateId },
    });
  }

  async subscribeApp(): Promise<void> {
    await this.#call('POST', `/${this.#credentials.wabaId}/subscribed_apps`, successResponseSchema, {});
  }

  /** One Graph call: auth header, timeout, JSON answer validated by `schema`, errors classified. */
  async #call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: S,
    options: { json?: JsonObject | object; form?: FormData; raw?: Uint8Array; query?: Query; headers?: Record<string, string>; authScheme?: 'Bearer' | 'OAuth' },
  ): Promise<z.output<S>> {
    const url = new URL(`${this.#base}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = {
      authorization: `${options.authScheme ?? 'Bearer'} ${this.#credentials.accessToken}`,
      accept: 'application/json',
      ...options.headers,
    };
    let body: string | FormData | Blob | undefined;
    if (options.json) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      body = options.form;
    } else if (options.raw) {
      body = new Blob([new Uint8Array(options.raw)]);
    }
    let response: { status: number; retryAfter: string | null; payload: unknown };
    try {
      const signal = AbortSignal.timeout(this.#timeoutMs);
      if (this.#given === undefined && (body === undefined || typeof body === 'string')) {
        const r = await lightRequest(url, { method, headers, body, signal });
        const retryAfter = r.headers['retry-after'];
        response = { status: r.status, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, payload: parseJson(r.body.toString('utf8')) };
      } else {
        const r = await this.#fetch(url, { method, headers, body, signal });
        response = { status: r.status, retryAfter: r.headers.get('retry-after'), payload: await readJson(r) };
      }
    } catch (err) {
      throw networkGraphError(`${method} ${path}: ${describeFetchError(err)}`, err);
    }
    const { payload } = response;
    if (response.status < 200 || response.status > 299) throw classifyGraphError(response.status, payload, response.retryAfter);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new GraphApiError({
        message: `${method} ${path}: unexpected answer from the Graph API`,
        httpStatus: response.status,
        code: NETWORK_ERROR_CODE,
        classification: 'retryable',
        details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    }
    return parsed.data;
  }
}

function toTemplate(t: z.output<typeof templatePageSchema>['data'][number]): MessageTemplate {
  const components: TemplateDefinitionComponent[] = [];
  const otherComponents: unknown[] = [];
  for (const raw of t.components) {
    const parsed = templateComponentSchema.safeParse(normalizeComponentCase(raw));
    if (parsed.success) components.push(parsed.data);
    else otherComponents.push(raw);
  }
  const template: MessageTemplate = { id: t.id, name: t.name, language: t.language, status: t.status, category: t.category, components };
  if (t.parameter_format) template.parameterFormat = t.parameter_format;
  if (otherComponents.length) template.otherComponents = otherComponents;
  if (t.rejected_reason) template.rejectedReason = t.rejected_reason;
  return template;
}

async function readJson(response: Response): Promise<unknown> {
  return parseJson(await response.text().catch(() => ''));
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeFetchError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
