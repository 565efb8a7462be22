/** A ranked list from one retriever (full-text, trigram, lexical relevance, vector). */
export interface RankedList {
  ids: string[];
  weight: number;
}

/** The constant of reciprocal-rank fusion: large enough that no single list's first place dominates. */
export const RRF_K = 60;

/**
 * Reciprocal-rank fusion: each list contributes `weight / (k + rank)` to every id it ranks. Returns the
 * ids by fused score, best first (ties keep the order of first appearance, i.e. the first list's order).
 */
export function reciprocalRankFusion(lists: RankedList[], k = RRF_K): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    for (const [index, id] of list.ids.entries()) scores.set(id, (scores.get(id) ?? 0) + list.weight / (k + index + 1));
  }
  return [...scores.entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}

/** BM25's inverse document frequency: rare lexemes weigh more; a lexeme the knowledge base lacks weighs most. */
export function idf(documentFrequency: number, total: number): number {
  const n = Math.max(total, documentFrequency, 1);
  return Math.log(1 + (n - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/** The lexical evidence of one chunk for one query. */
export interface LexicalEvidence {
  /** IDF-weighted share of the query's lexemes found anywhere in the chunk (0–1). */
  coverage: number;
  /** The same, counting only lexemes found in the chunk's questions. */
  questionCoverage: number;
}

/** Computes IDF-weighted coverage from the query's lexemes (under the chunk's configuration) and those the chunk matched. */
export function lexicalEvidence(queryLexemes: string[], matched: string[], matchedInQuestions: string[], weightOf: (lexeme: string) => number): LexicalEvidence {
  const total = queryLexemes.reduce((sum, l) => sum + weightOf(l), 0);
  if (total <= 0) return { coverage: 0, questionCoverage: 0 };
  const sum = (ls: string[]) => ls.reduce((s, l) => s + weightOf(l), 0);
  return { coverage: Math.min(1, sum(matched) / total), questionCoverage: Math.min(1, sum(matchedInQuestions) / total) };
}

/** Every signal the confidence of a result is made of. */
export interface ConfidenceSignals extends LexicalEvidence {
  kind: 'qa' | 'text';
  /** Trigram similarity of the query to the closest phrasing of the question (Q&A chunks). */
  questionSimilarity: number;
  /** Cosine similarity of the query's and the chunk's embeddings, when vectors are on. */
  vectorSimilarity: number | null;
}

/** Cosine similarity at or below which a vector match says nothing, and the span above it that maps to full confidence. */
export const VECTOR_FLOOR = 0.45;
const VECTOR_SPAN = 0.4;

/** A match only in the answer (or prose) counts this much of a match in a question. */
const ANSWER_FIELD_WEIGHT = 0.7;

/** Coverage with matches in questions at full weight and matches elsewhere discounted (BM25F-like field weighting). */
export function weightedCoverage(s: LexicalEvidence): number {
  return s.questionCoverage + ANSWER_FIELD_WEIGHT * Math.max(0, s.coverage - s.questionCoverage);
}

/**
 * How sure we are that a chunk answers the query, from 0 to 1, comparable to the organization's threshold.
 * Lexically: a query that closely restates one of the phrasings (trigram similarity) is a direct hit; a
 * paraphrase is judged by how much of the query's information (IDF-weighted lexemes) the chunk covers,
 * with matches in the question counting more than matches in the answer; prose needs higher coverage.
 * Vectors can lift a result (paraphrases, other languages) but never lower a good lexical one.
 */
export function confidenceOf(s: ConfidenceSignals): number {
  const covered = weightedCoverage(s);
  const lexical = s.kind === 'qa' ? Math.max(s.questionSimilarity, 0.75 * covered + 0.25 * s.questionSimilarity) : 0.85 * covered;
  const vector = s.vectorSimilarity === null ? 0 : clamp((s.vectorSimilarity - VECTOR_FLOOR) / VECTOR_SPAN);
  return round(Math.max(lexical, vector, lexical + vector * (1 - lexical) * 0.5));
}

/** Combined lexical relevance used to rank candidates (the third list of the fusion). */
export function lexicalRelevance(s: Omit<ConfidenceSignals, 'vectorSimilarity'>): number {
  const covered = weightedCoverage(s);
  return s.kind === 'qa' ? 0.8 * covered + 0.2 * s.questionSimilarity : 0.8 * covered;
}

function clamp(x: number): number {
  return Math.max(0, Math.min(1, x));
}

function round(x: number): number {
  return Math.round(clamp(x) * 1000) / 1000;
}
