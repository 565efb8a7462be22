import { z } from 'zod';
import { validationError } from './errors.ts';

/** Query parameters shared by every list endpoint. */
export const pageQuery = z.object({
  cursor: z.string().max(512).optional().describe('Opaque cursor from the previous page\'s `nextCursor`.'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Maximum number of items to return (1–200).'),
});

/** The envelope of every paginated list. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item).describe('The items of this page, in the list\'s order.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page.'),
  });
}

/** Encodes a keyset position (e.g. `[createdAt, id]`) into an opaque cursor. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor produced by `encodeCursor`; a tampered cursor is a 400, never a 500. */
export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === arity &&
      parsed.every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return parsed;
    }
  } catch {
    // fall through
  }
  throw validationError('Invalid cursor', [{ path: 'cursor', message: 'Invalid cursor' }], 'invalid_cursor');
}

/** Splits a `limit + 1` query result into the page and its next cursor. */
export function paginate<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]) {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null };
}
