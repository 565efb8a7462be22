import { sql } from 'drizzle-orm';
import { index, inet, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from './columns.ts';
import { organizations } from './organizations.ts';

export const roleEnum = pgEnum('member_role', ['owner', 'manager', 'agent']);
export const membershipStatusEnum = pgEnum('membership_status', ['invited', 'active', 'disabled']);

/** A person who can log in. E-mail is unique case-insensitively. */
export const users = pgTable(
  'users',
  {
    id: idColumn(),
    email: text().notNull(),
    name: text().notNull().default(''),
    /** argon2id hash; null until an invited user accepts. */
    passwordHash: text(),
    locale: text(),
    lastLoginAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);

/** A user's role and status in one organization. */
export const memberships = pgTable(
  'memberships',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
    role: roleEnum().notNull(),
    status: membershipStatusEnum().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('memberships_org_user_idx').on(t.organizationId, t.userId), index('memberships_user_idx').on(t.userId)],
);

/** A pending invitation; the token is stored hashed and works once, until it expires. */
export const invitations = pgTable(
  'invitations',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    /** Null once the invitation is revoked (the invited membership is removed; the invitation stays for the record). */
    membershipId: uuid().references(() => memberships.id, { onDelete: 'set null' }),
    email: text().notNull(),
    role: roleEnum().notNull(),
    tokenHash: text().notNull(),
    invitedByUserId: uuid().references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('invitations_token_idx').on(t.tokenHash), index('invitations_org_idx').on(t.organizationId, t.createdAt)],
);

/** A browser session; the cookie holds the token, the row its hash. */
export const sessions = pgTable(
  'sessions',
  {
    id: idColumn(),
    userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull(),
    csrfToken: text().notNull(),
    activeOrganizationId: uuid().references(() => organizations.id, { onDelete: 'set null' }),
    ip: inet(),
    userAgent: text(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('sessions_token_idx').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

/** A single-use password reset token. */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: idColumn(),
    userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('password_resets_token_idx').on(t.tokenHash)],
);

/** An organization's API key; only its hash and a visible prefix are stored. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    prefix: text().notNull(),
    keyHash: text().notNull(),
    createdByUserId: uuid().references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_keys_hash_idx').on(t.keyHash), index('api_keys_org_idx').on(t.organizationId, t.createdAt)],
);
