import { type SQL, sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from './columns.ts';
import { organizations } from './organizations.ts';

// Owned by the contacts module (src/modules/contacts). The inbox creates contacts through
// `findOrCreateContactByPhone` from that module; extend this file, never create a second contacts table.

/** Where a contact first came from. */
export const contactSourceEnum = pgEnum('contact_source', ['whatsapp', 'webchat', 'import', 'api', 'assistant']);
/** A consent purpose (LGPD/GDPR: consent is per purpose). */
export const consentPurposeEnum = pgEnum('consent_purpose', ['marketing', 'service']);
/** A consent decision. */
export const consentStatusEnum = pgEnum('consent_status', ['granted', 'revoked']);
/** How a consent decision was collected. */
export const consentSourceEnum = pgEnum('consent_source', ['channel', 'message', 'import', 'agent', 'api']);
/** Form component of a custom contact field. */
export const contactFieldComponentEnum = pgEnum('contact_field_component', ['input', 'select', 'textarea']);
/** Input type of an `input` custom field. */
export const contactFieldInputTypeEnum = pgEnum('contact_field_input_type', ['text', 'number', 'email']);
/** Where a custom field appears in the contact form. */
export const contactFieldPositionEnum = pgEnum('contact_field_position', ['before_address', 'after_address']);
/** Life cycle of a bulk import: uploaded (waiting for the mapping) → queued → running → completed|failed|cancelled. */
export const contactImportStatusEnum = pgEnum('contact_import_status', [
  'uploaded',
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
]);
/** File format of a bulk import. */
export const contactImportFormatEnum = pgEnum('contact_import_format', ['csv', 'xlsx']);

/** Lower-cased, unaccented "first last" used by name sort and short prefix searches (kept by the database). */
const searchNameExpr: SQL = sql`lower(charla_unaccent(first_name || ' ' || last_name))`;
/**
 * Name, e-mail and phone in one lower-cased, unaccented text: a single trigram index serves the search
 * box for all three (one GIN index to maintain on every insert instead of three).
 */
const searchTextExpr: SQL = sql`lower(charla_unaccent(first_name || ' ' || last_name || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '')))`;

/**
 * A person the organization talks to. Phone is E.164 (normalized with the organization's country as
 * default region); the WhatsApp id is kept apart because WhatsApp may report a different form. An erased
 * contact keeps its row (conversations and statistics point at it) with every personal column emptied.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: idColumn(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    firstName: text().notNull().default(''),
    lastName: text().notNull().default(''),
    /** E.164 (`+5511987654321`); unique per organization; null for web chat visitors who gave none. */
    phone: text(),
    /** WhatsApp id (digits, no `+`) as Meta reports it; may differ from the phone for some countries. */
    waId: text(),
    /** Stored as typed; unique per organization case-insensitively. */
    email: text(),
    /** Storage key of the profile photo. */
    photoKey: text(),
    street: text(),
    city: text(),
    state: text(),
    postalCode: text(),
    country: text(),
    notes: text().notNull().default(''),
    /** Custom field values by field key (strings and numbers). */
    customFields: jsonb().$type<Record<string, string | number>>().notNull().default({}),
    source: contactSourceEnum().notNull().default('api'),
    /** Current marketing consent (the ledger in `contact_consents` is the history and the proof). */
    marketingConsent: consentStatusEnum(),
    /** Current service consent. */
    serviceConsent: consentStatusEnum(),
    /** Maintained by the database: lower-cased unaccented full name for search and sorting. */
    searchName: text().generatedAlwaysAs(searchNameExpr),
    /** Maintained by the database: what the search box matches (name, e-mail, phone). */
    searchText: text().generatedAlwaysAs(searchTextExpr),
    lastSeenAt: timestamp({ withTimezone: true }),
    /** Set when the contact's personal data was erased (data subject request). */
    erasedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('contacts_org_phone_idx').on(t.organizationId, t.phone),
    uniqueIndex('contacts_org_email_idx').on(t.organizationId, sql`lower(${t.email})`),
    // Partial: only contacts that wrote on WhatsApp have one (imports never do, and skip this index).
    index('contacts_org_wa_id_idx').on(t.organizationId, t.waId).where(sql`${t.waId} is not null`),
    index('contacts_org_id_idx').on(t.organizationId, t.id),
    index('contacts_org_name_idx').on(t.organizationId, sql`(${t.searchName} collate "C")`, t.id),
    // The "last seen" sort, newest first; contacts never seen (every import) are not in it: the list
    // reads them after the seen ones through contacts_org_id_idx.
    index('contacts_org_last_seen_idx')
      .on(t.organizationId, t.lastSeenAt.desc(), t.id.desc())
      .where(sql`${t.lastSeenAt} is not null`),
    index('contacts_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    index('contacts_custom_fields_idx').using('gin', sql`${t.customFields} jsonb_path_ops`),
  ],
);

