import type { Deps } from '../../container.ts';
import { DEFAULT_ANSWER_THRESHOLD, embedderOf, readSettings } from './settings.service.ts';
import { type SearchOptions, type SearchResult, searchKnowledge } from './search/search.ts';

/** A source an answer was taken from, to cite to agents and in the playground. */
export interface KnowledgeSource {
  documentId: string;
  documentTitle: string;
  chunkId: string;
  matchedQuestion: string | null;
  confidence: number;
  score: number;
}

/** What the knowledge base says about a question: an answer with its sources, or "I don't know". */
export type KnowledgeAnswer =
  | {
      status: 'answered';
      /** The text to answer with: a Q&A chunk's answer, or the passage of prose that matched. */
      answer: string;
      confidence: number;
      threshold: number;
      matchedQuestion: string | null;
      sources: KnowledgeSource[];
      /** Every retrieved chunk, best first (context for a language model). */
      results: SearchResult[];
    }
  | {
      status: 'unknown';
      /** `empty_question`, `no_match` (nothing related), `low_confidence` (related, not sure enough). */
      reason: 'empty_question' | 'no_match' | 'low_confidence';
      confidence: number;
      threshold: number;
      /** The closest chunks anyway, for an agent taking over or for the gaps log. */
      sources: KnowledgeSource[];
      results: SearchResult[];
    };

/** Options of `answerFromKnowledge`. */
export interface AnswerOptions extends SearchOptions {
  /** Overrides the organization's answer threshold (0–1). */
  threshold?: number;
}

/**
 * Answers a question from the knowledge base without inventing: the best retrieved chunk answers when
 * its confidence reaches the organization's threshold; otherwise the result is "unknown" (with the
 * closest sources), which the assistant turns into "I don't know" and logs as a knowledge gap.
 */
export async function answerFromKnowledge(
  deps: Pick<Deps, 'database' | 'secrets' | 'config' | 'logger'>,
  organizationId: string,
  question: string,
  options: AnswerOptions = {},
): Promise<KnowledgeAnswer> {
  // The settings are read once for both the threshold and the embedder (only when the vector leg can run).
  const vectors = options.mode !== 'lexical' && options.embedder === undefined && (await deps.database.hasVector());
  const settings = options.threshold === undefined || vectors ? await readSettings(deps.database.db, organizationId) : null;
  const threshold = options.threshold ?? settings?.answerThreshold ?? DEFAULT_ANSWER_THRESHOLD;
  if (!question.trim()) return { status: 'unknown', reason: 'empty_question', confidence: 0, threshold, sources: [], results: [] };
  const search = await searchKnowledge(deps, organizationId, question, { ...options, limit: options.limit ?? 5, ...(vectors && settings ? { embedder: embedderOf(deps, settings) } : {}) });
  return judgeAnswer(search.results, threshold);
}

/**
 * The answer that search results give at a threshold: the best result when its confidence reaches it,
 * otherwise "unknown" with the closest sources. (A caller that searched before it knew the threshold —
 * the assistant's turn searches beside loading its settings — judges the results once it does.)
 */
export function judgeAnswer(results: SearchResult[], threshold: number): KnowledgeAnswer {
  const sources = results.map(sourceOf);
  const best = results[0];
  if (!best) return { status: 'unknown', reason: 'no_match', confidence: 0, threshold, sources, results };
  if (best.confidence < threshold) return { status: 'unknown', reason: 'low_confidence', confidence: best.confidence, threshold, sources, results };
  return {
    status: 'answered',
    answer: best.kind === 'qa' && best.answer ? best.answer : best.content,
    confidence: best.confidence,
    threshold,
    matchedQuestion: best.matchedQuestion,
    sources: sources.filter((s) => s.confidence >= threshold).slice(0, 3),
    results,
  };
}

function sourceOf(r: SearchResult): KnowledgeSource {
  return { documentId: r.documentId, documentTitle: r.documentTitle, chunkId: r.chunkId, matchedQuestion: r.matchedQuestion, confidence: r.confidence, score: r.score };
}
