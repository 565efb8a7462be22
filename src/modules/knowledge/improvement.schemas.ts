import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';

const iso = z.iso.datetime();
const uuid = (what: string) => z.uuid().describe(what);
const reason = z
  .enum(['unanswered', 'low_confidence', 'handoff_after_ai', 'negative_reaction'])
  .describe('Why it is a gap: not answered, answered with low confidence, handed to a person after an AI answer, or a negative reaction.');

/** Embeddings provider and answer threshold settings. */
export const settingsSchema = z.object({
  embeddings: z.object({
    provider: z.enum(['none', 'openai', 'openai_compatible']).describe('`none`: lexical search only.'),
    baseUrl: z.string().nullable().describe('Base URL of an OpenAI-compatible server, e.g. `http://127.0.0.1:11434/v1`.'),
    model: z.string().nullable().describe('Embedding model, e.g. `text-embedding-3-small` or `nomic-embed-text`.'),
    dimensions: z.number().int().nullable().describe('Shortened output dimensions (text-embedding-3 models).'),
    apiKey: z
      .object({ isSet: z.boolean().describe('Whether a key is stored.'), last4: z.string().nullable().describe('Its last four characters (long keys only).') })
      .describe('The key is never returned; only whether it is set.'),
  }).describe('The embeddings provider.'),
  answerThreshold: z.number().nullable().describe('Minimum confidence to answer; null uses the default.'),
  effectiveAnswerThreshold: z.number().describe('The threshold in force (the default when none is set).'),
  vectorSearchAvailable: z.boolean().describe('Whether the database has pgvector (without it search is lexical).'),
  maxFileBytes: z.number().int().describe('Largest document upload accepted by this server.'),
  embeddingStatus: z
    .object({
      totalChunks: z.number().int().describe('Chunks in the knowledge base.'),
      embeddedChunks: z.number().int().describe('Chunks with a vector under the current settings.'),
      lastError: z.string().nullable().describe('The last embedding failure (code and message), cleared by a successful run.'),
      lastErrorAt: iso.nullable().describe('When it happened.'),
    })
    .describe('How far embedding has got.'),
});

/** Settings change. */
export const settingsBody = z.strictObject({
  embeddings: z
    .strictObject({
      provider: z.enum(['none', 'openai', 'openai_compatible']).describe('`none` turns vectors off.'),
      baseUrl: z.url({ protocol: /^https?$/ }).max(500).nullable().optional().describe('Base URL of an OpenAI-compatible server (required for it).'),
      model: z.string().trim().min(1).max(200).nullable().optional().describe('Embedding model.'),
      apiKey: z.string().min(1).max(500).nullable().optional().describe('Write-only. Null removes it; absent keeps it.'),
      dimensions: z.number().int().min(16).max(4096).nullable().optional().describe('Shortened output dimensions (text-embedding-3 models).'),
    })
    .optional()
    .describe('The embeddings provider; changing provider, URL, model or dimensions re-embeds everything.'),
  answerThreshold: z.number().min(0).max(1).nullable().optional().describe('0–1; null returns to the default.'),
});

/** Result of testing the embeddings provider. */
export const settingsTestSchema = z.object({
  ok: z.boolean().describe('Whether the provider answered with a vector.'),
  dimensions: z.number().int().optional().describe('Dimensions of the vector it returned.'),
  code: z.string().optional().describe('Failure class: not_configured, auth, rate_limited, unavailable, bad_request, network, blocked, invalid_response.'),
  message: z.string().optional().describe('What went wrong.'),
});

/** A logged gap. */
export const gapSchema = z.object({
  id: uuid('The gap\'s id.'),
  question: z.string().describe('The customer\'s words.'),
  answerGiven: z.string().nullable().describe('What the assistant answered, if anything.'),
  reason: reason,
  confidence: z.number().nullable().describe('Confidence of the answer given, if any.'),
  conversationId: z.uuid().nullable().describe('The conversation it happened in.'),
  createdAt: iso.describe('When it was logged.'),
}).describe('Knowledge gap');

/** Similar gaps grouped. */
export const gapGroupSchema = z.object({
  id: uuid('The group\'s id.'),
  question: z.string().describe('The group\'s first question (its title).'),
  status: z.enum(['open', 'resolved']).describe('`open` until answered or resolved.'),
  count: z.number().int().describe('Gaps in the group.'),
  trend: z
    .object({ last7Days: z.number().int().describe('Gaps in the last 7 days.'), previous7Days: z.number().int().describe('Gaps in the 7 days before.') })
    .describe('Gaps in the last 7 days and the 7 before.'),
  reasons: z.record(z.string(), z.number().int()).describe('Count per reason.'),
  examples: z.array(gapSchema).describe('The latest gaps of the group.'),
  resolution: z.enum(['answer_added', 'resolved']).nullable().describe('How it was resolved.'),
  resolutionNote: z.string().nullable().describe('What was done, in the resolver\'s words.'),
  resolvedDocumentId: z.uuid().nullable().describe('The entry created by "Add answer".'),
  resolvedAt: iso.nullable().describe('When it was resolved.'),
  firstSeenAt: iso.describe('First gap of the group.'),
  lastSeenAt: iso.describe('Latest gap of the group.'),
}).describe('Group of similar gaps');

