import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';
import { DOCUMENT_LANGUAGES } from './chunking/language.ts';
import { FAILURE_REASONS } from './extract/types.ts';

const iso = z.iso.datetime();
const uuid = (what: string) => z.uuid().describe(what);
const title = z.string().trim().min(1).max(200);
const language = z.enum(DOCUMENT_LANGUAGES);
const status = z.enum(['pending', 'processing', 'ready', 'failed']);
const failureReason = z.enum(FAILURE_REASONS);

/** A knowledge document in lists and details. */
export const documentSchema = z
  .object({
    id: uuid('The document\'s id.'),
    title: z.string().describe('Title shown in the knowledge base list.'),
    source: z.enum(['file', 'url', 'entry']).describe('`file` (uploaded), `url` (web page) or `entry` (written in the dashboard).'),
    sourceName: z.string().nullable().describe('The uploaded file name or the page URL.'),
    format: z.string().nullable().describe('Detected format of the content: pdf, docx, html, csv, md, txt or entry.'),
    language: language.nullable().describe('Language the document is indexed in (detected, or `languageOverride`).'),
    languageOverride: language.nullable().describe('Language chosen by a person; null means detected.'),
    status: status.describe('`pending` → `processing` → `ready` or `failed`.'),
    failureReason: failureReason.nullable().describe('Why the latest version failed (a stable code the dashboard translates).'),
    failureParams: z.record(z.string(), z.union([z.string(), z.number()])).nullable().describe('Values for the failure message, e.g. `{ maxMb: 25 }`.'),
    hasActiveVersion: z.boolean().describe('Whether a processed version is answering questions (a failed re-upload keeps the previous one).'),
    sizeBytes: z.number().int().describe('Size of the content in bytes.'),
    chunkCount: z.number().int().describe('Number of chunks of the active version.'),
    pageCount: z.number().int().nullable().describe('Pages (PDF).'),
    processedAt: iso.nullable().describe('When the active version finished processing.'),
    createdAt: iso.describe('When the document was added.'),
    updatedAt: iso.describe('Last update of the document or its content.'),
  })
  .describe('Knowledge document');

/** One upload/fetch/edit of a document's content. */
export const versionSchema = z.object({
  id: uuid('The version\'s id.'),
  number: z.number().int().describe('1 for the first content, then 2, 3…'),
  source: z.enum(['file', 'url', 'entry']).describe('Where this version\'s content came from.'),
  fileName: z.string().nullable().describe('The uploaded file name.'),
  url: z.string().nullable().describe('The page address.'),
  content: z.string().nullable().describe('The text of an entry written in the dashboard (null for files and pages).'),
  format: z.string().nullable().describe('Detected format.'),
  status: status.describe('Processing state of this version.'),
  failureReason: failureReason.nullable().describe('Why this version failed.'),
  failureParams: z.record(z.string(), z.union([z.string(), z.number()])).nullable().describe('Values for the failure message.'),
  active: z.boolean().describe('Whether this version is the one answering.'),
  sizeBytes: z.number().int().describe('Size of the content in bytes.'),
  chunkCount: z.number().int().describe('Chunks the version produced.'),
  createdAt: iso.describe('When the version was uploaded, fetched or written.'),
  processedAt: iso.nullable().describe('When its processing finished.'),
}).describe('Document version');

/** A document with its recent versions. */
export const documentDetailSchema = documentSchema.extend({ versions: z.array(versionSchema).describe('Latest versions, newest first.') });

/** A chunk of a document. */
export const chunkSchema = z.object({
  id: uuid('The chunk\'s id.'),
  ordinal: z.number().int().describe('Position in the document.'),
  kind: z.enum(['qa', 'text']).describe('`qa`: a question/answer pair; `text`: prose.'),
  topic: z.string().nullable().describe('Topic the chunk belongs to (`# TEMA:` / top heading).'),
  heading: z.string().nullable().describe('The nearest lower-level heading (prose).'),
  questions: z.array(z.string()).describe('Every phrasing of the question (Q&A chunks).'),
  answer: z.string().nullable().describe('The one answer all phrasings point at (Q&A chunks).'),
  content: z.string().describe('The chunk as retrieved and given to a language model.'),
}).describe('Chunk');

/** `{ url }` body: add a web page. */
export const urlBody = z.strictObject({
  url: z.string().trim().min(1).max(2000).describe('The page to add (http or https). It is fetched by the server through the SSRF guard.'),
  title: title.optional().describe('Title; the page\'s `<title>` when absent.'),
  language: language.optional().describe('Indexing language; detected when absent.'),
});

/** `{ title, content }` body: an entry written in the dashboard. */
export const entryBody = z.strictObject({
  title: title.describe('Title of the entry.'),
  content: z.string().min(1).max(200_000).describe('Text; Q&A format (`**Pregunta:** …` / `Respuesta: …`) is understood.'),
  language: language.optional().describe('Indexing language; detected when absent.'),
});

