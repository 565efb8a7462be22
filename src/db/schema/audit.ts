import { index, inet, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn } from './columns.ts';
import { organizations } from './organizations.ts';

/** Security-relevant actions. Rows are never updated; actor names are copied so they survive deletions. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: idColumn(),
    /** Null for events outside any organization (e.g. a failed login for an unknown e-mail). */
    organizationId: uuid().references(() => organizations.id, { onDelete: 'cascade' }),
    actorUserId: uuid(),
    actorApiKeyId: uuid(),
    actorLabel: text().notNull().default(''),
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    ip: inet(),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_org_idx').on(t.organizationId, t.id), index('audit_log_action_idx').on(t.organizationId, t.action)],
);
