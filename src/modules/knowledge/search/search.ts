import type { Embedder } from '../../../adapters/embeddings/openai-embeddings.ts';
import type { Deps } from '../../../container.ts';
import { type DocumentLanguage, parseLanguage } from '../chunking/language.ts';
import { loadEmbedder } from '../settings.service.ts';
import { type AnalysisRow, analysisStatement, type QueryTerms, queryTermsOf } from './query-terms.ts';
import { type Candidate, retrieveCandidates } from './retrieval.repository.ts';
import { confidenceOf, lexicalEvidence, lexicalRelevance, reciprocalRankFusion } from './scoring.ts';
import { inSnapshot } from './snapshot.ts';
import { trigramSimilarity } from './trigram.ts';

/** Options of a knowledge search. */
export interface SearchOptions {
  /** Results to return (1–50, default 5). */
  limit?: number;
  /** The asker's language (es, pt, en; `pt-BR` works): documents in it are preferred. */
  language?: string;
  /** Restrict to these documents. */
  documentIds?: string[];
  /** `lexical` skips vectors even when an embeddings provider is configured. */
  mode?: 'auto' | 'lexical';
  /** Use this embedder instead of the organization's settings (evaluation, benchmarks). */
  embedder?: Embedder | null;
}

/** One retrieved chunk with where it comes from and how well it matches. */
export interface SearchResult {
  documentId: string;
  documentTitle: string;
  documentLanguage: string | null;
  chunkId: string;
  kind: 'qa' | 'text';
  topic: string | null;
  heading: string | null;
  content: string;
  /** For Q&A chunks: the phrasing closest to the query, every phrasing, and the one answer. */
  matchedQuestion: string | null;
  questions: string[];
  answer: string | null;
  /** Reciprocal-rank-fusion score (orders the results). */
  score: number;
  /** 0–1: how sure we are this chunk answers the query (compared with the answer threshold). */
  confidence: number;
  signals: { fullText: number | null; trigram: number | null; coverage: number; questionCoverage: number; vector: number | null };
}

/** A search's results and how they were obtained. */
export interface SearchResponse {
  query: string;
  language: DocumentLanguage | null;
  results: SearchResult[];
  /** Whether the vector leg took part; when not, `lexicalReason` says why. */
  vector: boolean;
  lexicalReason: 'disabled' | 'no_provider' | 'no_vector_extension' | 'provider_error' | null;
}

/** Below this trigram similarity a phrasing is not considered close to the query. */
const MIN_TRIGRAM = 0.2;
const LANGUAGE_PREFERENCE = 1.25;
const MAX_QUERY = 1000;

/**
 * Hybrid search over an organization's active knowledge: PostgreSQL full-text search (each chunk with
 * its document's language configuration, accents folded), trigram similarity against every question
 * phrasing (typos), IDF-weighted lexical coverage, and — when an embeddings provider is configured and
 * pgvector exists — vector similarity, fused by reciprocal rank. Each result carries a 0–1 confidence.
 * Without a provider (or when it fails) the lexical legs answer alone.
 *
 * The query's analysis, the lexicon it is weighed against and the retrieval read one snapshot of the
 * knowledge: a re-upload activated meanwhile (possibly in another language, so indexed with another
 * configuration) is seen entirely or not at all. On PostgreSQL that is two round trips after the query
 * embedding — BEGIN with the analysis, then the retrieval — plus one for the lexicon when the knowledge
 * changed since it was cached.
 */
