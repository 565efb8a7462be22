import { and, eq, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../../container.ts';
import { contactImports } from '../../../db/schema/index.ts';
import { defineJob, type JobHandler } from '../../../jobs/queue.ts';

/** Uploads whose mapping was never confirmed are discarded after this long. */
export const ABANDONED_UPLOAD_MS = 24 * 3600_000;

/**
 * Hourly: imports left at the mapping step (the person closed the browser) are cancelled and their
 * uploaded files deleted — a file of contacts is personal data and must not linger.
 */
export const pruneImportsJob = defineJob({ name: 'contacts.prune-imports', payload: z.object({}), maxAttempts: 3 });

/** The handler, bound to the container. */
export function pruneImportsHandler(deps: Deps): JobHandler<Record<string, never>> {
  return async () => {
    const stale = await deps.database.db
      .select({ id: contactImports.id, fileKey: contactImports.fileKey })
      .from(contactImports)
      .where(and(eq(contactImports.status, 'uploaded'), lt(contactImports.createdAt, new Date(Date.now() - ABANDONED_UPLOAD_MS))))
      .limit(500);
    if (stale.length === 0) return;
    await deps.database.db
      .update(contactImports)
      .set({ status: 'cancelled', fileKey: null, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(inArray(contactImports.id, stale.map((s) => s.id)), eq(contactImports.status, 'uploaded')));
    for (const s of stale) if (s.fileKey) await deps.storage.delete(s.fileKey);
  };
}
