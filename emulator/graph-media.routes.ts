import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { bearerToken, checkVersion, configuredLatency, ownedPhone, requireToken } from './graph-auth.ts';
import { newNumericId } from './ids.ts';
import { baseMime, mediaTypeInfo } from './media-types.ts';
import { invalidToken, MetaError, fbtraceId, metaError } from './meta-errors.ts';
import type { MediaRecord } from './state.ts';

const UPLOAD_TTL_MS = 30 * 24 * 3600_000;
/** The largest file WhatsApp accepts (documents); category limits are checked after upload. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** Stores a media file (an upload or a simulated inbound file) and returns its record. */
export function storeMedia(
  ctx: EmulatorContext,
  input: { phoneNumberId: string; data: Buffer; mimeType: string; filename?: string; origin: MediaRecord['origin'] },
): MediaRecord {
  const now = ctx.state.now();
  const digest = createHash('sha256').update(input.data).digest();
  const record: MediaRecord = {
    id: newNumericId(),
    phoneNumberId: input.phoneNumberId,
    data: input.data,
    mimeType: input.mimeType,
    filename: input.filename,
    sha256Hex: digest.toString('hex'),
    sha256Base64: digest.toString('base64'),
    origin: input.origin,
    createdAt: now,
    // Uploaded ids live 30 days; ids received in webhooks 7 days (reference §4).
    expiresAt: new Date(now.getTime() + (input.origin === 'upload' ? UPLOAD_TTL_MS : 7 * 24 * 3600_000)),
  };
  ctx.state.addMedia(record);
  return record;
}

/** The media record `id` if the token's WABA may see it (and, when given, it belongs to `phoneNumberId`). */
export function visibleMedia(ctx: EmulatorContext, token: string, id: string, phoneNumberId?: string): MediaRecord | undefined {
  const media = ctx.state.media.get(id);
  if (!media || media.expiresAt < ctx.state.now()) return undefined;
  const owner = ctx.state.phones.get(media.phoneNumberId);
  if (!owner || !ctx.state.phonesOfWaba(owner.wabaId).some((p) => p.accessToken === token)) return undefined;
  if (phoneNumberId !== undefined && phoneNumberId !== media.phoneNumberId) return undefined;
  return media;
}

/** `GET /{media-id}`: metadata plus a lookaside URL that expires (5 minutes) and needs the token. */
export function mediaInfo(ctx: EmulatorContext, req: FastifyRequest, media: MediaRecord) {
  const ext = Math.floor((ctx.state.now().getTime() + ctx.state.config.mediaUrlTtlMs) / 1000);
  const hash = signLookaside(ctx, media.id, ext);
  const url = `${req.protocol}://${req.host}/whatsapp_business/attachments/?mid=${media.id}&ext=${ext}&hash=${hash}`;
  return { messaging_product: 'whatsapp', url, mime_type: media.mimeType, sha256: media.sha256Hex, file_size: media.data.length, id: media.id };
}

function signLookaside(ctx: EmulatorContext, mid: string, ext: number): string {
  return createHmac('sha256', ctx.urlSigningKey).update(`${mid}:${ext}`).digest('base64url');
}

/** Media upload and the lookaside download URL. Metadata and delete live in `graph-objects.routes.ts`. */
export function registerMediaRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post<{ Params: { version: string; phoneNumberId: string } }>('/:version/:phoneNumberId/media', async (req) => {
    checkVersion(req.params.version);
    const token = requireToken(ctx, req);
    const phone = ownedPhone(ctx, token, req.params.phoneNumberId);
    await configuredLatency(ctx);
    if (!req.isMultipart()) throw metaError(100, 'Upload media as multipart/form-data with the fields messaging_product, type and file.');
    const fields: Record<string, string> = {};
    let file: { data: Buffer; mimeType: string; filename: string; truncated: boolean } | undefined;
    for await (const part of req.parts({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } })) {
      if (part.type === 'file') {
        const data = await part.toBuffer().catch(() => undefined);
        file = { data: data ?? Buffer.alloc(0), mimeType: part.mimetype, filename: part.filename, truncated: data === undefined || part.file.truncated };
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
    if (fields.messaging_product !== 'whatsapp') throw metaError(100, 'The parameter messaging_product is required and must be "whatsapp".');
    if (!file) throw metaError(131008, 'The parameter file is required.');
    if (file.truncated) throw metaError(131053, `The file is larger than ${MAX_UPLOAD_BYTES} bytes.`);
    const mimeType = baseMime(fields.type || file.mimeType);
    const info = mediaTypeInfo(mimeType);
    if (!info) throw metaError(131053, `Param file must be a file with one of the supported types; received ${mimeType || 'none'}.`);
    if (file.data.length === 0) throw metaError(131053, 'The file is empty.');
    if (file.data.length > info.maxBytes) throw metaError(131053, `${info.category} files may be at most ${info.maxBytes} bytes; this one has ${file.data.length}.`);
    const record = storeMedia(ctx, { phoneNumberId: phone.phoneNumberId, data: file.data, mimeType: fields.type || file.mimeType, filename: file.filename, origin: 'upload' });
    return { id: record.id };
  });

  // The fake lookaside CDN: needs the signed, unexpired URL *and* the Bearer token (reference §4).
  app.get<{ Querystring: { mid?: string; ext?: string; hash?: string } }>('/whatsapp_business/attachments/', async (req, reply) => {
    const { mid = '', ext = '', hash = '' } = req.query;
    const expected = signLookaside(ctx, mid, Number(ext));
    const valid = hash.length === expected.length && timingSafeEqual(Buffer.from(hash), Buffer.from(expected));
    if (!valid || Number(ext) * 1000 < ctx.state.now().getTime()) {
      throw new MetaError(404, { error: { message: 'URL signature expired', type: 'OAuthException', code: 100, fbtrace_id: fbtraceId() } });
    }
    const token = bearerToken(req);
    if (!token) throw invalidToken(true);
    const media = visibleMedia(ctx, token, mid);
    if (!media) {
      if (!ctx.state.media.has(mid)) throw new MetaError(404, { error: { message: 'Media not found', type: 'OAuthException', code: 100, fbtrace_id: fbtraceId() } });
      throw invalidToken(false);
    }
    return reply
      .header('content-type', media.mimeType)
      .header('content-length', media.data.length)
      .header('content-disposition', `attachment; filename="${(media.filename ?? media.id).replace(/["\\\r\n]/g, '_')}"`)
      .send(media.data);
  });
}