export async function searchKnowledge(deps: Pick<Deps, 'database' | 'secrets' | 'config' | 'logger'>, organizationId: string, query: string, options: SearchOptions = {}): Promise<SearchResponse> {
  // Control characters carry nothing searchable (and NUL cannot travel in a PostgreSQL string).
  const text = query.replace(/[\s\p{Cc}]+/gu, ' ').trim().slice(0, MAX_QUERY);
  const limit = Math.min(50, Math.max(1, options.limit ?? 5));
  // Only a language the caller knows (the conversation's) is used: short questions are too short to detect reliably.
  const language = parseLanguage(options.language) ?? null;
  const empty: SearchResponse = { query: text, language, results: [], vector: false, lexicalReason: null };
  if (!text) return empty;
  const { database } = deps;

  // The embedding first: the snapshot's connection is not held while a provider answers.
  const embedding = await vectorOf(deps, organizationId, text, options);
  const { terms, candidates } = await inSnapshot<AnalysisRow, { terms: QueryTerms; candidates: Candidate[] }>(database, analysisStatement(organizationId, text), async ([row], read) => {
    const terms = await queryTermsOf(read, organizationId, row!);
    const candidates = await retrieveCandidates(read, {
      organizationId,
      terms,
      vector: embedding.vector && embedding.key ? { values: embedding.vector, modelKey: embedding.key } : undefined,
      documentIds: options.documentIds,
    });
    return { terms, candidates };
  });
  const evaluated = candidates.map((c) => evaluate(c, terms, text, c.vector?.score ?? (embedding.vector ? 0 : null)));
  const ranked = (score: (e: (typeof evaluated)[number]) => number) =>
    evaluated
      .filter((e) => score(e) > 0)
      .sort((a, b) => score(b) - score(a))
      .map((e) => e.detail.id);
  // Four ranked lists fused by reciprocal rank: full-text rank, trigram similarity to the closest phrasing
  // (typos, word order), IDF-weighted lexical coverage, and vector similarity.
  const fused = reciprocalRankFusion([
    { ids: ranked((e) => (e.detail.fullText ? 1 / e.detail.fullText.rank : 0)), weight: 1 },
    { ids: ranked((e) => (e.questionSimilarity >= MIN_TRIGRAM ? e.questionSimilarity : 0)), weight: 1 },
    { ids: ranked((e) => e.relevance), weight: 1.5 },
    { ids: ranked((e) => (e.detail.vector ? 1 / e.detail.vector.rank : 0)), weight: 1 },
  ]);
  const byId = new Map(evaluated.map((e) => [e.detail.id, e]));
  const results: SearchResult[] = [];
  for (const { id, score } of fused) {
    const e = byId.get(id);
    if (!e) continue;
    const d = e.detail;
    const preferred = language && d.language === language ? LANGUAGE_PREFERENCE : 1;
    results.push({
      documentId: d.documentId,
      documentTitle: d.title,
      documentLanguage: d.language,
      chunkId: d.id,
      kind: d.kind,
      topic: d.topic,
      heading: d.heading,
      content: d.content,
      matchedQuestion: e.matchedQuestion,
      questions: d.questions,
      answer: d.answer,
      score: Math.round(score * preferred * 1e5) / 1e5,
      confidence: e.confidence,
      signals: { fullText: d.fullText?.score ?? null, trigram: d.kind === 'qa' ? e.questionSimilarity : null, coverage: e.coverage, questionCoverage: e.questionCoverage, vector: d.vector?.score ?? null },
    });
  }
  results.sort((a, b) => b.score - a.score || b.confidence - a.confidence);
  return { query: text, language, results: results.slice(0, limit), vector: Boolean(embedding.vector), lexicalReason: embedding.reason };
}

function evaluate(d: Candidate, q: QueryTerms, text: string, vectorSimilarity: number | null) {
  const cfg = d.tsConfig;
  // A misspelt query lexeme counts as found when one of its expansions is.
  const found = (matched: string[]) => q.lexemes[cfg].filter((l) => matched.includes(l) || (q.expansions.get(`${cfg}:${l}`) ?? []).some((e) => matched.includes(e)));
  const evidence = lexicalEvidence(q.lexemes[cfg], found(d.matched), found(d.matchedInQuestions), (l) => q.weightOf(cfg, l));
  const scored = d.questions.map((question) => ({ question, similarity: trigramSimilarity(text, question) })).sort((a, b) => b.similarity - a.similarity);
  const best = scored[0];
  const questionSimilarity = Math.round((best?.similarity ?? 0) * 1000) / 1000;
  const signals = { ...evidence, kind: d.kind, questionSimilarity };
  return {
    detail: d,
    ...evidence,
    questionSimilarity,
    matchedQuestion: d.kind === 'qa' ? (best?.question ?? null) : null,
    relevance: lexicalRelevance(signals),
    confidence: confidenceOf({ ...signals, vectorSimilarity }),
  };
}

async function vectorOf(
  deps: Pick<Deps, 'database' | 'secrets' | 'config' | 'logger'>,
  organizationId: string,
  text: string,
  options: SearchOptions,
): Promise<{ vector: number[] | null; key: string | null; reason: SearchResponse['lexicalReason'] }> {
  if (options.mode === 'lexical') return { vector: null, key: null, reason: 'disabled' };
  if (!(await deps.database.hasVector())) return { vector: null, key: null, reason: 'no_vector_extension' };
  const embedder = options.embedder !== undefined ? options.embedder : await loadEmbedder(deps, organizationId);
  if (!embedder) return { vector: null, key: null, reason: 'no_provider' };
  try {
    const [vector] = await embedder.embed([text], { signal: AbortSignal.timeout(8_000) });
    return { vector: vector ?? null, key: embedder.key, reason: vector ? null : 'provider_error' };
  } catch (err) {
    deps.logger.warn({ err, organizationId }, 'query embedding failed; searching lexically');
    return { vector: null, key: null, reason: 'provider_error' };
  }
}
