import { and, asc, desc, eq, gt, lt } from 'drizzle-orm';
import type { Deps } from '../../../container.ts';
import type { Db } from '../../../db/client.ts';
import { type ContactImportOptions, contactGroups, contactImportErrors, contactImports } from '../../../db/schema/index.ts';
import { type FieldIssue, validationError } from '../../../shared/errors.ts';
import { decodeCursor, paginate } from '../../../shared/pagination.ts';
import { importNotFound, importState } from '../contacts.errors.ts';
import { loadFieldDefs } from '../contacts.repository.ts';
import { importContactsJob } from '../jobs/import-contacts.job.ts';
import { type ImportTarget, STANDARD_TARGETS } from './header-matching.ts';

/** A stored import. */
export type ImportRow = typeof contactImports.$inferSelect;
/** A stored error row. */
export type ImportErrorRow = typeof contactImportErrors.$inferSelect;

/** What the mapping step sends to start an import. */
export interface StartImportInput {
  mapping: string[];
  dedupe: ContactImportOptions['dedupe'];
  groupId?: string | null;
  createMissingGroups?: boolean;
}

/** One import of the organization (404 otherwise). */
export async function getImport(db: Db, organizationId: string, id: string): Promise<ImportRow> {
  const [row] = await db.select().from(contactImports).where(and(eq(contactImports.organizationId, organizationId), eq(contactImports.id, id)));
  if (!row) throw importNotFound();
  return row;
}

/** The organization's imports, newest first. */
export async function listImports(db: Db, organizationId: string, q: { cursor?: string; limit: number }) {
  const after = decodeCursor(q.cursor, 1);
  const rows = await db
    .select()
    .from(contactImports)
    .where(and(eq(contactImports.organizationId, organizationId), after ? lt(contactImports.id, String(after[0])) : undefined))
    .orderBy(desc(contactImports.id))
    .limit(q.limit + 1);
  return paginate(rows, q.limit, (r) => [r.id]);
}

/**
 * Confirms the mapping and options of an uploaded import and queues it (the job is enqueued in the
 * same transaction, so it exists exactly when the import is `queued`). Every column maps to a
 * contact attribute, a custom field or `ignore`; no target twice; a phone or e-mail column is needed.
 */
export async function startImport(deps: Deps, organizationId: string, id: string, input: StartImportInput): Promise<ImportRow> {
  return deps.database.db.transaction(async (tx) => {
    const [imp] = await tx
      .select()
      .from(contactImports)
      .where(and(eq(contactImports.organizationId, organizationId), eq(contactImports.id, id)))
      .for('update');
    if (!imp) throw importNotFound();
    if (imp.status !== 'uploaded') throw importState(`The import is already ${imp.status}`);
    const mapping = await validateMapping(tx, organizationId, imp.headers.length, input.mapping);
    let groupId: string | null = input.groupId ?? null;
    if (groupId) {
      const [g] = await tx
        .select({ id: contactGroups.id })
        .from(contactGroups)
        .where(and(eq(contactGroups.organizationId, organizationId), eq(contactGroups.id, groupId)));
      if (!g) throw validationError('Unknown group', [{ path: 'groupId', message: 'Unknown group' }]);
      groupId = g.id;
    }
    const options: ContactImportOptions = { dedupe: input.dedupe, groupId, createMissingGroups: input.createMissingGroups ?? true };
    const [updated] = await tx
      .update(contactImports)
      .set({ status: 'queued', mapping, options, updatedAt: new Date() })
      .where(eq(contactImports.id, id))
      .returning();
    await deps.queue.enqueue(importContactsJob, { importId: id, organizationId }, { idempotencyKey: id, tx });
    return updated!;
  });
}

