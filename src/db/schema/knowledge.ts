import { sql } from 'drizzle-orm';
import { boolean, customType, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from './columns.ts';
import { users } from './identity.ts';
import { organizations } from './organizations.ts';

// Owned by the knowledge module (src/modules/knowledge). Vector embeddings live in `knowledge_embeddings`,
// created by a custom migration only where pgvector exists, so it is not declared here.

/** A PostgreSQL `tsvector`, written with SQL expressions by the knowledge repository. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Processing state of a document or of one of its versions. */
export const knowledgeStatusEnum = pgEnum('knowledge_status', ['pending', 'processing', 'ready', 'failed']);
/** Where a document's content comes from. */
export const knowledgeSourceEnum = pgEnum('knowledge_source', ['file', 'url', 'entry']);
/** Why a question became a knowledge gap. */
export const knowledgeGapReasonEnum = pgEnum('knowledge_gap_reason', ['unanswered', 'low_confidence', 'handoff_after_ai', 'negative_reaction']);
/** Whether a group of similar gaps still needs work. */
export const knowledgeGapStatusEnum = pgEnum('knowledge_gap_status', ['open', 'resolved']);

/**
 * A knowledge document as people see it: title, source, language and the state of its latest version.
 * Search reads only the chunks of `activeVersionId`; a re-upload is indexed as a new version and becomes
 * active in one transaction, so answers never come from a half-indexed version.
 */
export const knowledgeDocuments = pgTable(
  'knowledge_documents',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    title: text().notNull(),
    source: knowledgeSourceEnum().notNull(),
    /** File name as uploaded, or the page URL; null for entries written in the dashboard. */
    sourceName: text(),
    /** Detected format of the active (or latest) version: pdf, docx, txt, md, csv, html, entry. */
    format: text(),
    /** Language chosen by a person (es, pt, en, other); null means detected. */
    languageOverride: text(),
    /** Effective language of the active version. */
    language: text(),
    status: knowledgeStatusEnum().notNull().default('pending'),
    /** Stable reason code when the latest version failed (translated by the dashboard). */
    failureReason: text(),
    failureParams: jsonb().$type<Record<string, string | number>>(),
    activeVersionId: uuid(),
    latestVersionId: uuid(),
    sizeBytes: integer().notNull().default(0),
    chunkCount: integer().notNull().default(0),
    pageCount: integer(),
    createdByUserId: uuid().references(() => users.id, { onDelete: 'set null' }),
    processedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('knowledge_documents_org_idx').on(t.organizationId, t.id)],
);

/** One upload (or fetch, or edit) of a document's content, processed on its own. */
export const knowledgeDocumentVersions = pgTable(
  'knowledge_document_versions',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    documentId: uuid().notNull().references(() => knowledgeDocuments.id, { onDelete: 'cascade' }),
    number: integer().notNull(),
    source: knowledgeSourceEnum().notNull(),
    fileName: text(),
    url: text(),
    /** Declared media type of the upload (the content is sniffed anyway). */
    contentType: text(),
    storageKey: text(),
    /** The text of an entry written in the dashboard. */
    content: text(),
    format: text(),
    language: text(),
    sizeBytes: integer().notNull().default(0),
    sha256: text(),
    status: knowledgeStatusEnum().notNull().default('pending'),
    failureReason: text(),
    failureParams: jsonb().$type<Record<string, string | number>>(),
    pageCount: integer(),
    chunkCount: integer().notNull().default(0),
    createdAt: createdAt(),
    processedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('knowledge_versions_doc_number_idx').on(t.documentId, t.number), index('knowledge_versions_org_idx').on(t.organizationId)],
);

/**
 * A retrievable piece of a document version: a whole Q&A pair (every phrasing plus its one answer) or a
 * slice of prose, with its topic as context. `tsv` is built with the document's text-search configuration.
 */
export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    documentId: uuid().notNull().references(() => knowledgeDocuments.id, { onDelete: 'cascade' }),
    versionId: uuid().notNull().references(() => knowledgeDocumentVersions.id, { onDelete: 'cascade' }),
    ordinal: integer().notNull(),
    /** `qa` for question/answer pairs, `text` for prose. */
    kind: text().notNull(),
    topic: text(),
    heading: text(),
    questions: text().array().notNull().default(sql`'{}'::text[]`),
    answer: text(),
    content: text().notNull(),
    /** Text-search configuration: spanish, portuguese, english or simple. */
    tsConfig: text().notNull(),
    tsv: tsvector().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('knowledge_chunks_tsv_idx').using('gin', t.tsv),
    index('knowledge_chunks_version_idx').on(t.versionId),
    index('knowledge_chunks_org_doc_idx').on(t.organizationId, t.documentId),
  ],
);

