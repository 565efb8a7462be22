import { type SQL, sql } from 'drizzle-orm';
import { type QueryTerms, TS_CONFIGS, type TsConfig } from './query-terms.ts';
import type { Read } from './snapshot.ts';

/** A candidate chunk with its place in each leg and the lexical evidence scoring needs. */
export interface Candidate {
  id: string;
  documentId: string;
  title: string;
  language: string | null;
  kind: 'qa' | 'text';
  topic: string | null;
  heading: string | null;
  questions: string[];
  answer: string | null;
  content: string;
  tsConfig: TsConfig;
  /** Full-text rank (`ts_rank_cd`) and 1-based position in that leg, when it found the chunk. */
  fullText: { score: number; rank: number } | null;
  /** Cosine similarity and position in the vector leg, when it found the chunk. */
  vector: { score: number; rank: number } | null;
  /** Query lexemes (or their typo expansions) found in the chunk's questions or answer/prose — not its title or topic. */
  matched: string[];
  /** The same, in its questions only. */
  matchedInQuestions: string[];
}

/** What one retrieval asks for. */
export interface RetrievalRequest {
  organizationId: string;
  terms: QueryTerms;
  /** The query's embedding and the settings fingerprint its vectors were stored under, for the vector leg. */
  vector?: { values: number[]; modelKey: string };
  documentIds?: string[];
}

/** Candidates kept from each leg (full-text, vector). */
const FULL_TEXT_DEPTH = 30;
const VECTOR_DEPTH = 15;
/** Matching chunks ranked per query are capped here (the searched lexemes are chosen to stay under it). */
const RANKED_MATCHES = 1000;

/** `'a' | 'b'` as a tsquery literal: any lexeme may match (ranking, not filtering, decides). */
export function orQuery(lexemes: string[]): string {
  return lexemes.map((l) => `'${l.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' | ');
}

/**
 * Both retrieval legs and the candidates' details in one statement, over the active versions of the
 * organization's documents only: full-text (chunks matching any searched lexeme with their own
 * configuration, ranked by `ts_rank_cd` — cover density, length-normalized, weights A questions > B topic
 * > C answer > D title) and, when a query vector is given, nearest chunks by cosine distance through the
 * per-dimension HNSW index. `read` runs it in the snapshot the query terms were analyzed in (sequential
 * scans off: see `inSnapshot`).
 */
export async function retrieveCandidates(read: Read, request: RetrievalRequest): Promise<Candidate[]> {
  const { organizationId, terms: q } = request;
  // Nothing to look for (no known word in the query, no vector): no statement.
  if (!request.vector && TS_CONFIGS.every((cfg) => !q.searched[cfg].length)) return [];
  const docFilter = request.documentIds?.length ? sql`and d.id = any(${`{${request.documentIds.join(',')}}`}::uuid[])` : sql``;
  const branches: SQL[] = [];
  const ranks: SQL[] = [];
  for (const cfg of TS_CONFIGS) {
    if (!q.searched[cfg].length) continue;
    const tsq = sql`to_tsquery('simple', ${orQuery(q.searched[cfg])})`;
    branches.push(sql`(c.ts_config = ${cfg} and c.tsv @@ ${tsq})`);
    ranks.push(sql`when ${cfg} then ts_rank_cd(m.tsv, ${tsq}, 1)`);
  }
  const fullText = branches.length
    ? sql`select m.id, (case m.ts_config ${sql.join(ranks, sql` `)} else 0 end)::float8 as score
            from (select c.id, c.tsv, c.ts_config from knowledge_chunks c
                   where c.organization_id = ${organizationId} and c.version_id in (select active_version_id from active)
                     and (${sql.join(branches, sql` or `)})
                   limit ${RANKED_MATCHES}) m
           order by score desc limit ${FULL_TEXT_DEPTH}`
    : sql`select null::uuid as id, 0::float8 as score where false`;
  let vector = sql`select null::uuid as id, 0::float8 as score where false`;
  if (request.vector) {
    const dims = sql.raw(String(Math.trunc(request.vector.values.length)));
    const literal = `[${request.vector.values.join(',')}]`;
    vector = sql`select e.chunk_id as id, (1 - (e.embedding::vector(${dims}) <=> ${literal}::vector(${dims})))::float8 as score
                   from knowledge_embeddings e
                   join knowledge_chunks c on c.id = e.chunk_id
                   join active a on a.active_version_id = c.version_id
                  where e.organization_id = ${organizationId} and e.model_key = ${request.vector.modelKey} and e.dims = ${request.vector.values.length}
                  order by e.embedding::vector(${dims}) <=> ${literal}::vector(${dims})
                  limit ${VECTOR_DEPTH}`;
  }
  const literal = (cfg: TsConfig) => {
    const all = [...q.lexemes[cfg], ...q.lexemes[cfg].flatMap((l) => q.expansions.get(`${cfg}:${l}`) ?? [])];
    return `{${all.map((l) => `"${l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
  };
  const lexemesFor = sql`(case c.ts_config when 'spanish' then ${literal('spanish')}::text[] when 'portuguese' then ${literal('portuguese')}::text[]
                              when 'english' then ${literal('english')}::text[] else ${literal('simple')}::text[] end)`;
  const rows = await read<{
    id: string;
    document_id: string;
    title: string;
    language: string | null;
    kind: 'qa' | 'text';
    topic: string | null;
    heading: string | null;
    questions: string[];
    answer: string | null;
    content: string;
    ts_config: TsConfig;
    f_score: number | null;
    f_rank: number | null;
    v_score: number | null;
    v_rank: number | null;
    matched: string[];
    matched_q: string[];
  }>(
    sql`
    with active as materialized (
      select d.id, d.active_version_id, d.title, d.language from knowledge_documents d
       where d.organization_id = ${organizationId} and d.active_version_id is not null ${docFilter}),
    f as (select id, score, row_number() over (order by score desc) as rank from (${fullText}) f0),
    v as (select id, score, row_number() over (order by score desc) as rank from (${vector}) v0),
    pool as (select id from f union select id from v)
    select c.id, c.document_id, a.title, a.language, c.kind, c.topic, c.heading, c.questions, c.answer, c.content, c.ts_config,
           f.score as f_score, f.rank as f_rank, v.score as v_score, v.rank as v_rank,
           array(select unnest(tsvector_to_array(ts_filter(c.tsv, '{a,c}'))) intersect select unnest(${lexemesFor})) as matched,
           array(select unnest(tsvector_to_array(ts_filter(c.tsv, '{a}'))) intersect select unnest(${lexemesFor})) as matched_q
      from pool
      join knowledge_chunks c on c.id = pool.id
      join active a on a.id = c.document_id and a.active_version_id = c.version_id
      left join f on f.id = c.id
      left join v on v.id = c.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    documentId: r.document_id,
    title: r.title,
    language: r.language,
    kind: r.kind,
    topic: r.topic,
    heading: r.heading,
    questions: r.questions,
    answer: r.answer,
    content: r.content,
    tsConfig: r.ts_config,
    fullText: r.f_rank === null ? null : { score: Number(r.f_score), rank: Number(r.f_rank) },
    vector: r.v_rank === null ? null : { score: Number(r.v_score), rank: Number(r.v_rank) },
    matched: r.matched,
    matchedInQuestions: r.matched_q,
  }));
}