/** A custom contact field definition ("Agregar campos"): values live in `contacts.custom_fields[key]`. */
export const contactFields = pgTable(
  'contact_fields',
  {
    id: idColumn(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Stable machine key (lower snake case), used in the API, imports and templates. */
    key: text().notNull(),
    label: text().notNull(),
    component: contactFieldComponentEnum().notNull(),
    /** Only for `input`. */
    inputType: contactFieldInputTypeEnum(),
    /** Only for `select`. */
    options: jsonb().$type<string[]>().notNull().default([]),
    required: boolean().notNull().default(false),
    position: contactFieldPositionEnum().notNull().default('after_address'),
    sortOrder: integer().notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('contact_fields_org_key_idx').on(t.organizationId, t.key)],
);

/** A named group of contacts (audiences for campaigns). */
export const contactGroups = pgTable(
  'contact_groups',
  {
    id: idColumn(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    description: text().notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('contact_groups_org_name_idx').on(t.organizationId, sql`lower(${t.name})`)],
);

/** Membership of a contact in a group. */
export const contactGroupMembers = pgTable(
  'contact_group_members',
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    groupId: uuid()
      .notNull()
      .references(() => contactGroups.id, { onDelete: 'cascade' }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.contactId] }), index('contact_group_members_contact_idx').on(t.contactId)],
);

/** The consent ledger: append-only decisions per contact and purpose, with how and what was shown. */
export const contactConsents = pgTable(
  'contact_consents',
  {
    id: idColumn(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    purpose: consentPurposeEnum().notNull(),
    status: consentStatusEnum().notNull(),
    source: consentSourceEnum().notNull(),
    /** The wording the person saw or sent (e.g. the opt-in question, or "STOP"). */
    textShown: text().notNull().default(''),
    /** The message that carried the decision, when there is one. */
    messageId: uuid(),
    actorUserId: uuid(),
    actorApiKeyId: uuid(),
    actorLabel: text().notNull().default(''),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [index('contact_consents_contact_idx').on(t.contactId, t.purpose, t.occurredAt)],
);

/** Options chosen for an import at its mapping step. */
export interface ContactImportOptions {
  dedupe: 'update' | 'skip' | 'create';
  groupId: string | null;
  /** When a group column is mapped, groups named there that do not exist are created. */
  createMissingGroups: boolean;
}

/**
 * A bulk import. `rowsProcessed` is the checkpoint: every data row before it is committed (imported or
 * reported) together with the counters, one transaction per batch, so a re-run resumes exactly there.
 */
export const contactImports = pgTable(
  'contact_imports',
  {
    id: idColumn(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    createdByUserId: uuid(),
    createdByApiKeyId: uuid(),
    status: contactImportStatusEnum().notNull().default('uploaded'),
    /** Storage key of the uploaded file; cleared when the file is deleted after the import ends. */
    fileKey: text(),
    fileName: text().notNull(),
    fileSize: bigint({ mode: 'number' }).notNull(),
    format: contactImportFormatEnum().notNull(),
    encoding: text().notNull().default('utf-8'),
    delimiter: text().notNull().default(','),
    headers: jsonb().$type<string[]>().notNull().default([]),
    /** Target per column index (`firstName`, `phone`, `field:<key>`, `group`, `ignore`...). */
    mapping: jsonb().$type<string[]>().notNull().default([]),
    options: jsonb().$type<ContactImportOptions>().notNull().default({ dedupe: 'update', groupId: null, createMissingGroups: true }),
    /** Estimated from the line count at upload; exact once the import has finished. */
    totalRows: integer(),
    rowsProcessed: integer().notNull().default(0),
    createdCount: integer().notNull().default(0),
    updatedCount: integer().notNull().default(0),
    skippedCount: integer().notNull().default(0),
    failedCount: integer().notNull().default(0),
    /** Why a whole import failed (a code, translated when shown). */
    errorCode: text(),
    cancelRequestedAt: timestamp({ withTimezone: true }),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('contact_imports_org_idx').on(t.organizationId, t.id)],
);

/** A data row that was not imported: row number (the header is row 1), field, reason code and its params. */
export const contactImportErrors = pgTable(
  'contact_import_errors',
  {
    importId: uuid()
      .notNull()
      .references(() => contactImports.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    rowNumber: integer().notNull(),
    /** The target field (e.g. `phone`, `field:tipo`) or `row` for problems with the whole row. */
    field: text().notNull(),
    reason: text().notNull(),
    params: jsonb().$type<Record<string, string | number>>().notNull().default({}),
    /** The row's cells as read, so the report can be fixed and imported again. */
    cells: jsonb().$type<string[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.importId, t.rowNumber] })],
);

/** A merge of two contacts: the merged one's data is kept here and its conversations moved to the survivor. */
export const contactMerges = pgTable(
  'contact_merges',
  {
    id: idColumn(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    survivorId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    mergedContactId: uuid().notNull(),
    /** The merged contact as it was (profile, fields, groups). */
    mergedSnapshot: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    conversationsMoved: integer().notNull().default(0),
    actorUserId: uuid(),
    actorApiKeyId: uuid(),
    actorLabel: text().notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [index('contact_merges_survivor_idx').on(t.survivorId)],
);