/** JSON bodies accepted by the create/replace endpoints (multipart uploads are described in the route). */
export const documentJsonBody = z.union([urlBody, entryBody]).nullish();

/** Fields of a multipart upload (sent before the file part). */
export const uploadFields = z.strictObject({
  title: title.optional(),
  language: language.optional(),
});

/** PATCH body of a document. */
export const updateDocumentBody = z.strictObject({
  title: title.optional().describe('New title.'),
  language: language.nullable().optional().describe('Indexing language; null returns to detection. Changing it re-processes the document.'),
});

/** Query of the document list. */
export const documentListQuery = pageQuery.extend({
  status: status.optional().describe('Only documents in this status.'),
  q: z.string().trim().max(200).optional().describe('Only documents whose title contains this text.'),
});

/** Query of the search endpoint. */
export const searchQuery = z.object({
  q: z.string().trim().min(1).max(1000).describe('The question or words to look for.'),
  limit: z.coerce.number().int().min(1).max(50).default(5).describe('Results to return (1–50).'),
  language: z.string().regex(/^(es|pt|en)(-[A-Za-z]{2})?$/).optional().describe('The asker\'s language (`es`, `pt`, `pt-BR`, `en`): documents in it are preferred.'),
});

/** A search result. */
export const searchResultSchema = z.object({
  documentId: uuid('The document the chunk belongs to.'),
  documentTitle: z.string().describe('Its title.'),
  documentLanguage: z.string().nullable().describe('Its language (es, pt, en, other).'),
  chunkId: uuid('The chunk\'s id.'),
  kind: z.enum(['qa', 'text']).describe('`qa` (question/answer pair) or `text` (prose).'),
  topic: z.string().nullable().describe('The chunk\'s topic.'),
  heading: z.string().nullable().describe('The chunk\'s heading (prose).'),
  content: z.string().describe('The chunk as retrieved.'),
  matchedQuestion: z.string().nullable().describe('For Q&A chunks: the phrasing closest to the query.'),
  questions: z.array(z.string()).describe('Every phrasing of the question (Q&A chunks).'),
  answer: z.string().nullable().describe('For Q&A chunks: the answer.'),
  score: z.number().describe('Fused (reciprocal-rank) score; orders the results.'),
  confidence: z.number().describe('0–1: how sure the match is; compared with the answer threshold.'),
  signals: z
    .object({
      fullText: z.number().nullable().describe('Full-text rank (`ts_rank_cd`), when that leg found the chunk.'),
      trigram: z.number().nullable().describe('Trigram similarity of the query to the closest phrasing (Q&A chunks).'),
      coverage: z.number().describe('IDF-weighted share of the query\'s words found in the chunk (0–1).'),
      questionCoverage: z.number().describe('The same, in its questions only.'),
      vector: z.number().nullable().describe('Cosine similarity, when vectors took part.'),
    })
    .describe('The evidence behind the score (full-text rank, trigram similarity, IDF-weighted coverage, cosine similarity).'),
});

/** The search response. */
export const searchResponseSchema = z.object({
  query: z.string().describe('The query as searched (spaces normalized).'),
  language: language.nullable().describe('The asker\'s language, when given.'),
  results: z.array(searchResultSchema).describe('Best first.'),
  vector: z.boolean().describe('Whether vector similarity took part.'),
  lexicalReason: z.enum(['disabled', 'no_provider', 'no_vector_extension', 'provider_error']).nullable().describe('Why only lexical search ran.'),
});

/** Body of the test panel's "ask". */
export const askBody = z.strictObject({
  question: z.string().trim().min(1).max(1000).describe('A question as a customer would ask it.'),
  language: z.string().regex(/^(es|pt|en)(-[A-Za-z]{2})?$/).optional().describe('The asker\'s language: documents in it are preferred.'),
});

const sourceSchema = z.object({
  documentId: uuid('The document.'),
  documentTitle: z.string().describe('Its title.'),
  chunkId: uuid('The chunk.'),
  matchedQuestion: z.string().nullable().describe('The phrasing closest to the question.'),
  confidence: z.number().describe('0–1.'),
  score: z.number().describe('Fused score.'),
}).describe('Source');

/** What the knowledge base answers to a question. */
export const answerSchema = z.object({
  status: z.enum(['answered', 'unknown']).describe('`unknown`: nothing scored high enough — the assistant says it does not know.'),
  answer: z.string().nullable().describe('The answer text (a Q&A chunk\'s answer, or the passage that matched).'),
  reason: z.enum(['empty_question', 'no_match', 'low_confidence']).nullable().describe('Why there is no answer.'),
  confidence: z.number().describe('0–1 confidence of the best chunk.'),
  threshold: z.number().describe('The organization\'s answer threshold.'),
  matchedQuestion: z.string().nullable().describe('The phrasing the question matched.'),
  sources: z.array(sourceSchema).describe('Chunks the answer comes from (or the closest ones).'),
  results: z.array(searchResultSchema).describe('Every retrieved chunk with its scores.'),
});
