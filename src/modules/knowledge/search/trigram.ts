import { foldText } from '../chunking/normalize.ts';

/**
 * Trigram similarity as PostgreSQL's pg_trgm computes it — words (letters and digits) lower-cased and
 * accent-folded, padded with two spaces before and one after, similarity = shared / all distinct trigrams —
 * done in process for the handful of phrasings of each candidate.
 */
export function trigramSimilarity(a: string, b: string): number {
  const x = queryTrigrams(a);
  const y = trigramSet(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return shared / (x.size + y.size - shared);
}

let lastQuery: { text: string; set: Set<string> } | undefined;

/**
 * The trigram set of the first text compared: a search compares its query with every phrasing of every
 * candidate, so the query's set is kept for the next call (a pure function of the text, never mutated).
 */
function queryTrigrams(text: string): Set<string> {
  if (lastQuery?.text !== text) lastQuery = { text, set: trigramSet(text) };
  return lastQuery.set;
}

/** The trigram set of a text (exported for tests). */
export function trigramSet(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of foldText(text).split(/[^\p{L}\p{N}]+/u)) {
    if (!word) continue;
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  }
  return out;
}
