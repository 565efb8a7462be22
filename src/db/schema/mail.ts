import { index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn } from './columns.ts';
import { organizations } from './organizations.ts';

export const mailStatusEnum = pgEnum('mail_status', ['queued', 'sent', 'logged', 'failed']);

/**
 * Every e-mail Charla sends. Without SMTP the message is only logged and kept here with status
 * `logged`, so owners can copy invitation links from the dashboard on a laptop.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: idColumn(),
    organizationId: uuid().references(() => organizations.id, { onDelete: 'cascade' }),
    to: text().notNull(),
    subject: text().notNull(),
    text: text().notNull(),
    html: text(),
    kind: text().notNull(),
    status: mailStatusEnum().notNull().default('queued'),
    error: text(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('mail_outbox_org_idx').on(t.organizationId, t.id)],
);