async function validateMapping(tx: Db, organizationId: string, columns: number, mapping: string[]): Promise<ImportTarget[]> {
  const issues: FieldIssue[] = [];
  if (mapping.length !== columns) {
    throw validationError(`The mapping must have one entry per column (${columns})`, [{ path: 'mapping', message: `Expected ${columns} entries` }], 'mapping_invalid');
  }
  const keys = new Set((await loadFieldDefs(tx, organizationId)).map((f) => f.key));
  const used = new Map<string, number>();
  mapping.forEach((target, i) => {
    if (target === 'ignore') return;
    const known = (STANDARD_TARGETS as readonly string[]).includes(target) || (target.startsWith('field:') && keys.has(target.slice(6)));
    if (!known) issues.push({ path: `mapping.${i}`, message: `Unknown target "${target}"` });
    else if (used.has(target)) issues.push({ path: `mapping.${i}`, message: `"${target}" is already mapped to column ${used.get(target)! + 1}` });
    else used.set(target, i);
  });
  if (issues.length) throw validationError('The mapping is not valid', issues, 'mapping_invalid');
  if (!used.has('phone') && !used.has('email')) {
    throw validationError('Map a phone or an e-mail column: contacts are matched by them', [{ path: 'mapping', message: 'Map a phone or an e-mail column' }], 'mapping_needs_identity');
  }
  return mapping as ImportTarget[];
}

/**
 * Cancels an import: one not yet running is cancelled at once (and its file deleted); a running one
 * stops before its next batch (what was committed stays, and its counts still add up).
 */
export async function cancelImport(deps: Deps, organizationId: string, id: string): Promise<ImportRow> {
  const db = deps.database.db;
  const { row, fileKey } = await db.transaction(async (tx) => {
    const [imp] = await tx
      .select()
      .from(contactImports)
      .where(and(eq(contactImports.organizationId, organizationId), eq(contactImports.id, id)))
      .for('update');
    if (!imp) throw importNotFound();
    if (imp.status === 'running') {
      const [u] = await tx.update(contactImports).set({ cancelRequestedAt: new Date(), updatedAt: new Date() }).where(eq(contactImports.id, id)).returning();
      return { row: u!, fileKey: null };
    }
    if (imp.status !== 'uploaded' && imp.status !== 'queued') throw importState(`The import is already ${imp.status}`);
    const [u] = await tx
      .update(contactImports)
      .set({ status: 'cancelled', cancelRequestedAt: new Date(), finishedAt: new Date(), fileKey: null, updatedAt: new Date() })
      .where(eq(contactImports.id, id))
      .returning();
    return { row: u!, fileKey: imp.fileKey };
  });
  // The uploaded file holds personal data: it goes as soon as it is no longer needed.
  if (fileKey) await deps.storage.delete(fileKey);
  return row;
}

/** A page of an import's error rows by row number. */
export async function listImportErrors(db: Db, organizationId: string, id: string, q: { cursor?: string; limit: number }) {
  await getImport(db, organizationId, id);
  const after = decodeCursor(q.cursor, 1);
  const rows = await db
    .select()
    .from(contactImportErrors)
    .where(
      and(
        eq(contactImportErrors.importId, id),
        eq(contactImportErrors.organizationId, organizationId),
        after ? gt(contactImportErrors.rowNumber, Number(after[0])) : undefined,
      ),
    )
    .orderBy(asc(contactImportErrors.rowNumber))
    .limit(q.limit + 1);
  return paginate(rows, q.limit, (r) => [r.rowNumber]);
}

/** Every error row of an import, in row order, fetched page by page (for the downloadable report). */
export async function* allImportErrors(db: Db, organizationId: string, id: string): AsyncGenerator<ImportErrorRow> {
  let after = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(contactImportErrors)
      .where(and(eq(contactImportErrors.importId, id), eq(contactImportErrors.organizationId, organizationId), gt(contactImportErrors.rowNumber, after)))
      .orderBy(asc(contactImportErrors.rowNumber))
      .limit(2000);
    if (rows.length === 0) return;
    yield* rows;
    after = rows.at(-1)!.rowNumber;
  }
}