/** A group with all its gaps. */
export const gapGroupDetailSchema = gapGroupSchema.extend({ gaps: z.array(gapSchema).describe('Every gap of the group, newest first (up to 200).') });

/** Query of the gaps list. */
export const gapListQuery = pageQuery.extend({
  status: z.enum(['open', 'resolved']).default('open').describe('Open (default) or resolved groups.'),
  sort: z.enum(['recent', 'count']).default('recent').describe('`recent` (last seen first) or `count` (most frequent first).'),
});

/** Body to record a gap (integrations; the assistant calls the service directly). */
export const recordGapBody = z.strictObject({
  question: z.string().trim().min(1).max(2000).describe('The customer\'s words.'),
  answerGiven: z.string().max(4000).nullable().optional().describe('What was answered, if anything.'),
  reason,
  conversationId: z.uuid().nullable().optional().describe('The conversation it happened in.'),
  confidence: z.number().min(0).max(1).nullable().optional().describe('Confidence of the answer given.'),
});

/** Resolve a group without adding an answer. */
export const resolveGapBody = z.strictObject({ note: z.string().trim().max(2000).optional().describe('What was done, e.g. "fixed the price in envios.pdf".') });

/** "Add answer": a Q&A entry from the group, in one step. */
export const addAnswerBody = z.strictObject({
  answer: z.string().trim().min(1).max(10_000).describe('The answer to teach.'),
  questions: z.array(z.string().trim().min(1).max(500)).min(1).max(20).optional().describe('Phrasings; by default the customers\' own words from the group.'),
  title: z.string().trim().min(1).max(200).optional().describe('Title of the entry; the group\'s question by default.'),
});

/** A saved test. */
export const testSchema = z.object({
  id: uuid('The test\'s id.'),
  question: z.string().describe('The question asked.'),
  expectedAnswer: z.string().nullable().describe('Text a good answer contains.'),
  expectedDocumentId: z.uuid().nullable().describe('The document a good answer comes from.'),
  expectNoAnswer: z.boolean().describe('The right outcome is "I don\'t know".'),
  lastRunAt: iso.nullable().describe('When it last ran.'),
  lastPassed: z.boolean().nullable().describe('Whether it passed then.'),
  lastConfidence: z.number().nullable().describe('Confidence of the answer then.'),
  lastAnswer: z.string().nullable().describe('The answer then.'),
  lastDocumentId: z.uuid().nullable().describe('The document it came from.'),
  createdAt: iso.describe('When it was saved.'),
  updatedAt: iso.describe('When it was last changed.'),
}).describe('Knowledge test');

/** Create a test: a question and what a good answer contains, where it comes from, or that there is none. */
export const createTestBody = z
  .strictObject({
    question: z.string().trim().min(1).max(1000).describe('A question as a customer would ask it.'),
    expectedAnswer: z.string().trim().min(1).max(2000).nullable().optional().describe('Text the answer must contain (accents and case ignored), or closely match.'),
    expectedDocumentId: z.uuid().nullable().optional().describe('The document the answer must come from.'),
    expectNoAnswer: z.boolean().optional().describe('The right outcome is "I don\'t know" (out-of-scope questions).'),
  })
  .refine((b) => b.expectNoAnswer || b.expectedAnswer || b.expectedDocumentId, {
    message: 'Give an expected answer, an expected document, or expectNoAnswer',
    path: ['expectedAnswer'],
  });

/** Update a test. */
export const updateTestBody = z.strictObject({
  question: z.string().trim().min(1).max(1000).optional().describe('The question.'),
  expectedAnswer: z.string().trim().min(1).max(2000).nullable().optional().describe('Text the answer must contain.'),
  expectedDocumentId: z.uuid().nullable().optional().describe('The document the answer must come from.'),
  expectNoAnswer: z.boolean().optional().describe('The right outcome is "I don\'t know".'),
});

/** One test's outcome in a run. */
export const testResultSchema = z.object({
  testId: uuid('The test.'),
  question: z.string().describe('Its question.'),
  passed: z.boolean().describe('Whether it passed.'),
  confidence: z.number().describe('Confidence of the answer.'),
  answer: z.string().nullable().describe('The answer (null for "I don\'t know").'),
  documentId: z.uuid().nullable().describe('The document the answer came from.'),
  documentTitle: z.string().nullable().describe('Its title.'),
}).describe('Test result');

/** A run of the test set. */
export const testRunSchema = z.object({
  id: uuid('The run\'s id.'),
  total: z.number().int().describe('Tests run.'),
  passed: z.number().int().describe('Tests passed.'),
  passRate: z.number().describe('0–1.'),
  createdAt: iso.describe('When it ran.'),
  results: z.array(testResultSchema).describe('Each test\'s outcome.'),
});
