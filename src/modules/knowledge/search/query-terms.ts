import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import { lexiconFor } from './lexicon.ts';
import { idf } from './scoring.ts';
import type { Read } from './snapshot.ts';

/** The text-search configurations chunks can be indexed with. */
export const TS_CONFIGS = ['spanish', 'portuguese', 'english', 'simple'] as const;
export type TsConfig = (typeof TS_CONFIGS)[number];

const STEMMERS: Record<TsConfig, string> = { spanish: 'spanish_stem', portuguese: 'portuguese_stem', english: 'english_stem', simple: 'simple' };
const CONFIG_OF_LANGUAGE: Record<string, TsConfig> = { es: 'spanish', pt: 'portuguese', en: 'english', other: 'simple' };

/** A query as the database sees it, with what the knowledge base knows about each of its lexemes. */
export interface QueryTerms {
  /** The query's lexemes under every configuration in use. */
  lexemes: Record<TsConfig, string[]>;
  /** The accent-folded, lower-cased query (for trigram similarity to questions). */
  norm: string;
  /** Known lexemes a misspelt (or run-together) one stands for (`cfg:lexeme` → lexemes). */
  expansions: Map<string, string[]>;
  /** The lexemes the full-text leg searches for, per configuration (the rarest ones, and expansions). */
  searched: Record<TsConfig, string[]>;
  /** IDF weight of a query lexeme (its expansion's, for a misspelt one). */
  weightOf(cfg: TsConfig, lexeme: string): number;
}

/**
 * Matches the full-text leg ranks are bounded by this many (by document frequency): the query's rarest
 * lexemes are searched for until their matches would exceed it; common ones only weigh in scoring.
 */
const SEARCH_BUDGET = 600;

/** What the analysis statement returns: the query's lexemes under every configuration and the knowledge's fingerprint. */
export type AnalysisRow = Record<TsConfig, string[]> & { norm: string; total: number; version: string; languages: string[] | null };

/**
 * The statement that analyzes a query: stems and folds it with every configuration (stop words dropped
 * before folding — the lists are accented, `están`, `você` — the rest stemmed after, as chunks were
 * indexed), and reads the fingerprint of the organization's knowledge (which keys its in-memory lexicon),
 * its chunk count and the languages in use. Values are inlined as escaped literals so the statement can
 * open a snapshot in the same round trip (see `inSnapshot`).
 */
export function analysisStatement(organizationId: string, query: string): SQL {
  const text = sql.raw(pg.escapeLiteral(query));
  const lexemesOf = (cfg: TsConfig) =>
    sql`tsvector_to_array(to_tsvector(${sql.raw(`'${cfg}'`)}, charla_unaccent(coalesce((
          select string_agg(p.token, ' ') from ts_parse('default', ${text}) p
           where p.tokid <> 12 and coalesce(ts_lexize(${sql.raw(`'${STEMMERS[cfg]}'`)}, lower(p.token)), '{x}') <> '{}'), ''))))`;
  return sql`
    select ${lexemesOf('spanish')} as spanish, ${lexemesOf('portuguese')} as portuguese, ${lexemesOf('english')} as english,
           ${lexemesOf('simple')} as simple, lower(charla_unaccent(${text})) as norm, s.total, s.version, s.languages
      from (select coalesce(sum(chunk_count), 0)::int as total,
                   count(*) || ':' || coalesce(sum(extract(epoch from processed_at)), 0) || ':' || coalesce(sum(chunk_count), 0) as version,
                   array_agg(distinct coalesce(language, 'other')) as languages
              from knowledge_documents where organization_id = ${sql.raw(pg.escapeLiteral(organizationId))} and active_version_id is not null) s`;
}

/**
 * A query's terms from its analysis row and the organization's lexicon for the row's fingerprint (read
 * with `read`, in the same snapshot as the row, when it is not cached): the lexemes of the configurations
 * in use, typo and run-together expansions, IDF weights and the lexemes the full-text leg searches for.
 */
export async function queryTermsOf(read: Read, organizationId: string, row: AnalysisRow): Promise<QueryTerms> {
  const inUse = new Set((row.languages ?? []).map((l) => CONFIG_OF_LANGUAGE[l] ?? 'simple'));
  const lexemes = {} as Record<TsConfig, string[]>;
  for (const cfg of TS_CONFIGS) lexemes[cfg] = inUse.has(cfg) ? row[cfg] : [];
  const total = Number(row.total);
  const lexicon = await lexiconFor(read, organizationId, String(row.version), total);

  const expansions = new Map<string, string[]>();
  for (const cfg of TS_CONFIGS) {
    for (const l of lexemes[cfg]) {
      if (lexicon.has(cfg, l) || l.length < 4 || /\d/.test(l)) continue;
      const similar = lexicon.similar(cfg, l, l.length >= 7 ? 2 : 1);
      const parts = similar.length ? similar : compoundParts(l, (p) => lexicon.has(cfg, p));
      if (parts.length) expansions.set(`${cfg}:${l}`, parts);
    }
  }
  const weightOf = (cfg: TsConfig, lexeme: string) => {
    const expanded = expansions.get(`${cfg}:${lexeme}`);
    if (expanded?.length) return Math.max(...expanded.map((e) => idf(lexicon.df(cfg, e), total)));
    return idf(lexicon.df(cfg, lexeme), total);
  };
  const searched = {} as Record<TsConfig, string[]>;
  for (const cfg of TS_CONFIGS) {
    const candidates = [...new Set([...lexemes[cfg].filter((l) => lexicon.has(cfg, l)), ...lexemes[cfg].flatMap((l) => expansions.get(`${cfg}:${l}`) ?? [])])];
    candidates.sort((a, b) => lexicon.df(cfg, a) - lexicon.df(cfg, b));
    let spent = 0;
    searched[cfg] = candidates.filter((l, i) => {
      spent += lexicon.df(cfg, l);
      return i === 0 || spent <= SEARCH_BUDGET;
    });
  }
  return { lexemes, norm: row.norm, expansions, searched, weightOf };
}

/** The known lexemes a run-together word is made of (`envigratis` → `envi`, `gratis`; `contraentreg` → `entreg`), or none. */
function compoundParts(word: string, known: (lexeme: string) => boolean): string[] {
  const cuts: [string, string][] = [];
  for (let i = 4; i <= word.length - 4; i++) cuts.push([word.slice(0, i), word.slice(i)]);
  cuts.sort((a, b) => Math.abs(a[0].length - a[1].length) - Math.abs(b[0].length - b[1].length));
  for (const [left, right] of cuts) {
    const leftKnown = [left, left.slice(0, -1), left.slice(0, -2)].find(known);
    if (leftKnown && known(right)) return [leftKnown, right];
  }
  // A short prefix that is not indexed (often a stop word: `contra`, `para`, `sobre`) before a known word.
  for (const [left, right] of cuts) if (left.length <= 6 && right.length >= 5 && known(right)) return [right];
  return [];
}
