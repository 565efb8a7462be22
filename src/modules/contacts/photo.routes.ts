import { and, eq } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import { z } from 'zod';
import type { Deps } from '../../container.ts';
import { FileNotFoundError } from '../../adapters/storage/local-storage.ts';
import { contacts } from '../../db/schema/index.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { AppError } from '../../shared/errors.ts';
import { randomToken } from '../../shared/ids.ts';
import { contactNotFound } from './contacts.errors.ts';
import { findContact } from './contacts.repository.ts';
import { contactSchema, presentContact } from './contacts.schemas.ts';
import { getContact } from './contacts.service.ts';

/** Largest profile photo accepted. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };
const tags = ['Contacts'];

/** `/api/v1/contacts/{id}/photo`: upload, read and remove a contact's profile photo. */
export function registerPhotoRoutes(app: App, deps: Deps) {
  const db = deps.database.db;

  app.put(
    '/api/v1/contacts/:id/photo',
    {
      schema: {
        tags,
        summary: 'Upload a contact\'s profile photo',
        description: '`multipart/form-data` with one `file`: JPEG, PNG, WebP or GIF up to 5 MB (the type is checked from the bytes). Replaces the current photo.',
        consumes: ['multipart/form-data'],
        params: idParams,
        response: { 200: contactSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'contacts.write');
      const current = await findContact(db, p.organizationId, req.params.id);
      if (!current) throw contactNotFound();
      if (!req.isMultipart()) throw new AppError('validation', 'multipart_required', 'Send the photo as multipart/form-data in a "file" field');
      const part = await req.file({ limits: { fileSize: MAX_PHOTO_BYTES, files: 1 }, throwFileSizeLimit: false });
      if (!part) throw new AppError('validation', 'file_required', 'Send the photo in a "file" field');
      const bytes = await part.toBuffer();
      if (part.file.truncated) throw new AppError('payload_too_large', 'photo_too_large', 'The photo is larger than 5 MB');
      const type = await fileTypeFromBuffer(bytes);
      if (!type || !TYPES[type.ext]) throw new AppError('unprocessable', 'photo_unsupported', 'Use a JPEG, PNG, WebP or GIF image');
      const key = `contacts/${p.organizationId}/${current.id}/photo-${randomToken(9)}.${type.ext}`;
      await deps.storage.put(key, bytes);
      const updated = await db
        .update(contacts)
        .set({ photoKey: key, updatedAt: new Date() })
        .where(and(eq(contacts.id, current.id), eq(contacts.organizationId, p.organizationId)))
        .returning({ id: contacts.id });
      if (updated.length === 0) {
        await deps.storage.delete(key);
        throw contactNotFound();
      }
      if (current.photoKey) await deps.storage.delete(current.photoKey);
      return presentContact(await getContact(db, p.organizationId, current.id));
    },
  );

  app.get(
    '/api/v1/contacts/:id/photo',
    { schema: { tags, summary: 'Get a contact\'s profile photo', params: idParams, response: { 200: z.any().describe('The image.') } } },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.read');
      const c = await findContact(db, p.organizationId, req.params.id);
      if (!c?.photoKey) throw new AppError('not_found', 'photo_not_found', 'This contact has no photo');
      try {
        const { stream, size } = await deps.storage.get(c.photoKey);
        const ext = c.photoKey.split('.').pop() ?? '';
        return reply
          .type(TYPES[ext] ?? 'application/octet-stream')
          .header('content-length', size)
          .header('cache-control', 'private, max-age=300')
          .header('x-content-type-options', 'nosniff')
          .send(stream);
      } catch (err) {
        if (err instanceof FileNotFoundError) throw new AppError('not_found', 'photo_not_found', 'This contact has no photo');
        throw err;
      }
    },
  );

  app.delete(
    '/api/v1/contacts/:id/photo',
    { schema: { tags, summary: 'Remove a contact\'s profile photo', params: idParams, response: { 200: contactSchema } } },
    async (req) => {
      const p = requirePermission(req, 'contacts.write');
      const c = await findContact(db, p.organizationId, req.params.id);
      if (!c) throw contactNotFound();
      if (c.photoKey) {
        await db.update(contacts).set({ photoKey: null, updatedAt: new Date() }).where(eq(contacts.id, c.id));
        await deps.storage.delete(c.photoKey);
      }
      return presentContact(await getContact(db, p.organizationId, c.id));
    },
  );
}
