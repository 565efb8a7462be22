import { sql } from 'drizzle-orm';
import type { Database, Db } from '../../db/client.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { newId } from '../../shared/ids.ts';
import type { Chunk } from './chunking/chunker.ts';

const BATCH = 400;

/** A chunk with the id it will be stored under (ids are assigned before storing so vectors can be computed first). */
export type PreparedChunk = Chunk & { id: string };

/** Assigns ids to a version's chunks. */
export function prepareChunks(chunks: Chunk[]): PreparedChunk[] {
  return chunks.map((c) => ({ ...c, id: newId() }));
}

/**
 * Inserts a version's chunks. The `tsvector` is built in SQL with the
 * document's configuration over accent-folded text, weighted so a match in a question (A) outranks the
 * topic and headings (B), the answer or prose (C) and the document title (D).
 */
export async function insertChunks(
  tx: Db,
  input: { organizationId: string; documentId: string; versionId: string; title: string; tsConfig: string; chunks: PreparedChunk[] },
): Promise<void> {
  for (let start = 0; start < input.chunks.length; start += BATCH) {
    const records = input.chunks.slice(start, start + BATCH).map((c, i) => ({
      id: c.id,
      ordinal: start + i,
      kind: c.kind,
      topic: c.topic,
      heading: c.heading,
      questions: c.questions,
      answer: c.answer,
      content: c.content,
    }));
    await tx.execute(sql`
      insert into knowledge_chunks (id, organization_id, document_id, version_id, ordinal, kind, topic, heading, questions, answer, content, ts_config, tsv)
      select r.id, ${input.organizationId}, ${input.documentId}, ${input.versionId}, r.ordinal, r.kind, r.topic, r.heading,
             coalesce(r.questions, '{}'), r.answer, r.content, ${input.tsConfig},
             setweight(to_tsvector(${input.tsConfig}::regconfig, charla_unaccent(array_to_string(coalesce(r.questions, '{}'), ' '))), 'A')
          || setweight(to_tsvector(${input.tsConfig}::regconfig, charla_unaccent(concat_ws(' ', r.topic, r.heading))), 'B')
          || setweight(to_tsvector(${input.tsConfig}::regconfig, charla_unaccent(coalesce(r.answer, r.content))), 'C')
          || setweight(to_tsvector(${input.tsConfig}::regconfig, charla_unaccent(${input.title})), 'D')
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
          as r(id uuid, ordinal int, kind text, topic text, heading text, questions text[], answer text, content text)`);
  }
}

/** A chunk as stored: its id and what an embedding is computed from. */
export interface StoredChunk {
  id: string;
  embeddingText: string;
}

/** What is embedded for a chunk: its context (title, topic, heading) and its text. */
export function embeddingTextOf(chunk: { topic: string | null; heading: string | null; content: string }, title: string): string {
  return [title, chunk.topic, chunk.heading, chunk.content].filter(Boolean).join('\n').slice(0, 8000);
}

/** Deletes the chunks (and, by cascade, questions and embeddings) of one version. */
export async function deleteVersionChunks(tx: Db, organizationId: string, versionId: string): Promise<void> {
  await tx.execute(sql`delete from knowledge_chunks where organization_id = ${organizationId} and version_id = ${versionId}`);
}

/**
 * Makes sure the vector table exists (the migration creates it only where pgvector was installed at the
 * time) and that an HNSW index covers vectors of `dims` dimensions. Idempotent; false without pgvector.
 */
export async function ensureVectorStore(database: Database, dims?: number): Promise<boolean> {
  if (!(await database.hasVector())) return false;
  await database.exec(`
    CREATE TABLE IF NOT EXISTS knowledge_embeddings (
      chunk_id uuid PRIMARY KEY REFERENCES knowledge_chunks(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      model_key text NOT NULL,
      dims integer NOT NULL,
      embedding vector NOT NULL
    );
    CREATE INDEX IF NOT EXISTS knowledge_embeddings_org_model_idx ON knowledge_embeddings (organization_id, model_key);`);
  if (dims && Number.isInteger(dims) && dims > 0 && dims <= 2000) {
    // HNSW needs a fixed dimension: one partial index per dimension in use, over a typed cast.
    await database.exec(
      `CREATE INDEX IF NOT EXISTS knowledge_embeddings_hnsw_${dims} ON knowledge_embeddings USING hnsw ((embedding::vector(${dims})) vector_cosine_ops) WHERE dims = ${dims}`,
    );
  }
  return true;
}

/** Stores vectors for chunks (replacing older ones). Skips chunks deleted meanwhile. */
export async function upsertEmbeddings(db: Db, organizationId: string, modelKey: string, items: { chunkId: string; vector: number[] }[]): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = items.slice(start, start + BATCH).map((i) => ({ c: i.chunkId, d: i.vector.length, v: `[${i.vector.join(',')}]` }));
    await db.execute(sql`
      insert into knowledge_embeddings (chunk_id, organization_id, model_key, dims, embedding)
      select r.c, ${organizationId}, ${modelKey}, r.d, r.v::vector
        from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as r(c uuid, d int, v text)
        join knowledge_chunks k on k.id = r.c and k.organization_id = ${organizationId}
      on conflict (chunk_id) do update set model_key = excluded.model_key, dims = excluded.dims, embedding = excluded.embedding`);
  }
}

/** Chunks of an organization without a vector under `modelKey` (a page of them). */
export async function chunksMissingEmbeddings(db: Db, organizationId: string, modelKey: string, limit: number): Promise<StoredChunk[]> {
  const rows = await rowsOf<{ id: string; topic: string | null; heading: string | null; content: string; title: string }>(
    db,
    sql`select c.id, c.topic, c.heading, c.content, d.title
          from knowledge_chunks c
          join knowledge_documents d on d.id = c.document_id
          left join knowledge_embeddings e on e.chunk_id = c.id and e.model_key = ${modelKey}
         where c.organization_id = ${organizationId} and e.chunk_id is null
         order by c.id
         limit ${limit}`,
  );
  return rows.map((r) => ({ id: r.id, embeddingText: embeddingTextOf(r, r.title) }));
}

/**
 * Adds (`sign` 1) or removes (`sign` -1) a version's lexemes to the organization's document frequencies.
 * Only questions and answers/prose count (weights A and C): a title or topic repeated on every chunk
 * is context, not evidence of what a chunk is about.
 * Rows are touched in lexeme order so concurrent activations in one organization cannot deadlock.
 */
export async function applyTermStatistics(tx: Db, organizationId: string, versionId: string, sign: 1 | -1): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(versionId)) throw new Error('invalid version id');
  const source = `select tsv from knowledge_chunks where version_id = '${versionId}'`;
  await tx.execute(sql`
    insert into knowledge_terms (organization_id, ts_config, lexeme, chunk_count)
    select ${organizationId}, cfg.ts_config, s.word, ${sign} * s.ndoc
      from ts_stat(${source}, 'ac') s,
           (select ts_config from knowledge_chunks where version_id = ${versionId} limit 1) cfg
     order by s.word
    on conflict (organization_id, ts_config, lexeme) do update set chunk_count = knowledge_terms.chunk_count + excluded.chunk_count`);
  if (sign < 0) await tx.execute(sql`delete from knowledge_terms where organization_id = ${organizationId} and chunk_count <= 0`);
}
