import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { checkVersion, configuredLatency, requireToken } from './graph-auth.ts';
import { metaError } from './meta-errors.ts';

/** File types Meta's resumable upload takes for template header samples. */
const SAMPLE_TYPES = new Set(['application/pdf', 'image/jpeg', 'image/jpg', 'image/png', 'video/mp4']);
const MAX_SAMPLE_BYTES = 100 * 1024 * 1024;

interface UploadSession {
  token: string;
  fileName: string;
  fileLength: number;
  fileType: string;
}

const sessions = new WeakMap<EmulatorContext, Map<string, UploadSession>>();
const sessionsOf = (ctx: EmulatorContext) => {
  let map = sessions.get(ctx);
  if (!map) {
    map = new Map();
    sessions.set(ctx, map);
  }
  return map;
};

/**
 * Meta's resumable upload API, used for template header samples: `POST /{app-id}/uploads` opens a
 * session (`{ id: "upload:…" }`), then `POST /{upload-session-id}` with `file_offset: 0` and the raw
 * bytes answers the handle (`{ h: "4::…" }`) that goes in `example.header_handle`.
 */
export function registerUploadRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_SAMPLE_BYTES }, (_req, body, done) => done(null, body));

  app.post<{ Params: { version: string; appId: string }; Querystring: { file_name?: string; file_length?: string; file_type?: string } }>(
    '/:version/:appId/uploads',
    async (req) => {
      checkVersion(req.params.version);
      const token = requireToken(ctx, req);
      await configuredLatency(ctx);
      const { file_name: fileName, file_length: length, file_type: fileType } = req.query;
      const fileLength = Number(length);
      if (!fileName || !fileType || !Number.isInteger(fileLength) || fileLength <= 0) {
        throw metaError(100, 'The parameters file_name, file_length and file_type are required.');
      }
      if (!SAMPLE_TYPES.has(fileType)) throw metaError(100, `file_type ${fileType} is not supported; use application/pdf, image/jpeg, image/png or video/mp4.`);
      if (fileLength > MAX_SAMPLE_BYTES) throw metaError(100, 'The file is too large.');
      const id = `upload:${randomBytes(18).toString('base64url')}`;
      sessionsOf(ctx).set(id, { token, fileName, fileLength, fileType });
      return { id };
    },
  );
}

/** `POST /{upload-session-id}` (called by the object route for ids starting with `upload:`). */
export function finishUpload(ctx: EmulatorContext, id: string, token: string, offset: unknown, body: unknown): { h: string } {
  const session = sessionsOf(ctx).get(id);
  if (!session || session.token !== token) throw metaError(100, `Upload session ${id} was not found.`);
  if (String(offset ?? '') !== '0') throw metaError(100, 'Only file_offset 0 is supported by the emulator.');
  const data = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  if (data.length !== session.fileLength) throw metaError(100, `Expected ${session.fileLength} bytes, received ${data.length}.`);
  sessionsOf(ctx).delete(id);
  return { h: `4::${Buffer.from(`${session.fileType}:${session.fileName}`).toString('base64url')}:${randomBytes(12).toString('base64url')}` };
}
