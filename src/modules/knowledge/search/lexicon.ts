import { sql } from 'drizzle-orm';
import type { Read } from './snapshot.ts';

/**
 * An organization's lexicon — every lexeme of its active chunks with its document frequency — held in
 * memory with a trigram index, so a query's IDF weights and its typo corrections cost no database work.
 * It is reloaded when the organization's knowledge changes (see `lexiconFor`).
 */
export class Lexicon {
  readonly #df = new Map<string, number>();
  readonly #terms: { key: string; lexeme: string }[] = [];
  readonly #postings = new Map<string, number[]>();

  constructor(
    rows: { ts_config: string; lexeme: string; chunk_count: number }[],
    readonly total: number,
  ) {
    for (const r of rows) {
      const key = `${r.ts_config}:${r.lexeme}`;
      this.#df.set(key, Number(r.chunk_count));
      const id = this.#terms.push({ key, lexeme: r.lexeme }) - 1;
      for (const g of trigrams(r.lexeme)) {
        const list = this.#postings.get(`${r.ts_config}:${g}`);
        if (list) list.push(id);
        else this.#postings.set(`${r.ts_config}:${g}`, [id]);
      }
    }
  }

  /** Number of active chunks containing `lexeme` (0 when unknown). */
  df(cfg: string, lexeme: string): number {
    return this.#df.get(`${cfg}:${lexeme}`) ?? 0;
  }

  /** Whether the knowledge base contains the lexeme. */
  has(cfg: string, lexeme: string): boolean {
    return this.#df.has(`${cfg}:${lexeme}`);
  }

  /**
   * Known lexemes within `maxEdits` of `lexeme` (Damerau–Levenshtein, a transposition counting as one),
   * closest and most frequent first. Candidates share at least one trigram with it.
   */
  similar(cfg: string, lexeme: string, maxEdits: number, limit = 3): string[] {
    const grams = trigrams(lexeme);
    const counts = new Map<number, number>();
    for (const g of grams) {
      for (const id of this.#postings.get(`${cfg}:${g}`) ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // One edit (a transposition included) changes at most four of a word's trigrams.
    const needed = Math.max(1, grams.size - 4 * maxEdits);
    const out: { lexeme: string; distance: number; df: number }[] = [];
    for (const [id, shared] of counts) {
      if (shared < needed) continue;
      const term = this.#terms[id]!;
      if (Math.abs(term.lexeme.length - lexeme.length) > maxEdits) continue;
      const distance = editDistance(lexeme, term.lexeme, maxEdits);
      if (distance <= maxEdits) out.push({ lexeme: term.lexeme, distance, df: this.#df.get(term.key) ?? 0 });
    }
    return out
      .sort((a, b) => a.distance - b.distance || b.df - a.df)
      .slice(0, limit)
      .map((c) => c.lexeme);
  }
}

const cache = new Map<string, { version: string; lexicon: Promise<Lexicon> }>();
const MAX_CACHED = 64;

/**
 * The organization's lexicon for a knowledge `version` (a fingerprint of its active documents that changes
 * whenever a version is activated or a document deleted). `read` must run in the snapshot the fingerprint
 * was read in, so the lexicon cached under it holds exactly that version's document frequencies. Loaded
 * once per version and process; the least recently used organizations are dropped past 64.
 */
export function lexiconFor(read: Read, organizationId: string, version: string, total: number): Promise<Lexicon> {
  const hit = cache.get(organizationId);
  if (hit && hit.version === version) {
    cache.delete(organizationId);
    cache.set(organizationId, hit);
    return hit.lexicon;
  }
  const lexicon = read<{ ts_config: string; lexeme: string; chunk_count: number }>(
    sql`select ts_config, lexeme, chunk_count from knowledge_terms where organization_id = ${organizationId}`,
  ).then((rows) => new Lexicon(rows, total));
  lexicon.catch(() => {
    if (cache.get(organizationId)?.lexicon === lexicon) cache.delete(organizationId);
  });
  cache.set(organizationId, { version, lexicon });
  while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return lexicon;
}

function trigrams(word: string): Set<string> {
  const padded = `  ${word} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

/** Damerau–Levenshtein distance (optimal string alignment), giving up early past `max` (returns max + 1). */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length]![b.length]!;
}