/**
 * How many active chunks of an organization contain each lexeme (per text-search configuration): the
 * document frequencies behind IDF weighting, maintained in the transaction that activates or removes a
 * version, so a query's rare words count for more than its common ones without scanning the index.
 */
export const knowledgeTerms = pgTable(
  'knowledge_terms',
  {
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    tsConfig: text().notNull(),
    lexeme: text().notNull(),
    chunkCount: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.tsConfig, t.lexeme] }),
    // Typo tolerance: a query word the knowledge base lacks is matched to similar known lexemes.
    index('knowledge_terms_lexeme_trgm_idx').using('gin', sql`${t.lexeme} gin_trgm_ops`),
  ],
);

/** Per-organization knowledge settings: the embeddings provider (API key encrypted) and the answer threshold. */
export const knowledgeSettings = pgTable('knowledge_settings', {
  organizationId: uuid()
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  /** none, openai or openai_compatible. */
  embeddingProvider: text().notNull().default('none'),
  embeddingBaseUrl: text(),
  embeddingModel: text(),
  /** Encrypted with the SecretBox (organization id as context); never returned. */
  embeddingApiKey: text(),
  embeddingDimensions: integer(),
  /** Fingerprint of provider + URL + model + dimensions; embeddings made under another one are ignored. */
  embeddingKey: text(),
  lastEmbeddingError: text(),
  lastEmbeddingErrorAt: timestamp({ withTimezone: true }),
  /** Minimum confidence (0–1) for an answer; below it the assistant says it does not know. Null: the built-in default. */
  answerThreshold: doublePrecision(),
  updatedAt: updatedAt(),
});

/** Similar unanswered questions grouped together (trigram similarity), with what was done about them. */
export const knowledgeGapGroups = pgTable(
  'knowledge_gap_groups',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    /** The first question of the group, shown as its title. */
    question: text().notNull(),
    norm: text().notNull(),
    status: knowledgeGapStatusEnum().notNull().default('open'),
    gapCount: integer().notNull().default(0),
    /** How it was resolved: `answer_added` or `dismissed`. */
    resolution: text(),
    resolutionNote: text(),
    resolvedDocumentId: uuid().references(() => knowledgeDocuments.id, { onDelete: 'set null' }),
    resolvedByUserId: uuid().references(() => users.id, { onDelete: 'set null' }),
    resolvedAt: timestamp({ withTimezone: true }),
    firstSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('knowledge_gap_groups_norm_trgm_idx').using('gin', sql`${t.norm} gin_trgm_ops`),
    index('knowledge_gap_groups_org_idx').on(t.organizationId, t.status, t.id),
  ],
);

/** One logged gap: the customer's words, the answer given, why it counts as a gap, and the conversation. */
export const knowledgeGaps = pgTable(
  'knowledge_gaps',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    groupId: uuid().notNull().references(() => knowledgeGapGroups.id, { onDelete: 'cascade' }),
    question: text().notNull(),
    answerGiven: text(),
    reason: knowledgeGapReasonEnum().notNull(),
    confidence: doublePrecision(),
    /** The conversation it happened in (owned by the inbox; no foreign key so either module can be absent). */
    conversationId: uuid(),
    createdAt: createdAt(),
  },
  (t) => [index('knowledge_gaps_group_idx').on(t.groupId, t.createdAt), index('knowledge_gaps_org_idx').on(t.organizationId, t.createdAt)],
);

/** A saved check of the knowledge base: a question and what a good answer must contain or come from. */
export const knowledgeTests = pgTable(
  'knowledge_tests',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    question: text().notNull(),
    expectedAnswer: text(),
    expectedDocumentId: uuid().references(() => knowledgeDocuments.id, { onDelete: 'set null' }),
    /** The right outcome is "I don't know" (out-of-scope questions). */
    expectNoAnswer: boolean().notNull().default(false),
    lastRunAt: timestamp({ withTimezone: true }),
    lastPassed: boolean(),
    lastConfidence: doublePrecision(),
    lastAnswer: text(),
    lastDocumentId: uuid(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('knowledge_tests_org_idx').on(t.organizationId, t.id)],
);

/** One run of an organization's test set, kept to show the pass rate over time. */
export const knowledgeTestRuns = pgTable(
  'knowledge_test_runs',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    total: integer().notNull(),
    passed: integer().notNull(),
    results: jsonb().$type<{ testId: string; passed: boolean; confidence: number; documentId: string | null }[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('knowledge_test_runs_org_idx').on(t.organizationId, t.id)],
);
