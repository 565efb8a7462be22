import { and, desc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { mailOutbox } from '../../db/schema/index.ts';
import type { Mailer } from '../../adapters/mail/mailer.ts';
import { defineJob, type JobHandler, type JobQueue } from '../../jobs/queue.ts';
import { newId } from '../../shared/ids.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';

/** Stores an e-mail in the outbox and enqueues its delivery, both in the caller's transaction. */
export async function queueMail(
  db: Db,
  queue: JobQueue,
  mail: { organizationId: string | null; to: string; subject: string; text: string; html?: string; kind: string },
): Promise<string> {
  const id = newId();
  await db.insert(mailOutbox).values({ id, ...mail, html: mail.html ?? null });
  await queue.enqueue(sendMailJob, { mailId: id }, { idempotencyKey: id, tx: db });
  return id;
}

/** Delivers one outbox e-mail. */
export const sendMailJob = defineJob({
  name: 'mail.send',
  payload: z.object({ mailId: z.uuid() }),
  maxAttempts: 8,
  backoff: { baseMs: 10_000, maxMs: 30 * 60_000 },
});

/** The handler of `mail.send`: a row already sent or logged is skipped, so reruns never send twice. */
export function sendMailHandler(db: Db, mailer: Mailer): JobHandler<{ mailId: string }> {
  return async ({ mailId }) => {
    const [row] = await db.select().from(mailOutbox).where(eq(mailOutbox.id, mailId));
    if (!row || row.status === 'sent' || row.status === 'logged') return;
    try {
      const status = await mailer.send(row);
      await db.update(mailOutbox).set({ status, sentAt: new Date(), error: null }).where(eq(mailOutbox.id, mailId));
    } catch (err) {
      await db
        .update(mailOutbox)
        .set({ status: 'failed', error: err instanceof Error ? err.message : String(err) })
        .where(eq(mailOutbox.id, mailId));
      throw err;
    }
  };
}

/** The organization's outbox, newest first (owners read it to copy invitation links without SMTP). */
export async function listOutbox(db: Db, organizationId: string, q: { cursor?: string; limit: number }) {
  const after = decodeCursor(q.cursor, 1);
  const rows = await db
    .select()
    .from(mailOutbox)
    .where(and(eq(mailOutbox.organizationId, organizationId), after ? lt(mailOutbox.id, String(after[0])) : undefined))
    .orderBy(desc(mailOutbox.id))
    .limit(q.limit + 1);
  return paginate(rows, q.limit, (r) => [r.id]);
}
