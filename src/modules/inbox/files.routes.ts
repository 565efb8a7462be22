import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePrincipal } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { AppError, validationError } from '../../shared/errors.ts';
import { FileNotFoundError } from '../../adapters/storage/local-storage.ts';
import { getFileForPrincipal, removeFile, storeFile } from './files.service.ts';
import type { StoredFile } from '../../db/schema/index.ts';

/** The largest upload (WhatsApp documents go up to 100 MB). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

const fileSchema = z.object({
  id: z.uuid().describe('File id; use it as `fileId` when sending media.'),
  filename: z.string().nullable().describe('The uploaded file\'s name; null when it had none.'),
  mimeType: z.string().describe('Detected from the content when recognizable, otherwise as uploaded.'),
  size: z.number().int().describe('Size in bytes.'),
  sha256: z.string().describe('SHA-256 of the content, hex-encoded.'),
  url: z.string().describe('Authenticated download URL.'),
  createdAt: z.iso.datetime().describe('When it was uploaded.'),
});
const presentFile = (f: StoredFile) => ({
  id: f.id,
  filename: f.filename,
  mimeType: f.mimeType,
  size: f.size,
  sha256: f.sha256,
  url: `/api/v1/files/${f.id}/content`,
  createdAt: f.createdAt.toISOString(),
});

const tags = ['Inbox'];

/** Uploads (to send as media) and authenticated downloads of stored files. */
export function registerFileRoutes(app: App, deps: Deps) {
  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    await scope.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, parts: 6 } });

    scope.post(
      '/api/v1/files',
      {
        bodyLimit: MAX_UPLOAD_BYTES + 1024 * 1024,
        schema: {
          tags,
          summary: 'Upload a file',
          description: 'multipart/form-data with one `file` part. Send it afterwards with `{type: "media", fileId}`.',
          consumes: ['multipart/form-data'],
          response: { 201: fileSchema },
        },
      },
      async (req, reply) => {
        const principal = requirePrincipal(req);
        if (!req.isMultipart()) throw validationError('Send the file as multipart/form-data', [{ path: 'file', message: 'Required' }], 'multipart_required');
        const part = await req.file();
        if (!part) throw validationError('No file in the request', [{ path: 'file', message: 'Required' }], 'file_required');
        const filename = safeFilename(part.filename);
        const stored = await storeFile(deps, deps.database.db, {
          organizationId: principal.organizationId,
          data: part.file,
          mimeType: part.mimetype || 'application/octet-stream',
          filename,
          source: 'upload',
          uploadedByMembershipId: principal.kind === 'user' ? principal.membershipId : null,
        });
        if (part.file.truncated) {
          await removeFile(deps, deps.database.db, stored);
          throw new AppError('payload_too_large', 'file_too_large', `Files can be at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
        }
        return reply.status(201).send(presentFile(stored));
      },
    );
  });

  app.get(
    '/api/v1/files/:id',
    { schema: { tags, summary: 'Get a file\'s details', description: 'Name, type, size and checksum of an uploaded or received file, and its download URL.', params: idParams, response: { 200: fileSchema } } },
    async (req) => presentFile(await getFileForPrincipal(deps.database.db, requirePrincipal(req), req.params.id)),
  );

  app.get(
    '/api/v1/files/:id/content',
    { schema: { tags, summary: 'Download a file', description: 'Media of conversations you cannot see answers 404.', params: idParams } },
    async (req, reply) => {
      const file = await getFileForPrincipal(deps.database.db, requirePrincipal(req), req.params.id);
      let opened: Awaited<ReturnType<Deps['storage']['get']>>;
      try {
        opened = await deps.storage.get(file.storageKey);
      } catch (err) {
        if (err instanceof FileNotFoundError) throw new AppError('not_found', 'file_content_missing', 'The file\'s content is missing from storage');
        throw err;
      }
      const inline = /^(image|audio|video)\//.test(file.mimeType) || file.mimeType === 'application/pdf';
      const name = encodeURIComponent(file.filename ?? file.id);
      return reply
        .header('content-type', file.mimeType)
        .header('content-length', String(opened.size))
        .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${name}`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, max-age=3600')
        .send(opened.stream);
    },
  );
}

/** A filename safe to store and echo in Content-Disposition: no path separators or control characters. */
function safeFilename(name: string): string | null {
  const cleaned = [...name].map((c) => (c.charCodeAt(0) < 32 || c === '/' || c === '\\' ? '_' : c)).join('');
  return cleaned.trim().slice(0, 240) || null;
}
