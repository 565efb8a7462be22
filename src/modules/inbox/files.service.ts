import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { and, eq } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { conversations, files, type StoredFile } from '../../db/schema/index.ts';
import { notFound } from '../../shared/errors.ts';
import { isUuid, newId } from '../../shared/ids.ts';
import type { Principal } from '../identity/policy.ts';
import { canSeeConversation } from './conversation-policy.ts';
import { loadInboxSettings } from './inbox-settings.ts';

const SNIFF_BYTES = 4100;

/** A file to keep: bytes plus what we know about them. */
export interface NewFile {
  organizationId: string;
  data: Buffer | Readable;
  mimeType: string;
  filename: string | null;
  source: 'upload' | 'inbound';
  conversationId?: string | null;
  uploadedByMembershipId?: string | null;
}

/**
 * Writes the bytes to storage under `<org>/<yyyy>/<mm>/<id>` and records the file. The row is written
 * after the bytes, so a file row always has its content; a crash in between leaves only an orphan
 * blob, never a dangling row.
 */
export async function storeFile(deps: Pick<Deps, 'storage'>, db: Db, input: NewFile): Promise<StoredFile> {
  const id = newId();
  const now = new Date();
  const key = `${input.organizationId}/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${id}`;
  const hash = createHash('sha256');
  let head: Buffer = Buffer.alloc(0);
  let size: number;
  if (Buffer.isBuffer(input.data)) {
    hash.update(input.data);
    head = input.data.subarray(0, SNIFF_BYTES);
    size = await deps.storage.put(key, input.data);
  } else {
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
        done(null, chunk);
      },
    });
    size = await deps.storage.put(key, input.data.pipe(tap));
  }
  // The content decides the type when it is recognizable (a .exe renamed .jpg is not an image).
  const sniffed = await fileTypeFromBuffer(head).catch(() => undefined);
  const [row] = await db
    .insert(files)
    .values({
      id,
      organizationId: input.organizationId,
      storageKey: key,
      mimeType: sniffed?.mime ?? input.mimeType,
      size,
      sha256: hash.digest('hex'),
      filename: input.filename,
      source: input.source,
      conversationId: input.conversationId ?? null,
      uploadedByMembershipId: input.uploadedByMembershipId ?? null,
      createdAt: now,
    })
    .returning();
  return row!;
}

/**
 * A file the principal may read: in their organization and, when it belongs to a conversation, in a
 * conversation they can see (404 otherwise, like a missing file).
 */
export async function getFileForPrincipal(db: Db, principal: Principal, id: string): Promise<StoredFile> {
  if (!isUuid(id)) throw notFound('File');
  const [row] = await db
    .select({ file: files, assigneeId: conversations.assigneeId })
    .from(files)
    .leftJoin(conversations, eq(conversations.id, files.conversationId))
    .where(and(eq(files.id, id), eq(files.organizationId, principal.organizationId)));
  if (!row) throw notFound('File');
  if (row.file.conversationId) {
    const { tickets } = await loadInboxSettings(db, principal.organizationId);
    if (!canSeeConversation(principal, { organizationId: row.file.organizationId, assigneeId: row.assigneeId }, tickets)) throw notFound('File');
  }
  return row.file;
}

/** Deletes a file's row and its bytes. */
export async function removeFile(deps: Pick<Deps, 'storage'>, db: Db, file: StoredFile): Promise<void> {
  await db.delete(files).where(eq(files.id, file.id));
  await deps.storage.delete(file.storageKey);
}
